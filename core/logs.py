"""What the logs carry: each line's request id and user id, and never a voucher number.

Every line is JSON on standard output (``settings.LOGGING``, python-json-logger's
formatter) for whatever collects the app servers' output. ``RequestIdMiddleware``
names the request being served; ``RequestContextFilter`` puts its id and the
signed-in user's id on every line logged while it is served, so one person's
error can be found among many servers' lines. The user is named by id only:
never an e-mail address, a password, a token or a number.

``RedactVoucherNumbers`` replaces anything shaped like a voucher number (20
letters and digits, grouped by four or not) in the message and the traceback,
wherever it came from: a number pasted into a search box, an exception that
quoted its input.
"""

import logging
import re
from contextvars import ContextVar

from django.utils.functional import SimpleLazyObject, empty

current_request = ContextVar("current_request", default=None)

# A voucher number as a person may write it: five groups of four letters or digits, run
# together or separated by hyphens or spaces. A longer chain of such groups is removed
# whole (a four-letter word before a number goes with it: better too much than a number).
VOUCHER_NUMBER_SHAPE = re.compile(
    r"(?<![0-9A-Za-z])(?:[0-9A-Za-z]{4}[- ]?){4,}[0-9A-Za-z]{4}(?![0-9A-Za-z])"
)
REDACTED = "[voucher number removed]"
# A UUID (a task's id, say) has the shape too, run together, but no voucher number is
# written 8-4-4-4-12: it is kept, so a task can be followed through the logs.
UUID_OR_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])(?P<uuid>[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})(?![0-9A-Za-z])"
    rf"|{VOUCHER_NUMBER_SHAPE.pattern}",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """Return ``text`` with everything shaped like a voucher number replaced."""
    return UUID_OR_NUMBER.sub(lambda match: match["uuid"] or REDACTED, text)


def loaded_user(request):
    """The request's user if something already loaded it, else None: logging never queries."""
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject):
        user = None if user._wrapped is empty else user._wrapped
    return user if user is not None and user.is_authenticated else None


class RequestContextFilter(logging.Filter):
    """Put the request id and the signed-in user's id on the record (None outside a request)."""

    def filter(self, record):
        # Django logs a 4xx or 503 answer (django.request) once the middleware has
        # finished, so the request comes with the record rather than the context.
        request = current_request.get() or getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None)
        user = loaded_user(request) if request is not None else None
        record.user_id = user.pk if user is not None else None
        return True


class RedactVoucherNumbers(logging.Filter):
    """Replace anything shaped like a voucher number in the message and the traceback."""

    def filter(self, record):
        message = record.getMessage()
        record.msg, record.args = redact(message), None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def logging_config(*, json: bool, level: str = "INFO") -> dict:
    """The portal's ``LOGGING``: every line to standard output, through both filters."""
    formatter = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s",
            "rename_fields": {"levelname": "level", "asctime": "time", "name": "logger"},
        }
        if json
        else {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s user %(user_id)s] "
            "%(message)s"
        }
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "context": {"()": "core.logs.RequestContextFilter"},
            "redact": {"()": "core.logs.RedactVoucherNumbers"},
        },
        "formatters": {"portal": formatter},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "filters": ["context", "redact"],
                "formatter": "portal",
            }
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            # Django's own request and server loggers propagate to the root's handler;
            # its default e-mailing of errors to ADMINS is not used.
            "django": {"level": level, "handlers": [], "propagate": True},
        },
    }
