from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views.generic import FormView

from .. import services
from ..errors import Refused
from ..forms import RegisterVoucherForm


class RegisterVoucherView(LoginRequiredMixin, FormView):
    """Register a voucher number for the offer (SS-5, SS-6)."""

    template_name = "vouchers/voucher_register.html"
    form_class = RegisterVoucherForm
    extra_context = {"nav": "register"}

    def form_valid(self, form):
        if not self.request.user.has_verified_email():
            form.add_error(
                None,
                "Please confirm your e-mail address first: the voucher's confirmation, "
                "with the link that recovers a lost number, goes to it.",
            )
            return self.form_invalid(form)
        try:
            voucher = services.register_voucher(
                candidate=self.request.user, number=form.cleaned_data["number"]
            )
        except Refused as refusal:
            form.add_error("number", refusal.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Voucher {voucher.masked_number} is registered. We have e-mailed you a "
            "confirmation: keep it, it lets you recover a lost voucher number.",
        )
        return redirect("portal:dashboard")
