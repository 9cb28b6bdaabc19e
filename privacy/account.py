"""The account itself: the User row, and what Django's own tables hold about it.

``privacy.services`` exports the account first and scrubs it last, after every
registered part, in the erasure's transaction. The row is scrubbed in place, not
deleted: the vouchers, bookings and both trails keep pointing to it, and it names
nobody any more.
"""

import json
from datetime import datetime
from importlib import import_module

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import AccountEvent, pseudonym

# Who acted, as the person's export names them: never another person's name or address.
YOU, STAFF, SYSTEM, SOMEONE_ELSE = "you", "staff", "the system", "another person"


def who(actor, person) -> str:
    """Say who acted, without naming anyone but the person themself."""
    if actor is None:
        return SYSTEM
    if actor.pk == person.pk:
        return YOU
    return STAFF if actor.is_staff else SOMEONE_ELSE


def export(person) -> dict:
    """The account and its trail of exports and erasures."""
    events = AccountEvent.objects.filter(person=person).select_related("actor").order_by("at", "pk")
    return {
        "account": {
            "email": person.email,
            "legal_name": person.legal_name,
            "language": person.language,
            "time_zone": person.time_zone,
            "reminders_enabled": person.reminders_enabled,
            "email_verified_at": person.email_verified_at,
            "date_joined": person.date_joined,
            "last_login": person.last_login,
            "is_active": person.is_active,
        },
        "personal_data_requests": [
            {
                "action": event.action,
                "at": event.at,
                "by": who(event.actor, person),
                "reason": event.reason,
            }
            for event in events
        ],
    }


def erase(person, *, at: datetime) -> dict[str, int]:
    """Scrub the account row and what Django's tables hold of it; return what was done."""
    email = person.email
    done = {
        "sessions_ended": _end_sessions(person, email=email, at=at),
        "task_results_deleted": _delete_task_results(email),
    }
    # The admin's history names an account by its address (its __str__).
    user_type = ContentType.objects.get_for_model(person)
    LogEntry.objects.filter(
        Q(content_type=user_type, object_id=str(person.pk)) | Q(object_repr__icontains=email)
    ).update(object_repr=pseudonym(person))

    person.email = pseudonym(person)
    person.legal_name = ""
    person.language = ""
    person.time_zone = ""
    person.reminders_enabled = False
    person.email_verified_at = None
    person.last_login = None
    person.is_active = False
    person.set_unusable_password()
    person.save()
    person.groups.clear()
    person.user_permissions.clear()
    return done


def _end_sessions(person, *, email: str, at: datetime) -> int:
    """Delete every session that is the person's or holds their address; return how many.

    Only sessions kept in the database hold anything after they end (sessions in
    the cache or in a cookie expire with it). Expired ones go first, as
    ``clearsessions`` would; the rest are read one by one: a session is signed,
    not indexed by its owner.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return 0
    Session = store.get_model_class()
    Session.objects.filter(expire_date__lt=at).delete()
    theirs, reader, address = [], store(), email.lower()
    for key, data in Session.objects.values_list("session_key", "session_data").iterator():
        decoded = reader.decode(data)
        if decoded.get(SESSION_KEY) == str(person.pk) or address in json.dumps(decoded).lower():
            theirs.append(key)
    Session.objects.filter(session_key__in=theirs).delete()
    return len(theirs)


def _delete_task_results(email: str) -> int:
    """Delete the task queue's rows that name the address: a failed e-mail's traceback
    (a refused recipient), or a task waiting to write to them. A running one is left
    to finish."""
    named = (
        DBTaskResult.objects.exclude(status=TaskResultStatus.RUNNING)
        .annotate(
            arguments=Cast("args_kwargs", TextField()),
            returned=Cast("return_value", TextField()),
        )
        .filter(
            Q(traceback__icontains=email)
            | Q(arguments__icontains=email)
            | Q(returned__icontains=email)
        )
    )
    deleted, _ = DBTaskResult.objects.filter(
        pk__in=list(named.values_list("pk", flat=True))
    ).delete()
    return deleted
