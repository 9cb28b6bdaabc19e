"""Validators every app shares: a time zone's name (a person's, a test centre's), and a
date within the reach of the back office's forms."""

import zoneinfo
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Dates the back office accepts: typos such as 9999 or 0001 are refused on the
# form, before any arithmetic on them could overflow.
EARLIEST_DATE = date(2000, 1, 1)
YEARS_AHEAD = 10


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not an IANA time zone name such as Europe/Paris."),
            params={"value": value},
        )


def latest_date(*, on: date | None = None) -> date:
    """Return the latest date the back office accepts, seen from ``on`` (default: today)."""
    return (on or timezone.now().date()) + timedelta(days=365 * YEARS_AHEAD)


def validate_within_reach(value: date):
    if not EARLIEST_DATE <= value <= latest_date():
        raise ValidationError(
            _("Give a date between %(earliest)s and %(latest)s."),
            params={"earliest": EARLIEST_DATE.isoformat(), "latest": latest_date().isoformat()},
        )
