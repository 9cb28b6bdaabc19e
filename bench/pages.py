"""Who the benchmark signs in as, and which pages it asks for, picked from the data set.

- The *reader* is a typical candidate of the data set: three to ten vouchers with
  their history, one exam booked and a voucher still to use (the dashboard, the
  sitting search, the booking page).
- The *bookers* each hold a registered voucher with its first attempt available
  and no exam booked (SS-4 allows each one booking at a time). The benchmark signs
  in a thousand of them or more: every candidate row is spread over them (their
  dashboards, the sitting search with their own voucher, book then cancel at
  future sittings with free seats).
"""

from dataclasses import dataclass

from django.db import connection

from vouchers.models import Booking

# "Still to come" as Booking.state says it: not cancelled, and its sitting not started.
READER_SQL = """
    SELECT b.candidate_id, b.id FROM vouchers_booking b
    JOIN exams_sitting s ON s.id = b.sitting_id
    WHERE b.status <> 'cancelled' AND s.starts_at > now() + interval '2 days'
      AND (SELECT count(*) FROM vouchers_voucher v WHERE v.registered_by_id = b.candidate_id)
          BETWEEN 3 AND 10
      AND EXISTS (
          SELECT 1 FROM vouchers_voucher v JOIN vouchers_exampack p ON p.id = v.pack_id
          WHERE v.registered_by_id = b.candidate_id AND v.voided_at IS NULL
            AND p.expires_on > (now() + interval '120 days')::date
            AND NOT EXISTS (SELECT 1 FROM vouchers_booking o WHERE o.voucher_id = v.id))
    ORDER BY b.candidate_id LIMIT 1
"""
# A voucher whose bookings, if any, were all cancelled, of a pack that is the candidate's
# or nobody's, expiring after every sitting; its candidate has no exam booked. A run's
# pairs are spread over a thousand bookers or more, so each voucher gains a cancelled
# booking or two a run; vouchers with the fewest come first.
BOOKERS_SQL = """
    SELECT candidate, voucher FROM (
        SELECT DISTINCT ON (v.registered_by_id) v.registered_by_id AS candidate,
               v.id AS voucher,
               (SELECT count(*) FROM vouchers_booking b WHERE b.voucher_id = v.id) AS cancelled
        FROM vouchers_voucher v
        JOIN vouchers_exampack p ON p.id = v.pack_id
        WHERE v.registered_by_id IS NOT NULL AND v.voided_at IS NULL
          AND p.expires_on > (now() + interval '120 days')::date
          AND (p.candidate_id IS NULL OR p.candidate_id = v.registered_by_id)
          AND NOT EXISTS (SELECT 1 FROM vouchers_booking b
                          WHERE b.voucher_id = v.id AND b.status <> 'cancelled')
          AND NOT EXISTS (SELECT 1 FROM vouchers_booking b
                          JOIN exams_sitting s ON s.id = b.sitting_id
                          WHERE b.candidate_id = v.registered_by_id AND b.status <> 'cancelled'
                            AND s.starts_at > now())
        ORDER BY v.registered_by_id, v.id
    ) bookable
    ORDER BY cancelled, candidate
    LIMIT %s
"""
# Future sittings, past the cancelling cut-off, with room for every booking the load can
# hold at once (one a connection).
SITTINGS_SQL = """
    SELECT id FROM exams_sitting
    WHERE starts_at > now() + interval '3 days' AND starts_at < now() + interval '80 days'
      AND seats - seats_taken >= %s
    ORDER BY id LIMIT %s
"""


@dataclass(frozen=True)
class Booker:
    email: str
    voucher: int
    sittings: list[int]


@dataclass(frozen=True)
class Cast:
    reader_email: str
    reader_voucher: int  # one of the reader's vouchers, for the sitting search
    reader_booking: int
    exam: int
    bookers: list[Booker]


def _one(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def cast(bookers: int = 8, sittings_each: int = 4, at_once: int | None = None) -> Cast:
    """Pick the reader and ``bookers`` bookers from the data set (PostgreSQL): the
    sittings have a seat free for ``at_once`` bookings (default: every booker's)."""
    from django.contrib.auth import get_user_model

    from exams.models import Exam

    User = get_user_model()
    rows = _one(READER_SQL)
    if not rows:
        raise RuntimeError("No candidate with a pending booking: is the data set loaded?")
    reader_id, booking_id = rows[0]
    booking = Booking.objects.get(pk=booking_id)
    found = _one(BOOKERS_SQL, bookers)
    if len(found) < bookers:
        raise RuntimeError(f"Only {len(found)} candidates can book: the data set is too small.")
    at_once = at_once or bookers
    sitting_ids = [row[0] for row in _one(SITTINGS_SQL, at_once, bookers * sittings_each)]
    if not sitting_ids:
        raise RuntimeError(f"No future sitting has {at_once} seats free.")
    # Each booker its own sittings where there are enough; shared otherwise (each
    # sitting has a seat for every booking the load can hold at once).
    sitting_ids *= -(-bookers * sittings_each // len(sitting_ids))
    emails = dict(User.objects.filter(pk__in=[c for c, _ in found]).values_list("pk", "email"))
    return Cast(
        reader_email=User.objects.get(pk=reader_id).email,
        reader_voucher=booking.voucher_id,
        reader_booking=booking_id,
        exam=Exam.objects.get(number="070-483").pk,
        bookers=[
            Booker(
                email=emails[candidate],
                voucher=voucher,
                sittings=sitting_ids[i * sittings_each : (i + 1) * sittings_each],
            )
            for i, (candidate, voucher) in enumerate(found)
        ],
    )


def fresh_voucher_of(email: str) -> int | None:
    """A voucher of the candidate's with its first attempt available, if any."""
    rows = _one(
        """SELECT v.id FROM vouchers_voucher v
           JOIN secondshot_user u ON u.id = v.registered_by_id
           JOIN vouchers_exampack p ON p.id = v.pack_id
           WHERE u.email = %s AND v.voided_at IS NULL
             AND p.expires_on > (now() + interval '120 days')::date
             AND NOT EXISTS (SELECT 1 FROM vouchers_booking b WHERE b.voucher_id = v.id)
           ORDER BY v.id LIMIT 1""",
        email,
    )
    return rows[0][0] if rows else None


def candidate_pages(client) -> list[tuple[str, str]]:
    """Sign ``client`` in as the reader; return (name, URL) of every candidate page."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    c = cast(bookers=1)
    client.force_login(get_user_model().objects.get(email=c.reader_email))
    sitting = c.bookers[0].sittings[0]
    fresh = fresh_voucher_of(c.reader_email) or c.reader_voucher
    return [
        ("dashboard", reverse("portal:dashboard")),
        ("results", reverse("portal:results")),
        ("voucher", reverse("portal:voucher", args=[c.reader_voucher])),
        ("book: exams", reverse("portal:book", args=[fresh])),
        ("book: sittings", reverse("portal:book", args=[fresh]) + f"?exam={c.exam}"),
        (
            "book: sittings in Japan",
            reverse("portal:book", args=[fresh]) + f"?exam={c.exam}&country=JP",
        ),
        (
            "review booking",
            reverse("portal:review_booking", args=[fresh, sitting]) + f"?exam={c.exam}",
        ),
        ("booking", reverse("portal:booking", args=[c.reader_booking])),
        ("cancel", reverse("portal:cancel_booking", args=[c.reader_booking])),
        ("move", reverse("portal:move_booking", args=[c.reader_booking])),
        ("review move", reverse("portal:review_move", args=[c.reader_booking, sitting])),
        ("register", reverse("portal:register_voucher")),
    ]
