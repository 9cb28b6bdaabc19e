"""Show a sitting in its test centre's local time with the zone named (SS-9).

Django's ``date`` filter converts aware datetimes to the current time zone
first; these filters keep the centre's own. The format is a name from
``core/formats`` (``SITTING_FORMAT`` by default), so the month and day
names and their order are the active language's; a literal format works too.
``your_time`` adds the candidate's own time where their zone's clock reads
differently at that moment.
"""

import zoneinfo

from django import template
from django.template.loader import render_to_string
from django.utils.formats import date_format

from ..models import Booking

register = template.Library()


@register.filter
def centre_time(sitting, fmt="SITTING_FORMAT"):
    """The sitting's start at its centre, formatted, followed by the zone's abbreviation."""
    start = sitting.local_start()
    return f"{date_format(start, fmt)} {start.tzname()}"


@register.filter
def inside_cutoff(sitting, now) -> bool:
    """True if a booking of the sitting made ``now`` could never be changed (SS-10)."""
    return now is not None and Booking.is_inside_cutoff(sitting, at=now)


@register.filter
def in_zone(moment, time_zone, fmt="SITTING_FORMAT"):
    """Any moment shown in the given IANA zone, followed by the zone's abbreviation."""
    local = moment.astimezone(zoneinfo.ZoneInfo(time_zone))
    return f"{date_format(local, fmt)} {local.tzname()}"


@register.filter
def your_time(sitting, time_zone):
    """The sitting's start in the candidate's own zone, or "" where that adds nothing.

    Nothing is added when the candidate has no zone, or when their clock shows
    the same UTC offset as the centre's at the start (the same time, whatever
    the zone is called). The date is named only when it differs from the
    centre's, in the active language's ``SITTING_NO_YEAR_FORMAT``: "16:00 JST",
    "Monday 29 March, 01:00 JST", "3月29日(月) 01:00 JST".
    """
    if not time_zone:
        return ""
    try:
        zone = zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return ""
    at_centre = sitting.local_start()
    yours = sitting.starts_at.astimezone(zone)
    if yours.utcoffset() == at_centre.utcoffset():
        return ""
    fmt = "H:i" if yours.date() == at_centre.date() else "SITTING_NO_YEAR_FORMAT"
    return f"{date_format(yours, fmt)} {yours.tzname()}"


@register.simple_tag(takes_context=True)
def sitting_when(context, sitting):
    """``partials/sitting_when.html`` for the sitting, as HTML a translated sentence can hold.

    ``{% sitting_when booking.sitting as when %}`` then ``{% blocktranslate %}Booked: {{ when }}
    …{% endblocktranslate %}``: the sentence is translated whole, and the sitting's time in it
    keeps its ``<time>`` element and the candidate's own time beside the centre's.
    """
    return render_to_string(
        "partials/sitting_when.html", {"sitting": sitting, "user": context.get("user")}
    )
