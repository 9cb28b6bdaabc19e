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
from django_countries import countries

from .models import TestCenter

PLACES_CACHE_KEY = "exams:test-centre-places"
PLACES_CACHE_SECONDS = 300

logger = logging.getLogger(__name__)


CENTRES_CACHE_KEY = "exams:test-centres"


def centre_places() -> dict[str, list[str]]:
    """Every country with a test centre (its ISO code), each with its cities in order."""
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
    rows = TestCenter.objects.order_by("country", "city", "name").values_list(
        "pk", "name", "country", "city"
    )
    return [(pk, name, str(country), city) for pk, name, country, city in rows]


def _read_places() -> dict[str, list[str]]:
    found = {}
    for country, city in TestCenter.objects.values_list("country", "city").distinct():
        found.setdefault(str(country), set()).add(city)
    return {country: sorted(cities) for country, cities in sorted(found.items())}


# English names django-countries does not read as they were stored before its codes.
COUNTRY_ALIASES = {"United States": "US", "USA": "US", "Turkey": "TR", "Czech Republic": "CZ"}


def country_code(name: str) -> str:
    """The ISO code of a country given by its English name (or by its code); "" if unknown."""
    name = name.strip()
    if name.upper() in dict(countries):
        return name.upper()
    return COUNTRY_ALIASES.get(name) or countries.by_name(name) or ""


def country_name(code: str) -> str:
    """The country's name in the active language."""
    return countries.name(code) or code


def forget_centre_places() -> None:
    """Forget the places kept; a cache that fails keeps them at most PLACES_CACHE_SECONDS."""
    try:
        cache.delete_many([PLACES_CACHE_KEY, CENTRES_CACHE_KEY])
    except Exception:
        logger.exception("The test centres' places could not be forgotten in the cache")
