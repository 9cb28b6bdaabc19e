"""Checks that the data keeps the booking rules, in SQL, over the whole database.

Run after ``seed_load`` and after every benchmark run (``bench/run.py``): a count
above zero names a broken rule. The database constraints already refuse some of
these; the checks prove the data did not get round them.
"""

from django.db import connection

CHECKS = {
    # SS-11: a sitting never holds more bookings than seats.
    "oversold sittings": """
        SELECT count(*) FROM exams_sitting WHERE seats_taken > seats
    """,
    # seats_taken is kept by the workflows: it must equal the bookings not cancelled.
    "sittings whose seats taken differ from their bookings": """
        SELECT count(*) FROM exams_sitting s
        LEFT JOIN (
            SELECT sitting_id, count(*) AS live FROM vouchers_booking
            WHERE status <> 'cancelled' GROUP BY sitting_id
        ) b ON b.sitting_id = s.id
        WHERE s.seats_taken <> COALESCE(b.live, 0)
    """,
    # SS-4's constraint (one_scheduled_booking_per_candidate) on the stored status.
    "candidates with two scheduled bookings": """
        SELECT count(*) FROM (
            SELECT candidate_id FROM vouchers_booking WHERE status = 'scheduled'
            GROUP BY candidate_id HAVING count(*) > 1
        ) double
    """,
    # SS-1, SS-8: one first attempt and one retake per voucher.
    "vouchers with two bookings of one attempt": """
        SELECT count(*) FROM (
            SELECT voucher_id, attempt FROM vouchers_booking WHERE status <> 'cancelled'
            GROUP BY voucher_id, attempt HAVING count(*) > 1
        ) double
    """,
    "outcomes on bookings not taken": """
        SELECT count(*) FROM vouchers_booking WHERE outcome IS NOT NULL AND status <> 'taken'
    """,
    # SS-1: a retake follows a failed or no-show first attempt of the same exam.
    "retakes without a failed first attempt": """
        SELECT count(*) FROM vouchers_booking r
        WHERE r.attempt = 'retake' AND r.status <> 'cancelled' AND NOT EXISTS (
            SELECT 1 FROM vouchers_booking f
            WHERE f.voucher_id = r.voucher_id AND f.attempt = 'first'
              AND f.status = 'taken' AND f.outcome IN ('failed', 'no_show')
              AND f.exam_id = r.exam_id
        )
    """,
    # SS-5: bookings by the person the pack is tied to, with a voucher registered to them.
    "bookings not by the pack's candidate": """
        SELECT count(*) FROM vouchers_booking b
        JOIN vouchers_voucher v ON v.id = b.voucher_id
        JOIN vouchers_exampack p ON p.id = v.pack_id
        WHERE p.candidate_id IS DISTINCT FROM b.candidate_id
           OR v.registered_by_id IS DISTINCT FROM b.candidate_id
    """,
}
POSTGRES_CHECKS = {
    # SS-2: judged by the sitting's local date at its test centre.
    "bookings after the voucher's expiry": """
        SELECT count(*) FROM vouchers_booking b
        JOIN vouchers_voucher v ON v.id = b.voucher_id
        JOIN vouchers_exampack p ON p.id = v.pack_id
        JOIN exams_sitting s ON s.id = b.sitting_id
        JOIN exams_testcenter c ON c.id = s.centre_id
        WHERE b.status <> 'cancelled'
          AND (s.starts_at AT TIME ZONE c.time_zone)::date > p.expires_on
    """,
}


def consistency_problems() -> dict[str, int]:
    """Return each check's name with the number of rows that break it (0 when kept)."""
    checks = CHECKS | (POSTGRES_CHECKS if connection.vendor == "postgresql" else {})
    found = {}
    with connection.cursor() as cursor:
        for name, sql in checks.items():
            cursor.execute(sql)
            found[name] = cursor.fetchone()[0]
    return found
