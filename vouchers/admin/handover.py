"""Handing a new pack's voucher numbers over to the account manager, once.

Numbers are secrets (SPEC "What each person sees"): the database keeps only
their keyed hash, and ``issue_pack`` returns them in the clear once. The admin
holds them for the one hand-over, for at most ``HOLD_FOR``, and allows each use
once:

- ``show``: the page after issuing shows them on its first display; a reload
  shows them no more;
- ``csv``: one download of a CSV file;
- ``email``: one e-mail to the customer's contact.

"Done", the last remaining use, signing out or ``HOLD_FOR`` forgets them.
The numbers stay server-side rather than in the page, so nothing the browser
sends back is trusted to be a number, and the page after issuing is reached by a
redirect, so a reload can never issue a second pack.

Where they are held: encrypted (``numbers.seal``, under a key from the
environment) in the shared cache, which drops them when ``HOLD_FOR`` ends,
whatever the manager does; the encryption itself expires then too. The
manager's session keeps only a random name for them and the uses left, so
neither a backup of the session table nor a copy of the cache yields a number.
"""

import csv
import io
import re
import secrets
import time
from datetime import timedelta

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.middleware import ServiceUnavailable

from .. import numbers, services
from ..services import IssuedPack

SESSION_KEY = "backoffice.issued_numbers"
HOLD_FOR = timedelta(minutes=15)
USES = ("show", "csv", "email")


def _now() -> float:
    return time.time()


class HandOverUnavailable(ServiceUnavailable):
    """The cache that holds the numbers could not be reached."""


def _cache_key(hold: str) -> str:
    return f"handover:{hold}"


def _cache(operation, *args, **kwargs):
    try:
        return operation(*args, **kwargs)
    except Exception as error:  # the backend's own errors: redis, memcached…
        raise HandOverUnavailable(str(error)) from error


def _held(request) -> dict:
    """Return the session's holds, minus those held too long."""
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
    hold = secrets.token_urlsafe(24)
    _cache(
        cache.set,
        _cache_key(hold),
        numbers.seal(list(issued.numbers)),
        timeout=int(HOLD_FOR.total_seconds()),
    )
    held[str(issued.pack.pk)] = {
        "hold": hold,
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
    sealed = _cache(cache.get, _cache_key(entry["hold"]))
    return None if sealed is None else numbers.unseal(sealed, max_age=HOLD_FOR)


def spend(request, pack, use: str) -> None:
    held = _held(request)
    entry = held.get(str(pack.pk))
    if entry is None:
        return
    entry["uses"] = [u for u in entry["uses"] if u != use]
    if not entry["uses"]:
        forget(request, pack)
        return
    _save(request, held)


def forget(request, pack) -> None:
    held = _held(request)
    entry = held.pop(str(pack.pk), None)
    if entry is not None:
        _cache(cache.delete, _cache_key(entry["hold"]))
    _save(request, held)


# --- what is handed over -------------------------------------------------------

CSV_COLUMNS = ["voucher_number", "pack", "customer", "expires_on", "second_shot"]


# What a spreadsheet may take for the start of a formula, and what it may split a line on.
FORMULA_START = "=+-@\t\r"
# A formula start after anything a spreadsheet may split cells on (its list separator,
# whatever the file's own): that piece would be a cell of its own, starting a formula.
_AFTER_A_SEPARATOR = re.compile(r"([,;\t|])(\s*)(?=[=+\-@])")


def csv_cell(value) -> str:
    """Return the value safe for a spreadsheet: no cell starts a formula, even where a
    spreadsheet that splits on ";" or tabs would cut the cell in two."""
    text = _AFTER_A_SEPARATOR.sub(r"\1\2'", str(value))
    return "'" + text if text.lstrip()[:1] in tuple(FORMULA_START) else text


def spreadsheet_writer(out):
    """A CSV writer for files a spreadsheet opens: every text cell quoted, so a cell that
    holds a comma stays one cell; numbers stay unquoted, to be summed."""
    return csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)


def numbers_csv(pack, plain_numbers: list[str]) -> str:
    out = io.StringIO()
    writer = spreadsheet_writer(out)
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


# --- the pages of the hand-over, on the pack admin ------------------------------------


class HandOverViews:
    """The pack admin's pages after issuing: the numbers once, the CSV, the e-mail, Done.

    CSV, e-mail and Done are POST only: a link prefetched by a browser or
    followed by a scanner must not spend a one-time use.
    """

    def get_urls(self):
        def numbers_path(route, view, name):
            return path(
                f"<path:object_id>/numbers/{route}",
                self.admin_site.admin_view(view),
                name=f"vouchers_exampack_{name}",
            )

        return [
            numbers_path("", self.numbers_view, "numbers"),
            numbers_path("csv/", require_POST(self.numbers_csv_view), "numbers_csv"),
            numbers_path("email/", require_POST(self.numbers_email_view), "numbers_email"),
            numbers_path("done/", require_POST(self.numbers_done_view), "numbers_done"),
            *super().get_urls(),
        ]

    def _issued_pack(self, request, object_id):
        if not self.has_add_permission(request):
            raise PermissionDenied
        pack = self.get_object(request, object_id)
        if pack is None:
            raise Http404
        return pack

    def numbers_view(self, request, object_id):
        """Show a new pack's numbers, on the first display only."""
        pack = self._issued_pack(request, object_id)
        shown = numbers_for(request, pack, "show")
        if shown:
            spend(request, pack, "show")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Voucher numbers of pack #%(pk)s") % {"pk": pack.pk},
            "opts": self.opts,
            "pack": pack,
            "numbers": [numbers.display(n) for n in shown] if shown else None,
            "uses": uses_left(request, pack),
            "hold_minutes": int(HOLD_FOR.total_seconds() // 60),
        }
        return TemplateResponse(request, "admin/vouchers/exampack/numbers.html", context)

    def _back_to_numbers(self, pack):
        return redirect("admin:vouchers_exampack_numbers", pack.pk)

    def _gone(self, request, pack):
        self.message_user(
            request,
            _(
                "The numbers of this pack are no longer available: they are shown and handed "
                "over once, and never stored."
            ),
            messages.WARNING,
        )
        return self._back_to_numbers(pack)

    def numbers_csv_view(self, request, object_id):
        pack = self._issued_pack(request, object_id)
        plain = numbers_for(request, pack, "csv")
        if plain is None:
            return self._gone(request, pack)
        spend(request, pack, "csv")
        response = HttpResponse(numbers_csv(pack, plain), content_type="text/csv; charset=utf-8")
        filename = f"pack-{pack.pk}-voucher-numbers.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def numbers_email_view(self, request, object_id):
        pack = self._issued_pack(request, object_id)
        plain = numbers_for(request, pack, "email")
        if plain is None:
            return self._gone(request, pack)
        # In the manager's language, as the manager knows the customer (emails.py).
        services.hand_over_by_email(pack=pack, plain_numbers=plain, language=get_language())
        spend(request, pack, "email")
        contact = pack.customer.contact_email
        # The history keeps one wording, whatever the manager's language.
        self.log_change(request, pack, f"E-mailed the voucher numbers to {contact}.")
        self.message_user(
            request,
            ngettext(
                "The %(count)s voucher number is on its way to %(contact)s by e-mail.",
                "The %(count)s voucher numbers are on their way to %(contact)s by e-mail.",
                len(plain),
            )
            % {"count": len(plain), "contact": contact},
            messages.SUCCESS,
        )
        return self._back_to_numbers(pack)

    def numbers_done_view(self, request, object_id):
        pack = self._issued_pack(request, object_id)
        forget(request, pack)
        self.message_user(
            request,
            _(
                "Pack #%(pk)s is issued. From now on only the last four characters of its "
                "voucher numbers are shown."
            )
            % {"pk": pack.pk},
            messages.SUCCESS,
        )
        return redirect("admin:vouchers_exampack_change", pack.pk)
