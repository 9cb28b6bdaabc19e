"""Query budgets of the back office: every admin page makes the same queries whatever the data.

Every ModelAdmin on the admin site is read from ``admin.site._registry``: a model
registered without an entry in ``ADMINS`` fails the first test. Each is opened as
every role that uses it (``tests/security/test_access_matrix.py`` says who may):
its list, with and without its filters chosen, the page of an object with many
related rows, and its add page where the role may add; the custom pages that
list things too. Every page is counted twice: in a small world (3 of each
related thing: customers of the manager, packs of a customer, vouchers of a
pack, bookings and events of a voucher, sittings of a centre, staff who acted),
then after a large one (30 of each) is added beside it. The two counts must be
equal, and within the page's budget: a page whose count grows with the data has
an N+1 query, which at a million vouchers is an outage.

No timing is asserted here; the plans at scale are in bench/README.md.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backoffice import roles
from privacy.models import AccountEvent
from support.models import SupportEvent, SupportReply, SupportRequest
from tests.backoffice.conftest import staff_in
from tests.factories import (
    BookingFactory,
    CustomerFactory,
    ExamFactory,
    ExamPackFactory,
    RegisteredVoucherFactory,
    SittingFactory,
    StaffFactory,
    TestCenterFactory,
    UserFactory,
)
from vouchers.models import Booking, VoucherEvent

# The pages are counted once, in ``counts``; the tests only read the counts.
pytestmark = pytest.mark.django_db

SMALL, LARGE = 3, 30
ROLES = ("manager", "support", "exam_admin", "superuser")


def build_world(n: int, tag: str, now) -> SimpleNamespace:
    """An account manager's world with ``n`` of every related thing a page lists."""
    w = SimpleNamespace()
    w.manager = staff_in(roles.ACCOUNT_MANAGERS, email=f"manager.{tag}@secondshot.test")
    w.customers = [CustomerFactory(account_manager=w.manager) for _ in range(n)]
    w.customer = w.customers[0]
    w.packs = [ExamPackFactory(customer=w.customer, exam_count=n) for _ in range(n)]
    w.pack = w.packs[0]
    w.candidate = UserFactory(email=f"candidate.{tag}@example.com")
    w.vouchers = [
        RegisteredVoucherFactory(pack=w.pack, registered_by=w.candidate) for _ in range(n)
    ]
    w.voucher = w.vouchers[0]
    w.exams = [ExamFactory() for _ in range(n)]
    w.exam = w.exams[0]
    w.centre = TestCenterFactory(name=f"Centre {tag}", city=f"City {tag}")
    w.sittings = [
        SittingFactory(centre=w.centre, starts_at=now + timedelta(days=i - n // 2), seats=n + 2)
        for i in range(n)
    ]
    w.sitting = w.sittings[-1]
    # The voucher's history: a failed first attempt, then retakes cancelled and booked again.
    BookingFactory(
        voucher=w.voucher,
        candidate=w.candidate,
        exam=w.exam,
        sitting=w.sittings[0],
        status=Booking.Status.TAKEN,
        outcome=Booking.Outcome.FAILED,
    )
    for sitting in w.sittings[1:-1]:
        BookingFactory(
            voucher=w.voucher,
            candidate=w.candidate,
            exam=w.exam,
            sitting=sitting,
            attempt=Booking.Attempt.RETAKE,
            status=Booking.Status.CANCELLED,
            cancelled_at=now,
        )
    w.booking = BookingFactory(
        voucher=w.voucher,
        candidate=w.candidate,
        exam=w.exam,
        sitting=w.sitting,
        attempt=Booking.Attempt.RETAKE,
    )
    # Every other voucher of the pack has a booking of its own, for the booking list.
    for voucher, sitting in zip(w.vouchers[1:], w.sittings, strict=False):
        BookingFactory(voucher=voucher, candidate=UserFactory(), exam=w.exam, sitting=sitting)
    w.actors = [StaffFactory(email=f"actor{i}.{tag}@secondshot.test") for i in range(n)]
    for actor, sitting in zip(w.actors, w.sittings, strict=True):
        VoucherEvent.objects.create(
            voucher=w.voucher,
            actor=actor,
            action=VoucherEvent.Action.CONFIRMATION_RESENT,
            # Details that name a person, a sitting and an exam (vouchers/admin/history.py).
            details={
                "reason": f"Asked by phone ({tag})",
                "candidate": w.candidate.pk,
                "sitting": sitting.pk,
                "exam": w.exam.number,
            },
        )
    w.event = VoucherEvent.objects.create(
        voucher=w.voucher, actor=w.candidate, action=VoucherEvent.Action.BOOKED
    )
    # The candidate's exports: the trail's list and the candidate's page list them.
    w.account_event = AccountEvent.objects.create(
        person=w.candidate, actor=w.actors[0], action=AccountEvent.Action.EXPORTED
    )
    for actor in w.actors[1:]:
        AccountEvent.objects.create(
            person=w.candidate, actor=actor, action=AccountEvent.Action.EXPORTED, reason=tag
        )
    # The candidate's requests to support, one answered n times by n staff.
    w.support_requests = [
        SupportRequest.objects.create(
            candidate=w.candidate, voucher=w.voucher, subject=f"Question {i} {tag}", message="…"
        )
        for i in range(n)
    ]
    w.support_request = w.support_requests[0]
    for actor in w.actors:
        SupportReply.objects.create(request=w.support_request, author=actor, message=tag)
        w.support_event = SupportEvent.objects.create(
            person=w.candidate,
            request=w.support_request,
            actor=actor,
            action=SupportEvent.Action.ANSWERED,
        )
    w.group = Group.objects.create(name=f"Group {tag}")
    for i in range(n - 1):
        Group.objects.create(name=f"Group {tag} {i}")
    return w


@dataclass(frozen=True)
class Uses:
    """Who uses a model's admin, the object its change page is opened on, and the
    filters its list is also opened with (query strings made from the world)."""

    roles: tuple[str, ...]
    obj: Callable
    adds: tuple[str, ...] = ()
    filters: tuple[Callable, ...] = ()


MANAGERS_SUPPORT_SUPERUSERS = ("manager", "support", "superuser")
ADMINS = {
    "auth.group": Uses(("superuser",), lambda w: w.group, adds=("superuser",)),
    "accounts.user": Uses(
        ("support", "superuser"),
        lambda w: w.candidate,
        adds=("superuser",),
        filters=(lambda w: "is_active__exact=1", lambda w: f"q={w.candidate.email}"),
    ),
    "exams.exam": Uses(
        ("exam_admin", "superuser"), lambda w: w.exam, adds=("exam_admin", "superuser")
    ),
    "exams.testcenter": Uses(
        ("exam_admin", "superuser"), lambda w: w.centre, adds=("exam_admin", "superuser")
    ),
    "exams.sitting": Uses(
        ("exam_admin", "superuser"),
        lambda w: w.sitting,
        adds=("exam_admin", "superuser"),
        filters=(lambda w: f"when=all&centre__id__exact={w.centre.pk}",),
    ),
    "vouchers.customer": Uses(
        MANAGERS_SUPPORT_SUPERUSERS,
        lambda w: w.customer,
        adds=("manager", "superuser"),
        filters=(lambda w: f"account_manager__id__exact={w.manager.pk}",),
    ),
    "vouchers.exampack": Uses(
        MANAGERS_SUPPORT_SUPERUSERS,
        lambda w: w.pack,
        adds=("manager", "superuser"),
        filters=(
            lambda w: f"customer__id__exact={w.customer.pk}",
            lambda w: "expiry=running&is_second_shot__exact=1",
        ),
    ),
    "vouchers.voucher": Uses(
        MANAGERS_SUPPORT_SUPERUSERS,
        lambda w: w.voucher,
        filters=(
            lambda w: f"pack__customer__id__exact={w.customer.pk}",
            lambda w: f"pack__id__exact={w.pack.pk}&registered=yes",
            lambda w: f"q={w.candidate.email}",
        ),
    ),
    "vouchers.booking": Uses(
        ROLES,
        lambda w: w.booking,
        filters=(
            lambda w: f"sitting__centre__id__exact={w.centre.pk}",
            lambda w: "result=awaiting",
        ),
    ),
    "vouchers.voucherevent": Uses(
        ROLES,
        lambda w: w.event,
        filters=(lambda w: f"actor={w.actors[0].pk}", lambda w: "actor=candidates"),
    ),
    "privacy.accountevent": Uses(
        ("support", "superuser"),
        lambda w: w.account_event,
        filters=(lambda w: "action__exact=account.exported",),
    ),
    "support.supportrequest": Uses(
        ("support", "superuser"),
        lambda w: w.support_request,
        filters=(lambda w: "status=all", lambda w: f"q={w.candidate.email}"),
    ),
    "support.supportevent": Uses(
        ("support", "superuser"),
        lambda w: w.support_event,
        filters=(lambda w: "action__exact=support.request_answered",),
    ),
}


def model_key(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def admin_url(key: str, page: str, *args) -> str:
    return reverse(f"admin:{key.replace('.', '_')}_{page}", args=args)


def autocomplete(app_label, model_name, field_name) -> Callable:
    query = f"app_label={app_label}&model_name={model_name}&field_name={field_name}&term="
    return lambda w, client: f"{reverse('admin:autocomplete')}?{query}"


def issued_pack_numbers(w, client) -> str:
    """The hand-over page of a pack the manager has just issued, as many vouchers as the
    world has of each thing: its numbers are in the session, shown on this page."""
    response = client.post(
        reverse("admin:vouchers_exampack_add"),
        {
            "customer": w.customer.pk,
            "exam_count": len(w.vouchers),
            "expires_on": (timezone.localdate() + timedelta(days=200)).isoformat(),
            "is_second_shot": "on",
            "list_price": "450.00",
            "currency": "USD",
            "discount_percent": "0",
            "promotion": "",
        },
    )
    assert response.status_code == 302, response.content[:500]
    return response.url


# The back office's own pages, and the autocompletes that list rows: who opens them.
CUSTOM_PAGES = {
    "index": (lambda w, client: reverse("admin:index"), ROLES),
    "pack hand-over": (issued_pack_numbers, ("manager",)),
    "usage report": (
        lambda w, client: reverse("admin:vouchers_customer_report"),
        ("manager", "support"),
    ),
    "usage report, one customer": (
        lambda w, client: reverse("admin:vouchers_customer_report") + f"?customer={w.customer.pk}",
        ("manager",),
    ),
    "find by number": (lambda w, client: reverse("admin:vouchers_voucher_find"), ("support",)),
    "import results": (
        lambda w, client: reverse("admin:vouchers_booking_import_results"),
        ("exam_admin",),
    ),
    "sitting series": (lambda w, client: reverse("admin:exams_sitting_series"), ("exam_admin",)),
    "export a candidate's data": (
        lambda w, client: reverse("admin:accounts_user_privacy_export", args=[w.candidate.pk]),
        ("support",),
    ),
    "erase a candidate's data": (
        lambda w, client: reverse("admin:accounts_user_privacy_erase", args=[w.candidate.pk]),
        ("support",),
    ),
    "correct a legal name": (
        lambda w, client: reverse("admin:accounts_user_legal_name", args=[w.candidate.pk]),
        ("support",),
    ),
    "autocomplete: customers": (
        autocomplete("vouchers", "exampack", "customer"),
        ("manager", "support"),
    ),
    "autocomplete: packs": (autocomplete("vouchers", "voucher", "pack"), ("manager", "support")),
    "autocomplete: account managers": (
        autocomplete("vouchers", "customer", "account_manager"),
        ("superuser",),
    ),
    "autocomplete: centres": (autocomplete("exams", "sitting", "centre"), ("exam_admin",)),
}


@dataclass(frozen=True)
class Page:
    """A page: its URL in a world (given the signed-in client, which some pages need to
    have done something first), who opens it, and the most queries it may make."""

    url_for: Callable
    role: str
    budget: int


# The most queries each page may make, whatever the role and the filters chosen. The
# session and the user are two of them on every page; a staff member's permissions,
# through their own and their groups', and their role are three more.
BUDGETS = {
    "auth.group": {"list": 5, "page": 6, "add": 4},
    # The page: the account's trail and support's trail too.
    "accounts.user": {"list": 6, "page": 10, "add": 3},
    "exams.exam": {"list": 7, "page": 6, "add": 5},
    "exams.testcenter": {"list": 8, "page": 6, "add": 5},
    "exams.sitting": {"list": 10, "page": 8, "add": 5},
    "vouchers.customer": {"list": 9, "page": 9, "add": 5},
    # The usage figures read after the rows, in one statement (usage.pack_usage). A
    # manager's packs are narrowed to the ids of their customers, read first
    # (vouchers/admin/scoping.py): one more query wherever their packs are read.
    "vouchers.exampack": {"list": 10, "page": 13, "add": 6},
    # The page's and the trail's events name people, sittings and exams: three queries.
    # The list filtered by pack reads the pack chosen among the manager's (one more).
    "vouchers.voucher": {"list": 10, "page": 13},
    "vouchers.booking": {"list": 9, "page": 7},
    "vouchers.voucherevent": {"list": 11, "page": 7},
    "privacy.accountevent": {"list": 6, "page": 6},
    "support.supportrequest": {"list": 6, "page": 7},  # the page: the replies and their authors
    "support.supportevent": {"list": 6, "page": 6},
}
CUSTOM_BUDGETS = {
    # The start pages: each count a role watches is one query (backoffice/start.py); the
    # manager's funnel is the usage report's three.
    "index": {"manager": 10, "support": 8, "exam_admin": 8, "superuser": 12},
    "pack hand-over": 9,  # the numbers are spent from the session: it is saved
    "usage report": 9,  # and its months chart: one more
    "usage report, one customer": 11,
    "find by number": 4,
    "import results": 4,
    "sitting series": 4,
    "export a candidate's data": 5,
    "erase a candidate's data": 7,  # what stands in the way: the bookings, the trail
    "correct a legal name": 5,
    "autocomplete: customers": 7,
    "autocomplete: packs": 8,  # the manager's customers' ids, then their packs
    "autocomplete: account managers": 4,
    "autocomplete: centres": 6,
}


def pages() -> dict[str, Page]:
    """Every page to count, by a name that says which and as whom."""
    found = {}
    for key, uses in ADMINS.items():
        budget = BUDGETS.get(key, {})
        for role in uses.roles:
            found[f"{key} list as {role}"] = Page(
                lambda w, client, k=key: admin_url(k, "changelist"), role, budget.get("list", 0)
            )
            for i, query in enumerate(uses.filters, start=1):
                found[f"{key} list filtered ({i}) as {role}"] = Page(
                    lambda w, client, k=key, q=query: f"{admin_url(k, 'changelist')}?{q(w)}",
                    role,
                    budget.get("list", 0),
                )
            found[f"{key} page as {role}"] = Page(
                lambda w, client, k=key, u=uses: admin_url(k, "change", u.obj(w).pk),
                role,
                budget.get("page", 0),
            )
        for role in uses.adds:
            found[f"{key} add as {role}"] = Page(
                lambda w, client, k=key: admin_url(k, "add"), role, budget.get("add", 0)
            )
    for name, (url_for, used_by) in CUSTOM_PAGES.items():
        for role in used_by:
            budget = CUSTOM_BUDGETS.get(name, 0)
            if isinstance(budget, dict):
                budget = budget[role]
            found[f"{name} as {role}"] = Page(url_for, role, budget)
    return found


PAGES = pages()


def count_page(user, world, url_for) -> tuple[int, int, list[str]]:
    client = Client()
    client.force_login(user)
    url = url_for(world, client)
    # Counted cold: the cache, and the content types Django keeps once read.
    cache.clear()
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries), [q["sql"] for q in queries.captured_queries]


def count_every_page(world, staff) -> dict:
    counted = {}
    for name, page in PAGES.items():
        user = world.manager if page.role == "manager" else staff[page.role]
        counted[name] = count_page(user, world, page.url_for)
    return counted


@pytest.fixture(scope="module")
def counts(django_db_setup, django_db_blocker):
    """Every page counted in the small world, then again with the large world beside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        now = timezone.now()
        staff = {
            "support": staff_in(roles.SUPPORT, email="sam.support@secondshot.test"),
            "exam_admin": staff_in(roles.EXAM_ADMINISTRATORS, email="erin.exams@secondshot.test"),
            "superuser": UserFactory(
                email="ada.root@secondshot.test", is_staff=True, is_superuser=True
            ),
        }
        small = count_every_page(build_world(SMALL, "small", now), staff)
        large = count_every_page(build_world(LARGE, "large", now), staff)
        transaction.set_rollback(True)
    return small, large


def test_every_registered_admin_has_its_pages_counted():
    """A model registered on the admin site without an entry in ADMINS fails here."""
    registered = {model_key(model) for model in admin.site._registry}
    assert registered == set(ADMINS)


@pytest.mark.parametrize("page", PAGES)
def test_an_admin_page_makes_the_same_queries_whatever_the_data_size(counts, page):
    small, large = counts
    small_status, small_count, _ = small[page]
    large_status, large_count, large_sql = large[page]
    assert (small_status, large_status) == (200, 200)
    assert large_count == small_count, "\n".join(large_sql)
    assert large_count <= PAGES[page].budget, "\n".join(large_sql)
