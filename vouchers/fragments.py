"""The dashboard's cards and the pieces other pages share with them, written in Python.

The dashboard is the page candidates open most. Its cards are kept in the shared
cache between changes (page_cache.py), but each candidate's first visit renders
them: through Django's templates (three includes and a dozen translated sentences
a card) that cost more than the rest of the page together. Written here, with the
same markup and the same translated sentences (the catalogues' msgids are
unchanged), a card costs a small fraction of that (bench/README.md has the
figures). The voucher pages and the results page show the same status badge, the
same "covers" sentence and the same sitting time through template tags
(vouchers/templatetags/sittings.py) that call these functions: one wording each.

Nothing here may depend on the request: the cards are kept for every later visit.
"""

import functools
import zoneinfo
from html import escape

from django.urls import get_script_prefix, reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language, gettext, gettext_noop, ngettext

from core import zones

from .models import Voucher


def gettext_once(words: str) -> str:
    """``gettext``, each sentence looked up once a process and language: a dashboard
    asks for the same dozen sentences on every card, and each lookup walks Django's
    translation machinery (about 15 % of the cards' cost on the benchmark's data)."""
    return _translated(words, get_language())


@functools.lru_cache(maxsize=4096)
def _translated(words: str, language: str) -> str:
    return gettext(words)  # ``language`` is the active one: it is in the key


_ = gettext_once

BADGE = "badge {} status-badge text-wrap text-start"
# Each status's colour and words (translated when shown: one gettext a badge).
BADGES = {
    Voucher.Status.FIRST_ATTEMPT_AVAILABLE: (
        "text-bg-primary",
        gettext_noop("First attempt available"),
    ),
    Voucher.Status.BOOKED: ("text-bg-info", gettext_noop("Booked")),
    Voucher.Status.AWAITING_OUTCOME: (
        "text-bg-secondary",
        gettext_noop("Taken: waiting for the result"),
    ),
    Voucher.Status.PASSED: ("text-bg-success", gettext_noop("Passed")),
    Voucher.Status.USED: ("text-bg-dark", gettext_noop("Used")),
    Voucher.Status.EXPIRED: ("text-bg-light border", gettext_noop("Expired")),
    Voucher.Status.IN_USE_ELSEWHERE: (
        "text-bg-secondary",
        gettext_noop("In use by another person"),
    ),
    Voucher.Status.VOIDED: ("text-bg-danger", gettext_noop("Cancelled by the issuer")),
}


# The number standing for a voucher's or booking's in a link reversed once a process.
_MARK = 987654321


def _link(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])``: the link's pattern reversed once a process (a card
    has two or three links, and reversing walks the URL resolver every time)."""
    return _link_pattern(name, get_script_prefix()).replace(str(_MARK), str(pk))


@functools.lru_cache(maxsize=64)
def _link_pattern(name: str, prefix: str) -> str:
    return reverse(name, args=[_MARK])  # ``prefix`` is the one reverse() uses: in the key


# --- times (SS-9) ------------------------------------------------------------------------


def format_day(value, fmt="DAY_FORMAT") -> str:
    """A date in the active language's ``fmt``: each date formatted once a process.

    A dashboard names its packs' expiry dates several times a card; Django's
    ``date_format`` reads the format character by character every time.
    """
    return _day(value, fmt, get_language())


@functools.lru_cache(maxsize=2048)
def _day(value, fmt, language) -> str:
    return date_format(value, fmt)  # ``language`` is the active one: it is in the key


def centre_time(sitting, fmt="SITTING_FORMAT") -> str:
    """The sitting's start at its centre, formatted, followed by the zone's abbreviation.

    Django's ``date`` filter converts aware datetimes to the current time zone first;
    this keeps the centre's own. The format is a name from ``core/formats``
    (``SITTING_FORMAT`` by default), so the month and day names and their order are
    the active language's; a literal format works too. Each start is formatted once a
    process for each zone, format and language: a week's sittings are the same for
    everyone searching it.
    """
    return _centre_time(sitting.starts_at, sitting.centre.time_zone, fmt, get_language())


@functools.lru_cache(maxsize=4096)
def _centre_time(starts_at, time_zone: str, fmt: str, language) -> str:
    return in_zone(starts_at, time_zone, fmt)  # ``language``: the active one


def in_zone(moment, time_zone, fmt="SITTING_FORMAT") -> str:
    """Any moment shown in the given IANA zone, followed by the zone's abbreviation."""
    local = moment.astimezone(zones.zone(time_zone))
    return f"{date_format(local, fmt)} {local.tzname()}"


def your_time(sitting, time_zone) -> str:
    """The sitting's start in the candidate's own zone, or "" where that adds nothing.

    Nothing is added when the candidate has no zone, or when their clock shows
    the same UTC offset as the centre's at the start (the same time, whatever
    the zone is called). The date is named only when it differs from the
    centre's, in the active language's ``SITTING_NO_YEAR_FORMAT``: "16:00 JST",
    "Monday 29 March, 01:00 JST", "3月29日(月) 01:00 JST". Formatted once a process
    for each start, pair of zones and language, as ``centre_time``.
    """
    if not time_zone:
        return ""
    return _your_time(sitting.starts_at, sitting.centre.time_zone, time_zone, get_language())


@functools.lru_cache(maxsize=4096)
def _your_time(starts_at, centre_zone: str, time_zone: str, language) -> str:
    try:
        zone = zones.zone(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return ""
    at_centre = starts_at.astimezone(zones.zone(centre_zone))
    yours = starts_at.astimezone(zone)
    if yours.utcoffset() == at_centre.utcoffset():
        return ""
    fmt = "H:i" if yours.date() == at_centre.date() else "SITTING_NO_YEAR_FORMAT"
    return f"{date_format(yours, fmt)} {yours.tzname()}"  # ``language``: the active one


# --- the cards ---------------------------------------------------------------------------


def status_badge(card) -> SafeString:
    """The voucher's status as a coloured badge (``card``: voucher_cards' dict)."""
    status = card["status"]
    if status == Voucher.Status.RETAKE_AVAILABLE:
        day = format_day(card["voucher"].pack.expires_on, "DAY_MONTH_FORMAT")
        words = _("Free retake available — book by %(day)s") % {"day": day}
        return mark_safe(f'<span class="{BADGE.format("text-bg-warning")}">{words}</span>')
    found = BADGES.get(status)
    if found is None:
        return mark_safe("")
    colour, words = found
    return mark_safe(f'<span class="{BADGE.format(colour)}">{escape(_(words))}</span>')


def covers_sentence(card) -> SafeString:
    """What the voucher still pays for, in words (Voucher.still_covers), or ""."""
    covers = card["covers"]
    day = format_day(card["voucher"].pack.expires_on)
    if covers == "first_and_retake":
        words = _("Covers a first attempt and one free retake, by %(day)s.") % {"day": day}
    elif covers == "first":
        words = _("Covers one attempt, by %(day)s.") % {"day": day}
    elif covers == "retake":
        words = _("Covers one free retake, by %(day)s.") % {"day": day}
    elif covers == "booked_and_retake":
        words = _("Covers this attempt and, if you do not pass, one free retake by %(day)s.") % {
            "day": day
        }
    elif covers == "booked":
        words = escape(_("Covers this attempt; nothing after it."))
    else:
        words = ""
    return mark_safe(words)


def sitting_when(sitting, time_zone: str) -> SafeString:
    """The sitting's start at its centre in a ``<time>``, and the candidate's own time
    where their clock reads differently (SS-9)."""
    shown = (
        f'<time datetime="{localtime(sitting.starts_at).isoformat()}">'
        f"{escape(centre_time(sitting))}</time>"
    )
    yours = your_time(sitting, time_zone)
    if yours:
        city = _("in %(city)s") % {"city": escape(sitting.centre.city)}
        own = _("%(yours)s your time") % {"yours": escape(yours)}
        shown += f' {city} <span class="your-time">— {own}</span>'
    return mark_safe(shown)


def cards_html(packs, time_zone: str) -> str:
    """The dashboard's cards grouped by pack (``packs``: [{"pack", "cards"}]), or the
    way to register a first voucher."""
    if not packs:
        no_vouchers = escape(_("You have no vouchers on your account yet."))
        who = escape(
            _(
                "Your account manager or your company's training coordinator gives you "
                "voucher numbers."
            )
        )
        register = escape(_("Register a voucher"))
        return (
            f'<div class="text-center py-5"><p class="lead">{no_vouchers}</p><p>{who}</p>'
            f'<a class="btn btn-primary" href="{reverse("portal:register_voucher")}">'
            f"{register}</a></div>\n"
        )
    return "".join(_pack(group["pack"], group["cards"], time_zone) for group in packs)


def _pack(pack, cards, time_zone) -> str:
    customer = escape(pack.customer.name)
    if pack.is_second_shot:
        heading = _("Second Shot pack from %(customer)s") % {"customer": customer}
        other_offer = ""
    else:
        heading = _("Exam pack from %(customer)s") % {"customer": customer}
        other_offer = escape(_("This pack was sold with another offer, so it has no free retakes."))
        other_offer = f'<p class="small text-body-secondary">{other_offer}</p>'
    exams = ngettext("%(exams)s exam", "%(exams)s exams", pack.exam_count) % {
        "exams": pack.exam_count
    }
    expires = _("expires %(day)s") % {"day": format_day(pack.expires_on)}
    return (
        f'<section class="mb-4" aria-labelledby="pack-{pack.pk}">'
        f'<h2 class="h5" id="pack-{pack.pk}">{heading} '
        f'<small class="text-body-secondary fw-normal">· {exams} · {expires}</small></h2>'
        f'{other_offer}<div class="row g-3">'
        + "".join(_card(card, time_zone) for card in cards)
        + "</div></section>\n"
    )


def _card(card, time_zone) -> str:
    voucher = card["voucher"]
    status = card["status"]
    S = Voucher.Status
    ending = _("Voucher number ending %(last4)s") % {"last4": escape(voucher.number_last4)}
    exam = card["exam"]
    if exam:
        exam_html = f"<strong>{escape(exam.number)}</strong> {escape(exam.title)}"
    else:
        not_chosen = escape(_("Exam not chosen yet"))
        exam_html = f'<span class="text-body-secondary">{not_chosen}</span>'
    covers = ""
    if card["covers"]:
        covers = f'<p class="small mb-1 voucher-covers">{covers_sentence(card)}</p>'
    expires = _("Expires %(day)s") % {"day": format_day(voucher.pack.expires_on)}
    days = card["days_left"]
    if days >= 0:
        expires += " · " + ngettext("%(days)s day left", "%(days)s days left", days) % {
            "days": days
        }
    booked = ""
    if status == S.BOOKED:
        sitting = card["booking"].sitting
        words = _("Booked: %(when)s at %(centre)s") % {
            "when": sitting_when(sitting, time_zone),
            "centre": escape(str(sitting.centre)),
        }
        booked = f'<p class="small mb-0">{words}</p>'
    return (
        '<div class="col-md-6 col-lg-4"><article class="card h-100 card-voucher">'
        '<div class="card-body">'
        f'<p class="masked mb-1" aria-label="{ending}">{escape(voucher.masked_number)}</p>'
        f'<p class="mb-2">{status_badge(card)}</p>'
        f'<p class="mb-1">{exam_html}</p>{covers}'
        f'<p class="small mb-1">{expires}</p>{booked}</div>'
        f'<div class="card-footer border-0 pt-0 pb-3">{_next_step(card)}</div>'
        "</article></div>"
    )


def _next_step(card) -> str:
    """The card's one action: book, see the booking, or see the history."""
    status = card["status"]
    S = Voucher.Status
    voucher = card["voucher"]
    if card["waits_for"]:
        waiting = card["waits_for"]
        words = _(
            'You can book this after <a href="%(waiting_url)s">your exam on %(day)s</a>: '
            "one exam is booked at a time."
        ) % {
            "waiting_url": _link("portal:booking", waiting.pk),
            "day": format_day(waiting.sitting.local_date()),
        }
        return f'<p class="small mb-0">{words}</p>'
    if status == S.FIRST_ATTEMPT_AVAILABLE:
        return _button("btn-primary", _link("portal:book", voucher.pk), _("Book your exam"))
    if status == S.RETAKE_AVAILABLE:
        url = _link("portal:book", voucher.pk)
        return _button("btn-primary", url, _("Book your free retake"))
    if status in (S.BOOKED, S.AWAITING_OUTCOME):
        url = _link("portal:booking", card["booking"].pk)
        return _button("btn-outline-primary", url, _("See your booking"))
    url = _link("portal:voucher", voucher.pk)
    return _button("btn-outline-secondary", url, _("See history"))


def _button(kind: str, url: str, words: str) -> str:
    return f'<a class="btn {kind}" href="{url}">{escape(words)}</a>'
