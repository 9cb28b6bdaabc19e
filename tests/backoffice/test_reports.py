"""The account manager's usage report: per customer, filterable, exportable, aggregated."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.backoffice.test_packs import pack_in_use
from tests.factories import (
    BookingFactory,
    CustomerFactory,
    ExamPackFactory,
    VoucherFactory,
    in_days,
)
from vouchers.models import ExamPack, Voucher
from vouchers.usage import customer_usage

pytestmark = pytest.mark.django_db

REPORT = "admin:vouchers_customer_report"


@pytest.fixture
def contoso(manager):
    customer = CustomerFactory(account_manager=manager, name="Contoso")
    pack_in_use(customer)  # 3 vouchers: failed then retake booked, passed, unregistered
    ExamPackFactory(customer=customer, vouchers=True, exam_count=2, expires_on=in_days(10))
    return customer


@pytest.fixture
def fabrikam(manager):
    return CustomerFactory(account_manager=manager, name="Fabrikam")


def lines_by_name(customers) -> dict:
    today = timezone.now().date()
    return {line.customer.name: line for line in customer_usage(customers, today=today)}


def test_the_report_counts_each_customers_packs_and_vouchers(contoso, fabrikam, manager):
    from vouchers.models import Customer

    lines = lines_by_name(Customer.objects.filter(account_manager=manager))

    line = lines["Contoso"]
    assert (line.packs, line.vouchers, line.registered, line.booked, line.used) == (2, 5, 2, 2, 2)
    assert (line.first_attempts_sat, line.first_attempts_passed) == (2, 1)
    assert line.first_attempt_pass_rate == 0.5
    assert (line.retakes_sat, line.retake_pass_rate) == (0, None)
    assert line.expiring_unused == 2
    empty = lines["Fabrikam"]
    assert (empty.packs, empty.vouchers, empty.first_attempt_pass_rate) == (0, 0, None)


def test_the_report_page_shows_rates_and_totals(manager_client, contoso, fabrikam):
    response = manager_client.get(reverse(REPORT))
    page = response.content.decode()
    assert "Contoso" in page and "Fabrikam" in page
    assert "50% (1 of 2)" in page
    assert "Total" in page


def test_the_report_filters_by_customer_and_issue_date(manager_client, contoso, fabrikam):
    old = ExamPackFactory(customer=fabrikam, vouchers=True)
    ExamPack.objects.filter(pk=old.pk).update(issued_at=timezone.now() - timedelta(days=400))
    since = (timezone.now() - timedelta(days=30)).date().isoformat()

    only_fabrikam = manager_client.get(reverse(REPORT), {"customer": fabrikam.pk})
    recent = manager_client.get(reverse(REPORT), {"issued_from": since, "customer": fabrikam.pk})

    rows = only_fabrikam.context["rows"]
    assert [row["line"].customer for row in rows] == [fabrikam]
    assert rows[0]["line"].vouchers == 3
    assert recent.context["rows"][0]["line"].vouchers == 0


def test_bad_report_filters_are_answered_on_the_page(manager_client, contoso):
    response = manager_client.get(
        reverse(REPORT), {"issued_from": "2026-05-01", "issued_to": "2026-01-01"}
    )
    assert response.status_code == 200
    assert "This date comes before the first one." in response.content.decode()
    response = manager_client.get(reverse(REPORT), {"issued_from": "last spring"})
    assert "Enter a valid date" in response.content.decode()


def test_the_report_exports_as_csv(manager_client, contoso, fabrikam):
    response = manager_client.get(reverse(REPORT), {"format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["customer"] for row in rows] == ["Contoso", "Fabrikam", "Total"]
    assert rows[0]["vouchers"] == "5"
    assert rows[0]["first_attempt_pass_rate"] == "0.5000"
    assert rows[0]["retake_pass_rate"] == ""
    assert rows[0]["expiring_unused_30_days"] == "2"
    assert rows[2]["vouchers"] == "5"


def test_the_report_costs_the_same_queries_for_many_customers(manager_client, manager):
    pack_in_use(CustomerFactory(account_manager=manager))
    with CaptureQueriesContext(connection) as few:
        manager_client.get(reverse(REPORT))
    for _ in range(6):
        pack_in_use(CustomerFactory(account_manager=manager))

    with CaptureQueriesContext(connection) as many:
        response = manager_client.get(reverse(REPORT))

    assert len(response.context["rows"]) == 7
    assert len(many) == len(few)


def test_voided_and_booked_vouchers_are_not_expiring_unused(manager, contoso):
    from vouchers.models import Customer

    soon = ExamPack.objects.get(customer=contoso, exam_count=2)
    Voucher.objects.filter(pk=soon.vouchers.first().pk).update(voided_at=timezone.now())
    lines = lines_by_name(Customer.objects.filter(pk=contoso.pk))
    assert lines["Contoso"].expiring_unused == 1


# --- the charts -------------------------------------------------------------------------


def test_the_report_draws_the_funnel_and_the_months_as_svg_with_no_script(manager, manager_client):
    customer = CustomerFactory(account_manager=manager, name="Contoso")
    pack = ExamPackFactory(customer=customer, expires_on=in_days(40))
    for _ in range(3):
        VoucherFactory(pack=pack)

    page = manager_client.get(reverse("admin:vouchers_customer_report")).content.decode()

    assert page.count('<svg class="backoffice-chart"') == 2
    assert 'aria-label="Vouchers from issue to pass"' in page
    assert 'aria-label="Vouchers expiring unused, by month"' in page
    assert "<script>" not in page and "<script " not in page.split('class="backoffice-charts"')[1]
    assert 'aria-label="issued: 3, registered: 0, booked: 0' in page  # Contoso's own funnel


def test_the_months_chart_counts_vouchers_expiring_unused_in_each_month_and_is_a_csv_too(
    manager, manager_client
):
    customer = CustomerFactory(account_manager=manager)
    soon = ExamPackFactory(customer=customer, expires_on=in_days(40))
    later = ExamPackFactory(customer=customer, expires_on=in_days(100))
    for _ in range(2):
        VoucherFactory(pack=soon)
    booked = VoucherFactory(pack=soon)
    BookingFactory(voucher=booked)
    VoucherFactory(pack=later)
    VoucherFactory(pack=ExamPackFactory(expires_on=in_days(40)))  # another manager's

    response = manager_client.get(reverse("admin:vouchers_customer_report") + "?format=months-csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["month", "expiring_unused"]
    counted = {month: int(count) for month, count in rows[1:]}
    assert len(counted) == 12
    assert counted[soon.expires_on.strftime("%Y-%m")] == 2
    assert counted[later.expires_on.strftime("%Y-%m")] == 1
    assert sum(counted.values()) == 3


def test_the_managers_start_page_shows_the_same_funnel(manager, manager_client):
    VoucherFactory(pack=ExamPackFactory(customer=CustomerFactory(account_manager=manager)))
    page = manager_client.get(reverse("admin:index")).content.decode()
    assert 'aria-label="Vouchers from issue to pass"' in page
