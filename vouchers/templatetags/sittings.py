"""Show a sitting in its test centre's local time with the zone named (SS-9).

Django's ``date`` filter converts aware datetimes to the current time zone
first; these filters keep the centre's own.
"""

import zoneinfo

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_datetime
from django.utils.html import format_html

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


@register.simple_tag
def sitting_when(sitting, fmt="l j F Y, H:i"):
    """``<time>`` with the sitting's start at its centre: built here rather than in an
    included template, as lists of twenty sittings show it on every row."""
    start = sitting.local_start()
    return format_html(
        '<time datetime="{}">{} {}</time>',
        timezone.localtime(sitting.starts_at).isoformat(),
        format_datetime(start, fmt),
        start.tzname(),
    )
