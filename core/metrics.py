"""What Prometheus reads at ``/metrics``, and who may read it.

Two kinds of figure, counted where they can be counted right:

- What happens in a request (its view, method, status and time; a workflow's
  refusal) is counted by the process that served it, with prometheus-client.
  Under gunicorn each worker writes its counts to files in
  ``PROMETHEUS_MULTIPROC_DIR`` (``gunicorn.conf.py`` gives each app server its
  own folder) and a scrape adds every worker's up, so the figure is the app
  server's whichever worker answers the scrape. Each app server is scraped on
  its own and Prometheus adds the servers up.
- What the database holds (bookings made, reminders sent, the task queue) is read
  from it at scrape time (``read_at_scrape``): the task workers send the
  reminders and take the tasks, in processes no scrape reaches, and a figure read
  from the database survives any restart. Every app server reports the same
  figure, so take one (``max``), never the sum.

The page answers only the addresses in ``METRICS_ALLOWED_ADDRESSES`` (the client's
address as ``core/proxies.py`` reads it: a client coming through the load balancer
is known by its own address, not the balancer's) or a request carrying
``Authorization: Bearer <METRICS_TOKEN>``. Anyone else is told there is no such
page (404); a wrong token, 403.
"""

import hmac
import ipaddress
import logging
import os
import time
from functools import lru_cache

from django.conf import settings
from django.db import DatabaseError, models
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from .proxies import client_address

logger = logging.getLogger(__name__)

REQUESTS = Histogram(
    "secondshot_request_duration_seconds",
    "Time to answer a request, by the view that answered it, the method and the status.",
    ["view", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
REFUSALS = Counter(
    "secondshot_refusals",
    "Workflows that refused to act, by the reason's code (core/workflows.py).",
    ["code"],
)

_read_at_scrape = {}


def read_at_scrape(collector) -> None:
    """Add ``collector`` (a ``collect()`` yielding metric families) to every scrape.

    Apps above ``core`` register the figures their database holds, from their
    ``AppConfig.ready``.
    """
    _read_at_scrape[type(collector)] = collector


def count_refusal(refusal) -> None:
    """Count a workflow's refusal once, however many workflows it passes through."""
    if getattr(refusal, "counted", False):
        return
    refusal.counted = True
    REFUSALS.labels(code=refusal.code.value).inc()


class DatabaseFigures:
    """A collector whose figures are read from the database when Prometheus scrapes.

    A database that cannot answer leaves its figures out of that scrape (and says
    so in the log) rather than failing the page: the request figures still come.
    """

    def read(self):
        raise NotImplementedError

    def collect(self):
        try:
            return list(self.read())
        except DatabaseError as error:
            logger.warning("Metrics left out, the database did not answer: %s", error)
            return []


class TaskQueue(DatabaseFigures):
    """The tasks waiting in the database queue, and how long the oldest has waited."""

    def read(self):
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.ready().aggregate(
            depth=models.Count("pk"), oldest=models.Min("enqueued_at")
        )
        running = DBTaskResult.objects.running().count()
        age = (timezone.now() - waiting["oldest"]).total_seconds() if waiting["oldest"] else 0
        yield GaugeMetricFamily(
            "secondshot_tasks_queued", "Tasks waiting for a worker.", value=waiting["depth"]
        )
        yield GaugeMetricFamily(
            "secondshot_tasks_running", "Tasks a worker has taken and not finished.", value=running
        )
        yield GaugeMetricFamily(
            "secondshot_oldest_queued_task_age_seconds",
            "How long the oldest task waiting for a worker has waited (0: none waits).",
            value=age,
        )


class _ThisProcess:
    """The default registry's figures, when this process is the only one counting."""

    def collect(self):
        return REGISTRY.collect()


def exposition() -> bytes:
    """Every figure, in Prometheus's text format."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    for collector in _read_at_scrape.values():
        registry.register(collector)
    return generate_latest(registry)


@lru_cache(maxsize=8)
def _networks(addresses: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(address, strict=False) for address in addresses)


def is_allowed_address(address: str) -> bool:
    """Return True if ``address`` is in ``METRICS_ALLOWED_ADDRESSES``."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.METRICS_ALLOWED_ADDRESSES)))


def _offered_token(request) -> str | None:
    scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def metrics(request):
    """The figures, for an allowed address or the right token; else 404 (403: wrong token)."""
    offered = _offered_token(request)
    if settings.METRICS_TOKEN and offered is not None:
        if not hmac.compare_digest(offered.encode(), settings.METRICS_TOKEN.encode()):
            return HttpResponseForbidden("Wrong metrics token.\n", content_type="text/plain")
    elif not is_allowed_address(client_address(request)):
        raise Http404
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


class RequestMetricsMiddleware:
    """Time every request and count it under the view that answered it.

    A request no URL matched (a 404, a static file WhiteNoise served) is counted
    under the view ``unresolved``, so a flood of made-up paths adds no series.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match is not None else "unresolved"
        method = request.method if request.method in _METHODS else "other"
        REQUESTS.labels(view=view, method=method, status=str(response.status_code)).observe(
            time.perf_counter() - started
        )
        return response


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
