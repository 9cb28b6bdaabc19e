"""Read-side queries for the candidate's pages: what to list, never what is allowed;
and the booking workflow's read of the bookings its rules ask (``bookings_to_check``).

Whether a booking may happen is decided by the workflows; these only choose
what to offer, using the same policy methods.
"""

import functools
import inspect
import re
import weakref
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model, Prefetch, Q, prefetch_related_objects
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.signals import post_init, pre_init

from core import zones
from exams.models import Exam, Sitting, TestCenter

from .errors import Reason, Refused
from .models import (
    ELIGIBLE_EXAM_PREFIXES,
    Booking,
    Customer,
    ExamPack,
    Voucher,
    VoucherEvent,
    is_exam_eligible,
)

# The most sittings one page of a week's list shows: a week in any country can hold
# hundreds, which nobody reads. Past this many the page lists the week's next ones on
# another page and suggests a country, city or centre. Ten: a phone's screenful or
# two, and a page whose cost does not grow with the catalogue (bench/README.md).
WEEK_PAGE = 10
# The rows the sittings' statement first asks for to keep its sittings (a week's page,
# or the first one after an empty week): those and the ones it passes over, sittings on
# the day before at their centre (on a week's first page, up to 51 at three times the
# benchmark's catalogue).
_ROWS_FOR_KEPT = 96
# No place on Earth is more than 14 hours ahead of UTC: a bound for the SQL
# filter, refined with each sitting's own local date.
_MAX_UTC_OFFSET = timedelta(hours=14)


def candidate_vouchers(candidate):
    """The candidate's vouchers with everything the dashboard shows, in two queries, as
    the dashboard orders them (``dashboard_vouchers`` reads the same in one statement)."""
    return (
        Voucher.objects.filter(registered_by=candidate)
        .select_related("pack__customer")
        .order_by("pack__expires_on", "pack_id", "pk")
        .prefetch_related(Voucher.live_bookings_prefetch())
    )


class _Columns:
    """One model's columns in a statement written by hand, and its instances read back
    from a row of it, each value converted as Django's own queries convert it (dates
    and decimals on SQLite, for one)."""

    def __init__(self, model, alias: str):
        self.model = model
        self.fields = model._meta.concrete_fields
        self.names = [field.attname for field in self.fields]
        self.by_django = _made_by_django_only(model)
        self.set_by_descriptor = _set_by_descriptor(model)
        self._converters = weakref.WeakKeyDictionary()  # a connection's, per thread
        quote = connection.ops.quote_name
        self.sql = ", ".join(f"{alias}.{quote(field.column)}" for field in self.fields)

    def __len__(self):
        return len(self.fields)

    def converters(self, connection) -> list[tuple[int, list, object]]:
        """The columns whose values need converting on this connection, and how:
        worked out once a connection (none on PostgreSQL)."""
        known = self._converters.get(connection)
        if known is None:
            known = self._converters[connection] = []
            for i, field in enumerate(self.fields):
                column = field.get_col(self.model._meta.db_table)
                convert = connection.ops.get_db_converters(column)
                convert += column.get_db_converters(connection)
                if convert:
                    known.append((i, convert, column))
        return known

    def value(self, row, start: int, name: str, connection):
        """One field's value in the row (its columns beginning at ``start``), converted."""
        i = self.names.index(name)
        found = row[start + i]
        for at, convert, column in self.converters(connection):
            if at == i:
                for converter in convert:
                    found = converter(found, column, connection)
        return found

    def read(self, row, start: int, connection):
        """The instance whose columns begin at ``start`` in the row; None where a left join
        found none (its primary key, the first column, is null).

        Made as ``Model.from_db`` makes it, but without ``Model.__init__``: the values go
        straight into the instance's ``__dict__``, where ``__init__`` sets them one by one
        through the fields' descriptors. The dashboard's rows for a candidate with fifty
        vouchers make 160 instances; this and ``attach`` take 0.8-0.9 ms of CPU (11 %) off
        that candidate's first visit. A field with a descriptor of its own is set through it
        as ``__init__`` sets it; a model for which that would still not be the same is made
        by ``from_db`` (``_made_by_django_only``)."""
        values = list(row[start : start + len(self.fields)])
        if values[0] is None:
            return None
        for i, convert, column in self.converters(connection):
            for converter in convert:
                values[i] = converter(values[i], column, connection)
        if self.by_django:
            return self.model.from_db(connection.alias, self.names, values)
        instance = object.__new__(self.model)
        instance.__dict__.update(zip(self.names, values, strict=True))
        for name in self.set_by_descriptor:
            setattr(instance, name, instance.__dict__[name])
        state = instance._state = ModelState()
        state.adding, state.db = False, connection.alias
        return instance


def _made_by_django_only(model) -> bool:
    """Whether an instance of ``model`` must be made by ``Model.from_db``: something
    listens to instances being made (``pre_init``, ``post_init``: connected before the
    statement is first read, as receivers are when the apps load), or the model makes
    its own (``__init__``, ``from_db``)."""
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return True
    return model.__init__ is not Model.__init__ or (
        model.from_db.__func__ is not Model.from_db.__func__
    )


def _set_by_descriptor(model) -> list[str]:
    """The fields whose value ``Model.__init__`` sets through a descriptor of the field's
    own (django-countries' country field cleans it). A foreign key's id is not among
    them: its descriptor only forgets a related object, which a new instance has none of."""
    names = []
    for field in model._meta.concrete_fields:
        descriptor = inspect.getattr_static(model, field.attname, None)
        own = hasattr(type(descriptor), "__set__")
        if own and not isinstance(descriptor, ForeignKeyDeferredAttribute):
            names.append(field.attname)
    return names


def attach(instance, field, related) -> None:
    """``instance.<field> = related`` for an instance and a related one just read from the
    same row, as ``select_related`` attaches them: the related object kept in the
    instance's cache (its id is already the instance's). The descriptor's assignment
    checks both objects' models and databases first, which cost more than reading
    the row did."""
    field.set_cached_value(instance, related)


def sql_word(word: str) -> str:
    """A status, outcome or attempt written into a statement, not bound as a parameter:
    with a status bound, PostgreSQL judged its one plan for every value worse than a
    plan made for each, and planned the dashboard's seven-table statement afresh on
    every request (0.9 ms of its 1.2). A word of the model's, never input."""
    assert re.fullmatch(r"[a-z_]+", word), word
    return f"'{word}'"


@functools.cache
def _dashboard_statement():
    """The dashboard's one statement and the columns of each model in its rows."""
    columns = {
        "voucher": _Columns(Voucher, "v"),
        "pack": _Columns(ExamPack, "p"),
        "customer": _Columns(Customer, "c"),
        "booking": _Columns(Booking, "b"),
        "exam": _Columns(Exam, "x"),
        "sitting": _Columns(Sitting, "s"),
        "centre": _Columns(TestCenter, "t"),
    }
    selected = ", ".join(part.sql for part in columns.values())
    sql = f"""
        SELECT {selected},
               (SELECT COUNT(*) FROM {VoucherEvent._meta.db_table} e WHERE e.voucher_id = v.id)
        FROM {Voucher._meta.db_table} v
        JOIN {ExamPack._meta.db_table} p ON p.id = v.pack_id
        JOIN {Customer._meta.db_table} c ON c.id = p.customer_id
        LEFT JOIN {Booking._meta.db_table} b ON b.voucher_id = v.id
            AND b.status <> {sql_word(Booking.Status.CANCELLED)}
        LEFT JOIN {Exam._meta.db_table} x ON x.id = b.exam_id
        LEFT JOIN {Sitting._meta.db_table} s ON s.id = b.sitting_id
        LEFT JOIN {TestCenter._meta.db_table} t ON t.id = s.centre_id
        WHERE v.registered_by_id = %s
        ORDER BY p.expires_on, p.id, v.id, b.id
    """
    # Where each model's columns begin in a row; the events counted come last.
    starts, start = {}, 0
    for name, part in columns.items():
        starts[name] = start
        start += len(part)
    return sql, columns, starts


def dashboard_vouchers(candidate) -> tuple[list[Voucher], tuple[int, int]]:
    """The candidate's vouchers as ``candidate_vouchers`` reads them (their pack and its
    customer, their bookings not cancelled with the exam, sitting and test centre), and
    the page cache's fingerprint of them (``page_cache.fingerprint``), in one statement.

    Written by hand: it is the statement of the page candidates open most, and Django's
    ORM spent more building and reading its two queries than the database spent
    answering them (docs/decisions.md, "Speed: …"). Being one statement, the
    fingerprint is of exactly the data read.
    """
    sql, columns, starts = _dashboard_statement()
    db = connections[DEFAULT_DB_ALIAS]  # this thread's connection itself, not its proxy
    with db.cursor() as cursor:
        cursor.execute(sql, [candidate.pk])
        rows = cursor.fetchall()

    def read(row, name):
        return columns[name].read(row, starts[name], db)

    vouchers: list[Voucher] = []
    packs: dict[int, ExamPack] = {}
    places: dict[int, TestCenter] = {}
    exams: dict[int, Exam] = {}
    events = 0
    for row in rows:
        if not vouchers or vouchers[-1].pk != row[starts["voucher"]]:
            voucher = read(row, "voucher")
            pack = packs.get(voucher.pack_id)
            if pack is None:
                pack = packs[voucher.pack_id] = read(row, "pack")
                attach(pack, ExamPack.customer.field, read(row, "customer"))
            attach(voucher, Voucher.pack.field, pack)
            voucher.known_live_bookings = []
            vouchers.append(voucher)
            events += row[-1]
        booking = read(row, "booking")
        if booking is None:  # none of the voucher's bookings, if it has any, stands
            continue
        exam = exams.get(booking.exam_id)
        if exam is None:
            exam = exams[booking.exam_id] = read(row, "exam")
        sitting = read(row, "sitting")
        centre = places.get(sitting.centre_id)
        if centre is None:
            centre = places[sitting.centre_id] = read(row, "centre")
        attach(sitting, Sitting.centre.field, centre)
        attach(booking, Booking.exam.field, exam)
        attach(booking, Booking.sitting.field, sitting)
        attach(booking, Booking.voucher.field, vouchers[-1])
        vouchers[-1].known_live_bookings.append(booking)
    return vouchers, (len(vouchers), events)


@functools.cache
def _voucher_statement() -> tuple[str, tuple[_Columns, _Columns, _Columns]]:
    columns = _Columns(Voucher, "v"), _Columns(ExamPack, "p"), _Columns(Exam, "x")
    booking = Booking._meta.db_table
    sql = f"""
        SELECT {", ".join(part.sql for part in columns)},
               EXISTS(SELECT 1 FROM {booking} b WHERE b.voucher_id = v.id
                      AND b.status <> {sql_word(Booking.Status.CANCELLED)}),
               EXISTS(SELECT 1 FROM {booking} b WHERE b.candidate_id = %s
                      AND b.status = {sql_word(Booking.Status.SCHEDULED)})
        FROM {Voucher._meta.db_table} v
        JOIN {ExamPack._meta.db_table} p ON p.id = v.pack_id
        LEFT JOIN {Exam._meta.db_table} x ON x.id = %s
        WHERE v.id = %s AND v.registered_by_id = %s
    """
    return sql, columns


def voucher_to_book(candidate, pk: int, *, exam_id: int | None = None) -> Voucher:
    """The candidate's voucher with what the booking rules read, and no more: the pack, and
    the bookings not cancelled with their exam and sitting. Raises Voucher.DoesNotExist.

    One statement for a voucher never booked (most of those being booked), two
    otherwise: whether it has bookings is asked in the first. The same statement asks
    whether the candidate holds any booking still stored as scheduled
    (``candidate_may_hold_a_booking``): when not, nothing holds their one place (SS-4)
    and the page need not look for the booking that would; and reads the exam asked
    for, if any (``asked_exam``: None when there is no such exam). The first is
    written by hand, as ``dashboard_vouchers``' is: step 2 of booking is the page
    candidates open most after the dashboard.
    """
    sql, (voucher_columns, pack_columns, exam_columns) = _voucher_statement()
    db = connections[DEFAULT_DB_ALIAS]
    with db.cursor() as cursor:
        cursor.execute(sql, [candidate.pk, exam_id, pk, candidate.pk])
        row = cursor.fetchone()
    if row is None:
        raise Voucher.DoesNotExist
    voucher = voucher_columns.read(row, 0, db)
    attach(voucher, Voucher.pack.field, pack_columns.read(row, len(voucher_columns), db))
    voucher.asked_exam = exam_columns.read(row, len(voucher_columns) + len(pack_columns), db)
    # Stored as scheduled (``BookingQuerySet.unmarked``): a superset of the pending ones.
    voucher.has_bookings, voucher.candidate_may_hold_a_booking = map(bool, row[-2:])
    if voucher.has_bookings:
        bookings = Booking.objects.exclude(status=Booking.Status.CANCELLED)
        bookings = bookings.select_related("exam", "sitting")
        prefetch_related_objects([voucher], Prefetch("bookings", queryset=bookings))
    else:
        voucher.known_live_bookings = []
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
    # The page lists the week's sittings after this one (the last of the page before).
    after: Sitting | None = None
    # The last sitting of this page, when the week has more after it (on the next page).
    continue_after: Sitting | None = None

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def count(self) -> int:
        return sum(len(sittings) for _day, sittings in self.days)

    @property
    def more(self) -> bool:
        """The week has more sittings than this page lists, after them."""
        return self.continue_after is not None


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time()).replace(tzinfo=UTC)


@functools.cache
def _sitting_columns() -> tuple[_Columns, _Columns]:
    return _Columns(Sitting, "s"), _Columns(TestCenter, "t")


def _free_sittings(
    now: datetime,
    start: datetime,
    end: datetime,
    *,
    days: tuple[date, date],
    place: dict,
    exclude=None,
    keep: int,
    after: Sitting | None = None,
) -> list[Sitting]:
    """Sittings after ``now`` with a free seat starting in [start, end) whose date at their
    test centre is one of ``days`` (first, last), in the place (``country``, ``city``,
    ``centre``) and without ``exclude``, each with its test centre, by start, centre and
    number: one statement, written by hand for the same reason as
    ``dashboard_vouchers``'. [start, end) takes in the hours at either end that are
    one of the days somewhere on Earth; the rows outside them at their own centre
    are passed over before any instance is made of them (on a Sunday, this week's
    statement returns more of Monday's sittings than of Sunday's).

    ``keep``: the sittings returned, the statement bounded to a few more rows than
    that (a week's list reads one more than it shows, to know there are more, however
    many sittings the week holds; the next sitting after a week, one).
    ``after`` (with its centre): only the sittings after it in that order, for a
    list's next page."""
    sitting, centre = _sitting_columns()
    db = connections[DEFAULT_DB_ALIAS]
    moment = db.ops.adapt_datetimefield_value
    where = ["s.starts_at > %s", "s.seats_taken < s.seats", "s.starts_at >= %s", "s.starts_at < %s"]
    params: list = [moment(now), moment(start), moment(end)]
    for column, value in (
        ("t.country", place.get("country")),
        ("t.city", place.get("city")),
        ("s.centre_id", place.get("centre")),
    ):
        if value:
            where.append(f"{column} = %s")
            params.append(value)
    if exclude is not None:
        where.append("s.id <> %s")
        params.append(exclude.pk)
    if after is not None:
        # The first condition alone bounds the index's range; the second is the order's.
        where.append("s.starts_at >= %s AND (s.starts_at, t.name, s.id) > (%s, %s, %s)")
        params += [moment(after.starts_at), moment(after.starts_at), after.centre.name, after.pk]
    sql = (
        f"SELECT {sitting.sql}, {centre.sql} FROM {Sitting._meta.db_table} s"
        f" JOIN {TestCenter._meta.db_table} t ON t.id = s.centre_id"
        f" WHERE {' AND '.join(where)} ORDER BY s.starts_at, t.name, s.id"
    )
    first, last = days
    zone_at = len(sitting) + centre.names.index("time_zone")

    def read(rows: int) -> tuple[list[Sitting], int]:
        """The sittings kept of the statement's first ``rows`` rows, and how many it sent."""
        centres: dict[int, TestCenter] = {}
        found = []
        sent = 0
        with db.cursor() as cursor:
            cursor.execute(f"{sql} LIMIT {int(rows)}", params)
            for row in _rows(cursor, first=keep):
                sent += 1
                starts_at = sitting.value(row, 0, "starts_at", db)
                if not first <= starts_at.astimezone(zones.zone(row[zone_at])).date() <= last:
                    continue
                one = sitting.read(row, 0, db)
                at = centres.get(one.centre_id)
                if at is None:
                    at = centres[one.centre_id] = centre.read(row, len(sitting), db)
                attach(one, Sitting.centre.field, at)
                found.append(one)
                if len(found) >= keep:
                    break
        return found, sent

    # The statement bounded, so PostgreSQL walks the sittings by start and stops (the
    # week's rows are not all sorted and sent). Its first rows may be passed over (the
    # day before at their centre: on a Monday's list, most of Sunday's sittings west of
    # New Zealand), so it asks for more rows than it keeps, and four times as many again
    # while it has not kept enough and rows remain.
    rows = _ROWS_FOR_KEPT
    while True:
        found, sent = read(rows)
        if len(found) >= keep or sent < rows:
            return found
        rows *= 4


def _rows(cursor, *, first: int, then: int = 50):
    """The statement's rows, read a few at a time: those never asked for are left as
    the database sent them, unconverted. ``first``: the rows read first, as many as
    will be kept if none is passed over (a week's page of ten and the one that says
    there are more): fifty at once converted rows a page never showed, 0.14-0.27 ms of
    a sitting search's CPU (3-4 %)."""
    size = max(first, 1)  # fetchmany(0) reads every row on SQLite
    while rows := cursor.fetchmany(size):
        yield from rows
        size = then


def sittings_in_week(
    voucher: Voucher,
    *,
    now: datetime,
    week: date | None = None,
    after: int | None = None,
    exclude=None,
    **place,
) -> SittingWeek:
    """Sittings the voucher can pay for (future, a free seat, on or before expiry) whose
    local date at their centre falls in the week holding ``week`` (this week if None),
    in a country, city or centre (``place``).

    With no week asked for, the week of the first such sitting: this week's in one
    query, as nearly always; three when this week has none (this week, the first
    sitting, its week). A week asked for takes one query, and one more for the next
    sitting when it has none. Whatever the week or the size of the catalogue: a page
    lists at most ``WEEK_PAGE`` sittings, the rest of the week's rows left unread, and
    names the last one when the week has more (``continue_after``); ``after``, that
    sitting's id, asks for the next page (one query more). An ``after`` that is not a
    sitting of the week asked for, or after which nothing is left, is the week's first
    page.
    """
    first_monday = monday_of(now.date())
    monday = max(monday_of(week or now.date()), first_monday)
    expires_on = voucher.pack.expires_on

    def sittings(first: date, last: date, **bounds) -> list[Sitting]:
        """The free sittings on the days from ``first`` to ``last`` at their centres."""
        start = _utc_midnight(first) - _MAX_UTC_OFFSET
        end = _utc_midnight(last + timedelta(days=1)) + _MAX_UTC_OFFSET
        return _free_sittings(
            now, start, end, days=(first, last), place=place, exclude=exclude, **bounds
        )

    def payable(sitting) -> bool:
        try:
            voucher.check_sitting(sitting, now=now)
        except Refused:
            return False
        return True

    def first_from(day: date) -> Sitting | None:
        """The first sitting the voucher can pay for on or after the day (at its centre)."""
        later = sittings(day, expires_on, keep=1)
        return next((s for s in later if payable(s)), None)

    def page_of(monday: date, after: Sitting | None = None):
        """The page's sittings by day, at most WEEK_PAGE of the week's (those after
        ``after``); and the last one read when the week has more."""
        # Not past expiry: the next page is never one of sittings the voucher cannot pay for.
        last = min(monday + timedelta(days=6), expires_on)
        listed = sittings(monday, last, keep=WEEK_PAGE + 1, after=after)
        by_day: dict[date, list[Sitting]] = {}
        for sitting in listed[:WEEK_PAGE]:
            if payable(sitting):
                by_day.setdefault(sitting.local_date(), []).append(sitting)
        return by_day, listed[WEEK_PAGE - 1] if len(listed) > WEEK_PAGE else None

    def sitting_of_week(pk: int | None) -> Sitting | None:
        if pk is None or week is None:
            return None
        found = Sitting.objects.select_related("centre").filter(pk=pk).first()
        if found is None or monday_of(found.local_date()) != monday:
            return None
        return found

    continued = sitting_of_week(after)
    by_day, continue_after = page_of(monday, continued)
    if continued is not None and not by_day:
        # Nothing left after it (its seats taken since): the week from its start.
        continued = None
        by_day, continue_after = page_of(monday)
    if week is None and not by_day:
        # No week asked for and none this week: the week of the first sitting, so the
        # list is never empty while there is one to offer.
        first = first_from(first_monday)
        if first is not None:
            monday = monday_of(first.local_date())
            by_day, continue_after = page_of(monday)
    following = monday + timedelta(days=7)
    next_sitting = first_from(following) if not by_day and following <= expires_on else None
    return SittingWeek(
        monday=monday,
        days=sorted(by_day.items()),
        earlier=monday - timedelta(days=7) if monday > first_monday else None,
        later=following if following <= expires_on else None,
        next_sitting=next_sitting,
        after=continued,
        continue_after=continue_after,
    )


def explain_ineligible(query: str) -> str | None:
    """Return SS-3's reason when the search names an exam the offer does not cover."""
    number = query.strip()
    if re.fullmatch(r"\d{3}-\d{3}", number) and not is_exam_eligible(Exam(number=number)):
        return Refused(Reason.EXAM_NOT_ELIGIBLE, exam=number).message
    return None


@functools.cache
def _bookings_to_check_statement() -> tuple[str, tuple[_Columns, _Columns, _Columns]]:
    columns = _Columns(Booking, "b"), _Columns(Exam, "x"), _Columns(Sitting, "s")
    sql = f"""
        SELECT {", ".join(part.sql for part in columns)}
        FROM {Booking._meta.db_table} b
        JOIN {Exam._meta.db_table} x ON x.id = b.exam_id
        JOIN {Sitting._meta.db_table} s ON s.id = b.sitting_id
        WHERE (b.voucher_id = %s AND b.status <> {sql_word(Booking.Status.CANCELLED)})
           OR (b.candidate_id = %s AND b.status = {sql_word(Booking.Status.SCHEDULED)})
        ORDER BY b.id
    """
    return sql, columns


def bookings_to_check(*, voucher_id: int, candidate_id: int) -> list[Booking]:
    """The booking workflow's read, under its locks: the voucher's bookings not cancelled
    and the candidate's still stored as scheduled (``BookingQuerySet.unmarked``), each
    with its exam and sitting, oldest first. The rules are the models'; this only reads.

    Written by hand, as the pages' hottest reads are: built by the ORM (two querysets
    joined with ``|``, two related models selected) it cost 0.66 ms of CPU a booking
    before the database was asked, a tenth of a booking request (docs/decisions.md).
    """
    sql, (booking_columns, exam_columns, sitting_columns) = _bookings_to_check_statement()
    db = connections[DEFAULT_DB_ALIAS]
    with db.cursor() as cursor:
        cursor.execute(sql, [voucher_id, candidate_id])
        rows = cursor.fetchall()
    sitting_starts = len(booking_columns) + len(exam_columns)
    bookings = []
    for row in rows:
        booking = booking_columns.read(row, 0, db)
        attach(booking, Booking.exam.field, exam_columns.read(row, len(booking_columns), db))
        attach(booking, Booking.sitting.field, sitting_columns.read(row, sitting_starts, db))
        bookings.append(booking)
    return bookings
