"""Show a sitting in its test centre's local time with the zone named (SS-9).

Django's ``date`` filter converts aware datetimes to the current time zone
first; these filters keep the centre's own. The format is a name from
``secondshot/formats`` (``SITTING_FORMAT`` by default), so the month and day
names and their order are the active language's; a literal format works too.
"""

import zoneinfo

from django import template
from django.utils.formats import date_format

register = template.Library()


@register.filter
def centre_time(sitting, fmt="SITTING_FORMAT"):
    """The sitting's start at its centre, formatted, followed by the zone's abbreviation."""
    start = sitting.local_start()
    return f"{date_format(start, fmt)} {start.tzname()}"


@register.filter
def in_zone(moment, time_zone, fmt="SITTING_FORMAT"):
    """Any moment shown in the given IANA zone, followed by the zone's abbreviation."""
    local = moment.astimezone(zoneinfo.ZoneInfo(time_zone))
    return f"{date_format(local, fmt)} {local.tzname()}"
