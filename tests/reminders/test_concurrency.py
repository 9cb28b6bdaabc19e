"""Two workers running the reminder job at once send each reminder exactly once.

On PostgreSQL with real threads, released together on a ``threading.Barrier``
and held again after each has listed what is due, so both try to send every
reminder. The control takes the unique claim away (a check for an existing
record instead of inserting one, the obvious code without the constraint) and
holds both workers after their check: then both send, so the main test would
catch a claim that did not work.
"""

import threading
from collections import Counter

import pytest
from django.core import mail

from tests.factories import RegisteredVoucherFactory, local_datetime
from tests.reminders.conftest import EXPIRES, before_expiry
from tests.reminders.helpers import book_at
from tests.threads import run_together
from vouchers import reminders, tasks
from vouchers.models import ReminderSent
from vouchers.reminders import sending

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

WORKERS = 2


@pytest.fixture
def due_now(candidate, voucher, exam, berlin):
    """Four reminders due at the same moment: three vouchers' 30-day ones and a sitting's."""
    others = [
        RegisteredVoucherFactory(
            registered_by=candidate, registered_at=before_expiry(200), pack__expires_on=EXPIRES
        )
        for _ in range(3)
    ]
    book_at(
        candidate,
        voucher,
        exam,
        centre=berlin,
        starts_at=local_datetime("Europe/Berlin", 2027, 6, 1, 9),
        booked_at=before_expiry(60),
    )
    mail.outbox.clear()  # the booking e-mail, sent as the booking committed
    now = before_expiry(30)
    due = reminders.find_due_reminders(now=now)
    assert len(due) == 4 and {r.voucher_id for r in due} == {voucher.pk, *(o.pk for o in others)}
    return now, due


@pytest.fixture
def held_after_listing(monkeypatch):
    """Every worker waits after listing what is due until all have listed it."""
    listed = threading.Barrier(WORKERS)
    original = reminders.find_due_reminders

    def find_due_reminders(*, now):
        due = original(now=now)
        listed.wait(timeout=30)
        return due

    monkeypatch.setattr(reminders, "find_due_reminders", find_due_reminders)


def test_two_workers_at_once_send_each_reminder_exactly_once(due_now, held_after_listing):
    now, due = due_now

    results = run_together(WORKERS, lambda _: tasks.enqueue_due_reminders(now=now))

    assert [len(r) for r in results] == [len(due)] * WORKERS, "each worker saw every reminder"
    assert len(mail.outbox) == len(due)
    assert len({(m.subject, m.body) for m in mail.outbox}) == len(due)
    records = ReminderSent.objects.all()
    assert Counter(r.status for r in records) == {ReminderSent.Status.SENT: len(due)}
    assert all(r.attempts == 1 for r in records)


def test_control_without_the_unique_claim_both_workers_send(
    due_now, held_after_listing, monkeypatch
):
    """The race is real: a check-then-send without the claim sends everything twice."""
    now, due = due_now
    checked = threading.Barrier(WORKERS)

    def claim_without_constraint(reminder, *, voucher, booking):
        already = ReminderSent.objects.filter(
            voucher=voucher, booking=booking, occasion=reminder.occasion
        ).exists()
        checked.wait(timeout=30)  # the worst interleaving: both check before either sends
        if already:
            return None
        return ReminderSent(  # sent, but never recorded: the claim is what records it
            voucher=voucher,
            booking=booking,
            occasion=reminder.occasion,
            candidate=voucher.registered_by,
            status=ReminderSent.Status.CLAIMED,
        )

    monkeypatch.setattr(sending, "claim", claim_without_constraint)

    run_together(WORKERS, lambda _: tasks.enqueue_due_reminders(now=now))

    assert len(mail.outbox) == WORKERS * len(due)
