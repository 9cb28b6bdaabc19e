"""Enqueue the reminder e-mails due now: run daily from cron (README, "Reminders")."""

from collections import Counter

from django.core.management.base import BaseCommand
from django.utils import timezone

from vouchers import reminders, tasks
from vouchers.models import ReminderSent


class Command(BaseCommand):
    help = (
        "Enqueue the reminder e-mails that are due (voucher expiry, free retake, sitting the "
        "next day) as tasks. Safe to run more than once: each reminder is sent once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List how many are due; enqueue nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            due = reminders.find_due_reminders(now=timezone.now())
        else:
            due = tasks.enqueue_due_reminders()
        counts = Counter(reminder.occasion for reminder in due)
        verb = "Due" if dry_run else "Enqueued"
        self.stdout.write(f"{verb}: {len(due)} reminder{'' if len(due) == 1 else 's'}.")
        for occasion in ReminderSent.Occasion:
            if counts[occasion.value]:
                self.stdout.write(f"  {occasion.label}: {counts[occasion.value]}")
