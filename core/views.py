"""The pages that belong to no app: the landing page, the health and readiness checks,
the language."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect
from django.template import loader
from django.utils.translation import check_for_language
from django.views.generic import TemplateView
from django.views.i18n import set_language as django_set_language

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    """The landing page; signed-in candidates go straight to their vouchers."""

    template_name = "home.html"

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("portal:dashboard")
        return super().get(request, *args, **kwargs)


def set_language(request):
    """Django's ``set_language`` (cookie and redirect), and the choice kept on the account.

    A signed-in person's language is then theirs on every browser and in
    every e-mail (``AccountLanguageMiddleware``).
    """
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and check_for_language(language)
        and request.user.language != language
    ):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


def server_error(request):
    """The 500 page, with the request's id for the person to quote (``handler500``).

    As Django's own: the template alone, no context processor, nothing that could
    fail again while the error is being answered.
    """
    template = loader.get_template("500.html")
    return HttpResponseServerError(
        template.render({"request_id": getattr(request, "request_id", None)})
    )


def healthz(request):
    """Answer a load balancer's health check: the process serves, touching no database.

    Whether PostgreSQL answers is not this page's question: one busy database
    must not make every app server look dead at once. It is also the benchmark's
    ceiling, a Django request with no database work (bench/README.md).
    """
    return HttpResponse("ok\n", content_type="text/plain")


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError as error:
        logger.warning("Not ready: the database did not answer: %s", error)
        return False


def _cache_answers() -> bool:
    try:
        cache.set("readyz", "ok", timeout=10)
        return cache.get("readyz") is not None
    except Exception as error:  # each cache backend fails with its own client's errors
        logger.warning("Not ready: the cache did not answer: %s", error)
        return False


def readyz(request):
    """Answer whether this app server can serve pages: its database and its cache answer.

    200 ``{"status": "ready", ...}`` when both do; 503 naming the one that failed
    otherwise. For a deployment or a monitor to ask, not the load balancer's health
    check (``healthz``): a database that fails fails every server at once.
    """
    checks = {"database": _database_answers(), "cache": _cache_answers()}
    failed = [name for name, answered in checks.items() if not answered]
    body = {"status": "not ready" if failed else "ready", "failed": failed}
    body |= {name: "ok" if answered else "failed" for name, answered in checks.items()}
    return JsonResponse(body, status=503 if failed else 200)
