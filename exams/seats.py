"""The one way a sitting's seats are taken and given back (SS-11).

``Sitting.seats_taken`` belongs to the booking workflows, which call these in
their transaction with the sitting's row locked (``vouchers/locking.py``). Each
is one atomic UPDATE, so a count read earlier is never written back, and the
check constraint ``sitting_not_overbooked`` refuses a seat beyond the last even
if a bug let a booking through. Nothing else writes the count: saving a
sitting leaves it alone (``Sitting.save``).
"""

from django.db.models import F

from .models import Sitting


def take_seat(sitting_id: int) -> None:
    Sitting.objects.filter(pk=sitting_id).update(seats_taken=F("seats_taken") + 1)


def free_seat(sitting_id: int) -> None:
    Sitting.objects.filter(pk=sitting_id).update(seats_taken=F("seats_taken") - 1)
