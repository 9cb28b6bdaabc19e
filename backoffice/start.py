"""Each role's start page, on the admin index: its tasks as buttons, the counts it watches.

The back office knows no app: each app registers its part of a role's page when
its admin is loaded (``vouchers/admin/start.py``, ``exams/admin.py``), and a new
app adds its own the same way::

    from backoffice import roles, start

    start.task(roles.SUPPORT, "support_requests", _("Open support requests"),
               "admin:support_request_changelist", query="state=open",
               permission="support.view_request")
    start.count(roles.SUPPORT, "open_requests", ngettext_lazy(
                    "%(count)s open support request", "%(count)s open support requests",
                    "count"),
                lambda request: Request.objects.open().count(),
                "admin:support_request_changelist", query="state=open",
                permission="support.view_request")

A staff member sees the page of each role they are in (a superuser, every
role's); an entry whose permission they lack is left out, so no button leads
to a refusal. A count is one query, made when the page is shown; a panel (a
small chart) is HTML its app renders, in as few queries as it says.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import roles

# The order the sections are shown in, for a superuser who sees them all.
ROLE_TITLES = {
    roles.ACCOUNT_MANAGERS: _("Account manager"),
    roles.SUPPORT: _("Support"),
    roles.EXAM_ADMINISTRATORS: _("Exam administrator"),
}


@dataclass(frozen=True)
class _Entry:
    label: object
    permission: str | None
    order: int

    def is_allowed(self, user) -> bool:
        """Return True if the staff member may use the entry."""
        return self.permission is None or user.has_perm(self.permission)


@dataclass(frozen=True)
class _Linked(_Entry):
    url_name: str
    # The list's filters, or a function that writes them now (a date that moves).
    query: str | Callable[[], str]

    def url(self) -> str:
        url = reverse(self.url_name)
        query = self.query() if callable(self.query) else self.query
        return f"{url}?{query}" if query else url


@dataclass(frozen=True)
class Task(_Linked):
    pass


@dataclass(frozen=True)
class Count(_Linked):
    counter: Callable[..., int]


@dataclass(frozen=True)
class Panel(_Entry):
    render: Callable[..., str]


@dataclass
class Section:
    """One role's start page as a staff member sees it."""

    role: str
    title: object
    tasks: list[dict] = field(default_factory=list)
    counts: list[dict] = field(default_factory=list)
    panels: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.tasks or self.counts or self.panels)


# role → key → entry; a key registered again replaces its entry.
_registry: dict[str, dict[str, _Entry]] = {role: {} for role in ROLE_TITLES}


def _register(role: str, key: str, entry: _Entry) -> None:
    if role not in _registry:
        raise ValueError(f"{role!r} is not a staff role (backoffice/roles.py)")
    _registry[role][key] = entry


def task(role, key, label, url_name, *, query="", permission=None, order=100) -> None:
    """Register a button on the role's start page, leading to ``url_name`` (with ``query``)."""
    _register(role, key, Task(label, permission, order, url_name, query))


def count(role, key, label, counter, url_name, *, query="", permission=None, order=100) -> None:
    """Register a count the role watches: ``counter(request)`` is one query; ``label`` an
    ``ngettext_lazy`` whose number is named ``count``; the count links to the rows counted."""
    _register(role, key, Count(label, permission, order, url_name, query, counter))


def panel(role, key, render, *, label="", permission=None, order=100) -> None:
    """Register a panel (a small chart): ``render(request)`` returns safe HTML."""
    _register(role, key, Panel(label, permission, order, render))


def roles_shown(user) -> list[str]:
    """Return the roles whose start pages the staff member sees, in a fixed order."""
    mine = roles.role_names(user)
    return [role for role in ROLE_TITLES if user.is_superuser or role in mine]


def sections(request) -> list[Section]:
    """Return the start pages of the staff member's roles, their counts counted now."""
    shown = []
    for role in roles_shown(request.user):
        section = Section(role, ROLE_TITLES[role])
        entries = sorted(_registry[role].values(), key=lambda entry: entry.order)
        for entry in entries:
            if not entry.is_allowed(request.user):
                continue
            if isinstance(entry, Task):
                section.tasks.append({"label": entry.label, "url": entry.url()})
            elif isinstance(entry, Count):
                number = entry.counter(request)
                section.counts.append(
                    {"number": number, "label": entry.label % {"count": number}, "url": entry.url()}
                )
            else:
                section.panels.append(entry.render(request))
        if section:
            shown.append(section)
    return shown
