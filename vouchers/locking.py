"""How the workflows lock what they make scarcer.

Every workflow locks rows in this one order, so two workflows never wait for
each other in a circle:

    candidate (user) → pack → voucher → sitting(s), by id → booking

Each workflow re-checks its rule after taking the locks. On SQLite, where
``select_for_update`` does nothing, transactions begin IMMEDIATE (see settings)
and the database constraints are the last line; on PostgreSQL the row locks
turn races into orderly waits, and the constraints still stand behind them.
"""

from contextlib import contextmanager

from django.db import IntegrityError, transaction

from .errors import Refused


def for_update(queryset):
    """Return the queryset locking its own rows (not joined ones) until the transaction ends."""
    return queryset.select_for_update(of=("self",))


@contextmanager
def workflow():
    """Run a workflow as one transaction.

    A constraint violation here means another request changed the same rows
    between our check and our write, which the locks should have prevented; the
    person is told to try again and nothing is written.
    """
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        raise Refused("conflict") from error
