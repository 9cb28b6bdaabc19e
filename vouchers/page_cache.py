"""Parts of the two pages candidates open most, kept in the shared cache.

Nothing is kept in process memory, so every app server behind a load balancer
reads and replaces the same entries. Only parts of pages are kept: the page
around them (messages, the sign-out form's CSRF token) is rendered for each
request, and the part kept depends on nothing of the request.

The dashboard's cards
---------------------

They are kept until something they show changes. What they show changes
rarely: when one of their vouchers changes, when the catalogue changes, and when
time passes a moment that changes a status. Each is caught without any workflow
having to remember the cache:

- **Their vouchers.** Every change to a voucher or its bookings writes an audit
  event in the same transaction (SS-12), and events are never deleted. The cards
  are kept with how many vouchers the candidate has and how many events those
  vouchers have, counted in the same statement that read what the cards show
  (``queries.dashboard_vouchers``); a visit that finds cards kept counts them
  again, in one indexed query, and shows the kept cards only if nothing changed.
  A first visit reads the cards and their counts at once: nothing more.
- **The catalogue.** Exams, test centres, sittings, customers and packs are
  edited in the back office; any save of one replaces a generation token, once
  the change is committed, and every card rendered under the old token is
  ignored. A pack being tied to a candidate is the exception: its vouchers'
  events already tell.
- **Time.** A card is kept no longer than the next moment its status or its days
  left can change (a booked sitting starting, midnight anywhere on Earth), and
  never longer than ``MAX_AGE``, which also bounds how long a release's new
  templates take to show.

The key also holds the language and time zone the cards are rendered in.

The sitting list of the booking page
------------------------------------

Step 2 of booking names the exam and lists the first sittings with a free seat
before the voucher expires, in a country and city. That step is the same for
every voucher expiring the same day, so it is kept for a few seconds
(``SITTING_LIST_CACHE_SECONDS``, 15 by default; 0 keeps nothing) under
the expiry date, the exam, the attempt, the place and week asked for, the language and the
time zone, and forgotten with the catalogue generation. Its links are relative
to the page (``<sitting>/?exam=<exam>``, ``./``), so one step serves every
voucher. The seats left it shows may be that many seconds old: a sitting that
filled meanwhile is refused, with the reason, when the booking is confirmed, as
it is without a cache; sittings added by the series tool (written in bulk, with
no signal) are listed within the same 15 s.

A cache that fails is logged and the pages are rendered afresh. The cache must be
one for every app server (``CACHE_URL``, a Redis): with the default one in each
process's memory, a change saved through one worker is forgotten only there, and
the others show the old cards for up to ``MAX_AGE`` (a deployment check warns).
"""

import hashlib
import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone, translation

from .clock import ANYWHERE_ON_EARTH
from .models import Booking, Customer, ExamPack, Voucher, VoucherEvent

logger = logging.getLogger(__name__)

MAX_AGE = timedelta(minutes=5)
GENERATION_KEY = "catalogue:generation"
# A pack's fields set when it is tied to a candidate (SS-5): its vouchers' events tell.
TIE_FIELDS = {"candidate", "tied_at"}


def fingerprint(candidate) -> tuple[int, int]:
    """How many vouchers the candidate has registered, and how many events they have."""
    voucher, event = Voucher._meta.db_table, VoucherEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT (SELECT COUNT(*) FROM {voucher} WHERE registered_by_id = %s),
                       (SELECT COUNT(*) FROM {event} e JOIN {voucher} v ON v.id = e.voucher_id
                        WHERE v.registered_by_id = %s)""",
            [candidate.pk, candidate.pk],
        )
        vouchers, events = cursor.fetchone()
    return vouchers, events


def _key(candidate) -> str:
    zone = candidate.time_zone or "-"
    return f"dashboard:{candidate.pk}:{translation.get_language()}:{zone}"


def next_change(cards, now: datetime) -> datetime:
    """The first moment after ``now`` at which the cards would read differently."""
    local = now.astimezone(ANYWHERE_ON_EARTH)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time())
    moments = [now + MAX_AGE, midnight.replace(tzinfo=ANYWHERE_ON_EARTH)]
    for card in cards:
        for booking in card["attempts"]:
            # A booking still to come is taken the moment its sitting starts (SS-13).
            if booking.state(at=now) == Booking.State.PENDING:
                moments.append(booking.sitting.starts_at)
    return min(moments)


def _read(key: str) -> tuple[str | None, dict | None]:
    """The catalogue generation (made if there is none) and what is kept under ``key``.

    A cache that fails is logged and read as empty: the page is rendered afresh,
    and the person never sees the cache's trouble.
    """
    try:
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            # Evicted or never made: a new one, so nothing kept under a lost one matches.
            cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            return cache.get(GENERATION_KEY), None
        return generation, found.get(key)
    except Exception:  # the backend's own errors: redis, memcached, a full disk…
        logger.exception("The page cache could not be read")
        return None, None


def _keep(key: str, value: dict, seconds: int) -> None:
    if value["generation"] is None:
        return  # the cache is failing: keep nothing
    try:
        cache.set(key, value, timeout=seconds)
    except Exception:
        logger.exception("The page cache could not be written")


def cards_html(candidate, render) -> str:
    """The cards, from the cache while they still hold, else from ``render(now)``.

    ``render`` returns the HTML, the cards it shows and the fingerprint of the data
    it read them from, read with them.
    """
    now = timezone.now()
    key = _key(candidate)
    generation, kept = _read(key)
    if (
        kept
        and kept["generation"] == generation
        and now < kept["until"]
        and kept["counts"] == fingerprint(candidate)
    ):
        return kept["html"]
    html, cards, counts = render(now)
    until = next_change(cards, now)
    seconds = max(1, int((until - now).total_seconds()) + 1)
    value = {"generation": generation, "until": until, "counts": counts, "html": html}
    _keep(key, value, seconds)
    return html


def sitting_step_html(
    *, expires_on, exam_id: int, attempt: str, search: dict, candidate, render
) -> str | None:
    """Step 2 of booking for vouchers expiring on ``expires_on``, kept a few seconds.

    The exam and the search (place and week) are as asked, unchecked; ``render``
    returns the HTML for any voucher expiring that day and whether to keep it: only
    a search the page accepted is kept, so what is kept is bounded by the catalogue,
    the test centres and the weeks before expiry.
    """
    seconds = settings.SITTING_LIST_CACHE_SECONDS
    if seconds <= 0:
        html, _accepted = render()
        return html
    asked = "\n".join(f"{k}={search[k]}" for k in sorted(search))
    place = hashlib.sha256(asked.encode()).hexdigest()[:32]
    zone = candidate.time_zone or "-"
    language = translation.get_language()
    key = f"sittings:{expires_on}:{exam_id}:{attempt}:{place}:{language}:{zone}"
    generation, kept = _read(key)
    if kept and kept["generation"] == generation:
        return kept["html"]
    html, accepted = render()
    if html is not None and accepted:
        _keep(key, {"generation": generation, "html": html}, seconds)
    return html


def forget_all() -> None:
    """Ignore every kept card and sitting list from now on (the catalogue changed)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def forget_all_on_commit(sender, instance=None, created=False, update_fields=None, **kwargs):
    """Signal receiver: the catalogue changed; forget what is kept once that is committed.

    A new customer or pack changes no card (no voucher of it is registered yet).
    A failing cache is logged after the commit: the change stands, and whoever
    saved it is not told of the cache's trouble.
    """
    if sender in (Customer, ExamPack) and created:
        return
    if sender is ExamPack and update_fields and set(update_fields) <= TIE_FIELDS:
        return
    transaction.on_commit(forget_all, robust=True)
