"""Read-side queries for the candidate's pages: what to list, never what is allowed.

Whether a booking may happen is decided by the workflows; these only choose
what to offer, using the same policy methods.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import Exists, F, OuterRef, Prefetch, Q, prefetch_related_objects

from exams.models import Exam, Sitting

from .errors import Reason, Refused
from .models import ELIGIBLE_EXAM_PREFIXES, Booking, Voucher, is_exam_eligible

_PAGE = 40
# No place on Earth is more than 14 hours ahead of UTC: a bound for the SQL
# filter, refined with each sitting's own local date.
_MAX_UTC_OFFSET = timedelta(hours=14)


def _registered_by(candidate):
    """The candidate's vouchers with their pack and its customer, as the dashboard orders them."""
    return (
        Voucher.objects.filter(registered_by=candidate)
        .select_related("pack__customer")
        .order_by("pack__expires_on", "pack_id", "pk")
    )


def candidate_vouchers(candidate):
    """The candidate's vouchers with everything the dashboard shows, in two queries."""
    return _registered_by(candidate).prefetch_related(Voucher.live_bookings_prefetch())


def _has_live_bookings() -> Exists:
    """Whether the voucher of the outer query has a booking that was not cancelled."""
    live = Booking.objects.exclude(status=Booking.Status.CANCELLED)
    return Exists(live.filter(voucher=OuterRef("pk")))


def _read_live_bookings(vouchers: list[Voucher], prefetch) -> None:
    """Read with ``prefetch`` the bookings of the ``vouchers`` (annotated ``has_bookings``)
    that have any, in one query; the others are known to have none and ask nothing."""
    for voucher in vouchers:
        if not voucher.has_bookings:
            voucher.known_live_bookings = []
    booked = [voucher for voucher in vouchers if voucher.has_bookings]
    if booked:
        prefetch_related_objects(booked, prefetch)


def dashboard_vouchers(candidate) -> list[Voucher]:
    """The candidate's vouchers as ``candidate_vouchers`` reads them, as a list: in one
    query when none of them has a booking that was not cancelled (a candidate whose
    vouchers are all still to use), two otherwise. Whether each has one is asked in
    the first; the bookings are read only for those that do."""
    vouchers = list(_registered_by(candidate).annotate(has_bookings=_has_live_bookings()))
    _read_live_bookings(vouchers, Voucher.live_bookings_prefetch())
    return vouchers


def voucher_to_book(candidate, pk: int) -> Voucher:
    """The candidate's voucher with what the booking rules read, and no more: the pack, and
    the bookings not cancelled with their exam and sitting. Raises Voucher.DoesNotExist.

    One query for a voucher never booked (most of those being booked), two otherwise:
    whether it has bookings is asked in the first. The same query asks whether the
    candidate holds any booking still stored as scheduled
    (``candidate_may_hold_a_booking``): when not, nothing holds their one place (SS-4)
    and the page need not look for the booking that would.
    """
    voucher = (
        Voucher.objects.filter(registered_by=candidate)
        .select_related("pack")
        .annotate(
            has_bookings=_has_live_bookings(),
            candidate_may_hold_a_booking=Exists(
                Booking.objects.filter(candidate=candidate).unmarked()
            ),
        )
        .get(pk=pk)
    )
    bookings = Booking.objects.exclude(status=Booking.Status.CANCELLED)
    prefetch = Prefetch("bookings", queryset=bookings.select_related("exam", "sitting"))
    _read_live_bookings([voucher], prefetch)
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


@dataclass
class SittingWeek:
    """The sittings a voucher can pay for in one week (Monday to Sunday at the centres),
    grouped by day, and where the candidate can go from there."""

    monday: date
    days: list[tuple[date, list[Sitting]]]
    earlier: date | None  # the Monday before, if the voucher can pay for anything then
    later: date | None  # the Monday after, if it is on or before expiry
    next_sitting: Sitting | None  # the first one after the week, when the week has none

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def count(self) -> int:
        return sum(len(sittings) for _day, sittings in self.days)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time()).replace(tzinfo=UTC)


def sittings_in_week(
    voucher: Voucher, *, now: datetime, week: date | None = None, exclude=None, **place
) -> SittingWeek:
    """Sittings the voucher can pay for (future, a free seat, on or before expiry) whose
    local date at their centre falls in the week holding ``week`` (this week if None),
    in a country, city or centre (``place``).

    With no week asked for, the week of the first such sitting: this week's in one
    query, as nearly always; three when this week has none (this week, the first
    sitting, its week). A week asked for takes one query, and one more for the next
    sitting when it has none. Whatever the week or the size of the catalogue; a
    week's sittings are listed whole.
    """
    first_monday = monday_of(now.date())
    monday = max(monday_of(week or now.date()), first_monday)
    expires_on = voucher.pack.expires_on
    sittings = Sitting.objects.filter(starts_at__gt=now, seats_taken__lt=F("seats"))
    sittings = sittings.select_related("centre").order_by("starts_at", "centre__name", "pk")
    if place.get("country"):
        sittings = sittings.filter(centre__country=place["country"])
    if place.get("city"):
        sittings = sittings.filter(centre__city=place["city"])
    if place.get("centre"):
        sittings = sittings.filter(centre=place["centre"])
    if exclude is not None:
        sittings = sittings.exclude(pk=exclude.pk)

    def payable(sitting) -> bool:
        try:
            voucher.check_sitting(sitting, now=now)
        except Refused:
            return False
        return True

    def first_from(day: date) -> Sitting | None:
        """The first sitting the voucher can pay for on or after the day (at its centre)."""
        later = sittings.filter(
            starts_at__gte=_utc_midnight(day) - _MAX_UTC_OFFSET,
            starts_at__lt=_utc_midnight(expires_on + timedelta(days=1)) + _MAX_UTC_OFFSET,
        )
        # Only sittings on the day before (at centres far east) or after expiry are
        # passed over: one short page nearly always holds the first one.
        return next((s for s in later[:_PAGE] if s.local_date() >= day and payable(s)), None)

    def week_from(monday: date) -> dict[date, list[Sitting]]:
        after = monday + timedelta(days=7)
        in_week = sittings.filter(
            starts_at__gte=_utc_midnight(monday) - _MAX_UTC_OFFSET,
            starts_at__lt=_utc_midnight(after) + _MAX_UTC_OFFSET,
        )
        by_day: dict[date, list[Sitting]] = {}
        for sitting in in_week:
            if monday <= sitting.local_date() < after and payable(sitting):
                by_day.setdefault(sitting.local_date(), []).append(sitting)
        return by_day

    by_day = week_from(monday)
    if week is None and not by_day:
        # No week asked for and none this week: the week of the first sitting, so the
        # list is never empty while there is one to offer.
        first = first_from(first_monday)
        if first is not None:
            monday = monday_of(first.local_date())
            by_day = week_from(monday)
    after = monday + timedelta(days=7)
    next_sitting = first_from(after) if not by_day and after <= expires_on else None
    return SittingWeek(
        monday=monday,
        days=sorted(by_day.items()),
        earlier=monday - timedelta(days=7) if monday > first_monday else None,
        later=after if after <= expires_on else None,
        next_sitting=next_sitting,
    )


def explain_ineligible(query: str) -> str | None:
    """Return SS-3's reason when the search names an exam the offer does not cover."""
    number = query.strip()
    if re.fullmatch(r"\d{3}-\d{3}", number) and not is_exam_eligible(Exam(number=number)):
        return Refused(Reason.EXAM_NOT_ELIGIBLE, exam=number).message
    return None
