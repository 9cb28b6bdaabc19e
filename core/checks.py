"""Deployment checks of the portal's own (``manage.py check --deploy``)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches, deploy=True)
def cache_shared_by_every_app_server(app_configs, **kwargs):
    """The rate limits and the kept pages must be counted and forgotten in one place."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return [
            checks.Warning(
                "The cache is in each process's memory: every worker counts guesses on "
                "its own, and a change saved through one worker leaves the others "
                "showing cached dashboards for up to 5 minutes.",
                hint="Set CACHE_URL to one Redis for every app server (redis://host:6379/0).",
                id="secondshot.W001",
            )
        ]
    return []
