from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views import View

from .. import numbers, services
from ..clock import anywhere_on_earth_date
from ..errors import Refused
from ..models import Voucher
from ..tokens import read_recovery_token


class RecoverNumberView(LoginRequiredMixin, View):
    """SS-6: the link in the registration e-mail gives the signed-in owner a new number.

    Anyone else, a token we did not sign, a token for an earlier number or an
    expired voucher all get the same 404, so the page reveals nothing.
    """

    template_name = "vouchers/voucher_recover.html"

    def _voucher(self, request, token) -> tuple[Voucher, str]:
        read = read_recovery_token(token)
        if read is None:
            raise Http404
        voucher_id, hash_prefix = read
        voucher = get_object_or_404(
            Voucher.objects.select_related("pack"), pk=voucher_id, registered_by=request.user
        )
        try:
            voucher.check_can_recover(
                candidate=request.user,
                expected_hash_prefix=hash_prefix,
                on=anywhere_on_earth_date(timezone.now()),
            )
        except Refused:
            raise Http404 from None
        return voucher, hash_prefix

    def get(self, request, token):
        voucher, _ = self._voucher(request, token)
        return render(request, self.template_name, {"voucher": voucher})

    def post(self, request, token):
        voucher, hash_prefix = self._voucher(request, token)
        try:
            number = services.reissue_number(
                voucher=voucher, actor=request.user, expected_hash_prefix=hash_prefix
            )
        except Refused as refusal:
            return render(
                request, self.template_name, {"voucher": voucher, "error": refusal.message}
            )
        response = render(
            request,
            "vouchers/voucher_new_number.html",
            {"voucher": voucher, "number": numbers.display(number)},
        )
        response["Cache-Control"] = "no-store"
        return response
