"""factory-boy factories for every model. Dates are computed when a factory runs."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import factory
from django.utils import timezone

from exams.models import Exam, Sitting, TestCenter
from vouchers import numbers
from vouchers.models import Booking, Customer, ExamPack, Voucher


def in_days(days: int) -> dt.date:
    return timezone.now().date() + dt.timedelta(days=days)


def local_datetime(time_zone: str, year, month, day, hour=9, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=zoneinfo.ZoneInfo(time_zone))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"candidate{n}@example.com")
    legal_name = factory.Sequence(lambda n: f"Candidate Number{n}")
    password = factory.django.Password("correct horse battery staple")


class StaffFactory(UserFactory):
    email = factory.Sequence(lambda n: f"staff{n}@secondshot.test")
    is_staff = True


class ExamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exam
        django_get_or_create = ["number"]

    number = factory.Sequence(lambda n: f"070-{n % 1000:03d}")
    title = factory.Sequence(lambda n: f"Developing Solutions {n}")
    track = Exam.Track.DEVELOPER


class TestCenterFactory(factory.django.DjangoModelFactory):
    __test__ = False  # a factory, not a pytest test class

    class Meta:
        model = TestCenter

    name = factory.Sequence(lambda n: f"Test Centre {n}")
    site_id = factory.Sequence(lambda n: f"SITE{n:05d}")
    country = "DE"
    city = "Berlin"
    time_zone = "Europe/Berlin"


class SittingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sitting

    centre = factory.SubFactory(TestCenterFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    seats = 10


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Customer {n} Ltd")
    contact_email = factory.Sequence(lambda n: f"buyer{n}@customer.example")
    country = "Germany"
    account_manager = factory.SubFactory(StaffFactory)


class ExamPackFactory(factory.django.DjangoModelFactory):
    """A pack; ``ExamPackFactory(vouchers=True)`` also makes one voucher per exam."""

    class Meta:
        model = ExamPack
        skip_postgeneration_save = True

    customer = factory.SubFactory(CustomerFactory)
    exam_count = 3
    expires_on = factory.LazyFunction(lambda: in_days(180))
    is_second_shot = True
    list_price = Decimal("450.00")
    issued_by = factory.SelfAttribute("customer.account_manager")

    @factory.post_generation
    def vouchers(pack, create, extracted, **kwargs):
        pack.voucher_list = []
        if create and extracted:
            pack.voucher_list = [VoucherFactory(pack=pack) for _ in range(pack.exam_count)]


class VoucherFactory(factory.django.DjangoModelFactory):
    """A voucher, in a one-exam pack of its own unless given one.

    Its number exists in the clear only as ``voucher.plain_number``.
    """

    class Meta:
        model = Voucher

    pack = factory.SubFactory(ExamPackFactory, exam_count=1)
    plain_number = factory.LazyFunction(numbers.generate)
    number_hash = factory.LazyAttribute(lambda o: numbers.digest(o.plain_number))
    number_last4 = factory.LazyAttribute(lambda o: numbers.last_four(o.plain_number))

    @classmethod
    def _create(cls, model_class, *args, plain_number, **kwargs):
        voucher = super()._create(model_class, *args, **kwargs)
        voucher.plain_number = plain_number
        return voucher


class RegisteredVoucherFactory(VoucherFactory):
    registered_by = factory.SubFactory(UserFactory)
    registered_at = factory.LazyFunction(timezone.now)


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    voucher = factory.SubFactory(VoucherFactory)
    candidate = factory.SubFactory(UserFactory)
    sitting = factory.SubFactory(SittingFactory)
    exam = factory.SubFactory(ExamFactory)
    attempt = Booking.Attempt.FIRST


class CandidateFactory(UserFactory):
    """A candidate who has opened the verification link, so they may register vouchers."""

    email_verified_at = factory.LazyFunction(timezone.now)
