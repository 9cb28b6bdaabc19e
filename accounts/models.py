"""The portal's user: candidates and staff alike sign in with their e-mail."""

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from core.validators import validate_time_zone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def with_email(self, email):
        """The account with this address in any case, found through the unique index on
        lower(email) (``email__iexact`` compares upper() and reads the whole table)."""
        return self.filter(Exact(Lower("email"), email.lower()))

    def get_by_natural_key(self, email):
        return self.with_email(email).get()


class User(AbstractUser):
    """A person who signs in with an e-mail address.

    ``legal_name`` is the name as printed on the candidate's identity document:
    test centres check it against the booking.
    """

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    legal_name = models.CharField(
        _("legal name"),
        max_length=200,
        blank=True,
        help_text=_("Your full name exactly as printed on your ID; the test centre checks it."),
    )

    # Each language by its own name ("Deutsch"), as language pickers show them.
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Pages and e-mails are in this language."),
    )
    time_zone = models.CharField(
        _("your time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Sitting times are also shown in it when it differs from the test centre's."),
    )
    reminders_enabled = models.BooleanField(
        _("e-mail reminders"),
        default=True,
        help_text=_(
            "Reminders before a voucher expires, a free retake goes unused or a sitting is near."
        ),
    )
    email_verified_at = models.DateTimeField(
        _("e-mail verified"), null=True, blank=True, editable=False
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        # The table keeps the name it was created with in the project package, and so
        # do its many-to-many tables: moving the model renamed nothing in the database
        # (accounts/management/commands/migrate.py adopts the old migration history).
        db_table = "secondshot_user"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]
        indexes = [
            # The back office lists its staff (filters by account manager, by actor),
            # a few dozen among every candidate.
            models.Index(fields=["email"], condition=Q(is_staff=True), name="staff_by_email"),
        ]

    def __str__(self):
        return self.email

    def has_verified_email(self) -> bool:
        """Return True if the person has opened the verification link sent to their address."""
        return self.email_verified_at is not None

    def can_sign_in_by_link(self) -> bool:
        """Return True if opening a one-time link sent to this address may sign the person
        in: an active account without staff rights (the back office always asks for its
        password)."""
        return self.is_active and not self.is_staff and not self.is_superuser

    def get_full_name(self):
        return self.legal_name or self.email

    def get_short_name(self):
        return self.legal_name.split(" ")[0] if self.legal_name else self.email
