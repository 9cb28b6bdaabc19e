"""The page shown when a limit in ``ratelimit`` is reached: HTTP 429, and when to come back."""

import math

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

# What was paused, as the page says it: one whole sentence each, so every
# language can word it its own way.
PAUSED = {
    "sign-ins": _(
        "There have been too many unsuccessful sign-ins from your account or your network, "
        "so we have paused them to protect everyone's vouchers."
    ),
    "voucher numbers entered": _(
        "There have been too many unsuccessful voucher numbers entered from your account or "
        "your network, so we have paused them to protect everyone's vouchers."
    ),
    "voucher number look-ups": _(
        "There have been too many unsuccessful voucher number look-ups from your account or "
        "your network, so we have paused them to protect everyone's vouchers."
    ),
}


def too_many_attempts(request, retry_after: int, *, what: str):
    """``what`` names what was paused: a key of ``PAUSED``."""
    minutes = max(1, math.ceil(retry_after / 60))
    response = render(
        request,
        "too_many_attempts.html",
        {"minutes": minutes, "paused": PAUSED[what]},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response
