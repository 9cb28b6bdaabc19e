"""A large data set that keeps every rule: the benchmark's world (``manage.py seed_load``).

The defaults are a worldwide programme a year in: 100,000 candidates, 10,000
customers, 50,000 packs holding 1,000,000 vouchers, about 300,000 bookings with
their outcomes, 5,000 sittings at 100 test centres from nine months ago to three
months ahead. ``Sizes.scaled(0.01)`` is the same world at a hundredth.

Everything is planned in memory first (ids are given here, so rows can refer to
each other without asking the database), then written table by table. What the
rows keep, as the workflows would have:

- seats_taken of every sitting is its number of bookings not cancelled (SS-11);
- at most one scheduled booking per candidate, always at a future sitting (SS-4);
- one booking per attempt per voucher besides cancelled ones; a retake only after a
  failed or no-show first attempt of the same exam, on a Second Shot pack (SS-1, SS-8);
- outcomes only on taken bookings, recorded after the sitting, by the exam administrator;
- every booked voucher is registered to the candidate who booked it, and its pack is
  tied to that candidate from the first booking on (SS-5);
- every sitting booked is on or before the pack's expiry; expired packs have no
  booking (SS-2); exams are all 070- or 072- (SS-3);
- the audit trail has what the workflows write: issued, registered, tied (every
  voucher of a tied pack), booked, cancelled, outcome recorded, voided (SS-12).

Past bookings are not checked against each other for SS-4 (a past booking may
have been made while another was open); only the present state is.

Every account, staff and candidate, has the password ``BENCH_PASSWORD``.
"""

import bisect
import json
import random
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from exams.places import country_code
from vouchers import numbers

BENCH_PASSWORD = "secondshot-bench"
# Every account's language, own time zone (none: the centre's) and e-mail reminders.
USER_PREFERENCES = ("en", "", True)
STAFF_DOMAIN = "staff.load.test"
# The account manager whose pack list the benchmark measures (bench/run.py).
PACK_LIST_MANAGER = f"manager1@{STAFF_DOMAIN}"
CANDIDATE_DOMAIN = "load.test"

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
SITTINGS_FROM = -270  # days from now: nine months of history
SITTINGS_TO = 95  # and three months ahead

CITIES = [
    ("Berlin", "Germany", "Europe/Berlin"),
    ("Munich", "Germany", "Europe/Berlin"),
    ("London", "United Kingdom", "Europe/London"),
    ("Paris", "France", "Europe/Paris"),
    ("Madrid", "Spain", "Europe/Madrid"),
    ("Warsaw", "Poland", "Europe/Warsaw"),
    ("Istanbul", "Turkey", "Europe/Istanbul"),
    ("Cairo", "Egypt", "Africa/Cairo"),
    ("Lagos", "Nigeria", "Africa/Lagos"),
    ("Nairobi", "Kenya", "Africa/Nairobi"),
    ("Johannesburg", "South Africa", "Africa/Johannesburg"),
    ("Dubai", "United Arab Emirates", "Asia/Dubai"),
    ("Bangalore", "India", "Asia/Kolkata"),
    ("Mumbai", "India", "Asia/Kolkata"),
    ("Kathmandu", "Nepal", "Asia/Kathmandu"),
    ("Singapore", "Singapore", "Asia/Singapore"),
    ("Shanghai", "China", "Asia/Shanghai"),
    ("Tokyo", "Japan", "Asia/Tokyo"),
    ("Seoul", "South Korea", "Asia/Seoul"),
    ("Sydney", "Australia", "Australia/Sydney"),
    ("Auckland", "New Zealand", "Pacific/Auckland"),
    ("Honolulu", "United States", "Pacific/Honolulu"),
    ("Los Angeles", "United States", "America/Los_Angeles"),
    ("Chicago", "United States", "America/Chicago"),
    ("New York", "United States", "America/New_York"),
    ("Toronto", "Canada", "America/Toronto"),
    ("Mexico City", "Mexico", "America/Mexico_City"),
    ("Bogotá", "Colombia", "America/Bogota"),
    ("São Paulo", "Brazil", "America/Sao_Paulo"),
    ("Buenos Aires", "Argentina", "America/Argentina/Buenos_Aires"),
]
# Words for names: FIRST × LAST makes 400 distinct names, then a number keeps them apart.
FIRST_NAMES = (
    "Ada",
    "Alan",
    "Amara",
    "Chen",
    "Dmitri",
    "Fatima",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kwame",
    "Lena",
    "Mateo",
    "Noor",
    "Olga",
    "Priya",
    "Ravi",
    "Sofia",
    "Tomás",
    "Yuki",
)
LAST_NAMES = (
    "Okafor",
    "Schmidt",
    "Tanaka",
    "Silva",
    "Kowalski",
    "Haddad",
    "Nguyen",
    "García",
    "Müller",
    "Rossi",
    "Kim",
    "Patel",
    "Dubois",
    "Johansson",
    "Mensah",
    "Novak",
    "Costa",
    "Ivanova",
    "Smith",
    "Ali",
)
COMPANY_WORDS = ("Contoso", "Fabrikam", "Northwind", "Tailspin", "Litware", "Adventure",
                 "Proseware", "Wingtip", "Lucerne", "Trey")  # fmt: skip
SYNTHETIC_EXAMS = 50  # besides the demo's catalogue (exams/demo.py)


STAFF_GROUPS = {
    "manager": "Account managers",
    "support": "Support",
    "examadmin": "Exam administrators",
}


def join_staff_groups():
    """Put the data set's staff in their back-office groups, where the roles exist."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    staff = get_user_model().objects.filter(email__endswith=f"@{STAFF_DOMAIN}")
    for prefix, name in STAFF_GROUPS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.user_set.add(*staff.filter(email__startswith=prefix))


@dataclass(frozen=True)
class Sizes:
    candidates: int = 100_000
    customers: int = 10_000
    packs: int = 50_000
    vouchers: int = 1_000_000
    bookings: int = 300_000
    sittings: int = 5_000

    @classmethod
    def scaled(cls, scale: float, **overrides) -> "Sizes":
        """The defaults times ``scale`` (at least a handful of each), then the overrides."""
        base = cls()
        floors = {"candidates": 20, "customers": 4, "packs": 10, "vouchers": 30}
        floors |= {"bookings": 20, "sittings": 20}
        sizes = {name: max(floors[name], round(getattr(base, name) * scale)) for name in floors}
        sizes |= {name: value for name, value in overrides.items() if value is not None}
        return cls(**sizes)

    @property
    def centres(self) -> int:
        return max(4, self.sittings // 50)

    @property
    def managers(self) -> int:
        return max(2, self.customers // 500)


@dataclass
class _Pack:
    id: int
    customer: int
    manager: int
    size: int
    first_voucher: int
    issued_at: datetime
    expires_on: date
    is_second_shot: bool
    is_expired: bool
    owner: int  # the candidate the pack is handed to, if anyone registers it
    registered: int = 0  # its first ``registered`` vouchers are registered by the owner
    candidate: int | None = None
    tied_at: datetime | None = None


@dataclass
class _Booking:
    id: int
    voucher: int
    candidate: int
    sitting: int
    exam: int
    attempt: str
    status: str
    outcome: str | None
    booked_at: datetime
    cancelled_at: datetime | None = None
    outcome_recorded_at: datetime | None = None
    outcome_recorded_by: int | None = None


class LoadSet:
    """Plans the data set for ``sizes`` around ``now``; ``tables()`` gives the rows."""

    def __init__(self, sizes: Sizes, *, now: datetime, password_hash: str, seed: int = 6):
        self.sizes, self.now, self.password_hash = sizes, now, password_hash
        self.rng = random.Random(seed)
        self._plan_staff_and_candidates()
        self._plan_catalogue()
        self._plan_sittings()
        self._plan_customers()
        self._plan_packs()
        self._plan_bookings()

    # --- planning ----------------------------------------------------------------

    def _plan_staff_and_candidates(self):
        managers = [
            (f"manager{i}@{STAFF_DOMAIN}", f"Account Manager {i}", False)
            for i in range(self.sizes.managers)
        ]
        self.staff = managers + [
            (f"support@{STAFF_DOMAIN}", "Support Agent", False),
            (f"examadmin@{STAFF_DOMAIN}", "Exam Administrator", False),
            (f"admin@{STAFF_DOMAIN}", "Load Test Admin", True),
        ]
        self.manager_ids = list(range(1, self.sizes.managers + 1))
        self.exam_admin_id = self.sizes.managers + 2
        self.first_candidate_id = len(self.staff) + 1

    def candidate_id(self, index: int) -> int:
        return self.first_candidate_id + index

    @staticmethod
    def is_verified(index: int) -> bool:
        """One candidate in twenty has not confirmed their address yet."""
        return index % 20 != 19

    def _plan_catalogue(self):
        from exams.demo import EXAMS

        eligible = [exam for exam in EXAMS if exam[0].startswith(("070-", "072-"))]
        others = [exam for exam in EXAMS if exam not in eligible]
        synthetic = [
            (f"{'070' if i % 5 else '072'}-{600 + i:03d}", f"Load Test Exam {600 + i}", "developer")
            for i in range(SYNTHETIC_EXAMS)
        ]
        self.exams = [*eligible, *synthetic, *others]
        self.eligible_exam_ids = list(range(1, len(eligible) + len(synthetic) + 1))

    def _plan_sittings(self):
        self.centres = []
        for i in range(self.sizes.centres):
            city, country, zone = CITIES[i % len(CITIES)]
            self.centres.append(
                (
                    f"{city} Testing Centre {i // len(CITIES) + 1}",
                    f"LD-{i:05d}",
                    country_code(country),
                    city,
                    f"{100 + i} Exam Street, {city}",
                    zone,
                )
            )
        planned = []
        per_centre = -(-self.sizes.sittings // self.sizes.centres)
        if per_centre > 4 * (SITTINGS_TO - SITTINGS_FROM):
            raise ValueError("too many sittings for the centres: at most four a day each")
        hours = (time(9), time(14), time(11), time(16))
        today = self.now.date()
        for k in range(self.sizes.sittings):
            centre, n = k % self.sizes.centres, k // self.sizes.centres
            zone = zoneinfo.ZoneInfo(self.centres[centre][5])
            offset = SITTINGS_FROM + (n * (SITTINGS_TO - SITTINGS_FROM)) // per_centre
            day = today + timedelta(days=offset + centre % 3)
            starts_at = datetime.combine(day, hours[n % 4], tzinfo=zone).astimezone(UTC)
            planned.append((starts_at, centre + 1, self.rng.choice((80, 100, 120))))
        planned.sort()
        self.sitting_starts = [start for start, _, _ in planned]
        self.sitting_centres = [centre for _, centre, _ in planned]
        self.sitting_seats = [seats for _, _, seats in planned]
        self.seats_taken = [0] * len(planned)
        self.first_future_sitting = bisect.bisect_right(self.sitting_starts, self.now)

    def _plan_customers(self):
        self.customers = []
        for i in range(self.sizes.customers):
            city, country, _ = CITIES[i % len(CITIES)]
            word = COMPANY_WORDS[i % len(COMPANY_WORDS)]
            self.customers.append(
                (
                    f"{word} {city} Training {i + 1}",
                    f"training{i + 1}@customer{i + 1}.example",
                    country,
                    self.manager_ids[i % len(self.manager_ids)],
                    self.now - timedelta(days=400 + i % 300),
                )
            )

    def _pack_sizes(self) -> list[int]:
        """Most packs hold three exams; the rest of the vouchers go to a fifth of the packs."""
        packs, vouchers = self.sizes.packs, self.sizes.vouchers
        if vouchers < 3 * packs:
            return [vouchers // packs + (i < vouchers % packs) for i in range(packs)]
        sizes = [3] * packs
        large = list(range(0, packs, 5))
        weights = [self.rng.random() + 0.5 for _ in large]
        rest, total = vouchers - 3 * packs, sum(weights)
        for index, weight in zip(large, weights, strict=True):
            sizes[index] += int(rest * weight / total)
        sizes[0] += vouchers - sum(sizes)
        return sizes

    def _plan_packs(self):
        rng, today = self.rng, self.now.date()
        self.packs: list[_Pack] = []
        next_voucher = 1
        for i, size in enumerate(self._pack_sizes()):
            customer = rng.randrange(self.sizes.customers)
            expired = rng.random() < 0.05
            if expired:
                issued_at = self.now - timedelta(days=rng.uniform(300, 365))
                expires_on = today - timedelta(days=rng.randint(1, 60))
            else:
                issued_at = self.now - timedelta(days=rng.uniform(7, 365))
                lifetime = max(issued_at + timedelta(days=365), self.now + timedelta(days=120))
                expires_on = lifetime.date() + timedelta(days=rng.randint(0, 90))
            owner = rng.randrange(self.sizes.candidates)
            while not self.is_verified(owner):
                owner = rng.randrange(self.sizes.candidates)
            pack = _Pack(
                id=i + 1,
                customer=customer + 1,
                manager=self.customers[customer][3],
                size=size,
                first_voucher=next_voucher,
                issued_at=issued_at,
                expires_on=expires_on,
                is_second_shot=rng.random() < 0.9,
                is_expired=expired,
                owner=owner,
            )
            if rng.random() < 0.85:  # handed over and registered
                pack.registered = size if size <= 10 else min(size, rng.randint(10, 60))
            self.packs.append(pack)
            next_voucher += size
        self._first_vouchers = [p.first_voucher for p in self.packs]
        self.voided = set()
        for pack in self.packs:
            for voucher in range(
                pack.first_voucher + pack.registered, pack.first_voucher + pack.size
            ):
                if rng.random() < 0.003:
                    self.voided.add(voucher)

    def _find_sitting(self, after: datetime, *, future: bool, seat: bool) -> int | None:
        """The first sitting starting at or after ``after``, on the same side of now, with a
        free seat when ``seat``; None when there is none."""
        index = bisect.bisect_left(self.sitting_starts, after)
        end = len(self.sitting_starts) if future else self.first_future_sitting
        if future:
            index = max(index, self.first_future_sitting)
        while index < end:
            if not seat or self.seats_taken[index] < self.sitting_seats[index]:
                return index
            index += 1
        return None

    def _plan_bookings(self):
        rng, now = self.rng, self.now
        self.bookings: list[_Booking] = []
        held = [
            (pack, voucher)
            for pack in self.packs
            if pack.registered and not pack.is_expired
            for voucher in range(pack.first_voucher, pack.first_voucher + pack.registered)
        ]
        # Past attempts on vouchers taken in random order, until nine in ten of the
        # bookings wanted exist; the rest are today's scheduled bookings (SS-4).
        rng.shuffle(held)
        horizon = now - DAY
        past_wanted = self.sizes.bookings * 0.9
        for pack, voucher in held:
            if len(self.bookings) >= past_wanted:
                break
            if voucher not in self.voided:
                self._plan_past_attempts(pack, voucher, horizon)
        self._live_by_voucher: dict[int, list[_Booking]] = {}
        for booking in self.bookings:
            if booking.status != "cancelled":
                self._live_by_voucher.setdefault(booking.voucher, []).append(booking)
        by_owner: dict[int, list[tuple[_Pack, int]]] = {}
        for pack, voucher in held:
            by_owner.setdefault(pack.owner, []).append((pack, voucher))
        share = (self.sizes.bookings - len(self.bookings)) / max(len(by_owner), 1)
        for owner, vouchers in by_owner.items():
            if rng.random() < share:
                self._plan_scheduled_booking(owner, vouchers)
        for booking in self.bookings:
            pack = self._pack_of(booking.voucher)
            if pack.tied_at is None or booking.booked_at < pack.tied_at:
                pack.candidate, pack.tied_at = booking.candidate, booking.booked_at

    def _pack_of(self, voucher: int) -> _Pack:
        index = bisect.bisect_right(self._first_vouchers, voucher) - 1
        return self.packs[index]

    def _outcome(self, attempt: str) -> str:
        roll = self.rng.random()
        passed = 0.6 if attempt == "first" else 0.7
        if roll < passed:
            return "passed"
        return "failed" if roll < 0.9 else "no_show"

    def _plan_past_attempts(self, pack: _Pack, voucher: int, horizon: datetime) -> None:
        rng = self.rng
        registered_at = self.registered_at(pack, voucher)
        exam = rng.choice(self.eligible_exam_ids)
        plan = []
        if rng.random() < 0.12:
            plan.append(("first", "cancelled"))
        plan.append(("first", "taken"))
        earliest = registered_at + 3 * DAY
        previous_end = registered_at
        for attempt, status in plan + [("retake", "taken")]:
            if attempt == "retake":
                first = self.bookings[-1] if self.bookings else None
                if (
                    first is None
                    or first.voucher != voucher
                    or first.outcome not in ("failed", "no_show")
                    or not pack.is_second_shot
                    or rng.random() >= 0.85
                ):
                    return
            span = max((horizon - earliest).total_seconds(), 0)
            wanted = earliest + timedelta(seconds=rng.uniform(0, span / 2))
            index = self._find_sitting(wanted, future=False, seat=status != "cancelled")
            if index is None:
                return
            starts_at = self.sitting_starts[index]
            booked_at = max(previous_end + HOUR, starts_at - timedelta(days=rng.uniform(3, 30)))
            booking = _Booking(
                id=len(self.bookings) + 1,
                voucher=voucher,
                candidate=self.candidate_id(pack.owner),
                sitting=index,
                exam=exam,
                attempt=attempt,
                status=status,
                outcome=None,
                booked_at=booked_at,
            )
            if status == "cancelled":
                booking.cancelled_at = min(booked_at + DAY, starts_at - 25 * HOUR)
                booking.cancelled_at = max(booking.cancelled_at, booked_at)
                previous_end = booking.cancelled_at
            else:
                self.seats_taken[index] += 1
                recorded_at = starts_at + timedelta(hours=rng.uniform(3, 48))
                if recorded_at < self.now:
                    booking.outcome = self._outcome(attempt)
                    booking.outcome_recorded_at = recorded_at
                    booking.outcome_recorded_by = self.exam_admin_id
                previous_end = recorded_at
            self.bookings.append(booking)
            earliest = max(previous_end, starts_at) + 3 * DAY
            if booking.status == "taken" and booking.outcome is None:
                return  # waiting for the result: nothing can follow yet

    def _plan_scheduled_booking(self, owner: int, vouchers: list[tuple[_Pack, int]]) -> None:
        """Book the owner's next attempt at a future sitting, when a voucher allows one."""
        rng = self.rng
        options = []
        for pack, voucher in vouchers:
            history = self._live_by_voucher.get(voucher, [])
            if not history:
                options.append((pack, voucher, "first", None))
            elif (
                len(history) == 1
                and history[0].outcome in ("failed", "no_show")
                and pack.is_second_shot
            ):
                options.append((pack, voucher, "retake", history[0]))
        if not options:
            return
        pack, voucher, attempt, first = rng.choice(options)
        wanted = self.now + timedelta(days=rng.uniform(2, SITTINGS_TO - 5))
        index = self._find_sitting(wanted, future=True, seat=True)
        if index is None:
            return
        not_before = self.registered_at(pack, voucher) + HOUR
        if first is not None:
            not_before = max(not_before, first.outcome_recorded_at + HOUR)
        booked_at = max(not_before, self.now - timedelta(days=rng.uniform(0.1, 10)))
        self.seats_taken[index] += 1
        self.bookings.append(
            _Booking(
                id=len(self.bookings) + 1,
                voucher=voucher,
                candidate=self.candidate_id(owner),
                sitting=index,
                exam=first.exam if first else rng.choice(self.eligible_exam_ids),
                attempt=attempt,
                status="scheduled",
                outcome=None,
                booked_at=min(booked_at, self.now),
            )
        )

    def registered_at(self, pack: _Pack, voucher: int) -> datetime:
        return pack.issued_at + timedelta(hours=1 + (voucher * 7919) % 71)

    # --- rows ----------------------------------------------------------------------

    def tables(self) -> list[tuple[str, list[str], Iterator[tuple]]]:
        """(table, columns, rows) in the order foreign keys need."""
        return [
            ("secondshot_user", USER_COLUMNS, self._users()),
            ("exams_exam", ["id", "number", "title", "track", "is_active"], self._exams()),
            ("exams_testcenter", CENTRE_COLUMNS, self._centres()),
            ("exams_sitting", ["id", "centre_id", "starts_at", "seats", "seats_taken"],
             self._sittings()),
            ("vouchers_customer", CUSTOMER_COLUMNS, self._customers()),
            ("vouchers_exampack", PACK_COLUMNS, self._packs()),
            ("vouchers_voucher", VOUCHER_COLUMNS, self._vouchers()),
            ("vouchers_booking", BOOKING_COLUMNS, self._bookings()),
            ("vouchers_voucherevent", ["voucher_id", "actor_id", "action", "at", "details"],
             self._events()),
        ]  # fmt: skip

    def _users(self):
        joined = self.now - timedelta(days=800)
        for i, (email, name, superuser) in enumerate(self.staff, start=1):
            yield (
                i, self.password_hash, None, superuser, True, True, joined, email, name, joined,
                *USER_PREFERENCES,
            )  # fmt: skip
        for index in range(self.sizes.candidates):
            first = FIRST_NAMES[index % len(FIRST_NAMES)]
            last = LAST_NAMES[(index // len(FIRST_NAMES)) % len(LAST_NAMES)]
            joined = self.now - timedelta(days=400 + index % 330, minutes=index % 1440)
            verified = joined + HOUR if self.is_verified(index) else None
            yield (
                self.candidate_id(index),
                self.password_hash,
                None,
                False,
                False,
                True,
                joined,
                f"candidate{index}@{CANDIDATE_DOMAIN}",
                f"{first} {last} {index}",
                verified,
                *USER_PREFERENCES,
            )

    def _exams(self):
        for i, (number, title, track) in enumerate(self.exams, start=1):
            yield (i, number, title, track, True)

    def _centres(self):
        for i, centre in enumerate(self.centres, start=1):
            yield (i, *centre)

    def _sittings(self):
        for index, starts_at in enumerate(self.sitting_starts):
            yield (
                index + 1,
                self.sitting_centres[index],
                starts_at,
                self.sitting_seats[index],
                self.seats_taken[index],
            )

    def _customers(self):
        for i, customer in enumerate(self.customers, start=1):
            yield (i, *customer)

    def _packs(self):
        for pack in self.packs:
            plain = not pack.is_second_shot
            yield (
                pack.id,
                pack.customer,
                pack.size,
                pack.expires_on,
                pack.is_second_shot,
                Decimal(150 * pack.size),
                "USD",
                Decimal(10) if plain and pack.id % 2 else Decimal(0),
                "Partner bundle" if plain and not pack.id % 2 else "",
                pack.manager,
                pack.issued_at,
                self.candidate_id(pack.owner) if pack.candidate is not None else None,
                pack.tied_at,
            )

    def _vouchers(self):
        """Every number made and hashed by the portal's own code (``vouchers.numbers``)."""
        for pack in self.packs:
            for voucher in range(pack.first_voucher, pack.first_voucher + pack.size):
                number = numbers.generate()
                registered = voucher < pack.first_voucher + pack.registered
                voided_at = None
                if voucher in self.voided:
                    voided_at = min(pack.issued_at + 10 * DAY, self.now - HOUR)
                yield (
                    voucher,
                    pack.id,
                    numbers.digest(number),
                    numbers.last_four(number),
                    self.candidate_id(pack.owner) if registered else None,
                    self.registered_at(pack, voucher) if registered else None,
                    voided_at,
                    "Refunded to the customer" if voided_at else "",
                )

    def _bookings(self):
        for b in self.bookings:
            yield (
                b.id,
                b.voucher,
                b.candidate,
                b.sitting + 1,
                b.exam,
                b.attempt,
                b.status,
                b.outcome,
                b.booked_at,
                b.cancelled_at,
                None,
                b.outcome_recorded_at,
                b.outcome_recorded_by,
            )

    def _events(self):
        for pack in self.packs:
            details = json.dumps({"pack": pack.id, "second_shot": pack.is_second_shot})
            owner = self.candidate_id(pack.owner)
            tied = json.dumps({"candidate": owner})
            for voucher in range(pack.first_voucher, pack.first_voucher + pack.size):
                yield (voucher, pack.manager, "voucher.issued", pack.issued_at, details)
                if voucher < pack.first_voucher + pack.registered:
                    yield (
                        voucher,
                        owner,
                        "voucher.registered",
                        self.registered_at(pack, voucher),
                        "{}",
                    )
                if pack.tied_at is not None:
                    yield (voucher, owner, "voucher.tied", pack.tied_at, tied)
                if voucher in self.voided:
                    yield (
                        voucher,
                        pack.manager,
                        "voucher.voided",
                        min(pack.issued_at + 10 * DAY, self.now - HOUR),
                        json.dumps({"reason": "Refunded to the customer"}),
                    )
        for b in self.bookings:
            booked = {
                "booking": b.id,
                "attempt": b.attempt,
                "exam": self.exams[b.exam - 1][0],
                "sitting": b.sitting + 1,
            }
            yield (b.voucher, b.candidate, "voucher.booked", b.booked_at, json.dumps(booked))
            if b.cancelled_at is not None:
                cancelled = {"booking": b.id, "sitting": b.sitting + 1}
                yield (
                    b.voucher,
                    b.candidate,
                    "voucher.booking_cancelled",
                    b.cancelled_at,
                    json.dumps(cancelled),
                )
            if b.outcome is not None:
                outcome = {"booking": b.id, "outcome": b.outcome, "attempt": b.attempt}
                yield (
                    b.voucher,
                    b.outcome_recorded_by,
                    "voucher.outcome_recorded",
                    b.outcome_recorded_at,
                    json.dumps(outcome),
                )


USER_COLUMNS = [
    "id", "password", "last_login", "is_superuser", "is_staff", "is_active", "date_joined",
    "email", "legal_name", "email_verified_at", "language", "time_zone", "reminders_enabled",
]  # fmt: skip
CENTRE_COLUMNS = ["id", "name", "site_id", "country", "city", "address", "time_zone"]
CUSTOMER_COLUMNS = ["id", "name", "contact_email", "country", "account_manager_id", "created_at"]
PACK_COLUMNS = [
    "id", "customer_id", "exam_count", "expires_on", "is_second_shot", "list_price", "currency",
    "discount_percent", "promotion", "issued_by_id", "issued_at", "candidate_id", "tied_at",
]  # fmt: skip
VOUCHER_COLUMNS = [
    "id", "pack_id", "number_hash", "number_last4", "registered_by_id", "registered_at",
    "voided_at", "void_reason",
]  # fmt: skip
BOOKING_COLUMNS = [
    "id", "voucher_id", "candidate_id", "sitting_id", "exam_id", "attempt", "status", "outcome",
    "booked_at", "cancelled_at", "replaced_by_id", "outcome_recorded_at", "outcome_recorded_by_id",
]  # fmt: skip
