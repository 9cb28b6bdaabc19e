"""Where exams are taken: every country with a test centre and its cities.

The sitting search shows them on every request, and they change when a test
centre opens or moves, a few times a year: they are kept in the shared cache.
Changing a centre in the back office forgets them at once; any other change
(a data migration, the shell) shows within ``PLACES_CACHE_SECONDS``. A cache
that fails (Redis restarting) is logged and passed by: the places are read from
the database, and the person never sees the cache's trouble.
"""

import logging

from django.core.cache import cache

from .models import TestCenter

PLACES_CACHE_KEY = "exams:test-centre-places"
PLACES_CACHE_SECONDS = 300

logger = logging.getLogger(__name__)


CENTRES_CACHE_KEY = "exams:test-centres"


def centre_places() -> dict[str, list[str]]:
    """Every country with a test centre, in order, each with its cities in order."""
    return _cached(PLACES_CACHE_KEY, _read_places)


def centres() -> list[tuple[int, str, str, str]]:
    """Every test centre as (id, name, country, city), by country, city and name."""
    return _cached(CENTRES_CACHE_KEY, _read_centres)


def _cached(key, read):
    try:
        found = cache.get(key)
    except Exception:  # the backend's own errors: redis, memcached…
        logger.exception("The test centres' places could not be read from the cache")
        return read()
    if found is None:
        found = read()
        try:
            cache.set(key, found, PLACES_CACHE_SECONDS)
        except Exception:
            logger.exception("The test centres' places could not be kept in the cache")
    return found


def _read_centres() -> list[tuple[int, str, str, str]]:
    return list(
        TestCenter.objects.order_by("country", "city", "name").values_list(
            "pk", "name", "country", "city"
        )
    )


def _read_places() -> dict[str, list[str]]:
    found = {}
    for country, city in TestCenter.objects.values_list("country", "city").distinct():
        found.setdefault(country, set()).add(city)
    return {country: sorted(cities) for country, cities in sorted(found.items())}


def forget_centre_places() -> None:
    """Forget the places kept; a cache that fails keeps them at most PLACES_CACHE_SECONDS."""
    try:
        cache.delete_many([PLACES_CACHE_KEY, CENTRES_CACHE_KEY])
    except Exception:
        logger.exception("The test centres' places could not be forgotten in the cache")
