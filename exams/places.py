"""Where exams are taken: every country with a test centre and its cities.

The sitting search shows them on every request, and they change when a test
centre opens or moves, a few times a year: they are kept in the shared cache.
Changing a centre in the back office forgets them at once; any other change
(a data migration, the shell) shows within ``PLACES_CACHE_SECONDS``. A cache
that fails (Redis restarting) is logged and passed by: the places are read from
the database, and the person never sees the cache's trouble.
"""

import functools
import logging

from django.core.cache import cache
from django.utils import translation
from django_countries import countries

from .models import TestCenter

# The places and the centres, kept together: the sitting search needs both, in one read.
PLACES_CACHE_KEY = "exams:test-centre-places:2"
PLACES_CACHE_SECONDS = 300

logger = logging.getLogger(__name__)


def places_and_centres() -> dict:
    """Every country with a test centre and its cities (``"by_country"``: ISO code →
    cities in order), and every test centre (``"centres"``: (id, name, country, city) by
    country, city and name), from the cache in one read when kept there."""
    try:
        found = cache.get(PLACES_CACHE_KEY)
    except Exception:  # the backend's own errors: redis, memcached…
        logger.exception("The test centres' places could not be read from the cache")
        return _read()
    if found is None:
        found = _read()
        try:
            cache.set(PLACES_CACHE_KEY, found, PLACES_CACHE_SECONDS)
        except Exception:
            logger.exception("The test centres' places could not be kept in the cache")
    return found


def centre_places() -> dict[str, list[str]]:
    """Every country with a test centre (its ISO code), each with its cities in order."""
    return places_and_centres()["by_country"]


def _read() -> dict:
    rows = TestCenter.objects.order_by("country", "city", "name").values_list(
        "pk", "name", "country", "city"
    )
    every = [(pk, name, str(country), city) for pk, name, country, city in rows]
    by_country = {}
    for _pk, _name, country, city in every:
        by_country.setdefault(country, set()).add(city)
    return {
        "by_country": {country: sorted(cities) for country, cities in sorted(by_country.items())},
        "centres": every,
    }


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
    return _country_name(code, translation.get_language())


@functools.lru_cache(maxsize=2048)
def _country_name(code: str, language: str | None) -> str:
    """Looked up once a process for each country and language (9 µs each time before;
    the sitting search names up to ten countries a request)."""
    with translation.override(language):
        return countries.name(code) or code


def forget_centre_places() -> None:
    """Forget the places kept; a cache that fails keeps them at most PLACES_CACHE_SECONDS."""
    try:
        cache.delete(PLACES_CACHE_KEY)
    except Exception:
        logger.exception("The test centres' places could not be forgotten in the cache")
