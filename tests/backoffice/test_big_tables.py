"""The back office over big tables: no page counts one whole, lists one in a dropdown or a
filter, or drills into its dates (``docs/backoffice.md``).

Every ModelAdmin on the admin site (``admin.site._registry``) is opened as every
staff role that may: its list (also with facets asked for, and searched), its
add page and the page of an object, and the back office's own pages with a form.
A big table is one the benchmark's world holds tens of thousands of rows of or
more (``BIG``). On every page:

- no query counts rows without a ``LIMIT`` in a big table's list: that is every
  row the list finds (``backoffice/paging.py`` counts a bounded number);
- no form field chooses among a big table's rows with a plain ``<select>``: an
  autocomplete, a raw id or a read-only field instead;
- no list filter links every row of a big table, or first reads every row of the
  list to find which ones it uses;
- no big table's list has a date hierarchy (a DISTINCT over every row in view).
"""

from datetime import timedelta

import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin.filters import AllValuesFieldListFilter, RelatedFieldListFilter
from django.contrib.admin.utils import reverse_field_path
from django.contrib.admin.widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    ForeignKeyRawIdWidget,
    ManyToManyRawIdWidget,
    RelatedFieldWidgetWrapper,
)
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backoffice.filters import AutocompleteFilter, StaffFilter
from backoffice.paging import BoundedPaginator
from backoffice.widgets import SafeAutocompleteSelect
from exams.models import Sitting
from privacy.models import AccountEvent
from support.models import SupportEvent, SupportRequest
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

BIG = {get_user_model(), Customer, ExamPack, Voucher, Booking, Sitting, VoucherEvent, AccountEvent}

# Read from a big table, and kept: why (bench/README.md has the measurements).
ACCEPTED_FILTERS = {
    ("vouchers.customer", "country"): "the countries of the customers, a small table",
}
ACCEPTED_DATE_HIERARCHIES = {
    "exams.sitting": "a year's sittings are a few thousand rows: their days cost little",
}
BOXES = (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    ForeignKeyRawIdWidget,
    ManyToManyRawIdWidget,
)
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
    request = AccountEvent.objects.create(
        person=voucher.registered_by, actor=support, action=AccountEvent.Action.EXPORTED
    )
    objects = [customer, pack, voucher, booking, event, sitting, sitting.centre, booking.exam]
    objects += [request]
    support_request = SupportRequest.objects.create(
        candidate=voucher.registered_by, voucher=voucher, subject="Big tables", message="…"
    )
    objects += [
        support_request,
        SupportEvent.objects.create(
            person=voucher.registered_by,
            request=support_request,
            actor=voucher.registered_by,
            action=SupportEvent.Action.OPENED,
        ),
    ]
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


def dropdowns_of_big_tables(form) -> list[str]:
    """The form's fields that would list a big table's rows in a plain <select>."""
    found = []
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is None or queryset.model not in BIG:
            continue
        widget = field.widget
        while isinstance(widget, RelatedFieldWidgetWrapper):
            widget = widget.widget
        if not (widget.is_hidden or isinstance(widget, BOXES)):
            found.append(f"{name}: {type(widget).__name__} of {queryset.model.__name__}")
    return found


def forms_of(response) -> list:
    context = response.context
    found = [context["form"]] if isinstance(context.get("form"), forms.BaseForm) else []
    if "adminform" in context:
        found.append(context["adminform"].form)
    for inline in context.get("inline_admin_formsets", []):
        found += [*inline.formset.forms, inline.formset.empty_form]
    if context.get("action_form"):
        found.append(context["action_form"])
    return found


def filter_reads_a_big_table(model_admin, spec) -> str | None:
    """Why the list filter reads a big table, if it does."""
    if isinstance(spec, AutocompleteFilter | StaffFilter):
        return None  # the chosen row only; the staff, through their index
    if isinstance(spec, RelatedFieldListFilter) and spec.field.related_model in BIG:
        return f"{type(spec).__name__} on {spec.field_path} lists {spec.field.related_model}"
    if isinstance(spec, AllValuesFieldListFilter):
        source = reverse_field_path(model_admin.model, spec.field_path)[0]
        if source in BIG and (key(model_admin.model), spec.field_path) not in ACCEPTED_FILTERS:
            return f"{spec.field_path}: a DISTINCT over every {source._meta.verbose_name}"
    return None


# --- the walk --------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_no_list_counts_a_big_table_whole_or_lists_one_in_a_filter(role, world):
    objects, clients = world
    opened = 0
    for model, model_admin in registered():
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
            for spec in response.context["cl"].filter_specs:
                assert filter_reads_a_big_table(model_admin, spec) is None, url
            for form in forms_of(response):
                assert dropdowns_of_big_tables(form) == [], url
    assert opened > 0


@pytest.mark.parametrize("role", STAFF)
def test_no_form_lists_a_big_table_in_a_dropdown(role, world):
    objects, clients = world
    pages = []
    for model, _ in registered():
        name = key(model).replace(".", "_")
        pages += [
            reverse(f"admin:{name}_add"),
            reverse(f"admin:{name}_change", args=[objects[key(model)].pk]),
        ]
    pages += [
        reverse("admin:vouchers_customer_report"),
        reverse("admin:vouchers_voucher_find"),
        reverse("admin:vouchers_booking_import_results"),
        reverse("admin:exams_sitting_series"),
    ]
    opened = 0
    for url in pages:
        response = clients[role].get(url)
        if response.status_code in (302, 403):
            continue  # not this role's page, or an object outside their customers
        assert response.status_code == 200, url
        opened += 1
        for form in forms_of(response):
            assert dropdowns_of_big_tables(form) == [], url
    assert opened > 0


def test_no_big_tables_list_drills_into_dates():
    """A date hierarchy lists its years, months and days with a DISTINCT over every row."""
    drilled = {
        key(model)
        for model, model_admin in registered()
        if model in BIG and model_admin.date_hierarchy
    }
    assert drilled == set(ACCEPTED_DATE_HIERARCHIES)


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


def test_the_dropdown_check_finds_a_plain_select_of_a_big_table():
    class PlainPackForm(forms.ModelForm):
        class Meta:
            model = ExamPack
            fields = ["customer", "issued_by"]

    boxed = PlainPackForm()
    boxed.fields["customer"].widget = SafeAutocompleteSelect(
        ExamPack._meta.get_field("customer"), admin.site
    )

    assert dropdowns_of_big_tables(PlainPackForm()) == [
        "customer: Select of Customer",
        "issued_by: Select of User",
    ]
    assert dropdowns_of_big_tables(boxed) == ["issued_by: Select of User"]


def test_the_filter_check_finds_django_s_related_filters_over_a_big_table(monkeypatch, world):
    _, clients = world
    ExamPackFactory()  # a second customer's: the filters have a choice to offer
    pack_admin = admin.site.get_model_admin(ExamPack)
    monkeypatch.setattr(
        pack_admin,
        "list_filter",
        [("customer", admin.RelatedOnlyFieldListFilter), "candidate", "issued_at"],
    )

    response = clients["superuser"].get(reverse("admin:vouchers_exampack_changelist"))

    found = [filter_reads_a_big_table(pack_admin, s) for s in response.context["cl"].filter_specs]
    assert [bool(f) for f in found] == [True, True, False]
