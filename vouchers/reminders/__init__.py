"""The reminder e-mails, each sent at most once: what is due (``due``), sending one exactly
once (``sending``: claim, send after commit, record how it went), and the e-mail itself
(``emails``).

The daily job (``manage.py enqueue_reminders``) lists what is due with
``find_due_reminders`` and enqueues one task per reminder (``tasks.send_reminder``),
which calls ``send_once``.
"""

from .due import Occasion, Reminder, find_due_reminders
from .sending import ALREADY_CLAIMED, CLAIMED, NOT_DUE, send_once

__all__ = [
    "ALREADY_CLAIMED",
    "CLAIMED",
    "NOT_DUE",
    "Occasion",
    "Reminder",
    "find_due_reminders",
    "send_once",
]
