"""Queuing a task with the change that causes it (``django.tasks``).

In the database queue (``TASKS_BACKEND=db``) the task's row is written in the
caller's transaction, so it commits, or rolls back, with the change: a server that
stops just after the commit loses no e-mail. A task run at once (the immediate
backend) waits for the commit, so a rolled-back change sends nothing.
"""

from functools import partial

from django.db import transaction
from django_tasks_db import DatabaseBackend


def enqueue_with_commit(task, *args) -> None:
    """Queue ``task(*args)`` to run once the current transaction commits."""
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(partial(task.enqueue, *args), robust=True)
