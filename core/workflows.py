"""What every workflow shares: one transaction helper and one refusal type.

A workflow (``vouchers/services/``, ``exams/services.py``) is a keyword-only
function that opens ``workflow()``, locks the rows it makes scarcer, asks its
policy again under the lock and writes. When a rule says no it raises
``Refused`` with a reason from its app's enumeration (``vouchers/errors.py``,
``exams/errors.py``): each reason is a stable code, for tests and logs, and the
message a person reads next to the form. Being members of an enumeration, the
codes cannot be mistyped: a name that is not one fails where it is written, and
a reason without its message cannot be declared.

The message is translated when it is read, into the language active then: a
refusal raised in one request and shown in another speaks its reader's.
"""

from contextlib import contextmanager
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import TextChoices
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

from .metrics import count_refusal


class Reason(TextChoices):
    """The base of every app's reasons: ``CODE = "code", _("The message, %(param)s.")``."""


class Common(Reason):
    """Reasons any workflow may give."""

    # The database caught what the locks should have: a retry will see the new state.
    CONFLICT = "conflict", _("Someone else changed this at the same moment. Please try again.")


def _readable(value):
    """A parameter as the reader reads it: dates in their language's words, lazy text translated.

    A datetime is a sitting's start, already in its centre's zone, which is named.
    A number is grouped as the language groups thousands: 10,000, 10.000, 10 000.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return number_format(value, force_grouping=True)
    if isinstance(value, datetime):
        return f"{date_format(value, 'SITTING_IN_TEXT_FORMAT')} {value.tzname()}"
    if isinstance(value, date):
        return date_format(value, "DAY_FORMAT")
    return str(value)


class Refused(Exception):
    """A workflow refused to act; ``code`` names the rule, ``message`` explains it."""

    def __init__(self, code: Reason, **params):
        if not isinstance(code, Reason):
            raise TypeError(f"A refusal's code is a Reason, not {code!r}.")
        self.code = code
        self.params = params
        super().__init__(code.value)

    @property
    def message(self) -> str:
        """The explanation, in the language active as it is read."""
        return str(self.code.label) % {k: _readable(v) for k, v in self.params.items()}

    def __str__(self):
        return self.message

    def __repr__(self):
        return f"Refused({self.code.value!r})"


def for_update(queryset, *, first: tuple[str, ...] = ()):
    """Return the queryset locking its own rows until the transaction ends.

    ``first`` names rows it selects with ``select_related`` to lock in the same
    statement, before its own and in the order given (PostgreSQL locks each row of
    a result in the order ``FOR UPDATE OF`` names them): one statement where the
    workflow's lock order would otherwise take one each. Other joined rows are
    read, not locked.
    """
    return queryset.select_for_update(of=(*first, "self"))


@contextmanager
def workflow():
    """Run a workflow as one transaction.

    Every refusal that leaves it is counted by its code (``core/metrics.py``).
    A constraint violation here means another request changed the same rows
    between our check and our write, which the locks should have prevented; the
    person is told to try again and nothing is written.
    """
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        refusal = Refused(Common.CONFLICT)
        count_refusal(refusal)
        raise refusal from error
    except Refused as refusal:
        count_refusal(refusal)
        raise
