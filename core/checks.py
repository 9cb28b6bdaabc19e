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


# As long as Django asks of SECRET_KEY: a key shorter than this is no secret.
MINIMUM_KEY_LENGTH = 50


@checks.register(checks.Tags.security, deploy=True)
def voucher_number_key_is_secret(app_configs, **kwargs):
    """Voucher numbers are stored as HMAC-SHA256 under this key: the public development
    key, or a short one, lets whoever holds a database backup test every guess."""
    key = settings.VOUCHER_NUMBER_KEY
    if key == settings.DEVELOPMENT_VOUCHER_NUMBER_KEY or len(key) < MINIMUM_KEY_LENGTH:
        return [
            checks.Error(
                "VOUCHER_NUMBER_KEY is the public development key or too short to be a "
                "secret: a stolen database would give up its voucher numbers.",
                hint=f"Set VOUCHER_NUMBER_KEY to a random string of {MINIMUM_KEY_LENGTH} or "
                "more characters, kept apart from the database's backups and never changed "
                "once numbers are issued.",
                id="secondshot.E001",
            )
        ]
    return []
