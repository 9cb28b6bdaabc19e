"""The account's trail of exports and erasures is append-only, as the voucher trail is."""

import pytest
from django.db import DatabaseError, connection, transaction

from privacy.models import AccountEvent
from tests.factories import CandidateFactory


def an_export():
    person = CandidateFactory()
    return AccountEvent.objects.create(
        person=person, actor=person, action=AccountEvent.Action.EXPORTED
    )


@pytest.mark.django_db
def test_an_account_event_cannot_be_edited_or_deleted_through_the_models():
    event = an_export()
    event.reason = "rewritten"
    for change in (
        event.save,
        event.delete,
        lambda: AccountEvent.objects.filter(pk=event.pk).update(reason="rewritten"),
        lambda: AccountEvent.objects.filter(pk=event.pk).delete(),
    ):
        with pytest.raises(PermissionError):
            change()
    assert AccountEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.django_db(transaction=True)
def test_the_database_itself_refuses_update_and_delete_of_account_events():
    """Raw SQL is refused by a trigger, on PostgreSQL and SQLite alike."""
    event = an_export()
    for statement in (
        "UPDATE privacy_accountevent SET reason = 'rewritten' WHERE id = %s",
        "DELETE FROM privacy_accountevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    assert AccountEvent.objects.get(pk=event.pk).reason == ""
