"""Handing a new pack's voucher numbers over to the account manager, once.

Numbers are secrets (SPEC "What each person sees"): the database keeps only
their keyed hash, and ``issue_pack`` returns them in the clear once. The admin
keeps them for the one hand-over in the issuing manager's session, for at
most ``HOLD_FOR``, and allows each use once:

- ``show``: the page after issuing shows them on its first display; a reload
  shows them no more;
- ``csv``: one download of a CSV file;
- ``email``: one e-mail to the customer's contact.

"Done", the last remaining use, signing out or ``HOLD_FOR`` forgets them.
The numbers stay server-side (the session store) rather than in the page, so
nothing the browser sends back is trusted to be a number, and the page after
issuing is reached by a redirect, so a reload can never issue a second pack.
"""

import csv
import io
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .. import numbers
from ..services import IssuedPack

SESSION_KEY = "backoffice.issued_numbers"
HOLD_FOR = timedelta(minutes=15)
USES = ("show", "csv", "email")


def _now() -> float:
    return time.time()


def _held(request) -> dict:
    """Return the session's numbers, minus those held too long."""
    now = _now()
    held = request.session.get(SESSION_KEY, {})
    fresh = {pack: entry for pack, entry in held.items() if entry["until"] > now}
    if fresh != held:
        _save(request, fresh)
    return fresh


def _save(request, held: dict) -> None:
    if held:
        request.session[SESSION_KEY] = held
    else:
        request.session.pop(SESSION_KEY, None)


def keep(request, issued: IssuedPack) -> None:
    held = _held(request)
    held[str(issued.pack.pk)] = {
        "numbers": list(issued.numbers),
        "until": _now() + HOLD_FOR.total_seconds(),
        "uses": list(USES),
    }
    _save(request, held)


def uses_left(request, pack) -> set[str]:
    entry = _held(request).get(str(pack.pk))
    return set(entry["uses"]) if entry else set()


def numbers_for(request, pack, use: str) -> list[str] | None:
    """Return the pack's numbers if the use is still allowed, without spending it."""
    entry = _held(request).get(str(pack.pk))
    if entry is None or use not in entry["uses"]:
        return None
    return entry["numbers"]


def spend(request, pack, use: str) -> None:
    held = _held(request)
    entry = held.get(str(pack.pk))
    if entry is None:
        return
    entry["uses"] = [u for u in entry["uses"] if u != use]
    if not entry["uses"]:
        del held[str(pack.pk)]
    _save(request, held)


def forget(request, pack) -> None:
    held = _held(request)
    held.pop(str(pack.pk), None)
    _save(request, held)


# --- what is handed over -------------------------------------------------------

CSV_COLUMNS = ["voucher_number", "pack", "customer", "expires_on", "second_shot"]


def csv_cell(value) -> str:
    """Return the value safe for a spreadsheet: no cell starts a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def numbers_csv(pack, plain_numbers: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for number in plain_numbers:
        writer.writerow(
            [
                numbers.display(number),
                pack.pk,
                csv_cell(pack.customer.name),
                pack.expires_on.isoformat(),
                "yes" if pack.is_second_shot else "no",
            ]
        )
    return out.getvalue()


def email_numbers(pack, plain_numbers: list[str]) -> None:
    """E-mail the numbers to the customer's contact, with the expiry date and how to register."""
    context = {
        "pack": pack,
        "customer": pack.customer,
        "numbers": [numbers.display(number) for number in plain_numbers],
        "site_url": settings.SITE_URL,
    }
    kind = "Second Shot exam vouchers" if pack.is_second_shot else "exam vouchers"
    message = EmailMultiAlternatives(
        subject=f"Your {pack.exam_count} {kind}",
        body=render_to_string("vouchers/email/pack_numbers.txt", context),
        to=[pack.customer.contact_email],
    )
    message.attach_alternative(
        render_to_string("vouchers/email/pack_numbers.html", context), "text/html"
    )
    message.send()
