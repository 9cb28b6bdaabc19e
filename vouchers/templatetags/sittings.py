"""Sittings and vouchers on the portal's pages, as the dashboard's cards show them.

The wording lives in vouchers/fragments.py, written in Python for the pages
candidates open most; these tags and filters give the other pages and the e-mails
the same: a sitting in its test centre's local time with the zone named (SS-9),
the candidate's own time beside it, a voucher's status badge and what it still
covers.
"""

from django import template

from .. import fragments
from ..models import Booking

register = template.Library()

register.filter("centre_time", fragments.centre_time)
register.filter("in_zone", fragments.in_zone)
register.filter("your_time", fragments.your_time)


@register.filter
def inside_cutoff(sitting, now) -> bool:
    """True if a booking of the sitting made ``now`` could never be changed (SS-10)."""
    return now is not None and Booking.is_inside_cutoff(sitting, at=now)


@register.simple_tag(takes_context=True)
def sitting_when(context, sitting):
    """The sitting's start at its centre in a ``<time>``, with the candidate's own time.

    ``{% sitting_when booking.sitting %}``, or ``{% sitting_when booking.sitting as when %}``
    then ``{% blocktranslate %}Booked: {{ when }} …{% endblocktranslate %}``: the sentence is
    translated whole, and the sitting's time in it keeps its ``<time>`` element.
    """
    user = context.get("user")
    return fragments.sitting_when(sitting, getattr(user, "time_zone", ""))


@register.simple_tag
def voucher_status(card):
    """The voucher's status badge (``card``: as the dashboard's cards hold it)."""
    return fragments.status_badge(card)


@register.simple_tag
def voucher_covers(card):
    """What the voucher still pays for, in words."""
    return fragments.covers_sentence(card)
