"""Time zones by their IANA name, each loaded once a process.

``zoneinfo.ZoneInfo(name)`` keeps only the eight zones used last: a week of sittings
at test centres in thirty zones read the zone files from disk again and again (a
dozen times a request in the sitting search). The zones are the same for every
request, so each is kept for the life of the process.
"""

import functools
import zoneinfo


@functools.cache
def zone(name: str) -> zoneinfo.ZoneInfo:
    """The zone named ``name``; ZoneInfoNotFoundError or ValueError as ZoneInfo raises."""
    return zoneinfo.ZoneInfo(name)
