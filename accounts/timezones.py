"""The candidate's own time zone: guessed from their country at sign-up, chosen on the account.

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

# (English name as test centres spell it, the name a candidate reads, default IANA zone).
# Where a country has several zones, the comment names the places that differ.
COUNTRIES = [
    ("Argentina", _("Argentina"), "America/Argentina/Buenos_Aires"),
    ("Australia", _("Australia"), "Australia/Sydney"),  # also Melbourne; Brisbane, Perth … differ
    ("Austria", _("Austria"), "Europe/Vienna"),
    ("Belgium", _("Belgium"), "Europe/Brussels"),
    ("Brazil", _("Brazil"), "America/Sao_Paulo"),  # the south-east; Manaus and the north differ
    ("Canada", _("Canada"), "America/Toronto"),  # Eastern; Vancouver, Calgary … differ
    ("Chile", _("Chile"), "America/Santiago"),
    ("China", _("China"), "Asia/Shanghai"),
    ("Colombia", _("Colombia"), "America/Bogota"),
    ("Czechia", _("Czechia"), "Europe/Prague"),
    ("Denmark", _("Denmark"), "Europe/Copenhagen"),
    ("Egypt", _("Egypt"), "Africa/Cairo"),
    ("Finland", _("Finland"), "Europe/Helsinki"),
    ("France", _("France"), "Europe/Paris"),
    ("Germany", _("Germany"), "Europe/Berlin"),
    ("Greece", _("Greece"), "Europe/Athens"),
    ("Hong Kong", _("Hong Kong"), "Asia/Hong_Kong"),
    ("Hungary", _("Hungary"), "Europe/Budapest"),
    ("India", _("India"), "Asia/Kolkata"),
    ("Indonesia", _("Indonesia"), "Asia/Jakarta"),  # western Indonesia; Bali and the east differ
    ("Ireland", _("Ireland"), "Europe/Dublin"),
    ("Israel", _("Israel"), "Asia/Jerusalem"),
    ("Italy", _("Italy"), "Europe/Rome"),
    ("Japan", _("Japan"), "Asia/Tokyo"),
    ("Kenya", _("Kenya"), "Africa/Nairobi"),
    ("Malaysia", _("Malaysia"), "Asia/Kuala_Lumpur"),
    ("Mexico", _("Mexico"), "America/Mexico_City"),  # central Mexico; Tijuana, Cancún … differ
    ("Morocco", _("Morocco"), "Africa/Casablanca"),
    ("Netherlands", _("Netherlands"), "Europe/Amsterdam"),
    ("New Zealand", _("New Zealand"), "Pacific/Auckland"),  # the Chatham Islands differ
    ("Nigeria", _("Nigeria"), "Africa/Lagos"),
    ("Norway", _("Norway"), "Europe/Oslo"),
    ("Pakistan", _("Pakistan"), "Asia/Karachi"),
    ("Peru", _("Peru"), "America/Lima"),
    ("Philippines", _("Philippines"), "Asia/Manila"),
    ("Poland", _("Poland"), "Europe/Warsaw"),
    ("Portugal", _("Portugal"), "Europe/Lisbon"),  # the Azores differ
    ("Romania", _("Romania"), "Europe/Bucharest"),
    ("Russia", _("Russia"), "Europe/Moscow"),  # the Urals and Siberia differ
    ("Saudi Arabia", _("Saudi Arabia"), "Asia/Riyadh"),
    ("Singapore", _("Singapore"), "Asia/Singapore"),
    ("South Africa", _("South Africa"), "Africa/Johannesburg"),
    ("South Korea", _("South Korea"), "Asia/Seoul"),
    ("Spain", _("Spain"), "Europe/Madrid"),  # the Canary Islands differ
    ("Sweden", _("Sweden"), "Europe/Stockholm"),
    ("Switzerland", _("Switzerland"), "Europe/Zurich"),
    ("Taiwan", _("Taiwan"), "Asia/Taipei"),
    ("Thailand", _("Thailand"), "Asia/Bangkok"),
    ("Turkey", _("Turkey"), "Europe/Istanbul"),
    ("Ukraine", _("Ukraine"), "Europe/Kyiv"),
    ("United Arab Emirates", _("United Arab Emirates"), "Asia/Dubai"),
    ("United Kingdom", _("United Kingdom"), "Europe/London"),
    # Eastern; Chicago, Denver, Los Angeles … differ
    ("United States", _("United States"), "America/New_York"),
    ("Vietnam", _("Vietnam"), "Asia/Ho_Chi_Minh"),
]

COUNTRY_TIME_ZONES = {name: zone for name, _label, zone in COUNTRIES}

# The value of "my country is not listed": no guess, the time zone stays empty.
OTHER_COUNTRY = "other"


def guess_time_zone(country: str) -> str:
    """Return the default IANA zone for the country, or "" for one the table does not know."""
    return COUNTRY_TIME_ZONES.get(country.strip(), "")


def country_of_time_zone(time_zone: str) -> str:
    """Return the country whose default zone this is (the reverse of the guess), or ""."""
    return next((name for name, zone in COUNTRY_TIME_ZONES.items() if zone == time_zone), "")


def _sort_key(label) -> str:
    """Alphabetical in the reader's language: accents and case do not move a name."""
    decomposed = unicodedata.normalize("NFKD", str(label))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def country_choices() -> list[tuple[str, str]]:
    """The sign-up's country list: a prompt, the countries by name, then "not listed".

    The value is the English name (the key of ``COUNTRY_TIME_ZONES``); the label
    is the name in the active language, and the list is in its alphabetical order.
    """
    return [
        ("", _("Choose your country")),
        *sorted(((name, label) for name, label, _zone in COUNTRIES), key=lambda c: _sort_key(c[1])),
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
