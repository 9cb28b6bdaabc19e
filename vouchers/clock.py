"""How the portal reads a calendar date off a moment, where no test centre decides it."""

from datetime import date, datetime, timedelta, timezone

# "Anywhere on Earth" (UTC−12): a date has not passed while it is still that date
# somewhere. Used where a voucher's expiry is judged without a sitting, such as
# registering a number: a candidate in Honolulu may still register on the
# evening of the expiry date. Sittings are judged by their centre's date (SS-2).
ANYWHERE_ON_EARTH = timezone(timedelta(hours=-12), "AoE")


def anywhere_on_earth_date(moment: datetime) -> date:
    """Return the date at UTC−12, the last place on Earth where a day is still running."""
    return moment.astimezone(ANYWHERE_ON_EARTH).date()
