"""No audit event holds personal data, for every kind of event there is (SS-12).

Erasure leaves the audit trail as it is: it is append-only. So no event may ever
hold a person's address, name, time zone or words; it points to the person's
account row (the actor, a candidate's id), which erasure scrubs. Each action's
details are listed here, key by key: a workflow that writes a new key fails this
test until the key is added below, after asking whether it is personal data.

The reasons are staff text (support's, an account manager's), not the candidate's:
the back office asks for them with a note that the candidate can read them in their
data export, and kept as staff wrote them.
"""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from privacy.services import erase_person
from tests.factories import (
    CandidateFactory,
    CustomerFactory,
    ExamFactory,
    SittingFactory,
    StaffFactory,
)
from vouchers import services
from vouchers.models import VoucherEvent
from vouchers.personal_data import CANCEL_SCHEDULED, NAMES_A_PERSON

pytestmark = pytest.mark.django_db

Action = VoucherEvent.Action
STAFF_TEXT = {"reason"}
DETAILS = {
    Action.ISSUED: {"pack", "second_shot"},
    Action.REGISTERED: {"candidate", "returned_from"},  # a voucher given back (SS-5)
    Action.TIED: {"candidate"},  # the account's id: a pointer to the scrubbed row
    Action.BOOKED: {"booking", "attempt", "exam", "sitting"},
    Action.MOVED: {"booking", "from_booking", "from_sitting", "to_sitting"},
    Action.CANCELLED: {"booking", "sitting"},
    Action.OUTCOME: {"booking", "outcome", "attempt"},
    # Whom the e-mail the event causes goes to: the account's id.
    Action.NUMBER_REISSUED: {"candidate", "on_behalf_of_candidate", "previous_last4", "reason"},
    Action.CONFIRMATION_RESENT: {"candidate", "reason"},
    Action.RECOVERY_LINK_SENT: {"candidate"},
    Action.VOIDED: {"reason", "cancelled_booking"},
    Action.NUMBER_RETIRED: set(),
    Action.REGISTRATION_WITHDRAWN: {"candidate", "owner", "booking"},
}
PERSON = {
    "email": "grace.hopper@example.net",
    "legal_name": "Grace Brewster Murray Hopper",
    "time_zone": "America/Adak",
}


def every_workflow(now):
    """Run every workflow that writes an event, for one candidate; return the candidate."""
    manager, examiner = StaffFactory(), StaffFactory()
    candidate = CandidateFactory(**PERSON)
    other = CandidateFactory()
    exam = ExamFactory(number="072-101")
    pack = services.issue_pack(
        customer=CustomerFactory(account_manager=manager),
        exam_count=4,
        expires_on=now.date() + timedelta(days=200),
        is_second_shot=True,
        list_price=Decimal("300"),
        issued_by=manager,
        now=now - timedelta(days=30),
    )
    first, second, third = (
        services.register_voucher(candidate=candidate, number=number, now=now - timedelta(days=30))
        for number in pack.numbers[:3]
    )
    # Another person registered the fourth: the first booking gives it back (SS-5).
    services.register_voucher(candidate=other, number=pack.numbers[3], now=now - timedelta(days=30))
    past = SittingFactory(starts_at=now - timedelta(days=3))
    taken = services.book_sitting(
        candidate=candidate, voucher=first, exam=exam, sitting=past, now=now - timedelta(days=20)
    )
    services.record_outcome(booking=taken, outcome="failed", recorded_by=examiner, now=now)
    ahead, later = (SittingFactory(starts_at=now + timedelta(days=d)) for d in (10, 12))
    booked = services.book_sitting(
        candidate=candidate, voucher=first, exam=exam, sitting=ahead, now=now
    )
    moved = services.move_booking(candidate=candidate, booking=booked, sitting=later, now=now)
    services.cancel_booking(candidate=candidate, booking=moved, now=now)
    services.send_recovery_link(voucher=second, candidate=candidate, now=now)
    services.reissue_number(voucher=second, actor=candidate, now=now)
    services.reissue_number_on_behalf(voucher=second, actor=manager, reason="ticket 88", now=now)
    services.resend_confirmation(voucher=second, actor=manager, reason="ticket 89", now=now)
    services.book_sitting(candidate=candidate, voucher=third, exam=exam, sitting=ahead, now=now)
    services.void_voucher(voucher=third, actor=manager, reason="refunded", now=now)
    erase_person(person=candidate, actor=candidate, consents={CANCEL_SCHEDULED}, now=now)
    return candidate


def test_no_event_of_any_kind_holds_personal_data(now):
    """SS-12: every action, its details key by key, none of the person's words."""
    every_workflow(now)
    events = list(VoucherEvent.objects.all())
    accounts = set(get_user_model().objects.values_list("pk", flat=True))

    assert {event.action for event in events} == set(Action), "an action no workflow wrote"
    assert set(DETAILS) == set(Action), "an action whose details nobody has reviewed"
    for event in events:
        assert set(event.details) <= DETAILS[event.action], (event.action, event.details)
        for key, value in event.details.items():
            assert value is None or isinstance(value, bool | int | str), (event.action, key)
            if key in NAMES_A_PERSON:
                assert value in accounts, (event.action, key)  # a pointer to an account row
        written = json.dumps(event.details).lower()
        for personal in (*PERSON.values(), "grace", "hopper"):
            assert personal.lower() not in written, (event.action, personal)


def test_the_check_would_catch_an_address_written_in_an_event(now):
    """A control: the test above fails for an event that names the person."""
    from vouchers import audit

    every_workflow(now)
    voucher = VoucherEvent.objects.first().voucher
    audit.record(voucher, Action.CONFIRMATION_RESENT, reason=f"sent to {PERSON['email']}")
    with pytest.raises(AssertionError, match="grace.hopper@example.net"):
        test_no_event_of_any_kind_holds_personal_data(now)
