from django import forms
from django.utils.translation import gettext_lazy as _


class ConsentsMixin:
    """A box for each obstacle to erasure that the person's consent lifts (a booking to
    cancel), each required: erasure goes ahead only with every one ticked."""

    def add_consents(self, obstacles):
        self.consent_keys = {}
        for obstacle in obstacles:
            if not obstacle.can_be_lifted() or obstacle.key in self.consent_keys.values():
                continue
            name = f"consent_{len(self.consent_keys)}"
            self.consent_keys[name] = obstacle.key
            self.fields[name] = forms.BooleanField(
                label=obstacle.consent,
                help_text=obstacle.message,
                error_messages={"required": _("Tick the box to confirm.")},
            )

    def consents(self) -> frozenset[str]:
        return frozenset(key for name, key in self.consent_keys.items() if self.cleaned_data[name])


class EraseForm(ConsentsMixin, forms.Form):
    """The candidate erases their own account: their password again, and their confirmation."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Entered again, so that nobody else can erase your account."),
    )
    understood = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        help_text=_("I will not be able to sign in again, and my voucher numbers stop working."),
        error_messages={"required": _("Tick the box to confirm.")},
    )

    def __init__(self, *args, person, obstacles, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.add_consents(obstacles)
        self.order_fields([*self.consent_keys, "understood", "password"])

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.person.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        return password


class SupportReasonForm(forms.Form):
    """Support acts on a candidate's request: why, for the account's trail."""

    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        label=_("Reason"),
        help_text=_(
            "Written to the account's trail with your name, and shown to the candidate in "
            "their data export: say how they asked (a ticket number), not who they are."
        ),
        error_messages={"required": _("Say why, for the account's trail.")},
    )


class SupportEraseForm(ConsentsMixin, SupportReasonForm):
    def __init__(self, *args, obstacles, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_consents(obstacles)
