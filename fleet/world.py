"""The fleet's data, made by the portal's own workflows in a fresh database.

Run with Django set up against the fleet's database (``fleet/run.py`` does). It
returns the cast as plain data for the clients: who signs in with which password,
which voucher each books with, the voucher numbers they will register (kept from
the packs' issue, the only moment they exist in the clear), the sittings they
compete for, and a results file for the staff member to import.
"""

import csv
import functools
import io
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from exams.models import Exam, Sitting, TestCenter
from vouchers import numbers
from vouchers.models import Customer
from vouchers.services import book_sitting, issue_pack, register_voucher

PASSWORD = "fleet-password-7c1e"
CANDIDATES = 24
# Fewer seats than candidates: sittings fill, and a full one must refuse, never oversell.
HOT_SITTINGS = 6
SEATS = 3
# Bookings on sittings that have started, for the results file.
TAKEN_BOOKINGS = 30
EXAMS = [("070-483", "Programming in C#"), ("070-480", "Programming in HTML5")]
# Group names made by the staff roles' data migration.
EXAM_ADMINISTRATORS = "Exam administrators"
ACCOUNT_MANAGERS = "Account managers"


@functools.cache
def _password_hash() -> str:
    """Hashed once for every account: hashing costs a third of a second by design."""
    return make_password(PASSWORD)


def _user(email: str, *, staff: bool = False, group: str | None = None):
    user = get_user_model().objects.create_user(
        email=email, legal_name=email.split("@")[0].replace(".", " ").title()
    )
    user.password = _password_hash()
    user.language, user.email_verified_at, user.is_staff = "en", timezone.now(), staff
    user.save()
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def _pack(customer, manager, *, issued_at: datetime):
    return issue_pack(
        customer=customer,
        exam_count=3,
        expires_on=timezone.now().date() + timedelta(days=120),
        is_second_shot=True,
        list_price=Decimal("450.00"),
        issued_by=manager,
        now=issued_at,
    )


def build() -> dict:
    now = timezone.now()
    manager = _user("manager@fleet.test", staff=True, group=ACCOUNT_MANAGERS)
    examiner = _user("examiner@fleet.test", staff=True, group=EXAM_ADMINISTRATORS)
    customer = Customer.objects.create(
        name="Fleet Training Ltd",
        contact_email="training@fleet.test",
        country="Germany",
        account_manager=manager,
    )
    exams = [
        Exam.objects.create(number=number, title=title, track=Exam.Track.DEVELOPER)
        for number, title in EXAMS
    ]
    centre = TestCenter.objects.create(
        name="Fleet Test Centre",
        site_id="DE-FLT-0001",
        country="DE",
        city="Berlin",
        address="Teststraße 1",
        time_zone="Europe/Berlin",
    )
    day = now.astimezone(centre.zone).date() + timedelta(days=3)
    hot = [
        Sitting.objects.create(
            centre=centre,
            starts_at=datetime.combine(day + timedelta(days=n // 2), time(9 + 5 * (n % 2)))
            .replace(tzinfo=centre.zone)
            .astimezone(UTC),
            seats=SEATS,
        )
        for n in range(HOT_SITTINGS)
    ]

    candidates = []
    for n in range(CANDIDATES):
        person = _user(f"candidate{n:02}@fleet.test")
        issued = _pack(customer, manager, issued_at=now)
        first, *spare = issued.numbers
        voucher = register_voucher(candidate=person, number=first, now=now)
        candidates.append(
            {
                "email": person.email,
                "voucher": voucher.pk,
                "exam": exams[n % 2].pk,
                "spare_numbers": [numbers.display(s) for s in spare],
            }
        )

    def extra(name):
        person = _user(f"{name}@fleet.test")
        issued = _pack(customer, manager, issued_at=now)
        register_voucher(candidate=person, number=issued.numbers[0], now=now)
        return person.email

    return {
        "password": PASSWORD,
        "candidates": candidates,
        "sittings": [s.pk for s in hot],
        "examiner": examiner.email,
        # Guesses well-formed (their check symbol right), so each reaches the database
        # and counts; none was issued.
        "guesser": extra("guesser"),
        "wrong_numbers": [numbers.display(numbers.generate()) for _ in range(14)],
        "survivor": extra("survivor"),
        "results": _taken_bookings(customer, manager, exams[0], centre, now=now),
    }


def _taken_bookings(customer, manager, exam, centre, *, now: datetime) -> dict:
    """Candidates who sat an exam yesterday, booked a week ago: the results file's rows."""
    week_ago = now - timedelta(days=7)
    sitting = Sitting.objects.create(
        centre=centre, starts_at=now - timedelta(days=1), seats=TAKEN_BOOKINGS
    )
    rows, booking_ids = [], []
    for n in range(TAKEN_BOOKINGS):
        person = _user(f"sat{n:02}@fleet.test")
        issued = _pack(customer, manager, issued_at=week_ago)
        voucher = register_voucher(candidate=person, number=issued.numbers[0], now=week_ago)
        booking = book_sitting(
            candidate=person, voucher=voucher, exam=exam, sitting=sitting, now=week_ago
        )
        booking_ids.append(booking.pk)
        outcome = ("passed", "failed", "no_show")[n % 3]
        start = sitting.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append([booking.pk, person.email, exam.number, start, outcome])
    file = io.StringIO()
    writer = csv.writer(file)
    writer.writerow(
        ["booking_reference", "candidate_email", "exam_number", "sitting_start_utc", "outcome"]
    )
    writer.writerows(rows)
    return {"csv": file.getvalue(), "bookings": booking_ids}
