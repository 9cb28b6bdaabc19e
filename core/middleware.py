"""The portal's own middleware: the request's id, personal pages kept out of caches, the
signed-in person's language, and a busy database.

A workflow runs in one transaction, so when the database fails part-way
(a lock not had in time, a connection cut) nothing was written: the person is
told to try again, with HTTP 503 and Retry-After, instead of a server error.
So are they when the rate limits cannot be counted (the cache is failing): the
attempt is refused before anything is done.
"""

import logging
import re
import uuid

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import DatabaseError, OperationalError
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control

from .logs import current_request, loaded_user
from .proxies import from_trusted_proxy

logger = logging.getLogger(__name__)

# What a load balancer's request id may look like; anything else is replaced.
REQUEST_ID_SHAPE = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class RequestIdMiddleware:
    """Name every request: ``request.request_id``, on each log line and in ``X-Request-ID``.

    A load balancer's own id (HAProxy's ``unique-id-header``) is kept when the request
    comes from a trusted proxy (``TRUSTED_PROXIES``), so one request can be followed
    from the balancer's log to the app server's; anyone else's is replaced, since a
    client could otherwise make its lines look like another request's.

    For the same reason ``X-Forwarded-Proto`` is dropped unless a trusted proxy sent it:
    Django's ``SECURE_PROXY_SSL_HEADER`` reads it from any peer, and a client reaching
    an app server directly over plain HTTP must not pass for a TLS request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        trusted = from_trusted_proxy(request)
        if not trusted:
            request.META.pop("HTTP_X_FORWARDED_PROTO", None)
        offered = request.META.get("HTTP_X_REQUEST_ID", "")
        if offered and REQUEST_ID_SHAPE.fullmatch(offered) and trusted:
            request.request_id = offered
        else:
            request.request_id = uuid.uuid4().hex
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class PrivatePagesMiddleware:
    """A page served to a signed-in person is theirs: ``Cache-Control: private, no-store``.

    No shared cache keeps it and no browser keeps a copy after sign-out on a
    shared computer. A page is personal when it read the signed-in user or their
    session; reading them is left to the page, so this costs no query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        signed_in = session is not None and session.accessed and _holds_sign_in(session)
        if loaded_user(request) is not None or signed_in:
            patch_cache_control(response, private=True, no_store=True)
        return response


def _holds_sign_in(session) -> bool:
    """Return True if the session names a signed-in person, or could not be read.

    A session the page tried to read and the database could not give (a connection
    cut) is asked for again here: failing again, the page (by now the "busy" one) is
    kept out of caches all the same, instead of turning into a server error.
    """
    try:
        return SESSION_KEY in session
    except DatabaseError:
        return True


class ServiceUnavailable(Exception):
    """A service the request needs (the shared cache, say) cannot answer now: nothing was
    done, and the person is told to try again. Apps raise their own subclasses."""


class DatabaseTroubleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | ServiceUnavailable):
            return None
        # A cut connection is not reused: Django drops it when the request ends.
        logger.warning(
            "Database or cache busy or unavailable during %s: %s", request.path, exception
        )
        response = render(request, "busy.html", status=503)
        response["Retry-After"] = "5"
        return response


class AccountLanguageMiddleware:
    """Keep the language cookie in line with the language kept on the signed-in account.

    ``LocaleMiddleware`` speaks the language of the cookie (else the browser's);
    this brings the cookie in line with the account once the request has read
    the account anyway: at sign-in (``remember_account_language``), and on any
    page that loaded the signed-in user, from the next page on. So the account's
    language follows the person to every browser they sign in on, and stays
    after they sign out. It never queries the database itself: a request the
    database fails stays the view's to answer (``DatabaseTroubleMiddleware``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        language = getattr(request, "account_language", None) or _loaded_account_language(request)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            set_language_cookie(response, language)
        return response


def _loaded_account_language(request) -> str | None:
    """Return the signed-in person's language if the request already loaded them, else None."""
    user = loaded_user(request)
    if user is None:
        return None
    language = getattr(user, "language", "")
    return language if language in dict(settings.LANGUAGES) else None


def remember_account_language(sender, request, user, **kwargs):
    """On signing in, speak the account's language from this response on (``user_logged_in``)."""
    language = getattr(user, "language", "")
    if request is not None and language in dict(settings.LANGUAGES):
        translation.activate(language)
        request.LANGUAGE_CODE = language
        request.account_language = language


def set_language_cookie(response, language: str) -> None:
    """Set the cookie ``LocaleMiddleware`` reads, as Django's ``set_language`` view does."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
