"""How packs and vouchers are used, counted by the database for the back office.

Each figure is counted by the database (one statement for a page of the pack list,
an aggregate in the customer report), so a list of any length costs a fixed number
of queries.
The words, as the pack list and the customer report use them:

- **registered**: a candidate registered the voucher (SS-5);
- **booked**: the voucher has a booking that was not cancelled, taken or not;
- **used**: the voucher has an attempt whose outcome is recorded;
- **passed**: one of its attempts was passed;
- **retakes used**: free retakes booked and not cancelled (SS-1);
- **expired unused**: the pack's expiry date has passed and the voucher was
  never booked nor voided (SS-2);
- **expiring unused**: the same, for packs that expire within the coming days.

Dates are judged "anywhere on Earth", as a voucher's expiry is (``vouchers/clock.py``).
"""

from dataclasses import dataclass, fields
from datetime import date, timedelta

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth

from .models import Booking, Customer, ExamPack, Voucher
from .queries import sql_word

# Booked, whether still to come or taken: every stored status but cancelled.
LIVE = [status for status in Booking.Status if status != Booking.Status.CANCELLED]
EXPIRING_WITHIN = timedelta(days=30)


# The figures ``pack_usage`` sets on each pack.
USAGE_FIGURES = (
    "vouchers_total",
    "vouchers_registered",
    "vouchers_booked",
    "vouchers_passed",
    "retakes_used",
    "vouchers_unused",
)


def pack_usage(packs: list[ExamPack]) -> list[ExamPack]:
    """Set on each pack its usage figures (``USAGE_FIGURES``: vouchers in all,
    registered, booked, passed, retakes used, never booked nor voided), read for all of
    them in one statement: their vouchers, each with the count of its bookings not
    cancelled, of those passed and of those retakes, looked up by index. A page of the
    pack list reads them for its 25 packs once the page is read. Returns the packs.

    On PostgreSQL each voucher's bookings are counted in a LATERAL subquery, which the
    planner can only answer by the voucher's index. The same figures as a join to the
    bookings of the page's vouchers, grouped (what SQLite, which has no LATERAL, runs),
    were planned by PostgreSQL either way by its estimate of how many vouchers 25 packs
    hold: by index on one data set, and on the next build of the benchmark's a parallel
    scan of every booking, 35-76 ms a page where the LATERAL takes 1 ms (9-11 ms against
    48-62 on the 25 largest packs, 8,232 vouchers)."""
    if not packs:
        return packs
    ids = [pack.pk for pack in packs]
    with connection.cursor() as cursor:
        cursor.execute(*_pack_usage_sql(ids))
        found = {row[0]: row[1:] for row in cursor.fetchall()}
    none = [0] * len(USAGE_FIGURES)  # a pack without vouchers
    for pack in packs:
        for name, value in zip(USAGE_FIGURES, found.get(pack.pk, none), strict=True):
            setattr(pack, name, value)
    return packs


def _pack_usage_sql(ids: list[int]) -> tuple[str, list]:
    """The statement of ``pack_usage`` for this connection's database, and its
    parameters: one row per pack with vouchers, its figures in ``USAGE_FIGURES``'
    order."""
    # An outcome is only ever recorded on a booking taken (outcome_only_when_taken), and
    # a retake booked at most once while not cancelled (one_booking_per_attempt): the
    # vouchers with a live retake count the retakes used.
    counted = f"""
        COUNT(*) FILTER (WHERE bk.outcome = {sql_word(Booking.Outcome.PASSED)}) AS passed,
        COUNT(*) FILTER (WHERE bk.attempt = {sql_word(Booking.Attempt.RETAKE)}) AS retakes
    """
    not_cancelled = f"bk.status <> {sql_word(Booking.Status.CANCELLED)}"
    figures = """
        SELECT v.pack_id,
               COUNT(*),
               COUNT(*) FILTER (WHERE v.registered_by_id IS NOT NULL),
               COUNT(*) FILTER (WHERE b.live > 0),
               COUNT(*) FILTER (WHERE b.passed > 0),
               COUNT(*) FILTER (WHERE b.retakes > 0),
               COUNT(*) FILTER (WHERE v.voided_at IS NULL AND COALESCE(b.live, 0) = 0)
    """
    vouchers, bookings = Voucher._meta.db_table, Booking._meta.db_table
    if connection.vendor == "postgresql":
        return (
            f"""{figures}
            FROM {vouchers} v
            CROSS JOIN LATERAL (
                SELECT COUNT(*) AS live, {counted}
                FROM {bookings} bk
                WHERE bk.voucher_id = v.id AND {not_cancelled}
            ) b
            WHERE v.pack_id = ANY(%s)
            GROUP BY v.pack_id""",
            [ids],
        )
    # A voucher with no booking but cancelled ones has no row in ``b`` (its live count
    # is NULL: not booked, and unused unless voided).
    in_packs = ", ".join(["%s"] * len(ids))
    return (
        f"""{figures}
        FROM {vouchers} v
        LEFT JOIN (
            SELECT bk.voucher_id, COUNT(*) AS live, {counted}
            FROM {bookings} bk
            JOIN {vouchers} w ON w.id = bk.voucher_id
            WHERE w.pack_id IN ({in_packs}) AND {not_cancelled}
            GROUP BY bk.voucher_id
        ) b ON b.voucher_id = v.id
        WHERE v.pack_id IN ({in_packs})
        GROUP BY v.pack_id""",
        [*ids, *ids],
    )


def expiring_unused(vouchers: QuerySet[Voucher], *, today: date) -> QuerySet[Voucher]:
    """Return the vouchers whose pack expires within ``EXPIRING_WITHIN``, never booked
    nor voided: the report's "expiring unused", as rows to list or count."""
    live = Booking.objects.filter(voucher=OuterRef("pk"), status__in=LIVE).order_by()
    return vouchers.filter(
        voided_at__isnull=True,
        pack__expires_on__gte=today,
        pack__expires_on__lte=today + EXPIRING_WITHIN,
    ).exclude(Exists(live))


def expiring_unused_by_month(
    customers: QuerySet[Customer],
    *,
    today: date,
    months: int = 12,
    issued_from: date | None = None,
    issued_to: date | None = None,
) -> list[tuple[date, int]]:
    """Return, for this month and the ``months - 1`` after it, the number of vouchers whose
    pack expires that month, from today on, never booked nor voided. One query."""
    first = today.replace(day=1)
    starts = [_add_months(first, n) for n in range(months)]
    vouchers = Voucher.objects.filter(
        _issued_between(issued_from, issued_to, pack="pack"), pack__customer__in=customers
    )
    live = Booking.objects.filter(voucher=OuterRef("pk"), status__in=LIVE).order_by()
    counted = dict(
        vouchers.filter(
            voided_at__isnull=True,
            pack__expires_on__gte=today,
            pack__expires_on__lt=_add_months(first, months),
        )
        .exclude(Exists(live))
        .annotate(month=TruncMonth("pack__expires_on"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("month", "count")
    )
    return [(start, counted.get(start, 0)) for start in starts]


def _add_months(day: date, months: int) -> date:
    """Return the first of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class CustomerUsage:
    """One customer's line in the account manager's report."""

    customer: Customer | None
    packs: int = 0
    vouchers: int = 0
    registered: int = 0
    booked: int = 0
    used: int = 0
    first_attempts_sat: int = 0
    first_attempts_passed: int = 0
    retakes_sat: int = 0
    retakes_passed: int = 0
    expiring_unused: int = 0

    @property
    def first_attempt_pass_rate(self) -> float | None:
        """Passed first attempts among those with an outcome (a no-show is not a pass)."""
        return _rate(self.first_attempts_passed, self.first_attempts_sat)

    @property
    def retake_pass_rate(self) -> float | None:
        return _rate(self.retakes_passed, self.retakes_sat)

    @classmethod
    def total(cls, lines: list["CustomerUsage"]) -> "CustomerUsage":
        counted = [f.name for f in fields(cls) if f.name != "customer"]
        return cls(None, **{name: sum(getattr(line, name) for line in lines) for name in counted})


def _issued_between(issued_from: date | None, issued_to: date | None, *, pack: str) -> Q:
    """Return the filter on the issue date of the pack at the ``pack`` path."""
    window = Q()
    if issued_from is not None:
        window &= Q(**{f"{pack}__issued_at__date__gte": issued_from})
    if issued_to is not None:
        window &= Q(**{f"{pack}__issued_at__date__lte": issued_to})
    return window


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def customer_usage(
    customers: QuerySet[Customer],
    *,
    today: date,
    issued_from: date | None = None,
    issued_to: date | None = None,
) -> list[CustomerUsage]:
    """Return one line per customer for the packs issued between the dates (inclusive, UTC).

    Three queries, whatever the number of customers, packs or vouchers: the
    customers, then the vouchers and the outcomes, each grouped by customer.
    """
    booked = Q(bookings__status__in=LIVE)
    expiring = Q(
        voided_at__isnull=True,
        pack__expires_on__gte=today,
        pack__expires_on__lte=today + EXPIRING_WITHIN,
    )
    voucher_rows = (
        Voucher.objects.filter(
            _issued_between(issued_from, issued_to, pack="pack"), pack__customer__in=customers
        )
        .values("pack__customer")
        .annotate(
            packs=Count("pack", distinct=True),
            vouchers=Count("pk", distinct=True),
            registered=Count("pk", filter=Q(registered_by__isnull=False), distinct=True),
            booked=Count("pk", filter=booked, distinct=True),
            used=Count("pk", filter=Q(bookings__outcome__isnull=False), distinct=True),
            expiring=Count("pk", filter=expiring, distinct=True),
            expiring_booked=Count("pk", filter=expiring & booked, distinct=True),
        )
        .order_by()
    )
    first, retake = Booking.Attempt.FIRST, Booking.Attempt.RETAKE
    passed = Q(outcome=Booking.Outcome.PASSED)
    outcome_rows = (
        Booking.objects.filter(
            _issued_between(issued_from, issued_to, pack="voucher__pack"),
            voucher__pack__customer__in=customers,
            outcome__isnull=False,
        )
        .values("voucher__pack__customer")
        .annotate(
            first_attempts_sat=Count("pk", filter=Q(attempt=first)),
            first_attempts_passed=Count("pk", filter=Q(attempt=first) & passed),
            retakes_sat=Count("pk", filter=Q(attempt=retake)),
            retakes_passed=Count("pk", filter=Q(attempt=retake) & passed),
        )
        .order_by()
    )

    lines = {customer.pk: CustomerUsage(customer) for customer in customers}
    for row in voucher_rows:
        line = lines[row.pop("pack__customer")]
        expiring_booked = row.pop("expiring_booked")
        line.expiring_unused = row.pop("expiring") - expiring_booked
        for name, value in row.items():
            setattr(line, name, value)
    for row in outcome_rows:
        line = lines[row.pop("voucher__pack__customer")]
        for name, value in row.items():
            setattr(line, name, value)
    return list(lines.values())
