"""The help page, and the form where a signed-in candidate writes to support."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from accounts import ratelimit
from vouchers.models import change_cutoff_hours

from . import services
from .errors import Refused
from .forms import ContactForm
from .models import SupportRequest


class HelpView(TemplateView):
    """The offer's rules in plain words, for anyone."""

    template_name = "support/help.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(change_cutoff_hours=change_cutoff_hours(), **kwargs)


class ContactView(LoginRequiredMixin, FormView):
    """Write to support, and see the requests sent before with their answers.

    Limited per account (``ratelimit.SUPPORT_REQUESTS_PER_ACCOUNT``), counted before
    the form is read, as every door that reaches a person is.
    """

    template_name = "support/contact.html"
    form_class = ContactForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "candidate": self.request.user}

    def get_context_data(self, **kwargs):
        requests = (
            SupportRequest.objects.filter(candidate=self.request.user)
            .select_related("voucher")
            .prefetch_related("replies")
            .order_by("-created_at", "-pk")[:20]
        )
        return super().get_context_data(requests=requests, **kwargs)

    def post(self, request, *args, **kwargs):
        reservation = ratelimit.reserve(
            (ratelimit.SUPPORT_REQUESTS_PER_ACCOUNT, ratelimit.signed_in_email(request))
        )
        if not reservation.allowed:
            return ratelimit.too_many_attempts(
                request, reservation.retry_after, what="support requests"
            )
        response = super().post(request, *args, **kwargs)
        if response.status_code != 302:
            reservation.give_back()  # a form to correct is not a request sent
        return response

    def form_valid(self, form):
        try:
            services.send_support_request(
                candidate=self.request.user,
                voucher=form.cleaned_data["voucher"],
                subject=form.cleaned_data["subject"],
                message=form.cleaned_data["message"],
            )
        except Refused as refusal:
            form.add_error("voucher", refusal.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Thank you: your request is with support. We answer by e-mail to %(email)s.")
            % {"email": self.request.user.email},
        )
        return redirect("support:contact")
