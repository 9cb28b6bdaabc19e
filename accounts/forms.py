from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.utils.translation import gettext_lazy as _

from . import tasks
from .timezones import country_choices, time_zone_choices


class SignUpForm(BaseUserCreationForm):
    """Sign-up: e-mail, the legal name on the candidate's ID, their country, and a password.

    An address that already has an account is not reported here:
    ``services.sign_up`` answers the same either way and tells the owner by e-mail
    instead. The country is not stored: it only sets the candidate's time zone to
    its usual one (``accounts.timezones``), which they can change on their account
    page. The form validates; ``services.sign_up`` opens the account.
    """

    country = forms.ChoiceField(
        label=_("Country you live in"),
        choices=country_choices,
        required=False,
        help_text=_(
            "We set your time zone from it, to show sitting times in your own time too. "
            "Where a country has several time zones we choose the one most people live in; "
            "you can change it on your account page."
        ),
    )
    field_order = ["email", "legal_name", "country", "password1", "password2"]

    class Meta:
        model = get_user_model()
        fields = ["email", "legal_name"]
        labels = {"email": _("E-mail address"), "legal_name": _("Full name as on your ID")}
        help_texts = {
            "email": _("We send your booking confirmations and voucher e-mails here."),
            "legal_name": _(
                "Exactly as printed on the photo ID you will bring to the test centre; "
                "the centre checks it. Only support can change it later."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legal_name"].required = True
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["legal_name"].widget.attrs["autocomplete"] = "name"

    # Uniqueness of the address (a unique field and a case-insensitive constraint)
    # is settled by services.sign_up, which must not reveal that an account exists.
    def validate_unique(self):
        pass

    def validate_constraints(self):
        pass

    def clean_email(self):
        return get_user_model().objects.normalize_email(self.cleaned_data["email"]).strip()

    def clean_legal_name(self):
        name = " ".join(self.cleaned_data["legal_name"].split())
        if not name:
            raise forms.ValidationError(_("Enter your full name as printed on your ID."))
        return name


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True})
    )


class PasswordResetForm(DjangoPasswordResetForm):
    """Ask for a reset link: one task is queued for the address, whether or not an account
    has it (``accounts.tasks.send_password_reset``), so the page takes the same time and
    says the same either way. The link is built on ``SITE_URL``, not on the request's
    Host header, and goes out in the language kept on the account."""

    def save(self, **kwargs):
        tasks.send_password_reset.enqueue(self.cleaned_data["email"])


class AccountSettingsForm(forms.ModelForm):
    """The candidate's own settings: their time zone and whether they get e-mail reminders."""

    time_zone = forms.ChoiceField(
        label=_("Your time zone"),
        choices=time_zone_choices,
        required=False,
        help_text=_(
            "Sittings are always shown in the test centre's local time; where your clock "
            "differs, your own time is shown beside it."
        ),
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a time zone we know. Choose one from the list, "
                "such as Europe/Paris."
            )
        },
    )

    class Meta:
        model = get_user_model()
        fields = ["time_zone", "reminders_enabled"]
        labels = {"reminders_enabled": _("Send me e-mail reminders")}
        help_texts = {
            "reminders_enabled": _(
                "Before an unused voucher expires, while a free retake is not booked, "
                "and the day before each exam."
            )
        }
