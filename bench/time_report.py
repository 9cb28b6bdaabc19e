"""Time the account manager's usage report, with its charts, for a manager with 500
customers: in-process (Django's test client), in a throwaway test database.

    .venv/bin/python bench/time_report.py [--customers 500] [--repeat 50]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ss_x .venv/bin/python bench/time_report.py

Each customer has two packs of five vouchers: three registered, two of them sat
(a pass and a fail), the rest expiring over the coming months. Prints the median and
the slowest time of the page and of the manager's start page; asserts nothing.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build(customers: int):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from backoffice import roles
    from exams.models import Exam, Sitting, TestCenter
    from vouchers import numbers
    from vouchers.models import Booking, Customer, ExamPack, Voucher

    User = get_user_model()
    now = timezone.now()
    manager = User.objects.create_user(email="manager@bench.test", password="x", is_staff=True)
    manager.groups.add(Group.objects.get(name=roles.ACCOUNT_MANAGERS))
    Customer.objects.bulk_create(
        Customer(
            name=f"Customer {i:04}",
            contact_email=f"buyer{i}@bench.test",
            country="DE",
            account_manager=manager,
        )
        for i in range(customers)
    )
    packs = ExamPack.objects.bulk_create(
        ExamPack(
            customer=customer,
            exam_count=5,
            expires_on=(now + timedelta(days=20 + 31 * (n % 11))).date(),
            is_second_shot=True,
            list_price=750,
            issued_by=manager,
        )
        for n, customer in enumerate(Customer.objects.filter(account_manager=manager))
        for _ in range(2)
    )
    vouchers = []
    for pack in packs:
        for _ in range(5):
            number = numbers.generate()
            vouchers.append(
                Voucher(
                    pack=pack,
                    number_hash=numbers.digest(number),
                    number_last4=numbers.last_four(number),
                )
            )
    vouchers = Voucher.objects.bulk_create(vouchers)
    registered = [v for i, v in enumerate(vouchers) if i % 5 < 3]
    candidates = User.objects.bulk_create(
        User(email=f"candidate{i}@bench.test", password="!") for i in range(len(registered))
    )
    for voucher, candidate in zip(registered, candidates, strict=True):
        voucher.registered_by, voucher.registered_at = candidate, now
    Voucher.objects.bulk_update(registered, ["registered_by", "registered_at"])
    centre = TestCenter.objects.create(
        name="Bench centre",
        site_id="BENCH1",
        country="DE",
        city="Berlin",
        time_zone="Europe/Berlin",
    )
    exam = Exam.objects.create(number="070-483", title="Bench exam", track="Dev")
    sitting = Sitting.objects.create(
        centre=centre, starts_at=now - timedelta(days=3), seats=100_000
    )
    Booking.objects.bulk_create(
        Booking(
            voucher=v,
            candidate=v.registered_by,
            sitting=sitting,
            exam=exam,
            attempt=Booking.Attempt.FIRST,
            status=Booking.Status.TAKEN,
            outcome=Booking.Outcome.PASSED if i % 2 else Booking.Outcome.FAILED,
        )
        for i, v in enumerate(registered)
        if i % 3 < 2
    )
    return manager


def timed(client, url, repeat: int) -> list[float]:
    for _ in range(5):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - began) * 1000)
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secondshot.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    # As served: no query log, no template instrumentation (setup_test_environment's).
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        manager = build(args.customers)
        client = Client()
        client.force_login(manager)
        print(f"{args.customers} customers on {connection.vendor} ({name})")
        for page, url in [
            ("usage report", reverse("admin:vouchers_customer_report")),
            ("start page", reverse("admin:index")),
        ]:
            times = timed(client, url, args.repeat)
            print(f"{page:<14} p50 {statistics.median(times):7.1f} ms   max {max(times):7.1f} ms")
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
