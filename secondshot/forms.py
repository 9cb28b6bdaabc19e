from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class SignUpForm(BaseUserCreationForm):
    """Sign-up: e-mail, the legal name on the candidate's ID, and a password.

    An address that already has an account is not reported here: the view
    answers the same either way and tells the owner by e-mail instead.
    """

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
    # is settled in the view, which must not reveal that an account exists.
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
    """The reset link goes out in the language kept on the account, like every e-mail."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with translation.override(context["user"].language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
