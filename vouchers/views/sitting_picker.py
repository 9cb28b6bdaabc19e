"""The sitting search of booking and moving (step 2), written in Python.

After the dashboard it is the page candidates open most, and it lists a week of
sittings, ten a page (once up to a hundred). Through Django's templates it cost
about a millisecond a sitting (six filters and three translated sentences each)
and as much again for its four controls (a crispy field and a select of every
country, city and test centre): far more than its queries. Written here, with the
same markup and the same translated sentences (the catalogues' msgids are
unchanged), the whole step costs a fraction of that, so the page is cheap to render
whether or not the shared cache holds it (bench/README.md has the figures).

Nothing here may depend on the voucher or the request beyond what is passed in:
booking keeps the step in the cache for every voucher expiring the same day
(vouchers/page_cache.py), so its links are relative to the page.
"""

import functools
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import ngettext

from exams.places import country_name

from ..fragments import centre_time, format_day, your_time
from ..fragments import gettext_once as _
from ..models import Booking


def step_html(*, attempt, exam, **picker) -> str:
    """Step 2 of booking: the exam chosen, then where and when (``picker_html``'s
    arguments but its mode)."""
    if attempt == "retake":
        heading, another = escape(_("Exam")), ""
    else:
        heading = escape(_("1. Exam"))
        choose_another = escape(_("choose another exam"))
        another = f' · <a href="./">{choose_another}</a>'
    where_and_when = escape(_("2. Choose where and when"))
    return (
        f'<h2 class="h5 mt-4">{heading}</h2>\n'
        f"<p><strong>{escape(exam.number)}</strong> {escape(exam.title)}{another}</p>\n"
        f'<h2 class="h5 mt-4">{where_and_when}</h2>\n'
        + picker_html(mode="book", exam=exam, **picker)
    )


def picker_html(*, mode, exam, where, week, links, expires_on, now, time_zone, hours) -> SafeString:
    """The search form, the week's heading and links, and its sittings by day.

    ``mode`` is "book" (links carry the exam) or "move"; ``time_zone`` is the
    candidate's own, to add their time where it differs; ``hours``, the change cut-off.
    """
    exam_input = (
        f'<input type="hidden" name="exam" value="{exam.pk}">' if exam and mode == "book" else ""
    )
    fields = "".join(
        f'<div class="col-sm-6 col-lg-3">{_field(where[name], control)}</div>'
        for name, control in (
            ("country", _select),
            ("city", _select),
            ("centre", _select),
            ("week", _date_input),
        )
    )
    hint = _(
        "Times are the test centre's local time, with its time zone. Only sittings with a "
        "free seat on or before your voucher's expiry date (%(expires_on)s) are shown."
    ) % {"expires_on": format_day(expires_on)}
    if not where.centres_listed:
        hint += " " + _("To choose a test centre, first choose its country or city.")
    form_label = escape(_("Where to sit the exam"))
    show = escape(_("Show sittings"))
    parts = [
        f'<form method="get" class="row g-2 align-items-end mb-2" '
        f'aria-label="{form_label}">{exam_input}{fields}'
        f'<div class="col-12 mb-3"><button type="submit" class="btn btn-outline-primary">'
        f"{show}</button></div></form>\n"
        f'<p class="small text-body-secondary">{hint}</p>\n',
        _week_nav(week, links),
    ]
    if week.more and not week.after:
        narrow = escape(
            _(
                "This week has more sittings than one page lists. Choose a country, city or "
                "test centre, or go on to the next ones at the end of the list."
            )
        )
        parts.append(f'<p class="alert alert-info small week-more">{narrow}</p>\n')
    if week.days:
        exam_query = f"?exam={exam.pk}" if mode == "book" else ""
        rows = _Rows(now=now, time_zone=time_zone, hours=hours, exam_query=exam_query)
        for day, sittings in week.days:
            parts.append(f'<h4 class="h6 mt-3">{format_day(day, "WEEKDAY_FORMAT")}</h4>\n')
            parts.append('<ul class="list-group sitting-list mb-2">\n')
            parts.extend(rows.row(sitting) for sitting in sittings)
            parts.append("</ul>\n")
        parts.append(_after_the_list(links))
    else:
        parts.append(f'<p class="alert alert-info">{_empty_week(week, links)}</p>\n')
    return mark_safe("".join(parts))


def _week_nav(week, links) -> str:
    count = week.count
    days = {
        "count": count,
        "first": format_day(week.monday, "DAY_MONTH_FORMAT"),
        "last": format_day(week.sunday),
    }
    if week.after:
        heading = (
            ngettext(
                "%(count)s more sitting from %(first)s to %(last)s",
                "%(count)s more sittings from %(first)s to %(last)s",
                count,
            )
            % days
        )
    elif week.more:
        heading = _("The first %(count)s sittings from %(first)s to %(last)s") % days
    else:
        heading = (
            ngettext(
                "%(count)s sitting from %(first)s to %(last)s",
                "%(count)s sittings from %(first)s to %(last)s",
                count,
            )
            % days
        )
    earlier = _button(links["earlier"], "← " + _("Earlier week"))
    weeks = escape(_("Weeks"))
    later = _button(links["later"], _("Later week") + " →")
    return (
        f'<nav class="d-flex flex-wrap align-items-center gap-2 mb-3 week-nav" '
        f'aria-label="{weeks}">{earlier}'
        f'<h3 class="h6 mb-0 flex-grow-1 text-center" aria-live="polite">{heading}</h3>'
        f"{later}</nav>\n"
    )


def _button(link: str | None, words: str, style: str = "outline-secondary") -> str:
    """A small button-like link to another week or page; "" where there is none."""
    if not link:
        return ""
    return f'<a class="btn btn-sm btn-{style}" href="{escape(link)}">{escape(words)}</a>'


def _after_the_list(links) -> str:
    """Where to go from the end of the list: the week's first or next page, the week after."""
    buttons = "".join(
        (
            _button(links["first"], "← " + _("First sittings of this week")),
            _button(links["more"], _("Next sittings of this week") + " →", "outline-primary"),
            _button(links["later"], _("Later week") + " →"),
        )
    )
    if not buttons:
        return ""
    label = escape(_("More sittings"))
    return f'<nav class="d-flex flex-wrap gap-2 mb-3" aria-label="{label}">{buttons}</nav>\n'


def _empty_week(week, links) -> str:
    if week.next_sitting:
        return _('No sitting this week. The next one is on <a href="%(url)s">%(day)s</a>.') % {
            "url": escape(links["next"]),
            "day": format_day(week.next_sitting.local_date()),
        }
    if links["later"]:
        return escape(_("No sitting this week. Try a later week, or another city or country."))
    return escape(
        _(
            "No sitting with a free seat before your voucher expires matches. "
            "Try another city or country."
        )
    )


class _Rows:
    """One ``<li>`` a sitting. What many rows share is worked out once: the sentences
    (translated once each), the seats-left wording of each number, the start of each
    moment at each zone (a country's name is looked up once a process)."""

    def __init__(self, *, now, time_zone, hours, exam_query):
        self.now = now
        self.time_zone = time_zone
        self.exam_query = exam_query
        self.cutoff_badge = (
            '<span class="badge text-bg-warning text-wrap sitting-cutoff">'
            + _("Starts within %(hours)s hours: cannot be changed once booked") % {"hours": hours}
            + "</span>"
        )
        self.choose = escape(_("Choose"))
        self.choose_label = _("Choose %(when)s at %(centre)s")
        self.your_time = _("%(yours)s your time")
        self.seats_left = {}
        self.starts = {}

    def row(self, sitting) -> str:
        centre = sitting.centre
        shown, short = self._start(sitting)
        yours = your_time(sitting, self.time_zone)
        if yours:
            yours = (
                ' <span class="your-time small fw-normal">— '
                + self.your_time % {"yours": escape(yours)}
                + "</span>"
            )
        country = escape(country_name(centre.country.code))
        seats = sitting.free_seats
        seats_left = self.seats_left.get(seats)
        if seats_left is None:
            seats_left = self.seats_left[seats] = ngettext(
                "%(seats)s seat left", "%(seats)s seats left", seats
            ) % {"seats": seats}
        cutoff = self.cutoff_badge if Booking.is_inside_cutoff(sitting, at=self.now) else ""
        name = escape(centre.name)
        label = self.choose_label % {"when": short, "centre": name}
        return (
            f'<li class="list-group-item"><span class="sitting-when">{shown}{yours}</span> '
            f"<span>{name}, {escape(centre.city)}, {country}</span> "
            f'<span class="small text-body-secondary">{seats_left}</span> {cutoff}'
            f'<a class="btn btn-sm btn-primary sitting-action" '
            f'href="{sitting.pk}/{self.exam_query}" aria-label="{label}">{self.choose}</a></li>\n'
        )

    def _start(self, sitting) -> tuple[str, str]:
        """The ``<time>`` of the start at the centre, and the start in words for the label."""
        key = (sitting.starts_at, sitting.centre.time_zone)
        found = self.starts.get(key)
        if found is None:
            local = sitting.local_start()
            found = self.starts[key] = (
                f'<time datetime="{localtime(sitting.starts_at).isoformat()}">'
                f"{local:%H:%M} {escape(local.tzname())}</time>",
                escape(centre_time(sitting, "SITTING_SHORT_FORMAT")),
            )
        return found


# --- the four controls, with crispy-bootstrap5's markup --------------------------------


def _field(bound, control) -> str:
    name = bound.name
    errors = bound.errors
    feedback = ""
    if errors:
        feedback = (
            f'<div id="id_{name}_error" class="invalid-feedback">'
            + "".join(
                f'<p id="error_{i}_id_{name}"><strong>{escape(str(error))}</strong></p>'
                for i, error in enumerate(errors, 1)
            )
            + "</div>"
        )
    return (
        f'<div id="div_id_{name}" class="mb-3">'
        f'<label for="id_{name}" class="form-label">{escape(str(bound.label))}</label>'
        f"{control(bound, _invalid(bound) if errors else '')}{feedback}</div>"
    )


def _invalid(bound) -> str:
    return f' aria-describedby="id_{bound.name}_error" aria-invalid="true"'


def _select(bound, invalid: str) -> str:
    value = bound.value()
    chosen = f'value="{escape("" if value is None else str(value))}">'
    # The labels as strings: a lazy one ("Any country") in the key would be compared in
    # whatever language is active when the cache is searched.
    choices = tuple((str(key), str(label)) for key, label in bound.field.choices)
    # Each value is in its select once: mark that one (the empty one when none is asked).
    options = _options(choices).replace(chosen, chosen[:-1] + " selected>", 1)
    state = " is-invalid" if invalid else ""
    return (
        f'<select name="{bound.name}"{invalid} class="select form-select{state}" '
        f'id="id_{bound.name}">{options}</select>'
    )


@functools.lru_cache(maxsize=256)
def _options(choices: tuple) -> str:
    """A select's options, none selected: written once a process for each list of
    choices (a country's cities, its test centres…), as the same few lists come back
    on every search and each is up to a hundred options long."""
    return "".join(
        f'<option value="{escape(key)}">{escape(label)}</option>' for key, label in choices
    )


def _date_input(bound, invalid: str) -> str:
    value = bound.value()
    if value is not None and not isinstance(value, str):
        value = value.strftime("%Y-%m-%d")
    shown = f' value="{escape(value)}"' if value else ""
    state = " is-invalid" if invalid else ""
    return (
        f'<input type="date" name="{bound.name}"{shown} class="dateinput form-control{state}"'
        f'{invalid} id="id_{bound.name}">'
    )
