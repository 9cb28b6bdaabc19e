"""``python manage.py seed_demo``: fill the database with a believable demo of the portal.

It creates an exam catalogue, test centres around the world with sittings over
the next 90 days, one demo account per role, a customer, and a Second Shot
pack for the demo candidate with a failed first attempt whose free retake is
open. Everything is keyed by its natural key, so running it again creates no
duplicates. Voucher numbers are stored only as a keyed hash, so the number of
the candidate's unregistered voucher can be printed on the first run only;
``--new-pack`` issues another pack whenever fresh numbers are needed.

Every run also issues a pack of one voucher, tied to nobody, and prints its number
for someone trying the portal as a new candidate: sign up, confirm the address with
the link printed in the terminal, register it. One such pack per run is the price of
a number that always works (a stored number cannot be read back).
"""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from exams.demo import EXAMS
from exams.models import Exam, Sitting, TestCenter
from exams.places import country_code
from vouchers import numbers
from vouchers.models import Booking, Customer, Voucher
from vouchers.services import (
    IssuedPack,
    book_sitting,
    issue_pack,
    record_outcome,
    register_voucher,
)

DEMO_PASSWORD = "secondshot-demo"
DEMO_CUSTOMER = "Contoso Training Ltd"
SITTING_DAYS = 90
# Monday, Wednesday and Friday: every second weekday keeps the demo to ~700 sittings.
SITTING_WEEKDAYS = (0, 2, 4)
SITTING_TIMES = (time(9), time(14))
PACK_SIZE = 3
PACK_LIFETIME = timedelta(days=120)
PACK_PRICE = Decimal("450.00")
FAILED_EXAM = "070-483"
FAILED_AT_SITE = "DE-BER-0417"


class CentreSeed(NamedTuple):
    site_id: str
    name: str
    city: str
    country: str
    time_zone: str
    address: str
    seats: int


CENTRES = [
    CentreSeed(
        "DE-BER-0417", "Berlin Mitte Testing Centre", "Berlin", "Germany",
        "Europe/Berlin", "Friedrichstraße 68, 10117 Berlin", 12,
    ),
    CentreSeed(
        "GB-LON-0233", "London Holborn Testing Centre", "London", "United Kingdom",
        "Europe/London", "120 High Holborn, London WC1V 6RH", 16,
    ),
    CentreSeed(
        "US-NYC-1102", "Manhattan Midtown Testing Centre", "New York", "United States",
        "America/New_York", "350 Fifth Avenue, Suite 4100, New York, NY 10118", 20,
    ),
    CentreSeed(
        "BR-SAO-0309", "São Paulo Paulista Testing Centre", "São Paulo", "Brazil",
        "America/Sao_Paulo", "Avenida Paulista 1842, Bela Vista, São Paulo - SP, 01310-200", 10,
    ),
    CentreSeed(
        "JP-TYO-0715", "Tokyo Shinjuku Testing Centre", "Tokyo", "Japan",
        "Asia/Tokyo", "2-6-1 Nishi-Shinjuku, Shinjuku-ku, Tokyo 163-0230", 14,
    ),
    CentreSeed(
        "IN-BLR-0521", "Bangalore Koramangala Testing Centre", "Bangalore", "India",
        "Asia/Kolkata", "80 Feet Road, Koramangala 4th Block, Bengaluru 560034", 18,
    ),
    CentreSeed(
        "AU-SYD-0612", "Sydney CBD Testing Centre", "Sydney", "Australia",
        "Australia/Sydney", "Level 12, 60 Margaret Street, Sydney NSW 2000", 12,
    ),
    CentreSeed(
        "NZ-AKL-0118", "Auckland Central Testing Centre", "Auckland", "New Zealand",
        "Pacific/Auckland", "Level 5, 21 Queen Street, Auckland 1010", 8,
    ),
    CentreSeed(
        "ZA-JNB-0824", "Johannesburg Sandton Testing Centre", "Johannesburg", "South Africa",
        "Africa/Johannesburg", "135 Rivonia Road, Sandton, Johannesburg 2196", 10,
    ),
]  # fmt: skip


class DemoAccount(NamedTuple):
    key: str
    role: str
    email: str
    legal_name: str
    group: str | None = None
    is_staff: bool = True
    is_superuser: bool = False
    # A candidate's time zone, as sign-up sets it from their country: the booking
    # search starts in that country.
    time_zone: str = ""


# The groups' permissions come from the roles data migration; the seed only
# puts the demo staff in them.
DEMO_ACCOUNTS = [
    DemoAccount(
        "manager", "Account manager", "manager@secondshot.test", "Maria Manager",
        group="Account managers",
    ),
    DemoAccount(
        "support", "Support agent", "support@secondshot.test", "Sam Support", group="Support",
    ),
    DemoAccount(
        "exam_admin", "Exam administrator", "examadmin@secondshot.test", "Erin Examadmin",
        group="Exam administrators",
    ),
    DemoAccount("admin", "Superuser", "admin@secondshot.test", "Ada Admin", is_superuser=True),
    DemoAccount(
        "candidate", "Candidate", "candidate@secondshot.test", "Alex Candidate", is_staff=False,
        time_zone="Europe/Berlin",
    ),
]  # fmt: skip


class Command(BaseCommand):
    help = (
        "Create demo exams, test centres, sittings, one account per role and a Second Shot "
        "pack for the demo candidate. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--new-pack",
            action="store_true",
            help=f"Also issue another {PACK_SIZE}-exam Second Shot pack to {DEMO_CUSTOMER} "
            "and print its voucher numbers.",
        )

    def handle(self, *args, new_pack, **options):
        if not settings.DEBUG:
            # The demo accounts share a published password, a superuser among them.
            raise CommandError(
                "seed_demo creates accounts with a published password and runs only "
                "with DEBUG on (the development default). It is not for production."
            )
        now = timezone.now()
        # One transaction: a failure part-way leaves nothing half-seeded, and the
        # registration e-mails (sent on commit) print before the summary below.
        with transaction.atomic():
            new_exams = self._seed_exams()
            centres, new_centres = self._seed_centres()
            new_sittings = self._seed_sittings(centres, now=now)
            users = self._seed_accounts()
            customer = self._seed_customer(users["manager"])
            candidate_pack = self._seed_candidate_pack(customer, users, now=now)
            extra_pack = self._issue_pack(customer, users["manager"], now=now) if new_pack else None
            newcomer = self._issue_pack(customer, users["manager"], now=now, exam_count=1)

        self._heading("Second Shot demo data")
        self._line(f"Exams:         {Exam.objects.count():>4}  ({new_exams} new)")
        self._line(f"Test centres:  {TestCenter.objects.count():>4}  ({new_centres} new)")
        self._line(f"Sittings:      {Sitting.objects.count():>4}  ({new_sittings} new)")
        self._line(f"Customer:      {customer} (account manager {customer.account_manager})")
        self._print_candidate_pack(candidate_pack, candidate=users["candidate"])
        if extra_pack is not None:
            self._print_pack(extra_pack)
        self._print_accounts()
        self._print_newcomer(newcomer)

    # --- seeding ---------------------------------------------------------------

    def _seed_exams(self) -> int:
        created = 0
        for number, title, track in EXAMS:
            _, is_new = Exam.objects.get_or_create(
                number=number, defaults={"title": title, "track": track}
            )
            created += is_new
        return created

    def _seed_centres(self) -> tuple[list[tuple[TestCenter, CentreSeed]], int]:
        centres, created = [], 0
        for seed in CENTRES:
            centre, is_new = TestCenter.objects.get_or_create(
                site_id=seed.site_id,
                defaults={
                    "name": seed.name,
                    "city": seed.city,
                    "country": country_code(seed.country),
                    "time_zone": seed.time_zone,
                    "address": seed.address,
                },
            )
            centres.append((centre, seed))
            created += is_new
        return centres, created

    def _seed_sittings(self, centres, *, now: datetime) -> int:
        """Plan sittings at 09:00 and 14:00 local time at every centre (SS-9).

        The times are local because that is how a centre plans its day; they are
        stored in UTC, so the UTC hour moves with each zone and its summer time.
        """
        horizon = now + timedelta(days=SITTING_DAYS)
        planned = []
        for centre, seed in centres:
            first_day = now.astimezone(centre.zone).date()
            for offset in range(SITTING_DAYS + 1):
                day = first_day + timedelta(days=offset)
                if day.weekday() not in SITTING_WEEKDAYS:
                    continue
                for start in SITTING_TIMES:
                    starts_at = datetime.combine(day, start, tzinfo=centre.zone).astimezone(UTC)
                    if now < starts_at <= horizon:
                        planned.append(
                            Sitting(centre=centre, starts_at=starts_at, seats=seed.seats)
                        )
        before = Sitting.objects.count()
        Sitting.objects.bulk_create(planned, ignore_conflicts=True)
        return Sitting.objects.count() - before

    def _seed_accounts(self) -> dict:
        """Create or reset the demo accounts, so the table printed at the end is always true."""
        users = {}
        for account in DEMO_ACCOUNTS:
            user, _ = get_user_model().objects.get_or_create(
                email=account.email, defaults={"legal_name": account.legal_name}
            )
            user.is_active = True
            user.is_staff = account.is_staff
            user.is_superuser = account.is_superuser
            user.email_verified_at = user.email_verified_at or timezone.now()
            user.time_zone = user.time_zone or account.time_zone
            user.set_password(DEMO_PASSWORD)
            user.save()
            if account.group:
                group, _ = Group.objects.get_or_create(name=account.group)
                user.groups.add(group)
            users[account.key] = user
        return users

    def _seed_customer(self, manager) -> Customer:
        customer, _ = Customer.objects.get_or_create(
            name=DEMO_CUSTOMER,
            defaults={
                "contact_email": "training@contoso.example",
                "country": "United Kingdom",
                "account_manager": manager,
            },
        )
        return customer

    def _seed_candidate_pack(self, customer, users, *, now: datetime) -> str | None:
        """Give the demo candidate a pack they have been using, on the first run only.

        The pack was issued six weeks ago; the candidate registered two of its
        vouchers and failed 070-483 with the first, so its free retake is open
        (SS-1). Returns the third voucher's number, still unregistered, or None
        when an earlier run made the pack: its number cannot be read back.
        """
        candidate = users["candidate"]
        if Voucher.objects.filter(pack__customer=customer, registered_by=candidate).exists():
            return None
        issued_at = now - timedelta(weeks=6)
        issued = self._issue_pack(customer, users["manager"], now=now, issued_at=issued_at)
        failed_number, fresh_number, unregistered_number = issued.numbers
        failed = register_voucher(
            candidate=candidate, number=failed_number, now=issued_at + timedelta(days=1)
        )
        register_voucher(
            candidate=candidate, number=fresh_number, now=issued_at + timedelta(days=1)
        )
        self._fail_first_attempt(
            voucher=failed,
            candidate=candidate,
            recorded_by=users["exam_admin"],
            booked_at=issued_at + timedelta(days=2),
            now=now,
        )
        return unregistered_number

    def _fail_first_attempt(self, *, voucher, candidate, recorded_by, booked_at, now) -> None:
        """Book a first attempt at a sitting three weeks ago and record it as failed."""
        centre = TestCenter.objects.get(site_id=FAILED_AT_SITE)
        today = now.astimezone(centre.zone).date()
        monday_three_weeks_ago = today - timedelta(days=today.weekday() + 21)
        starts_at = datetime.combine(monday_three_weeks_ago, SITTING_TIMES[0], tzinfo=centre.zone)
        sitting, _ = Sitting.objects.get_or_create(
            centre=centre, starts_at=starts_at, defaults={"seats": 12}
        )
        booking = book_sitting(
            candidate=candidate,
            voucher=voucher,
            exam=Exam.objects.get(number=FAILED_EXAM),
            sitting=sitting,
            now=booked_at,
        )
        record_outcome(
            booking=booking,
            outcome=Booking.Outcome.FAILED,
            recorded_by=recorded_by,
            now=starts_at + timedelta(hours=5),
        )

    def _issue_pack(
        self, customer, manager, *, now: datetime, issued_at=None, exam_count=PACK_SIZE
    ) -> IssuedPack:
        """Issue a Second Shot pack that expires PACK_LIFETIME from today, whenever issued."""
        return issue_pack(
            customer=customer,
            exam_count=exam_count,
            expires_on=now.date() + PACK_LIFETIME,
            is_second_shot=True,
            list_price=PACK_PRICE,
            issued_by=manager,
            now=issued_at or now,
        )

    # --- printing --------------------------------------------------------------

    def _heading(self, text: str) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(text))

    def _line(self, text: str = "") -> None:
        self.stdout.write(f"  {text}" if text else "")

    def _print_candidate_pack(self, unregistered_number: str | None, *, candidate) -> None:
        self._heading("The demo candidate's Second Shot pack")
        if unregistered_number is None:
            self._line("Issued on an earlier run. Its unregistered voucher number cannot be")
            self._line("shown again: numbers are stored only as a hash. For fresh numbers run")
            self._line("    python manage.py seed_demo --new-pack")
            return
        self._line(f"Two vouchers are registered to {candidate}; {FAILED_EXAM} was failed")
        self._line("with the first, so its free retake is open. Sign in as the candidate")
        self._line("and register the third voucher (shown only now; the pack is the demo")
        self._line("candidate's, so nobody else can register it):")
        self._line()
        self._line("    " + self.style.SUCCESS(numbers.display(unregistered_number)))

    def _print_pack(self, issued: IssuedPack) -> None:
        pack = issued.pack
        self._heading(f"New {pack.exam_count}-exam Second Shot pack for {pack.customer}")
        self._line(f"Expires on {pack.expires_on:%d %B %Y}. Voucher numbers (shown only now):")
        for number in issued.displayed_numbers():
            self._line("    " + self.style.SUCCESS(number))

    def _print_accounts(self) -> None:
        site = settings.SITE_URL.rstrip("/")
        rows = [
            (
                account.role,
                account.email,
                site + reverse("admin:index" if account.is_staff else "login"),
            )
            for account in DEMO_ACCOUNTS
        ]
        role_width = max(len(role) for role, _, _ in rows)
        email_width = max(len(email) for _, email, _ in rows)
        self._heading(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        self._line(f"{'Role':<{role_width}}  {'E-mail':<{email_width}}  Signs in at")
        for role, email, url in rows:
            self._line(f"{role:<{role_width}}  {email:<{email_width}}  {url}")

    def _print_newcomer(self, issued: IssuedPack) -> None:
        site = settings.SITE_URL.rstrip("/")
        self._heading("Try it as a new candidate")
        self._line(f"Create an account at {site}{reverse('signup')}")
        self._line("E-mails print in this terminal: the link that confirms your address too.")
        self._line("Then register this voucher, a pack of one tied to nobody (new on every run):")
        self._line()
        (number,) = issued.displayed_numbers()
        self._line("    " + self.style.SUCCESS(number))
