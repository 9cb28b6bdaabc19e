"""Translating text that is written now and read later, in whichever language is active then."""

from django.utils.functional import Promise, lazy


def _resolve(value):
    if isinstance(value, Promise):
        return str(value)
    return value() if callable(value) else value


def _interpolate(message, params: dict) -> str:
    return str(message) % {name: _resolve(value) for name, value in params.items()}


_interpolate_lazy = lazy(_interpolate, str)


def interpolate_lazy(message, **params):
    """Return ``message % params`` as a lazy string, translated when it is read.

    ``message`` is usually a ``gettext_lazy`` string with named placeholders;
    a parameter may itself be lazy, or a callable (a date to format in the
    language of the reader, say), evaluated at the same moment.
    """
    return _interpolate_lazy(message, params)
