"""Where exams are taken: every country with a test centre and its cities.

The sitting search shows them on every request, and they change when a test
centre opens or moves, a few times a year: they are kept in the shared cache.
Changing a centre in the back office forgets them at once; any other change
(a data migration, the shell) shows within ``PLACES_CACHE_SECONDS``.
"""

from django.core.cache import cache

from .models import TestCenter

PLACES_CACHE_KEY = "exams:test-centre-places"
PLACES_CACHE_SECONDS = 300


def centre_places() -> dict[str, list[str]]:
    """Every country with a test centre, in order, each with its cities in order."""
    places = cache.get(PLACES_CACHE_KEY)
    if places is None:
        found = {}
        for country, city in TestCenter.objects.values_list("country", "city").distinct():
            found.setdefault(country, set()).add(city)
        places = {country: sorted(cities) for country, cities in sorted(found.items())}
        cache.set(PLACES_CACHE_KEY, places, PLACES_CACHE_SECONDS)
    return places


def forget_centre_places() -> None:
    cache.delete(PLACES_CACHE_KEY)
