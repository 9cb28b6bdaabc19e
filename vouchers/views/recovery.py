"""A lost voucher number (SS-6): the recovery link's page, and "Lost your number?"."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from accounts import ratelimit

from .. import numbers, services
from ..clock import anywhere_on_earth_date
from ..errors import Common, Reason, Refused
from ..models import Voucher
from ..tokens import read_recovery_token


class RecoverNumberView(LoginRequiredMixin, View):
    """SS-6: the link in the registration e-mail gives the signed-in owner a new number.

    A link that no longer works (used, the voucher expired or voided) says so to the
    voucher's owner, and offers a fresh link where one would work. Anyone else, and a
    token we did not sign, get one page that names no voucher (HTTP 404), so the
    link reveals nothing but that it cannot be used from this account.
    """

    template_name = "vouchers/voucher_recover.html"

    def _voucher(self, request, token) -> tuple[Voucher | None, str]:
        """The voucher the link names if it is the signed-in person's, and the hash prefix."""
        read = read_recovery_token(token)
        if read is None:
            return None, ""
        voucher_id, hash_prefix = read
        voucher = (
            Voucher.objects.select_related("pack")
            .filter(pk=voucher_id, registered_by=request.user)
            .first()
        )
        return voucher, hash_prefix

    def _refusal(self, request, voucher, hash_prefix) -> Refused | None:
        try:
            voucher.check_can_recover(
                candidate=request.user,
                expected_hash_prefix=hash_prefix,
                on=anywhere_on_earth_date(timezone.now()),
            )
        except Refused as refusal:
            return refusal
        return None

    def _dead_link(self, request, voucher, refusal):
        context = {"voucher": voucher, "refusal": refusal}
        # A fresh link helps only where the voucher can still get a number.
        context["fresh_link_offered"] = refusal.code == Reason.NUMBER_CHANGED
        return render(request, self.template_name, context, status=410)

    def _not_yours(self, request):
        return render(request, "vouchers/recovery_link_unusable.html", status=404)

    def get(self, request, token):
        voucher, hash_prefix = self._voucher(request, token)
        if voucher is None:
            return self._not_yours(request)
        refusal = self._refusal(request, voucher, hash_prefix)
        if refusal is not None:
            return self._dead_link(request, voucher, refusal)
        return render(request, self.template_name, {"voucher": voucher})

    def post(self, request, token):
        voucher, hash_prefix = self._voucher(request, token)
        if voucher is None:
            return self._not_yours(request)
        try:
            number = services.reissue_number(
                voucher=voucher, actor=request.user, expected_hash_prefix=hash_prefix
            )
        except Refused as refusal:
            if refusal.code == Common.CONFLICT:
                return render(
                    request, self.template_name, {"voucher": voucher, "error": refusal.message}
                )
            return self._dead_link(request, voucher, refusal)
        response = render(
            request,
            "vouchers/voucher_new_number.html",
            {"voucher": voucher, "number": numbers.display(number)},
        )
        response["Cache-Control"] = "no-store"
        return response


class SendRecoveryLinkView(LoginRequiredMixin, View):
    """ "Lost your number?" on the voucher's page: a fresh recovery link to the account's
    address, limited per client address and per inbox like every page that sends mail."""

    def post(self, request, pk):
        reservation = ratelimit.reserve_mail(request, recipient=request.user.email)
        if not reservation.allowed:
            return ratelimit.too_many_attempts(request, reservation.retry_after, what="e-mails")
        try:
            services.send_recovery_link(voucher=Voucher(pk=pk), candidate=request.user)
        except Voucher.DoesNotExist:
            raise Http404 from None
        except Refused as refusal:
            if refusal.code == Reason.VOUCHER_NOT_YOURS:
                raise Http404 from None
            messages.info(request, refusal.message)
        else:
            messages.success(
                request,
                _(
                    "We sent a link to get a new number to %(email)s. It works once, "
                    "until the voucher expires."
                )
                % {"email": request.user.email},
            )
        return redirect("portal:voucher", pk=pk)
