import zoneinfo

from django.core.exceptions import ValidationError


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "%(value)s is not an IANA time zone name such as Europe/Paris.",
            params={"value": value},
        )
