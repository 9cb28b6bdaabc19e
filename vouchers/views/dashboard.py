from itertools import groupby

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from .. import fragments, page_cache
from ..clock import anywhere_on_earth_date
from ..errors import Refused
from ..models import Booking, Voucher
from ..queries import candidate_vouchers, dashboard_vouchers, pending_booking

BOOKABLE = {Voucher.Status.FIRST_ATTEMPT_AVAILABLE, Voucher.Status.RETAKE_AVAILABLE}


def voucher_cards(vouchers, now, *, holding: Booking | None = None):
    """Pair each voucher with what the dashboard says about it.

    ``holding`` is the candidate's booking still to come (SS-4), found among the
    vouchers' bookings when not given: a voucher that could be booked says it waits
    for it, rather than offering a booking the workflow would refuse.
    """
    today = anywhere_on_earth_date(now)
    vouchers = list(vouchers)
    if holding is None:
        every = [b for voucher in vouchers for b in voucher.live_bookings()]
        holding = Booking.pending_among(every, at=now)
    cards = []
    for voucher in vouchers:
        status = voucher.status(at=now)
        waits = holding if status in BOOKABLE and holding is not None else None
        live = voucher.live_bookings()
        pending = next((b for b in live if b.state(at=now) == Booking.State.PENDING), None)
        cards.append(
            {
                "voucher": voucher,
                "status": status,
                "covers": voucher.still_covers(at=now),
                "waits_for": waits,
                "exam": voucher.exam(),
                "days_left": (voucher.pack.expires_on - today).days,
                "booking": pending or (live[-1] if live else None),
                "pending": pending,
                "attempts": live,
            }
        )
    return cards


class DashboardView(LoginRequiredMixin, TemplateView):
    """My vouchers, grouped by pack, each with what it still covers and the next step."""

    template_name = "vouchers/dashboard.html"
    extra_context = {"nav": "vouchers"}

    def get_context_data(self, **kwargs):
        candidate = self.request.user

        def render(now):
            vouchers, counts = dashboard_vouchers(candidate)
            cards = voucher_cards(vouchers, now)
            packs = [
                {"pack": pack, "cards": list(group)}
                for pack, group in groupby(cards, key=lambda card: card["voucher"].pack)
            ]
            return fragments.cards_html(packs, candidate.time_zone), cards, counts

        # Kept between changes (page_cache.py): the page candidates open most.
        html = page_cache.cards_html(candidate, render)
        return super().get_context_data(packs_html=mark_safe(html), **kwargs)


class VoucherDetailView(LoginRequiredMixin, TemplateView):
    """One voucher's attempts, their outcomes and what is left (results and history)."""

    template_name = "vouchers/voucher_detail.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        voucher = get_object_or_404(candidate_vouchers(self.request.user), pk=self.kwargs["pk"])
        try:
            voucher.check_can_send_recovery_link(
                candidate=self.request.user, on=anywhere_on_earth_date(now)
            )
        except Refused:
            lost_number_offered = False
        else:
            lost_number_offered = True
        holding = pending_booking(self.request.user, at=now)
        return super().get_context_data(
            card=voucher_cards([voucher], now, holding=holding)[0],
            lost_number_offered=lost_number_offered,
            **kwargs,
        )


class ResultsView(LoginRequiredMixin, TemplateView):
    """Every voucher's attempts and outcomes, the pack expiring first at the top."""

    template_name = "vouchers/results.html"
    extra_context = {"nav": "results"}

    def get_context_data(self, **kwargs):
        now = timezone.now()
        cards = voucher_cards(candidate_vouchers(self.request.user), now)
        return super().get_context_data(cards=[c for c in cards if c["attempts"]], **kwargs)
