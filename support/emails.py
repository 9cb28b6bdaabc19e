"""What support's e-mails say, in the candidate's language. Sent by ``tasks``.

The reply quotes the candidate's own subject back to them, and support's words:
it goes only to the account's confirmed address, never to one typed in a form.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.i18n import interpolate_lazy
from core.mail import absolute_url, send_templated


def send_reply(reply) -> None:
    request = reply.request
    candidate = request.candidate
    send_templated(
        to=candidate.email,
        language=candidate.language,
        subject=interpolate_lazy(_("Re: %(subject)s"), subject=request.subject),
        template="support/email/reply",
        context={
            "candidate": candidate,
            "request": request,
            "reply": reply,
            "contact_url": absolute_url(reverse("support:contact")),
        },
    )
