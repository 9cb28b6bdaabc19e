"""The pages that belong to no app: the landing page, the health check, the language."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import check_for_language
from django.views.generic import TemplateView
from django.views.i18n import set_language as django_set_language


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


def healthz(request):
    """Answer a load balancer's health check: the process serves, touching no database.

    Whether PostgreSQL answers is not this page's question: one busy database
    must not make every app server look dead at once. It is also the benchmark's
    ceiling, a Django request with no database work (bench/README.md).
    """
    return HttpResponse("ok\n", content_type="text/plain")
