"""Customers, exam packs, vouchers, bookings and the audit trail of the offer.

Policy methods here answer questions about one object and change nothing; they
take the time as an argument where time matters. The workflows that change
things live in ``vouchers/services``.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.append_only import TrailEvent
from core.validators import latest_date
from exams.models import Exam, Sitting

from . import numbers
from .clock import anywhere_on_earth_date
from .errors import Reason, Refused

# A pack is a few exams (3 is usual); the bound keeps a typo from issuing millions.
MAX_PACK_SIZE = 10_000

# SS-3: the offer covers IT professional and developer exams (070-) and academic exams (072-).
ELIGIBLE_EXAM_PREFIXES = ("070-", "072-")


def change_cutoff_hours() -> int:
    """How many hours before a sitting a booking can last be cancelled or moved (SS-10)."""
    return int(settings.BOOKING_CHANGE_CUTOFF / timedelta(hours=1))


def is_exam_eligible(exam: Exam) -> bool:
    """Return True if the Second Shot offer covers the exam (SS-3)."""
    return exam.number.startswith(ELIGIBLE_EXAM_PREFIXES)


class Customer(models.Model):
    """Whoever buys packs from an account manager: a company or a person."""

    name = models.CharField(_("name"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"))
    country = models.CharField(_("country"), max_length=100)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="customers",
        limit_choices_to={"is_staff": True},
        verbose_name=_("account manager"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]
        indexes = [models.Index(fields=["account_manager", "name"])]

    def __str__(self):
        return self.name


class ExamPack(models.Model):
    """N exams bought together, with one expiry date for all of its vouchers.

    A pack is tied to one individual (``candidate``) when they book the first
    exam with any of its vouchers (SS-5). A Second Shot pack carries no discount
    and no promotion (SS-7); the database refuses one that does.
    """

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="packs", verbose_name=_("customer")
    )
    exam_count = models.PositiveSmallIntegerField(_("number of exams"), default=3)
    expires_on = models.DateField(_("expiry date"))
    is_second_shot = models.BooleanField(
        "Second Shot", default=True, help_text=_("Each exam comes with one free retake.")
    )
    list_price = models.DecimalField(_("list price"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    discount_percent = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    promotion = models.CharField(
        _("promotion"),
        max_length=100,
        blank=True,
        help_text=_("Name of any other offer the pack was sold under."),
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tied_packs",
        verbose_name=_("tied to"),
        help_text=_("The one person who may use this pack; set at the first booking."),
    )
    tied_at = models.DateTimeField(_("tied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("exam pack")
        verbose_name_plural = _("exam packs")
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(condition=Q(exam_count__gte=1), name="pack_has_an_exam"),
            models.CheckConstraint(condition=Q(list_price__gte=0), name="pack_price_not_negative"),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0, discount_percent__lte=100),
                name="pack_discount_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=Q(is_second_shot=False) | Q(discount_percent=0, promotion=""),
                name="second_shot_not_combined",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-issued_at"]),
            # The back office lists every pack newest first (-issued_at, -pk).
            models.Index(fields=["-issued_at", "-id"], name="pack_newest_first"),
        ]

    def __str__(self):
        if self.is_second_shot:
            described = gettext("Second Shot pack #%(pk)s of %(count)s for %(customer)s")
        else:
            described = gettext("Exam pack #%(pk)s of %(count)s for %(customer)s")
        return described % {"pk": self.pk, "count": self.exam_count, "customer": self.customer}

    def is_expired(self, *, on: date) -> bool:
        """Return True if the pack's vouchers can no longer be used on the given date."""
        return on > self.expires_on

    def is_combined_with_other_offer(self) -> bool:
        """Return True if the pack carries a discount or another promotion (SS-7)."""
        return bool(self.discount_percent) or bool(self.promotion.strip())

    def check_can_be_issued(self, *, on: date) -> None:
        """Raise Refused unless the pack may be issued on the given date (SS-7).

        Issuing is stricter than using a voucher (judged anywhere on Earth): a pack
        is issued with at least one whole day to use it, whatever the time zone.
        """
        if not 1 <= self.exam_count <= MAX_PACK_SIZE:
            raise Refused(Reason.BAD_EXAM_COUNT, most=MAX_PACK_SIZE)
        if self.list_price < 0:
            raise Refused(Reason.NEGATIVE_PRICE)
        if self.is_second_shot and self.is_combined_with_other_offer():
            raise Refused(Reason.SECOND_SHOT_COMBINED)
        if self.expires_on <= on:
            raise Refused(Reason.EXPIRY_IN_PAST)
        if self.expires_on > latest_date(on=on):
            raise Refused(Reason.EXPIRY_TOO_FAR, latest=latest_date(on=on))

    def is_tied_to_someone_else(self, candidate) -> bool:
        """Return True if another person already uses this pack (SS-5)."""
        return self.candidate_id is not None and self.candidate_id != candidate.pk


class Voucher(models.Model):
    """One exam of a pack: a first attempt and, in a Second Shot pack, one free retake.

    The number is stored only as a keyed hash and its last four symbols
    (``vouchers/numbers.py``). The exam is chosen at the first booking; it is
    read from the first attempt rather than stored, so cancelling that booking
    gives the voucher back exactly as it was (SS-10).
    """

    class Status(models.TextChoices):
        FIRST_ATTEMPT_AVAILABLE = "first_attempt_available", _("First attempt available")
        BOOKED = "booked", _("Booked")
        AWAITING_OUTCOME = "awaiting_outcome", _("Taken, waiting for the result")
        RETAKE_AVAILABLE = "retake_available", _("Free retake available")
        PASSED = "passed", _("Passed")
        USED = "used", _("Used")
        EXPIRED = "expired", _("Expired")
        VOIDED = "voided", _("Cancelled by the issuer")
        IN_USE_ELSEWHERE = "in_use_elsewhere", _("In use by another person")

    pack = models.ForeignKey(
        ExamPack, on_delete=models.PROTECT, related_name="vouchers", verbose_name=_("pack")
    )
    number_hash = models.CharField(_("number hash"), max_length=64, unique=True, editable=False)
    number_last4 = models.CharField(_("number ends with"), max_length=4, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vouchers",
        verbose_name=_("registered by"),
    )
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    void_reason = models.CharField(_("void reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["pack", "pk"]
        indexes = [models.Index(fields=["number_last4"])]

    def __str__(self):
        return gettext("Voucher %(number)s") % {"number": self.masked_number}

    @property
    def masked_number(self) -> str:
        return numbers.masked(self.number_last4)

    @property
    def short_masked_number(self) -> str:
        return numbers.masked_short(self.number_last4)

    # --- reading the voucher's bookings -------------------------------------

    @staticmethod
    def live_bookings_prefetch() -> Prefetch:
        """Prefetch what ``live_bookings`` reads, in one query for any number of vouchers.

        Cancelled bookings are left in the database: a voucher moved or cancelled
        many times would otherwise bring back its whole history on every page.
        """
        return Prefetch(
            "bookings",
            queryset=Booking.objects.exclude(status=Booking.Status.CANCELLED)
            .select_related("exam", "sitting__centre")
            .order_by("pk"),
        )

    # Set by a query that already read the voucher's bookings not cancelled, or knows it
    # has none (``queries.voucher_to_book``, the booking workflow): ``live_bookings``
    # then asks nothing more.
    known_live_bookings: list["Booking"] | None = None

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        """Read the voucher again; its bookings too, as Django reads again what it prefetched."""
        if fields is None:
            self.known_live_bookings = None
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)

    def live_bookings(self) -> list["Booking"]:
        """Return the bookings that were not cancelled, first attempt first."""
        if self.known_live_bookings is not None:
            bookings = self.known_live_bookings
        else:
            bookings = [b for b in self.bookings.all() if b.status != Booking.Status.CANCELLED]
        return sorted(bookings, key=lambda b: (b.attempt != Booking.Attempt.FIRST, b.pk))

    def _attempt(self, attempt) -> "Booking | None":
        return next((b for b in self.live_bookings() if b.attempt == attempt), None)

    def first_attempt(self) -> "Booking | None":
        return self._attempt(Booking.Attempt.FIRST)

    def retake(self) -> "Booking | None":
        return self._attempt(Booking.Attempt.RETAKE)

    def exam(self) -> Exam | None:
        """Return the exam this voucher is used for, once its first attempt is booked."""
        first = self.first_attempt()
        return first.exam if first else None

    # --- policy ---------------------------------------------------------------

    def is_voided(self) -> bool:
        """Return True if the issuer cancelled the voucher."""
        return self.voided_at is not None

    def is_expired(self, *, on: date) -> bool:
        """Return True if the voucher can no longer be used on the given date (SS-2)."""
        return self.pack.is_expired(on=on)

    def is_used_up(self) -> bool:
        """Return True if the voucher has no attempt left to book, whatever the date."""
        first = self.first_attempt()
        if first is None or first.outcome is None:
            return False
        return not self.retake_available()

    def retake_available(self) -> bool:
        """Return True if the free retake can still be booked, leaving expiry aside (SS-1, SS-8).

        Only a Second Shot voucher whose first attempt is recorded as failed or
        no-show has one, and only until a retake is booked.
        """
        first = self.first_attempt()
        return (
            self.pack.is_second_shot
            and first is not None
            and first.outcome in Booking.NOT_PASSED
            and self.retake() is None
        )

    def status(self, *, at: datetime) -> Status:
        """Return what the voucher still covers at the given moment, as a candidate reads it."""
        first, retake = self.first_attempt(), self.retake()
        latest = retake or first
        if latest is not None and latest.outcome == Booking.Outcome.PASSED:
            return self.Status.PASSED
        if self.is_voided():
            return self.Status.VOIDED
        if self.pack.candidate_id not in (None, self.registered_by_id):
            return self.Status.IN_USE_ELSEWHERE  # SS-5: another person booked with the pack
        if latest is not None and latest.state(at=at) == Booking.State.PENDING:
            return self.Status.BOOKED
        if latest is not None and latest.outcome is None:
            return self.Status.AWAITING_OUTCOME
        if retake is not None or (first is not None and not self.retake_available()):
            return self.Status.USED
        if self.is_expired(on=anywhere_on_earth_date(at)):
            return self.Status.EXPIRED
        if first is None:
            return self.Status.FIRST_ATTEMPT_AVAILABLE
        return self.Status.RETAKE_AVAILABLE

    def still_covers(self, *, at: datetime) -> str:
        """Return what the voucher still pays for at the given moment, as a card says it:
        "first_and_retake", "first", "retake", "booked_and_retake", "booked" or "" (nothing).

        A booked or taken attempt waiting for its result still has the free retake behind
        it when it is a Second Shot first attempt (SS-1).
        """
        status = self.status(at=at)
        second_shot = self.pack.is_second_shot
        if status == self.Status.FIRST_ATTEMPT_AVAILABLE:
            return "first_and_retake" if second_shot else "first"
        if status == self.Status.RETAKE_AVAILABLE:
            return "retake"
        if status in (self.Status.BOOKED, self.Status.AWAITING_OUTCOME):
            return "booked_and_retake" if second_shot and self.retake() is None else "booked"
        return ""

    def check_can_register(self, *, candidate, now: datetime) -> None:
        """Raise Refused unless the candidate may register this voucher now (SS-2, SS-5)."""
        if self.is_voided():
            raise Refused(Reason.VOUCHER_VOIDED)
        if self.registered_by_id == candidate.pk:
            raise Refused(Reason.ALREADY_REGISTERED)
        if self.registered_by_id is not None:
            raise Refused(Reason.VOUCHER_USED if self.is_used_up() else Reason.REGISTERED_ELSEWHERE)
        if self.pack.is_tied_to_someone_else(candidate):
            raise Refused(Reason.PACK_TIED_ELSEWHERE)
        if self.is_expired(on=anywhere_on_earth_date(now)):
            raise Refused(Reason.VOUCHER_EXPIRED, expires_on=self.pack.expires_on)

    def check_can_reissue(self) -> None:
        """Raise Refused unless the voucher may get a new number (SS-6)."""
        if self.is_voided():
            raise Refused(Reason.VOUCHER_VOIDED)
        if self.registered_by_id is None:
            raise Refused(Reason.NOT_REGISTERED)

    def check_can_recover(self, *, candidate, expected_hash_prefix: str, on: date) -> None:
        """Raise Refused unless the candidate may replace the number through a recovery
        link on the given date (SS-6).

        The link is the registration e-mail's: good for the candidate who registered
        the voucher, for the number it was sent for, until the voucher expires.
        """
        if self.registered_by_id != candidate.pk:
            raise Refused(Reason.VOUCHER_NOT_YOURS)
        self.check_can_reissue()
        if not self.number_hash.startswith(expected_hash_prefix):
            raise Refused(Reason.NUMBER_CHANGED)
        if self.is_expired(on=on):
            raise Refused(Reason.VOUCHER_EXPIRED, expires_on=self.pack.expires_on)

    def check_can_send_recovery_link(self, *, candidate, on: date) -> None:
        """Raise Refused unless the candidate may be e-mailed a fresh recovery link on the
        given date ("Lost your number?", SS-6): their own voucher, neither voided nor expired.
        """
        if self.registered_by_id != candidate.pk:
            raise Refused(Reason.VOUCHER_NOT_YOURS)
        self.check_can_resend_confirmation(on=on)

    def check_can_resend_confirmation(self, *, on: date) -> None:
        """Raise Refused unless the registration confirmation may be sent again (SS-6).

        Not once the voucher has expired: its recovery link would only lead to a 404.
        """
        if self.registered_by_id is None:
            raise Refused(Reason.NOT_REGISTERED)
        if self.is_voided():
            raise Refused(Reason.VOUCHER_VOIDED)
        if self.is_expired(on=on):
            raise Refused(Reason.VOUCHER_EXPIRED, expires_on=self.pack.expires_on)

    def next_attempt(self, *, at: datetime) -> str:
        """Return which attempt the voucher pays for next, or raise Refused saying why none."""
        first, retake = self.first_attempt(), self.retake()
        if first is None:
            return Booking.Attempt.FIRST
        latest = retake or first
        if latest.state(at=at) == Booking.State.PENDING:
            raise Refused(Reason.VOUCHER_BOOKED)
        if latest.outcome is None:
            raise Refused(Reason.AWAITING_OUTCOME)
        if latest.outcome == Booking.Outcome.PASSED:
            raise Refused(Reason.VOUCHER_PASSED, exam=latest.exam.number)
        if retake is not None:
            raise Refused(Reason.RETAKE_USED)
        if not self.pack.is_second_shot:
            raise Refused(Reason.NO_RETAKE_PLAIN_PACK)
        return Booking.Attempt.RETAKE

    def exam_to_book(self, chosen: Exam | None) -> Exam:
        """Return the exam the next booking is for, or raise Refused (SS-8).

        A retake is of the first attempt's exam, whatever becomes of it since; a
        first attempt is of the exam chosen. An exam chosen for a retake is
        returned as chosen, for ``check_exam`` to say why it cannot be.
        """
        if chosen is not None:
            return chosen
        first = self.first_attempt()
        if first is None:
            raise Refused(Reason.EXAM_NOT_CHOSEN)
        return first.exam

    def check_sitting(self, sitting: Sitting, *, now: datetime) -> None:
        """Raise Refused unless this voucher can pay for a seat at the sitting (SS-2, SS-11).

        Expiry is judged by the sitting's local date at its test centre.
        """
        if sitting.has_started(at=now):
            raise Refused(Reason.SITTING_PAST)
        if sitting.local_date() > self.pack.expires_on:
            raise Refused(
                Reason.SITTING_AFTER_EXPIRY,
                sitting_date=sitting.local_date(),
                expires_on=self.pack.expires_on,
            )
        if not sitting.has_free_seat():
            raise Refused(Reason.SITTING_FULL)

    def bookable_attempt(self, *, candidate, now: datetime) -> str:
        """Return the attempt the voucher would pay for next, or raise Refused (SS-1, SS-2, SS-5).

        The checks that need no exam or sitting: the booking pages ask this
        before offering any choice.
        """
        if self.registered_by_id != candidate.pk:
            raise Refused(Reason.VOUCHER_NOT_YOURS)
        if self.is_voided():
            raise Refused(Reason.VOUCHER_VOIDED)
        if self.pack.is_tied_to_someone_else(candidate):
            raise Refused(Reason.PACK_TIED_ELSEWHERE)
        if self.is_expired(on=anywhere_on_earth_date(now)):
            raise Refused(Reason.VOUCHER_EXPIRED, expires_on=self.pack.expires_on)
        return self.next_attempt(at=now)

    def check_exam(self, exam: Exam, *, attempt: str) -> None:
        """Raise Refused unless the voucher can pay for this exam (SS-1, SS-3, SS-8)."""
        if attempt == Booking.Attempt.RETAKE and exam.pk != self.exam().pk:
            raise Refused(Reason.RETAKE_SAME_EXAM, exam=self.exam().number)
        if not is_exam_eligible(exam):
            raise Refused(Reason.EXAM_NOT_ELIGIBLE, exam=exam.number)
        if not exam.is_active:
            raise Refused(Reason.EXAM_NOT_OFFERED, exam=exam.number)

    def attempt_to_book(self, *, candidate, exam: Exam, sitting: Sitting, now: datetime) -> str:
        """Return the attempt a booking would be, or raise Refused (SS-1 … SS-5, SS-8, SS-11).

        SS-4 (one booked exam at a time) is about the candidate, not the voucher:
        ``Booking.check_one_at_a_time`` answers it, with the candidate's bookings.
        """
        attempt = self.bookable_attempt(candidate=candidate, now=now)
        self.check_exam(exam, attempt=attempt)
        self.check_sitting(sitting, now=now)
        return attempt

    def is_retake_window_short(self, sitting: Sitting) -> bool:
        """Return True if a first attempt at the sitting leaves little time for a retake (SS-2).

        The candidate is warned: a retake would also have to be taken by the
        expiry date.
        """
        days_left = (self.pack.expires_on - sitting.local_date()).days
        return self.pack.is_second_shot and days_left < settings.RETAKE_WARNING_DAYS

    def retake_deadline(self) -> date | None:
        """Return the last day a free retake can be taken, while one is available."""
        return self.pack.expires_on if self.retake_available() else None


class BookingQuerySet(models.QuerySet):
    def in_state(self, state: "Booking.State", *, at: datetime):
        """The bookings in the given state at the given moment: ``Booking.state`` as a query.

        The two say the same thing (``tests/vouchers/test_booking_state.py`` holds
        them to it); nothing else reads the stored status to tell a booking still
        to come from one that was sat.
        """
        scheduled = Q(status=Booking.Status.SCHEDULED)
        if state == Booking.State.PENDING:
            return self.filter(scheduled, sitting__starts_at__gt=at)
        if state == Booking.State.TAKEN:
            return self.filter(
                Q(status=Booking.Status.TAKEN) | scheduled & Q(sitting__starts_at__lte=at)
            )
        return self.filter(status=Booking.Status.CANCELLED)

    def unmarked(self):
        """These bookings still stored as scheduled: every pending one, and any whose
        sitting has started since ``Booking.mark_started_taken`` last saw it.

        A superset of the pending ones that needs no join, and at most one per
        candidate (the constraint): what SS-4's check and the marking step read.
        It says nothing by itself about whether a booking is still to come; ask
        ``Booking.state`` of each.
        """
        return self.filter(status=Booking.Status.SCHEDULED)


class Booking(models.Model):
    """A candidate's seat at a sitting for one exam, paid by a voucher.

    Its ``state`` at a moment is what every rule asks (SS-4, SS-13): *pending*
    (booked, still to come) until its sitting starts, then *taken* (an outcome
    is recorded later), whatever happens to the voucher afterwards; or
    *cancelled*. The stored ``status`` is the database's own key for SS-4: a
    booking stays "scheduled" there after its sitting starts until the named
    step ``mark_started_taken`` stores it as taken. The constraints keep SS-1,
    SS-4 and SS-8 even if a bug in Python let a second booking through.
    """

    class Attempt(models.TextChoices):
        FIRST = "first", _("First attempt")
        RETAKE = "retake", _("Free retake")

    class Status(models.TextChoices):
        """What is stored: read by the constraints and by ``state``, and nothing else."""

        SCHEDULED = "scheduled", _("Scheduled")
        TAKEN = "taken", _("Taken")
        CANCELLED = "cancelled", _("Cancelled")

    class State(models.TextChoices):
        """What the booking is at a given moment (``state``): what the rules ask."""

        PENDING = "pending", _("Booked")
        TAKEN = "taken", _("Taken")
        CANCELLED = "cancelled", _("Cancelled")

    class Outcome(models.TextChoices):
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")
        NO_SHOW = "no_show", _("No-show")

    NOT_PASSED = (Outcome.FAILED, Outcome.NO_SHOW)

    voucher = models.ForeignKey(
        Voucher, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("voucher")
    )
    # No index of their own: (candidate, status) and (sitting, status) below serve
    # every lookup by either, and each booking written keeps two indexes fewer.
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("candidate"),
        db_index=False,
    )
    sitting = models.ForeignKey(
        Sitting,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("sitting"),
        db_index=False,
    )
    exam = models.ForeignKey(
        Exam, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("exam")
    )
    attempt = models.CharField(_("attempt"), max_length=10, choices=Attempt.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    # NULL, not "", means "no outcome yet": the constraints below read it that way.
    outcome = models.CharField(  # noqa: DJ001
        _("outcome"), max_length=10, choices=Outcome.choices, null=True, blank=True
    )
    booked_at = models.DateTimeField(_("booked at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    replaced_by = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
        help_text=_("The booking this one was moved to."),
    )
    outcome_recorded_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("outcome recorded by"),
    )

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-booked_at"]
        constraints = [
            # SS-4: at most one booked exam not yet taken, per candidate.
            models.UniqueConstraint(
                fields=["candidate"],
                condition=Q(status="scheduled"),
                name="one_scheduled_booking_per_candidate",
            ),
            # SS-1, SS-8: one first attempt and at most one retake per voucher.
            models.UniqueConstraint(
                fields=["voucher", "attempt"],
                condition=~Q(status="cancelled"),
                name="one_booking_per_attempt",
            ),
            models.CheckConstraint(
                condition=Q(outcome__isnull=True) | Q(status="taken"),
                name="outcome_only_when_taken",
            ),
        ]
        indexes = [
            models.Index(fields=["candidate", "status"]),
            models.Index(fields=["sitting", "status"]),
        ]

    def __str__(self):
        return gettext("%(attempt)s of %(exam)s at %(sitting)s") % {
            "attempt": self.get_attempt_display(),
            "exam": self.exam.number,
            "sitting": self.sitting,
        }

    @staticmethod
    def check_one_at_a_time(bookings, *, at: datetime) -> None:
        """Raise Refused if one of a candidate's bookings is still to come (SS-4).

        ``bookings`` are the candidate's ``unmarked()`` ones: a booking stops
        holding their one place as soon as its sitting starts.
        """
        pending = Booking.pending_among(bookings, at=at)
        if pending is not None:
            raise Refused(
                Reason.ONE_AT_A_TIME,
                exam=pending.exam.number,
                when=pending.sitting.local_start(),
            )

    def is_unmarked(self) -> bool:
        """Return True if the booking is still stored as scheduled (``unmarked``): pending,
        or taken since ``mark_started_taken`` last saw it."""
        return self.status == self.Status.SCHEDULED

    @staticmethod
    def pending_among(bookings, *, at: datetime) -> "Booking | None":
        """Return the booking still to come among the candidate's, if any: the one that
        holds their one place (SS-4)."""
        return next((b for b in bookings if b.state(at=at) == Booking.State.PENDING), None)

    @staticmethod
    def is_inside_cutoff(sitting: Sitting, *, at: datetime) -> bool:
        """Return True if a booking of the sitting made at this moment could never be
        cancelled or moved: it starts within the change cut-off (SS-10)."""
        return at >= sitting.starts_at - settings.BOOKING_CHANGE_CUTOFF

    @staticmethod
    def check_no_change_accepted(sitting: Sitting, *, at: datetime, accepted: bool) -> None:
        """Raise Refused unless the candidate accepted that a booking of a sitting inside
        the change cut-off can never be cancelled or moved (SS-10)."""
        if not accepted and Booking.is_inside_cutoff(sitting, at=at):
            raise Refused(Reason.NO_CHANGE_NOT_ACCEPTED, cutoff_hours=change_cutoff_hours())

    @staticmethod
    def mark_started_taken(bookings, *, at: datetime) -> int:
        """Store as taken those of the bookings whose sitting has started; return how many.

        The named step that keeps the stored status up with the state. The stored
        status is what ``one_scheduled_booking_per_candidate`` reads, so the
        booking workflow runs this for the candidate before it inserts a booking;
        voiding runs it for the voucher; recording an outcome stores "taken" itself
        (docs/decisions.md). One UPDATE, and none when nothing has started.
        """
        started = [
            b.pk
            for b in bookings
            if b.status == Booking.Status.SCHEDULED and b.state(at=at) == Booking.State.TAKEN
        ]
        if not started:
            return 0
        for booking in bookings:
            if booking.pk in started:
                booking.status = Booking.Status.TAKEN
        return Booking.objects.filter(pk__in=started).update(status=Booking.Status.TAKEN)

    def state(self, *, at: datetime) -> "Booking.State":
        """Return whether the booking is pending, taken or cancelled at the given moment.

        A booking not cancelled is taken once its sitting has started, whatever
        becomes of its voucher afterwards (SS-13); until then it holds the
        candidate's one place (SS-4). One stored as taken (its sitting started
        when it was marked, or an outcome was recorded) stays taken. ``in_state``
        is the same question asked of the database.
        """
        if self.status == self.Status.CANCELLED:
            return self.State.CANCELLED
        if self.status == self.Status.TAKEN or self.sitting.has_started(at=at):
            return self.State.TAKEN
        return self.State.PENDING

    @property
    def reference(self) -> str:
        """The booking's reference, as the candidate quotes it to support or the centre."""
        return f"SS-{self.pk:06d}"

    def was_booked_inside_cutoff(self) -> bool:
        """Return True if the booking was made inside the change cut-off, so it could never
        be cancelled or moved (SS-10)."""
        return self.booked_at >= self.change_deadline()

    def change_deadline(self) -> datetime:
        """Return the last moment the booking can be cancelled or moved (SS-10)."""
        return self.sitting.starts_at - settings.BOOKING_CHANGE_CUTOFF

    def can_be_changed(self, *, at: datetime) -> bool:
        """Return True if the candidate can still cancel or move the booking (SS-10)."""
        return self.state(at=at) == self.State.PENDING and at < self.change_deadline()

    def check_can_record(self, outcome: str, *, at: datetime) -> None:
        """Raise Refused unless the booking can have this outcome at the given moment.

        Any booking whose sitting has started can, whatever became of its voucher
        since (SS-13), unless it was cancelled. An outcome is recorded once: the same
        one again is allowed and changes nothing (``has_outcome``), so a results file
        can be imported twice; a different one is refused.
        """
        state = self.state(at=at)
        if state == self.State.CANCELLED:
            raise Refused(Reason.BOOKING_CANCELLED)
        if state == self.State.PENDING:
            raise Refused(Reason.SITTING_NOT_STARTED)
        if self.outcome is not None and self.outcome != outcome:
            # The label itself, lazy: the message is read in the reader's language.
            raise Refused(Reason.OUTCOME_RECORDED, outcome=self.Outcome(self.outcome).label)

    def has_outcome(self, outcome: str) -> bool:
        """Return True if this outcome is already recorded for the booking."""
        return self.outcome == outcome

    def check_can_resend(self, *, at: datetime) -> None:
        """Raise Refused unless the booking's details may be e-mailed again: only while it
        is still to come (SS-13: no "booked" message for a sitting that has started)."""
        state = self.state(at=at)
        if state == self.State.CANCELLED:
            raise Refused(Reason.RESEND_CANCELLED)
        if state == self.State.TAKEN:
            raise Refused(Reason.RESEND_TAKEN)

    def check_can_change(self, *, at: datetime) -> None:
        """Raise Refused unless the booking can be cancelled or moved now (SS-10)."""
        if self.state(at=at) != self.State.PENDING:
            raise Refused(Reason.NOT_SCHEDULED)
        if not self.can_be_changed(at=at):
            raise Refused(Reason.CHANGE_CUTOFF_PASSED, cutoff_hours=change_cutoff_hours())


def pending_bookings_of_exam(exam: Exam, *, at: datetime) -> int:
    """Return how many bookings of the exam are still to come at the given moment (SS-13).

    The catalogue asks this before it changes the exam (``exams/holds.py``).
    """
    return Booking.objects.filter(exam=exam).in_state(Booking.State.PENDING, at=at).count()


class VoucherEvent(TrailEvent):
    """One line of the append-only audit trail of a voucher (SS-12).

    Written by the workflows in the same transaction as the change it records;
    never updated or deleted.
    """

    class Action(models.TextChoices):
        ISSUED = "voucher.issued", _("Issued")
        REGISTERED = "voucher.registered", _("Registered")
        TIED = "voucher.tied", _("Tied to a candidate")
        BOOKED = "voucher.booked", _("Booked")
        MOVED = "voucher.booking_moved", _("Booking moved")
        CANCELLED = "voucher.booking_cancelled", _("Booking cancelled")
        OUTCOME = "voucher.outcome_recorded", _("Outcome recorded")
        NUMBER_REISSUED = "voucher.number_reissued", _("Number reissued")
        CONFIRMATION_RESENT = "voucher.confirmation_resent", _("Confirmation re-sent")
        RECOVERY_LINK_SENT = "voucher.recovery_link_sent", _("Link to a new number sent")
        VOIDED = "voucher.voided", _("Voided")
        REGISTRATION_WITHDRAWN = (
            "voucher.registration_withdrawn",
            _("Registration withdrawn: the pack is another person's"),
        )
        NUMBER_RETIRED = "voucher.number_retired", _("Number retired: account erased")

    # No index of its own: (voucher, -at) below serves every lookup by voucher.
    voucher = models.ForeignKey(
        Voucher,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("voucher"),
        db_index=False,
    )
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)

    class Meta:
        verbose_name = _("voucher event")
        verbose_name_plural = _("voucher events")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["voucher", "-at"]),
            models.Index(fields=["action", "-at"]),
            # The audit trail, newest first, across millions of events.
            models.Index(fields=["-at", "-id"], name="event_newest_first"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} — {self.voucher.masked_number}"


# A failed reminder is tried again on later runs, up to this many sends in all.
MAX_REMINDER_ATTEMPTS = 5
# A claim still "being sent" after this long belongs to a worker that died mid-send.
STALE_REMINDER_CLAIM = timedelta(hours=1)


class ReminderSentQuerySet(models.QuerySet):
    def open_to_retry(self, *, at: datetime | None = None):
        """The records another run may claim again (see ``ReminderSent.is_open_to_retry``)."""
        at = at or timezone.now()
        return self.filter(
            Q(status=ReminderSent.Status.FAILED)
            | Q(status=ReminderSent.Status.CLAIMED, claimed_at__lt=at - STALE_REMINDER_CLAIM),
            attempts__lt=MAX_REMINDER_ATTEMPTS,
        )


class ReminderSent(models.Model):
    """The record that one reminder e-mail went out, or is going out, to a candidate.

    One row per voucher and occasion (per booking for the sitting reminder),
    which the constraints guarantee: a run *claims* a reminder by inserting its
    row before sending, so of two runs or workers at once only one can send it
    (``vouchers/reminders/sending.py`` tells the whole protocol). A failed send
    leaves the row ``failed`` and the next run takes it over and tries again.
    """

    class Occasion(models.TextChoices):
        EXPIRY_30 = "expiry_30", _("Voucher unused, 30 days before expiry")
        EXPIRY_7 = "expiry_7", _("Voucher unused, 7 days before expiry")
        RETAKE_OPEN = "retake_open", _("Free retake available, after the result")
        RETAKE_14 = "retake_14", _("Free retake not booked, 14 days before expiry")
        SITTING_TOMORROW = "sitting_tomorrow", _("Sitting the next day")

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, to be tried again")

    voucher = models.ForeignKey(
        Voucher, on_delete=models.PROTECT, related_name="reminders", verbose_name=_("voucher")
    )
    booking = models.ForeignKey(
        Booking,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("booking"),
        help_text=_("Set for the reminder of a sitting; empty for the voucher's own reminders."),
    )
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("candidate"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    objects = ReminderSentQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-claimed_at", "-pk"]
        constraints = [
            # Once per voucher and occasion (expiry, retake) ...
            models.UniqueConstraint(
                fields=["voucher", "occasion"],
                condition=Q(booking__isnull=True),
                name="reminder_once_per_voucher",
            ),
            # ... and once per booking for the sitting reminder.
            models.UniqueConstraint(
                fields=["voucher", "booking", "occasion"],
                condition=Q(booking__isnull=False),
                name="reminder_once_per_booking",
            ),
            # A booking is named exactly when the reminder is about a sitting, so no
            # voucher reminder can slip past the first constraint with a booking set.
            models.CheckConstraint(
                condition=(
                    Q(occasion="sitting_tomorrow", booking__isnull=False)
                    | (~Q(occasion="sitting_tomorrow") & Q(booking__isnull=True))
                ),
                name="reminder_booking_only_for_sittings",
            ),
        ]

    def __str__(self):
        return f"{self.get_occasion_display()} — {self.voucher.masked_number}"

    def is_open_to_retry(self, *, at: datetime | None = None) -> bool:
        """Return True if another run may claim this reminder again and send it.

        That is a send that failed, or a claim left "being sent" for longer than
        ``STALE_REMINDER_CLAIM`` (its worker died), while attempts remain. The
        time is the real clock's: it measures how long a send has really taken.
        """
        at = at or timezone.now()
        if self.attempts >= MAX_REMINDER_ATTEMPTS:
            return False
        if self.status == self.Status.FAILED:
            return True
        return self.status == self.Status.CLAIMED and self.claimed_at < at - STALE_REMINDER_CLAIM


class NoticeSent(models.Model):
    """The record that one e-mail a workflow queued went out (``vouchers/notices.py``).

    ``key`` names the e-mail: ``booking:<id>:<booked|moved|cancelled|voided>``
    for a booking's notice, ``event:<id>`` for the e-mail an audit event causes
    (a registration confirmed or withdrawn, a number reissued),
    ``pack:<id>:numbers`` for a new pack's numbers. Written in the transaction
    that sends the e-mail, so it commits only once the mail server has taken the
    message: a task run twice (a worker killed mid-send has its task put back in
    the queue, ``tasks.requeue_stale_tasks``) finds it and sends nothing, and a
    send cut short leaves no record and is made again.
    """

    key = models.CharField(_("e-mail"), max_length=100, unique=True)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("e-mail sent")
        verbose_name_plural = _("e-mails sent")

    def __str__(self):
        return self.key
