"""The page shown when a limit in ``ratelimit`` is reached: HTTP 429, and when to come back."""

import math

from django.shortcuts import render


def too_many_attempts(request, retry_after: int, *, what: str):
    minutes = max(1, math.ceil(retry_after / 60))
    response = render(
        request,
        "too_many_attempts.html",
        {"minutes": minutes, "what": what},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response
