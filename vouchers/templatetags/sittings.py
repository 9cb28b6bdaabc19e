"""Show a sitting in its test centre's local time with the zone named (SS-9).

Django's ``date`` filter converts aware datetimes to the current time zone
first; these filters keep the centre's own. ``your_time`` adds the candidate's
own time where their zone's clock reads differently at that moment.
"""

import zoneinfo

from django import template
from django.utils.dateformat import format as format_datetime

register = template.Library()


@register.filter
def centre_time(sitting, fmt="l j F Y, H:i"):
    """The sitting's start at its centre, formatted, followed by the zone's abbreviation."""
    start = sitting.local_start()
    return f"{format_datetime(start, fmt)} {start.tzname()}"


@register.filter
def in_zone(moment, time_zone, fmt="l j F Y, H:i"):
    """Any moment shown in the given IANA zone, followed by the zone's abbreviation."""
    local = moment.astimezone(zoneinfo.ZoneInfo(time_zone))
    return f"{format_datetime(local, fmt)} {local.tzname()}"


@register.filter
def your_time(sitting, time_zone):
    """The sitting's start in the candidate's own zone, or "" where that adds nothing.

    Nothing is added when the candidate has no zone, or when their clock shows
    the same UTC offset as the centre's at the start (the same time, whatever
    the zone is called). The date is named only when it differs from the
    centre's: "16:00 JST", "Monday 29 March, 01:00 JST".
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
    fmt = "H:i" if yours.date() == at_centre.date() else "l j F, H:i"
    return f"{format_datetime(yours, fmt)} {yours.tzname()}"
