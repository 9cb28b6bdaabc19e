"""The exam catalogue and where exams are taken: exams, test centres, sittings.

This app knows nothing of vouchers; the Second Shot rules live in ``vouchers``.
Every time is stored in UTC and shown in the test centre's own time zone (SS-9).
"""

import zoneinfo
from datetime import datetime

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

from secondshot.validators import validate_time_zone  # noqa: F401 - migrations name it here


class Exam(models.Model):
    class Track(models.TextChoices):
        IT_PROFESSIONAL = "it_pro", "IT professional"
        DEVELOPER = "developer", "Developer"
        ACADEMIC = "academic", "Academic"
        OTHER = "other", "Other"

    number = models.CharField(
        max_length=7,
        unique=True,
        validators=[RegexValidator(r"^\d{3}-\d{3}$", "An exam number looks like 070-483.")],
        help_text="Such as 070-483.",
    )
    title = models.CharField(max_length=200)
    track = models.CharField(max_length=20, choices=Track.choices)
    is_active = models.BooleanField(
        "offered", default=True, help_text="Retired exams can no longer be booked."
    )

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"{self.number} {self.title}"


class TestCenter(models.Model):
    __test__ = False  # not a pytest test class, despite the name

    name = models.CharField(max_length=200)
    site_id = models.CharField(
        "site id", max_length=20, unique=True, help_text="The test provider's id for the centre."
    )
    country = models.CharField(max_length=100)
    city = models.CharField(max_length=100)
    address = models.CharField(max_length=300, blank=True)
    time_zone = models.CharField(
        max_length=64, validators=[validate_time_zone], help_text="IANA name, such as Asia/Tokyo."
    )

    class Meta:
        ordering = ["country", "city", "name"]
        indexes = [models.Index(fields=["country", "city"])]

    def __str__(self):
        return f"{self.name}, {self.city}"

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)


class Sitting(models.Model):
    """A start time at a test centre with a number of seats.

    ``seats_taken`` is kept by the booking workflows; the check constraint makes
    the database refuse a booking that would pass the seats (SS-11) even if a
    bug in Python let one through.
    """

    centre = models.ForeignKey(TestCenter, on_delete=models.PROTECT, related_name="sittings")
    starts_at = models.DateTimeField(help_text="Stored in UTC; shown in the centre's time zone.")
    seats = models.PositiveIntegerField()
    seats_taken = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "starts_at"], name="sitting_unique_start"),
            models.CheckConstraint(
                condition=Q(seats_taken__lte=F("seats")), name="sitting_not_overbooked"
            ),
        ]
        indexes = [models.Index(fields=["starts_at", "centre"])]

    def __str__(self):
        return f"{self.centre} — {self.local_start():%d %b %Y %H:%M} {self.local_start().tzname()}"

    def save(self, *args, **kwargs):
        # seats_taken is kept by the booking workflows with atomic UPDATEs; saving
        # a sitting loaded earlier must never write back a stale count.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "seats_taken"
            ]
        super().save(*args, **kwargs)

    def local_start(self) -> datetime:
        """Return the start in the test centre's own time zone."""
        return self.starts_at.astimezone(self.centre.zone)

    def local_date(self):
        """Return the calendar date of the start at the test centre."""
        return self.local_start().date()

    def has_started(self, *, at: datetime) -> bool:
        """Return True if the sitting has started at the given moment."""
        return self.starts_at <= at

    def has_free_seat(self) -> bool:
        """Return True if at least one seat is still free."""
        return self.seats_taken < self.seats

    @property
    def free_seats(self) -> int:
        return max(self.seats - self.seats_taken, 0)
