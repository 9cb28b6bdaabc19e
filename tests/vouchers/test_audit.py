"""The audit trail is append-only (SS-12)."""

from datetime import timedelta

import pytest

from tests.factories import RegisteredVoucherFactory
from tests.vouchers.helpers import FAILED, book, sit
from vouchers import services
from vouchers.models import VoucherEvent

pytestmark = pytest.mark.django_db


def test_every_change_to_a_voucher_is_in_its_audit_trail_in_order(candidate, exam, exam_admin, now):
    """SS-12: who, when and what, for each step of a voucher's life."""
    voucher = RegisteredVoucherFactory(registered_by=None, registered_at=None)
    services.register_voucher(candidate=candidate, number=voucher.plain_number, now=now)
    first = book(candidate, voucher, exam, now=now)
    moved = services.move_booking(
        candidate=candidate,
        booking=first,
        sitting=type(first.sitting).objects.create(
            centre=first.sitting.centre,
            starts_at=first.sitting.starts_at + timedelta(hours=3),
            seats=3,
        ),
        now=now,
    )
    sit(moved, FAILED, by=exam_admin)
    retake = book(candidate, voucher, exam, now=moved.sitting.starts_at)
    services.cancel_booking(candidate=candidate, booking=retake, now=moved.sitting.starts_at)
    services.reissue_number(voucher=voucher, actor=candidate)

    actions = list(voucher.events.order_by("pk").values_list("action", flat=True))
    assert actions == [
        "voucher.registered",
        "voucher.tied",
        "voucher.booked",
        "voucher.booking_moved",
        "voucher.outcome_recorded",
        "voucher.booked",
        "voucher.booking_cancelled",
        "voucher.number_reissued",
    ]
    assert all(e.at is not None for e in voucher.events.all())
    assert voucher.events.get(action="voucher.outcome_recorded").actor == exam_admin


def test_an_audit_event_cannot_be_edited_or_deleted_through_the_models(candidate):
    """SS-12"""
    voucher = RegisteredVoucherFactory(registered_by=None, registered_at=None)
    services.register_voucher(candidate=candidate, number=voucher.plain_number)
    event = VoucherEvent.objects.get(voucher=voucher)

    event.action = "voucher.voided"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        VoucherEvent.objects.filter(pk=event.pk).update(action="voucher.voided")
    with pytest.raises(PermissionError):
        VoucherEvent.objects.filter(pk=event.pk).delete()
    assert VoucherEvent.objects.get(pk=event.pk).action == "voucher.registered"


@pytest.mark.django_db(transaction=True)
def test_the_database_itself_refuses_update_and_delete_of_audit_events(candidate):
    """SS-12: raw SQL is refused by a trigger, on PostgreSQL and SQLite alike."""
    from django.db import DatabaseError, connection, transaction

    voucher = RegisteredVoucherFactory(registered_by=None, registered_at=None)
    services.register_voucher(candidate=candidate, number=voucher.plain_number)
    event = VoucherEvent.objects.get(voucher=voucher)
    for statement in (
        "UPDATE vouchers_voucherevent SET action = 'voucher.voided' WHERE id = %s",
        "DELETE FROM vouchers_voucherevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    assert VoucherEvent.objects.get(pk=event.pk).action == "voucher.registered"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_to_truncate_the_audit_trail_but_for_maintenance(candidate):
    """SS-12: TRUNCATE fires no row trigger; a statement trigger stops it, directly or by
    CASCADE from the vouchers, unless a reset says it is maintenance."""
    from django.db import DatabaseError, connection, transaction

    from vouchers import audit

    voucher = RegisteredVoucherFactory(registered_by=None, registered_at=None)
    services.register_voucher(candidate=candidate, number=voucher.plain_number)
    for statement in (
        "TRUNCATE vouchers_voucherevent",
        "TRUNCATE vouchers_voucher CASCADE",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only: TRUNCATE"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert VoucherEvent.objects.filter(voucher=voucher).exists()
    with audit.maintenance(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE vouchers_voucherevent")
    assert not VoucherEvent.objects.exists()
