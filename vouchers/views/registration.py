from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from accounts import ratelimit

from .. import services
from ..errors import Reason, Refused
from ..forms import RegisterVoucherForm

# Refusals that never reached the database: they do not count against the limits.
NOT_A_LOOKUP = {Reason.NUMBER_MALFORMED, Reason.EMAIL_NOT_VERIFIED}
# Where on the form a refusal belongs: next to the number, unless named here (None: the top).
REFUSAL_FIELDS = {Reason.EMAIL_NOT_VERIFIED: None}


class RegisterVoucherView(LoginRequiredMixin, FormView):
    """Register a voucher number for the offer (SS-5, SS-6)."""

    template_name = "vouchers/voucher_register.html"
    form_class = RegisterVoucherForm
    extra_context = {"nav": "register"}

    def form_valid(self, form):
        # Every lookup counts against the limits until it succeeds; a typo caught
        # by the check symbol never reaches the database, so it is given back.
        reservation = ratelimit.reserve(
            (ratelimit.VOUCHER_GUESSES_PER_ACCOUNT, str(self.request.user.pk)),
            (ratelimit.VOUCHER_GUESSES_PER_ADDRESS, ratelimit.client_address(self.request)),
        )
        if not reservation.allowed:
            return ratelimit.too_many_attempts(
                self.request, reservation.retry_after, what="voucher numbers entered"
            )
        try:
            voucher = services.register_voucher(
                candidate=self.request.user, number=form.cleaned_data["number"]
            )
        except Refused as refusal:
            if refusal.code in NOT_A_LOOKUP:
                reservation.give_back()
            form.add_error(REFUSAL_FIELDS.get(refusal.code, "number"), refusal.message)
            return self.form_invalid(form)
        reservation.give_back()
        messages.success(
            self.request,
            _(
                "Voucher %(number)s is registered. We have e-mailed you a "
                "confirmation: keep it, it lets you recover a lost voucher number."
            )
            % {"number": voucher.masked_number},
        )
        return redirect("portal:dashboard")
