"""What the fleet run must show afterwards, read from the database and the mail sink.

Run with Django set up against the fleet's database, once the load has stopped
and the task queue has drained. Each check returns a number that must be 0.
"""

import json
from collections import Counter

from django.db.models import Count, F, Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from exams.models import Sitting
from vouchers import numbers
from vouchers.models import Booking, Voucher, VoucherEvent

NOTICE_TASK = "vouchers.tasks.send_booking_notice"
# What a booking notice's subject starts with (the candidates read English), by ``what``.
SUBJECTS = {"Booked:": "booked", "Moved:": "moved", "Cancelled:": "cancelled"}


def promises_broken(log) -> dict:
    """Bookings, cancellations and registrations the clients were told of that are not so."""
    told_booked = dict((booking, email) for email, booking in log.booked)
    found = dict(Booking.objects.filter(pk__in=told_booked).values_list("pk", "candidate__email"))
    cancelled = set(
        Booking.objects.filter(
            pk__in=[b for _, b in log.cancelled], status=Booking.Status.CANCELLED
        ).values_list("pk", flat=True)
    )
    registered = 0
    for email, number in log.registered:
        digest = numbers.digest(numbers.normalize(number))
        registered += Voucher.objects.filter(
            number_hash=digest, registered_by__email=email
        ).exists()
    return {
        "bookings told made, missing": sum(
            found.get(pk) != email for pk, email in told_booked.items()
        ),
        "cancellations told done, not done": len({b for _, b in log.cancelled} - cancelled),
        "registrations told done, not done": len(log.registered) - registered,
    }


def seats_and_doubles() -> dict:
    live = ~Q(bookings__status=Booking.Status.CANCELLED)
    sittings = Sitting.objects.annotate(live=Count("bookings", filter=live))
    per_attempt = (
        Booking.objects.exclude(status=Booking.Status.CANCELLED)
        .values("voucher", "attempt")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    scheduled = (
        Booking.objects.in_state(Booking.State.PENDING, at=timezone.now())
        .values("candidate")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    return {
        "oversold sittings": sittings.filter(live__gt=F("seats")).count(),
        "sittings whose seat count is off": sittings.exclude(seats_taken=F("live")).count(),
        "double bookings (a voucher's attempt)": per_attempt.count(),
        "double bookings (a candidate's open booking)": scheduled.count(),
    }


def audit_missing() -> dict:
    """Every change the tables show has its event in the audit trail."""
    events = Counter()
    for action, details in VoucherEvent.objects.values_list("action", "details"):
        events[action, details.get("booking")] += 1
    Action = VoucherEvent.Action
    missing = Counter()
    for booking in Booking.objects.values("pk", "status", "replaced_by", "outcome"):
        pk = booking["pk"]
        if not events[Action.BOOKED, pk] and not events[Action.MOVED, pk]:
            missing["booked"] += 1
        if booking["status"] == Booking.Status.CANCELLED and not (
            events[Action.CANCELLED, pk] or booking["replaced_by"]
        ):
            missing["cancelled"] += 1
        if booking["outcome"] and events[Action.OUTCOME, pk] != 1:
            missing["outcome"] += 1
    registered = set(
        VoucherEvent.objects.filter(action=Action.REGISTERED).values_list("voucher", flat=True)
    )
    for voucher in Voucher.objects.filter(registered_by__isnull=False).values_list("pk", flat=True):
        missing["registered"] += voucher not in registered
    return {"audit events missing for a change": sum(missing.values())} | {
        f"  of which {kind}": n for kind, n in sorted(missing.items()) if n
    }


def notices(sink_path) -> tuple[dict, dict]:
    """Booking notices queued against the messages the mail server received.

    Each notice task names a booking and what happened to it; its e-mail names the
    booking's page and says what happened in its subject. A notice judged overtaken
    (the booking changed again before it ran) is due no e-mail.
    """
    received = Counter()
    others = 0
    with open(sink_path, encoding="utf-8") as sink:
        for line in sink:
            message = json.loads(line)
            what = next((w for p, w in SUBJECTS.items() if message["subject"].startswith(p)), None)
            # The fleet's candidates never move a booking, so its calendar event bears its id.
            named = message["calendar_bookings"]
            if what is None or len(named) != 1:
                others += 1
                continue
            received[named[0], what] += 1
    tasks = Counter()
    due, states = {}, Counter()
    for result in DBTaskResult.objects.filter(task_path=NOTICE_TASK):
        booking, what = result.args_kwargs["args"]
        states[result.status] += 1
        tasks[booking, what] += 1
        if not (result.status == "SUCCESSFUL" and result.return_value != "sent"):
            due[booking, what] = result.status
    never = [key for key in due if received[key] == 0]
    twice = [key for key, n in received.items() if n > 1]
    stray = [key for key in received if key not in tasks]
    figures = {
        "booking e-mails queued but never sent": len(never),
        "booking e-mails sent twice": len(twice),
        "booking e-mails with no task": len(stray),
    }
    info = {
        "notice tasks": sum(tasks.values()),
        **{f"notice tasks {s.lower()}": n for s, n in sorted(states.items())},
        "booking e-mails received": sum(received.values()),
        "other e-mails received": others,
        "never sent": sorted(never)[:10],
        "sent twice": sorted(twice)[:10],
    }
    return figures, info


def registration_emails(sink_path) -> int:
    """Confirmations of registered vouchers received: sent by the app server after the
    commit, not queued, so counted but not judged."""
    with open(sink_path, encoding="utf-8") as sink:
        return sum("is registered" in json.loads(line)["subject"] for line in sink)
