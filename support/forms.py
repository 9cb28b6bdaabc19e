from django import forms
from django.utils.translation import gettext_lazy as _

from vouchers.models import Voucher


class VoucherChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, voucher):
        return voucher.masked_number


class ContactForm(forms.Form):
    """A candidate's request for support: which voucher (if any), a subject, a message.

    Only the candidate's own vouchers are offered; ``services.send_support_request``
    refuses any other all the same.
    """

    voucher = VoucherChoiceField(
        label=_("Which voucher is it about?"),
        queryset=Voucher.objects.none(),
        required=False,
        empty_label=_("None, or my account"),
    )
    subject = forms.CharField(label=_("Subject"), max_length=150)
    message = forms.CharField(
        label=_("Your message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Please never write a voucher number here: we can find your voucher without it."
        ),
    )

    def __init__(self, *args, candidate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["voucher"].queryset = Voucher.objects.filter(registered_by=candidate).order_by(
            "pk"
        )


class ReplyForm(forms.Form):
    """Support's answer, e-mailed to the candidate."""

    message = forms.CharField(
        label=_("Reply"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text=_("E-mailed to the candidate, who reads it in the language they chose."),
    )


class LegalNameForm(forms.Form):
    """Support corrects a candidate's legal name, with the reason kept in the trail."""

    legal_name = forms.CharField(
        label=_("Legal name, exactly as on the candidate's ID"), max_length=200
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("Kept in support's trail: say who asked and what they showed, not the names."),
    )
