"""Read-side queries for the candidate's pages: what to list, never what is allowed.

Whether a booking may happen is decided by the workflows; these only choose
what to offer, using the same policy methods.
"""

import re
from datetime import datetime, timedelta

from django.db.models import Exists, F, OuterRef, Prefetch, Q, prefetch_related_objects

from exams.models import Exam, Sitting

from .errors import Reason, Refused
from .models import ELIGIBLE_EXAM_PREFIXES, Booking, Voucher, is_exam_eligible

SITTINGS_SHOWN = 20
_PAGE = 2 * SITTINGS_SHOWN
# No place on Earth is more than 14 hours ahead of UTC: a bound for the SQL
# filter, refined with each sitting's own local date.
_MAX_UTC_OFFSET = timedelta(hours=14)


def candidate_vouchers(candidate):
    """The candidate's vouchers with everything the dashboard shows, in two queries."""
    return (
        Voucher.objects.filter(registered_by=candidate)
        .select_related("pack__customer")
        .prefetch_related(Voucher.live_bookings_prefetch())
        .order_by("pack__expires_on", "pack_id", "pk")
    )


def voucher_to_book(candidate, pk: int) -> Voucher:
    """The candidate's voucher with what the booking rules read, and no more: the pack, and
    the bookings not cancelled with their exam and sitting. Raises Voucher.DoesNotExist.

    One query for a voucher never booked (most of those being booked), two otherwise:
    whether it has bookings is asked in the first.
    """
    live = Booking.objects.exclude(status=Booking.Status.CANCELLED)
    voucher = (
        Voucher.objects.filter(registered_by=candidate)
        .select_related("pack")
        .annotate(has_bookings=Exists(live.filter(voucher=OuterRef("pk"))))
        .get(pk=pk)
    )
    if voucher.has_bookings:
        bookings = live.select_related("exam", "sitting")
        prefetch_related_objects([voucher], Prefetch("bookings", queryset=bookings))
    else:
        voucher.known_to_have_no_live_bookings = True
    return voucher


def pending_booking(candidate, *, at: datetime) -> Booking | None:
    """The candidate's booking still to come, if any: the one that holds their one place
    (SS-4). One query."""
    unmarked = Booking.objects.filter(candidate=candidate).unmarked()
    return Booking.pending_among(unmarked.select_related("exam", "sitting__centre"), at=at)


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
    sittings = sittings.order_by("starts_at", "centre__name", "pk")
    # Read a page at a time with LIMIT, not with a server-side cursor: outside a
    # transaction Django declares that cursor WITH HOLD, and PostgreSQL then builds
    # the whole result (every future sitting) before the first row. Only sittings
    # in the last hours before expiry can be refused below, so one page nearly
    # always suffices.
    offered, start = [], 0
    while True:
        page = list(sittings[start : start + _PAGE])
        for sitting in page:
            try:
                voucher.check_sitting(sitting, now=now)
            except Refused:
                continue
            offered.append(sitting)
            if len(offered) == SITTINGS_SHOWN:
                return offered
        if len(page) < _PAGE:
            return offered
        start += _PAGE


def explain_ineligible(query: str) -> str | None:
    """Return SS-3's reason when the search names an exam the offer does not cover."""
    number = query.strip()
    if re.fullmatch(r"\d{3}-\d{3}", number) and not is_exam_eligible(Exam(number=number)):
        return Refused(Reason.EXAM_NOT_ELIGIBLE, exam=number).message
    return None
