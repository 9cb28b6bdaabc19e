"""The candidate's own time zone: guessed from their country at sign-up, chosen on the account.

The countries and their names in every language come from django-countries.
``COUNTRY_TIME_ZONES`` is deliberately small: the countries our test centres are
in and the ones most candidates come from, each with one default IANA zone. For
a country that spans several zones it names the zone where most people live
(United States → New York, Australia → Sydney, Brazil → São Paulo, Russia →
Moscow …); the sign-up page says so, and the candidate corrects it on their
account page. A country that is not listed leaves the time zone empty: sittings
are then shown in the test centre's time only, as for everyone before (SS-9).
"""

import unicodedata
import zoneinfo
from functools import cache
from itertools import groupby

from django.utils.translation import gettext_lazy as _
from django_countries import countries

# (ISO 3166 code, default IANA zone); the names come from django-countries, in the
# reader's language. Where a country has several zones, the comment names the places
# that differ.
COUNTRY_TIME_ZONES = {
    "AR": "America/Argentina/Buenos_Aires",  # Argentina
    "AU": "Australia/Sydney",  # Australia; also Melbourne; Brisbane, Perth … differ
    "AT": "Europe/Vienna",  # Austria
    "BE": "Europe/Brussels",  # Belgium
    "BR": "America/Sao_Paulo",  # Brazil; the south-east; Manaus and the north differ
    "CA": "America/Toronto",  # Canada; Eastern; Vancouver, Calgary … differ
    "CL": "America/Santiago",  # Chile
    "CN": "Asia/Shanghai",  # China
    "CO": "America/Bogota",  # Colombia
    "CZ": "Europe/Prague",  # Czechia
    "DK": "Europe/Copenhagen",  # Denmark
    "EG": "Africa/Cairo",  # Egypt
    "FI": "Europe/Helsinki",  # Finland
    "FR": "Europe/Paris",  # France
    "DE": "Europe/Berlin",  # Germany
    "GR": "Europe/Athens",  # Greece
    "HK": "Asia/Hong_Kong",  # Hong Kong
    "HU": "Europe/Budapest",  # Hungary
    "IN": "Asia/Kolkata",  # India
    "ID": "Asia/Jakarta",  # Indonesia; western Indonesia; Bali and the east differ
    "IE": "Europe/Dublin",  # Ireland
    "IL": "Asia/Jerusalem",  # Israel
    "IT": "Europe/Rome",  # Italy
    "JP": "Asia/Tokyo",  # Japan
    "KE": "Africa/Nairobi",  # Kenya
    "MY": "Asia/Kuala_Lumpur",  # Malaysia
    "MX": "America/Mexico_City",  # Mexico; central Mexico; Tijuana, Cancún … differ
    "MA": "Africa/Casablanca",  # Morocco
    "NL": "Europe/Amsterdam",  # Netherlands
    "NZ": "Pacific/Auckland",  # New Zealand; the Chatham Islands differ
    "NG": "Africa/Lagos",  # Nigeria
    "NO": "Europe/Oslo",  # Norway
    "PK": "Asia/Karachi",  # Pakistan
    "PE": "America/Lima",  # Peru
    "PH": "Asia/Manila",  # Philippines
    "PL": "Europe/Warsaw",  # Poland
    "PT": "Europe/Lisbon",  # Portugal; the Azores differ
    "RO": "Europe/Bucharest",  # Romania
    "RU": "Europe/Moscow",  # Russia; the Urals and Siberia differ
    "SA": "Asia/Riyadh",  # Saudi Arabia
    "SG": "Asia/Singapore",  # Singapore
    "ZA": "Africa/Johannesburg",  # South Africa
    "KR": "Asia/Seoul",  # South Korea
    "ES": "Europe/Madrid",  # Spain; the Canary Islands differ
    "SE": "Europe/Stockholm",  # Sweden
    "CH": "Europe/Zurich",  # Switzerland
    "TW": "Asia/Taipei",  # Taiwan
    "TH": "Asia/Bangkok",  # Thailand
    "TR": "Europe/Istanbul",  # Turkey
    "UA": "Europe/Kyiv",  # Ukraine
    "AE": "Asia/Dubai",  # United Arab Emirates
    "GB": "Europe/London",  # United Kingdom; Eastern; Chicago, Denver, Los Angeles … differ
    "US": "America/New_York",  # United States; Eastern; Chicago, Denver, Los Angeles … differ
    "VN": "Asia/Ho_Chi_Minh",  # Vietnam
}


# The value of "my country is not listed": no guess, the time zone stays empty.
OTHER_COUNTRY = "other"


def guess_time_zone(country: str) -> str:
    """Return the default IANA zone for the country (its ISO code), or "" for one the table
    does not know."""
    return COUNTRY_TIME_ZONES.get(country.strip().upper(), "")


def country_of_time_zone(time_zone: str) -> str:
    """Return the country (its ISO code) whose default zone this is, or ""."""
    return next((code for code, zone in COUNTRY_TIME_ZONES.items() if zone == time_zone), "")


def sort_key(label) -> str:
    """Alphabetical in the reader's language: accents and case do not move a name."""
    decomposed = unicodedata.normalize("NFKD", str(label))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def country_choices() -> list[tuple[str, str]]:
    """The sign-up's country list: a prompt, every country by name, then "not listed".

    The value is the ISO code (django-countries); the label is the name in the
    active language, and the list is in its alphabetical order.
    """
    return [
        ("", _("Choose your country")),
        *sorted(((code, name) for code, name in countries), key=lambda c: sort_key(c[1])),
        (OTHER_COUNTRY, _("My country is not listed")),
    ]


@cache
def _zone_groups() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """Every zone ``zoneinfo`` knows, grouped by the region before its first slash.

    Zones without a region (UTC, the old aliases such as "Japan") come last under
    "Other". An option reads as the place, then the zone's name, so typing a city
    finds it and a closed list still says which zone: "Tokyo (Asia/Tokyo)".
    """
    names = sorted(zoneinfo.available_timezones())

    def region(name):
        return name.split("/", 1)[0] if "/" in name else "~"  # "~" sorts after letters

    groups = []
    for key, members in groupby(sorted(names, key=lambda n: (region(n), n)), key=region):
        options = tuple(
            (name, f"{name.split('/', 1)[1].replace('_', ' ')} ({name})" if "/" in name else name)
            for name in members
        )
        groups.append((key, options))
    return tuple(groups)


def time_zone_choices() -> list:
    """The account page's time zone list: "not set", then every zone grouped by region."""
    return [
        ("", _("Not set: show sitting times in the test centre's time only")),
        *(
            (_("Other") if region == "~" else region, list(options))
            for region, options in _zone_groups()
        ),
    ]
