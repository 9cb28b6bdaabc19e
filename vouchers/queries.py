"""Read-side queries for the candidate's pages: what to list, never what is allowed.

Whether a booking may happen is decided by the workflows; these only choose
what to offer, using the same policy methods.
"""

import re
from datetime import datetime, timedelta

from django.db.models import F, Prefetch, Q

from exams.models import Exam, Sitting

from .errors import Refused
from .models import ELIGIBLE_EXAM_PREFIXES, Booking, Voucher, is_exam_eligible

SITTINGS_SHOWN = 20
# No place on Earth is more than 14 hours ahead of UTC: a bound for the SQL
# filter, refined with each sitting's own local date.
_MAX_UTC_OFFSET = timedelta(hours=14)


def candidate_vouchers(candidate):
    """The candidate's vouchers with everything the dashboard shows, in three queries."""
    bookings = Booking.objects.select_related("exam", "sitting__centre").order_by("pk")
    return (
        Voucher.objects.filter(registered_by=candidate)
        .select_related("pack__customer")
        .prefetch_related(Prefetch("bookings", queryset=bookings))
        .order_by("pack__expires_on", "pack_id", "pk")
    )


def eligible_exams(query: str = ""):
    eligible = Q()
    for prefix in ELIGIBLE_EXAM_PREFIXES:
        eligible |= Q(number__startswith=prefix)
    exams = Exam.objects.filter(eligible, is_active=True)
    if query:
        exams = exams.filter(Q(number__icontains=query) | Q(title__icontains=query))
    return exams.order_by("number")


def sittings_for(voucher: Voucher, *, now: datetime, country="", city="", exclude=None):
    """Sittings the voucher can pay for: future, with a free seat, on or before expiry."""
    last_moment = (
        datetime.combine(voucher.pack.expires_on, datetime.min.time()).replace(tzinfo=now.tzinfo)
        + timedelta(days=1)
        + _MAX_UTC_OFFSET
    )
    sittings = Sitting.objects.filter(
        starts_at__gt=now, starts_at__lt=last_moment, seats_taken__lt=F("seats")
    ).select_related("centre")
    if country:
        sittings = sittings.filter(centre__country=country)
    if city:
        sittings = sittings.filter(centre__city=city)
    if exclude is not None:
        sittings = sittings.exclude(pk=exclude.pk)
    offered = []
    for sitting in sittings.order_by("starts_at", "centre__name").iterator(chunk_size=200):
        try:
            voucher.check_sitting(sitting, now=now)
        except Refused:
            continue
        offered.append(sitting)
        if len(offered) == SITTINGS_SHOWN:
            break
    return offered


def explain_ineligible(query: str) -> str | None:
    """Return SS-3's reason when the search names an exam the offer does not cover."""
    number = query.strip()
    if re.fullmatch(r"\d{3}-\d{3}", number) and not is_exam_eligible(Exam(number=number)):
        return Refused("exam_not_eligible", exam=number).message
    return None
