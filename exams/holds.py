"""What the catalogue's workflows ask before they change an exam: is it booked? (SS-13)

The catalogue knows nothing of vouchers, nor of who books what. A sitting knows
its own seats taken, which is enough to protect a sitting or a test centre. An
exam does not know its bookings: the app that keeps them registers here how to
count those still to come (``vouchers/apps.py``), and ``exams/services.py`` asks
before it changes an exam's number or withdraws it. The dependency keeps pointing
down: ``vouchers`` calls ``exams``, never the reverse.
"""

from collections.abc import Callable
from datetime import datetime

# Each counts the bookings of an exam still to come at a moment.
_counters: list[Callable[..., int]] = []


def count_bookings_with(counter: Callable[..., int]) -> None:
    """Register ``counter(exam, *, at) -> int``: an exam's bookings still to come at ``at``."""
    if counter not in _counters:
        _counters.append(counter)


def bookings_still_to_come(exam, *, at: datetime) -> int:
    """Return how many bookings of the exam are still to come at the given moment."""
    return sum(counter(exam, at=at) for counter in _counters)
