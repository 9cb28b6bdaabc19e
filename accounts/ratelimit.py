"""Limits on guessing and on sending: voucher numbers, passwords, the e-mails a person
can make the portal send; and the page shown when one is reached
(``too_many_attempts``: HTTP 429, and when to come back).

Every door where a password is checked (the portal's sign-in, the back office's,
both password-change pages) goes through ``limit_password_guesses``: failures
count together, per account-and-address and per address, whichever door they
came through. The project's own limiter rather than django-axes: axes counts a
failure after the password is checked (parallel guesses all pass its check), has
one limit for every key (not 10 per account-and-address and 50 per address), and
sees only ``authenticate()``, not a password-change form's check of the old
password (docs/security.md).

Counts live in Django's cache (local memory by default, Redis from CACHE_URL
in production), so every app server behind the load balancer shares them. A
request *reserves* its attempt before it is made, with an atomic increment:
twenty simultaneous guesses cannot all see "9 so far" and slip past a limit of
10. An attempt that succeeds gives its reservation back.

Windows are fixed (for example the quarter-hour): when one ends the count
starts again, so an attacker can slow a real candidate down but never lock
them out for good.

A cache that cannot be reached (Redis restarting) cannot count: the attempt is
refused with ``LimitsUnavailable``, which the person sees as "busy, please try
again" (``DatabaseTroubleMiddleware``), rather than let guesses go uncounted.
"""

import hashlib
import logging
import math
import time
from dataclasses import dataclass
from functools import wraps

from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.middleware import ServiceUnavailable
from core.proxies import client_address  # noqa: F401  (the pages' way to name the client)

logger = logging.getLogger(__name__)


class LimitsUnavailable(ServiceUnavailable):
    """The counts could not be read or written: the attempt cannot be allowed."""


@dataclass(frozen=True)
class Limit:
    name: str
    attempts: int
    window_seconds: int

    def _bucket(self, now: float) -> int:
        return int(now // self.window_seconds)

    def _key(self, subject: str, now: float) -> str:
        # Hashed: subjects are typed by people (e-mail addresses) and may hold anything.
        digest = hashlib.sha256(subject.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return f"ratelimit:{self.name}:{digest}:{self._bucket(now)}"

    def retry_after(self, now: float | None = None) -> int:
        """Seconds until the current window ends."""
        now = time.time() if now is None else now
        return math.ceil((self._bucket(now) + 1) * self.window_seconds - now)


@dataclass
class Reservation:
    """Attempts reserved for one request; ``allowed`` is False once any limit is passed."""

    keys: list[str]
    allowed: bool
    retry_after: int

    def give_back(self) -> None:
        """The attempt succeeded: it does not count against the limits.

        Never fails the request that succeeded: a count the cache cannot take back
        (the window ended meanwhile, or the cache is failing) stays counted.
        """
        for key in self.keys:
            try:
                cache.decr(key)
            except ValueError:  # the window ended meanwhile
                pass
            except Exception:  # the backend's own errors: redis, memcached…
                logger.exception("A rate-limit count could not be given back")


def reserve(*pairs: tuple[Limit, str], now: float | None = None) -> Reservation:
    """Count one attempt against each (limit, subject) pair, atomically.

    Raises ``LimitsUnavailable`` if the cache fails.
    """
    try:
        return _reserve(pairs, time.time() if now is None else now)
    except Exception as error:  # the backend's own errors: redis, memcached…
        raise LimitsUnavailable(str(error)) from error


def _reserve(pairs, now: float) -> Reservation:
    keys, allowed, retry_after = [], True, 0
    for limit, subject in pairs:
        key = limit._key(subject, now)
        cache.add(key, 0, timeout=limit.window_seconds + 60)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.add(key, 1, timeout=limit.window_seconds + 60)
            count = 1
        keys.append(key)
        if count > limit.attempts:
            allowed = False
            retry_after = max(retry_after, limit.retry_after(now))
    return Reservation(keys=keys, allowed=allowed, retry_after=retry_after)


VOUCHER_GUESSES_PER_ACCOUNT = Limit("voucher-account", attempts=10, window_seconds=15 * 60)
VOUCHER_GUESSES_PER_ADDRESS = Limit("voucher-address", attempts=30, window_seconds=15 * 60)
SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS = Limit("signin-pair", attempts=10, window_seconds=15 * 60)
SIGN_IN_FAILURES_PER_ADDRESS = Limit("signin-address", attempts=50, window_seconds=15 * 60)
# Every request that makes the portal send an e-mail, or hash a new password, counts:
# per client address (sign-up and password reset), and per address written to.
MAIL_REQUESTS_PER_ADDRESS = Limit("mail-address", attempts=20, window_seconds=60 * 60)
MAILS_PER_RECIPIENT = Limit("mail-recipient", attempts=5, window_seconds=60 * 60)
# Requests for support, per account: enough for a real problem, too few to flood support.
SUPPORT_REQUESTS_PER_ACCOUNT = Limit("support-account", attempts=5, window_seconds=24 * 60 * 60)


def _account(email: str) -> str:
    return email.strip().lower()[:254]


def posted_email(request) -> str:
    """The account a sign-in form names (its ``username`` field)."""
    return _account(request.POST.get("username", ""))


def signed_in_email(request) -> str:
    return _account(request.user.email) if request.user.is_authenticated else ""


def limit_password_guesses(view, *, account=posted_email, what="sign-ins"):
    """Wrap a view that checks a password: a POST reserves a failure first, against the
    account (``account(request)``) with the client's address and against the address;
    the page answers 429 once either limit is reached. A POST that redirects got its
    password right (every wrapped view redirects on success and re-shows its form
    otherwise), and gives its reservation back.
    """

    @wraps(view)
    def limited(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        address = client_address(request)
        reservation = reserve(
            (SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS, f"{account(request)}|{address}"),
            (SIGN_IN_FAILURES_PER_ADDRESS, address),
        )
        if not reservation.allowed:
            return too_many_attempts(request, reservation.retry_after, what=what)
        response = view(request, *args, **kwargs)
        if response.status_code in (301, 302, 303):
            reservation.give_back()
        return response

    return limited


def reserve_mail(request, *, recipient: str) -> Reservation:
    """Count a request that sends an e-mail to ``recipient``, or hashes a password for
    it, against the client's address and against the recipient; never given back."""
    return reserve(
        (MAIL_REQUESTS_PER_ADDRESS, client_address(request)),
        (MAILS_PER_RECIPIENT, _account(recipient)),
    )


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
    "password changes": _(
        "There have been too many wrong passwords entered from your account or your network, "
        "so we have paused password changes to protect your account."
    ),
    "account erasures": _(
        "There have been too many wrong passwords entered from your account or your network, "
        "so we have paused erasing accounts to protect yours."
    ),
    "e-mails": _(
        "There have been too many requests for e-mails from your network or to this "
        "address, so we have paused them to protect everyone's inbox."
    ),
    "support requests": _(
        "You have sent us several requests today, so we have paused new ones until "
        "tomorrow. We answer every request by e-mail."
    ),
    "voucher number look-ups": _(
        "There have been too many unsuccessful voucher number look-ups from your account or "
        "your network, so we have paused them to protect everyone's vouchers."
    ),
}


def too_many_attempts(request, retry_after: int, *, what: str):
    """Return the page saying a limit is reached (HTTP 429) and when to come back.

    ``what`` names what was paused: a key of ``PAUSED``.
    """
    minutes = max(1, math.ceil(retry_after / 60))
    response = render(
        request,
        "too_many_attempts.html",
        {"minutes": minutes, "paused": PAUSED[what]},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response
