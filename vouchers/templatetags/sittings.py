"""Show a sitting in its test centre's local time with the zone named (SS-9).

Django's ``date`` filter converts aware datetimes to the current time zone
first; these filters keep the centre's own.
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
