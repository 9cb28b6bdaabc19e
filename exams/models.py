"""The exam catalogue and where exams are taken: exams, test centres, sittings.

This app knows nothing of vouchers; the Second Shot rules live in ``vouchers``.
Every time is stored in UTC and shown in the test centre's own time zone (SS-9).
The policies here keep the catalogue from changing under a booked sitting
(SS-13): a sitting knows its seats taken, and an exam asks ``holds`` for its
bookings still to come. The workflows that change the catalogue are in
``exams/services.py``.
"""

from datetime import datetime
from urllib.parse import urlencode

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core import zones
from core.validators import validate_time_zone

from . import holds
from .errors import Reason, Refused


class Exam(models.Model):
    class Track(models.TextChoices):
        IT_PROFESSIONAL = "it_pro", _("IT professional")
        DEVELOPER = "developer", _("Developer")
        ACADEMIC = "academic", _("Academic")
        OTHER = "other", _("Other")

    number = models.CharField(
        _("number"),
        max_length=7,
        unique=True,
        validators=[RegexValidator(r"^\d{3}-\d{3}$", _("An exam number looks like 070-483."))],
        help_text=_("Such as 070-483."),
    )
    title = models.CharField(_("title"), max_length=200)
    track = models.CharField(_("track"), max_length=20, choices=Track.choices)
    is_active = models.BooleanField(
        _("offered"), default=True, help_text=_("Retired exams can no longer be booked.")
    )

    class Meta:
        verbose_name = _("exam")
        verbose_name_plural = _("exams")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number} {self.title}"

    def check_can_change(self, *, number: str, is_active: bool, at: datetime) -> None:
        """Raise Refused unless the exam may take this number and be offered or not (SS-13).

        Not while candidates are booked on it for sittings still to come: a new
        number would change what they booked, and could take it out of the offer
        (SS-3); withdrawing it would leave them booked on an exam no longer offered.
        """
        if number == self.number and (is_active or not self.is_active):
            return
        booked = holds.bookings_still_to_come(self, at=at)
        if not booked:
            return
        if number != self.number:
            raise Refused(Reason.BOOKED_EXAM_KEEPS_NUMBER, exam=self.number, bookings=booked)
        raise Refused(Reason.BOOKED_EXAM_STAYS_OFFERED, exam=self.number, bookings=booked)


class TestCenter(models.Model):
    __test__ = False  # not a pytest test class, despite the name

    name = models.CharField(_("name"), max_length=200)
    site_id = models.CharField(
        _("site id"),
        max_length=20,
        unique=True,
        help_text=_("The test provider's id for the centre."),
    )
    # The ISO 3166 code; its name is read in the reader's language (django-countries).
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100)
    address = models.CharField(_("address"), max_length=300, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("IANA name, such as Asia/Tokyo."),
    )

    class Meta:
        verbose_name = _("test center")
        verbose_name_plural = _("test centers")
        ordering = ["country", "city", "name"]
        indexes = [models.Index(fields=["country", "city"])]

    def __str__(self):
        return f"{self.name}, {self.city}"

    def map_url(self) -> str:
        """A plain link to the centre on OpenStreetMap: no map script on our pages."""
        parts = (self.name, self.address, self.city, self.country.name)
        place = ", ".join(p for p in parts if p)
        return "https://www.openstreetmap.org/search?" + urlencode({"query": place})

    @property
    def zone(self):
        return zones.zone(self.time_zone)

    def check_can_change(self, *, time_zone: str, at: datetime) -> None:
        """Raise Refused unless the centre may take this time zone at the given moment (SS-13).

        Not while candidates are booked on its sittings still to come: a sitting is
        planned at the centre's local time, so a new zone would move every one.
        """
        if time_zone == self.time_zone:
            return
        booked = self.sittings.filter(starts_at__gt=at, seats_taken__gt=0).count()
        if booked:
            raise Refused(Reason.BOOKED_CENTRE_KEEPS_ZONE, sittings=booked)


class Sitting(models.Model):
    """A start time at a test centre with a number of seats.

    ``seats_taken`` is kept by the booking workflows; the check constraint makes
    the database refuse a booking that would pass the seats (SS-11) even if a
    bug in Python let one through.
    """

    # No index of its own: the unique (centre, starts_at) below serves every lookup by centre.
    centre = models.ForeignKey(
        TestCenter,
        on_delete=models.PROTECT,
        related_name="sittings",
        verbose_name=_("centre"),
        db_index=False,
    )
    starts_at = models.DateTimeField(
        _("starts at"), help_text=_("Stored in UTC; shown in the centre's time zone.")
    )
    seats = models.PositiveIntegerField(_("seats"))
    seats_taken = models.PositiveIntegerField(_("seats taken"), default=0, editable=False)

    class Meta:
        verbose_name = _("sitting")
        verbose_name_plural = _("sittings")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "starts_at"], name="sitting_unique_start"),
            models.CheckConstraint(
                condition=Q(seats_taken__lte=F("seats")), name="sitting_not_overbooked"
            ),
        ]
        indexes = [models.Index(fields=["starts_at", "centre"])]

    def __str__(self):
        start = self.local_start()
        return f"{self.centre} — {date_format(start, 'STAFF_SITTING_FORMAT')} {start.tzname()}"

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

    def check_can_change(self, *, centre: TestCenter, starts_at: datetime, seats: int) -> None:
        """Raise Refused unless the sitting may take this centre, start and seats (SS-11, SS-13).

        Never fewer seats than are taken; and a sitting candidates are booked on
        keeps its centre and start: they booked that one.
        """
        if seats < self.seats_taken:
            raise Refused(Reason.SEATS_BELOW_TAKEN, taken=self.seats_taken)
        if self.seats_taken and (centre.pk, starts_at) != (self.centre_id, self.starts_at):
            raise Refused(Reason.BOOKED_SITTING_STAYS, taken=self.seats_taken)

    def has_free_seat(self) -> bool:
        """Return True if at least one seat is still free."""
        return self.seats_taken < self.seats

    @property
    def free_seats(self) -> int:
        return max(self.seats - self.seats_taken, 0)
