"""A candidate with a little of everything the portal keeps about a person, built through
the workflows, beside another candidate whose data must never leak into theirs.

Ada has three vouchers of one Second Shot pack: a first attempt failed, a booking
still to come (ten days ahead: it can be cancelled), and one registered but unused,
whose reminder once failed with an error that quotes her address. Support reissued
a number for her. She wrote to support, quoting her name and address, and support
replied, quoting them back. Bruno registered a voucher of another pack and booked it.
"""

from datetime import timedelta
from types import SimpleNamespace

from django.contrib.auth.models import Group

from backoffice import roles
from support import services as support_services
from tests.factories import (
    CandidateFactory,
    CustomerFactory,
    ExamFactory,
    ExamPackFactory,
    SittingFactory,
    StaffFactory,
    TestCenterFactory,
)
from vouchers import services
from vouchers.models import ReminderSent

ADA = {
    "email": "ada.lovelace@example.com",
    "legal_name": "Augusta Ada King-Noel",
    "time_zone": "Pacific/Chatham",
    "language": "fr",
}
BRUNO = {"email": "bruno.beta@example.org", "legal_name": "Bruno Bartholomew Beta"}


def build(now, *, pending=True):
    """Return the world; ``pending=False`` leaves Ada without a booking still to come."""
    w = SimpleNamespace(now=now)
    w.support = StaffFactory(email="sam.support@secondshot.test")
    # get_or_create: a test on real transactions runs after others have emptied the tables.
    w.support.groups.add(Group.objects.get_or_create(name=roles.SUPPORT)[0])
    w.exam_admin = StaffFactory(email="erin.exams@secondshot.test")
    w.ada = CandidateFactory(**ADA)
    w.bruno = CandidateFactory(**BRUNO)
    w.customer = CustomerFactory(name="Analytical Engines Ltd")
    w.pack = ExamPackFactory(customer=w.customer, exam_count=3, vouchers=True)
    w.failed, w.pending, w.unused = w.pack.voucher_list
    for voucher in w.pack.voucher_list:
        services.register_voucher(candidate=w.ada, number=voucher.plain_number, now=now)
    w.exam = ExamFactory(number="070-483", title="Programming in C#")
    w.centre = TestCenterFactory(name="Berlin Mitte", city="Berlin", time_zone="Europe/Berlin")
    w.past = SittingFactory(centre=w.centre, starts_at=now - timedelta(days=5), seats=5)
    w.ahead = SittingFactory(centre=w.centre, starts_at=now + timedelta(days=10), seats=5)

    w.first = services.book_sitting(
        candidate=w.ada,
        voucher=w.failed,
        exam=w.exam,
        sitting=w.past,
        now=now - timedelta(days=20),
    )
    services.record_outcome(booking=w.first, outcome="failed", recorded_by=w.exam_admin, now=now)
    if pending:
        w.booking = services.book_sitting(
            candidate=w.ada, voucher=w.pending, exam=w.exam, sitting=w.ahead, now=now
        )
    services.reissue_number_on_behalf(
        voucher=w.unused, actor=w.support, reason="Lost her e-mail; ticket 4711", now=now
    )
    w.reminder = ReminderSent.objects.create(
        voucher=w.unused,
        occasion=ReminderSent.Occasion.EXPIRY_30,
        candidate=w.ada,
        status=ReminderSent.Status.FAILED,
        last_error=f"{{'{ADA['email']}': (550, b'Mailbox unavailable')}}",
    )

    w.support_request = support_services.send_support_request(
        candidate=w.ada,
        voucher=w.unused,
        subject=f"Name on {ADA['email']}",
        message=f"My name is {ADA['legal_name']}, not Ada.",
        now=now,
    )
    support_services.reply_to_request(
        request=w.support_request,
        author=w.support,
        message=f"Dear {ADA['legal_name']}, we corrected it.",
        now=now,
    )

    w.other_pack = ExamPackFactory(exam_count=1, vouchers=True)
    (w.bruno_voucher,) = w.other_pack.voucher_list
    services.register_voucher(candidate=w.bruno, number=w.bruno_voucher.plain_number, now=now)
    w.bruno_booking = services.book_sitting(
        candidate=w.bruno, voucher=w.bruno_voucher, exam=w.exam, sitting=w.ahead, now=now
    )
    return w
