"""The portal's own middleware: the signed-in person's language, and a busy database.

A workflow runs in one transaction, so when the database fails part-way
(a lock not had in time, a connection cut) nothing was written: the person is
told to try again, with HTTP 503 and Retry-After, instead of a server error.
"""

import logging

from django.conf import settings
from django.db import OperationalError
from django.shortcuts import render
from django.utils import translation

logger = logging.getLogger(__name__)


class DatabaseTroubleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError):
            return None
        # A cut connection is not reused: Django drops it when the request ends.
        logger.warning("Database busy or unavailable during %s: %s", request.path, exception)
        response = render(request, "busy.html", status=503)
        response["Retry-After"] = "5"
        return response


class AccountLanguageMiddleware:
    """Speak the signed-in person's language, the one kept on their account.

    ``LocaleMiddleware`` (before this) chose from the language cookie or the
    browser; an account's choice wins over both, on any browser. The cookie
    is brought in line with the account, so the pages stay in that language
    after signing out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self._account_language(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            set_language_cookie(response, language)
        return response

    @staticmethod
    def _account_language(request) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        language = getattr(user, "language", "")
        return language if language in dict(settings.LANGUAGES) else None


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
