from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django.views.generic import TemplateView

from vouchers.models import Booking, Voucher


class FloorView(LoginRequiredMixin, TemplateView):
    """The benchmark's floor: a signed-in page making the four indexed queries any real
    page of the portal makes at least (the session, the user, and two counts of the
    candidate's own rows), in the portal's layout.

    Routed only by ``bench/urls.py``, under ``bench/settings.py``; the benchmark
    measures every page against it in the same run.
    """

    template_name = "bench/floor.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            vouchers=Voucher.objects.filter(registered_by=user).count(),
            open_bookings=Booking.objects.filter(candidate=user)
            .in_state(Booking.State.PENDING, at=timezone.now())
            .count(),
            **kwargs,
        )
