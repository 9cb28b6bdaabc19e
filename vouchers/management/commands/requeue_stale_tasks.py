"""Put back in the queue the tasks a dead task worker left running (``tasks.requeue_stale_tasks``).

Run by each worker's service before the worker starts, with the worker's id, and
now and then with ``--older-than`` for a worker that never came back (deploy/).
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from vouchers import tasks


class Command(BaseCommand):
    help = (
        "Put back in the queue the tasks left running by a task worker that died: those of "
        "the worker about to start (--worker-id), or those running for too long (--older-than)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--worker-id", help="The id of the worker about to start (db_worker --worker-id)."
        )
        parser.add_argument(
            "--older-than",
            type=int,
            metavar="SECONDS",
            help="Tasks running for longer than this, whichever worker took them.",
        )

    def handle(self, *args, worker_id=None, older_than=None, **options):
        if not worker_id and older_than is None:
            raise CommandError("Name the worker (--worker-id) or an age (--older-than).")
        if older_than is not None and older_than < 60:
            raise CommandError(
                "--older-than must be at least 60 seconds: a task still running may take that long."
            )
        started_before = timezone.now() - timedelta(seconds=older_than) if older_than else None
        count = tasks.requeue_stale_tasks(worker_id=worker_id, started_before=started_before)
        self.stdout.write(f"Put back in the queue: {count} task{'' if count == 1 else 's'}.")
