"""The back office over big tables: no list counts one whole (issue 6).

Every ModelAdmin on the admin site (``admin.site._registry``) is opened as every
staff role that may: its list, also with facets asked for, and searched. A big
table is one the benchmark's world holds tens of thousands of rows of or more
(``BIG``). No query counts rows without a ``LIMIT`` in a big table's list: that
is every row the list finds (``secondshot/admin_paging.py`` counts a bounded
number).
"""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from exams.models import Sitting
from secondshot.admin_paging import BoundedPaginator
from tests.backoffice.conftest import signed_in
from tests.factories import (
    BookingFactory,
    CustomerFactory,
    ExamFactory,
    ExamPackFactory,
    RegisteredVoucherFactory,
    SittingFactory,
    TestCenterFactory,
    UserFactory,
)
from vouchers.models import Booking, Customer, ExamPack, Voucher, VoucherEvent

pytestmark = pytest.mark.django_db

BIG = {get_user_model(), Customer, ExamPack, Voucher, Booking, Sitting, VoucherEvent}

STAFF = ("manager", "support", "exam_admin", "superuser")


def key(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


@pytest.fixture
def world(manager, support, exam_admin, superuser):
    now = timezone.now()
    customer = CustomerFactory(account_manager=manager)
    pack = ExamPackFactory(customer=customer, exam_count=2)
    voucher = RegisteredVoucherFactory(pack=pack)
    RegisteredVoucherFactory(pack=pack)
    sitting = SittingFactory(centre=TestCenterFactory(), starts_at=now + timedelta(days=5))
    booking = BookingFactory(
        voucher=voucher, candidate=voucher.registered_by, sitting=sitting, exam=ExamFactory()
    )
    event = VoucherEvent.objects.create(
        voucher=voucher, actor=support, action=VoucherEvent.Action.CONFIRMATION_RESENT
    )
    objects = [customer, pack, voucher, booking, event, sitting, sitting.centre, booking.exam]
    objects += [voucher.registered_by, manager.groups.first(), UserFactory()]
    clients = {
        "manager": signed_in(manager),
        "support": signed_in(support),
        "exam_admin": signed_in(exam_admin),
        "superuser": signed_in(superuser),
    }
    return {key(type(obj)): obj for obj in objects}, clients


def registered():
    return sorted(admin.site._registry.items(), key=lambda item: key(item[0]))


# --- what the checks look for -------------------------------------------------------


def unbounded_counts(queries, table: str) -> list[str]:
    """The queries that count a table's rows with no LIMIT: every row the list finds."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT COUNT(") and table in q["sql"] and "LIMIT" not in q["sql"]
    ]


# --- the walk --------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_no_list_counts_a_big_table_whole(role, world):
    objects, clients = world
    opened = 0
    for model, _ in registered():
        url = reverse(f"admin:{key(model).replace('.', '_')}_changelist")
        for query in ["", "?_facets=1", "?q=a", "?p=1&_facets=1&q=1"]:
            with CaptureQueriesContext(connection) as queries:
                response = clients[role].get(url + query)
            if response.status_code == 403:
                continue
            assert response.status_code == 200, (url + query, response.status_code)
            opened += 1
            if model in BIG:
                assert unbounded_counts(queries, model._meta.db_table) == [], url + query
    assert opened > 0


def test_every_big_tables_list_counts_a_bounded_number_of_rows(rf, superuser):
    request = rf.get("/")
    request.user = superuser
    for model, model_admin in registered():
        if model in BIG:
            paginator = model_admin.get_paginator(request, model.objects.all(), 10)
            assert isinstance(paginator, BoundedPaginator), key(model)
            assert not model_admin.show_full_result_count, key(model)
            assert model_admin.show_facets == admin.ShowFacets.NEVER, key(model)


# --- the checks catch what they look for (controls) ------------------------------------


def test_the_count_check_finds_a_count_of_every_row_and_passes_a_bounded_one():
    with CaptureQueriesContext(connection) as whole:
        Paginator(Voucher.objects.all(), 10).count  # noqa: B018
    with CaptureQueriesContext(connection) as bounded:
        BoundedPaginator(Voucher.objects.all(), 10, counts_up_to=100).count  # noqa: B018

    assert len(unbounded_counts(whole, "vouchers_voucher")) == 1
    assert unbounded_counts(bounded, "vouchers_voucher") == []
