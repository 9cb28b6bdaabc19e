"""Long lists' rows are written in Python (``backoffice/rows.py``), the HTML Django writes."""

import pytest
from django.contrib.admin.templatetags.admin_list import results
from django.urls import reverse

from backoffice.rows import written_rows
from tests.backoffice.test_packs import pack_in_use
from tests.factories import CustomerFactory, ExamPackFactory, in_days

pytestmark = pytest.mark.django_db


def djangos_rows(cl) -> list[str]:
    return ["".join(row) for row in results(cl)]


def written(cl) -> list[str]:
    return ["".join(row) for row in written_rows(cl)]


@pytest.fixture
def packs(manager):
    customer = CustomerFactory(account_manager=manager, name="Tom & Jerry <Training>")
    return [
        pack_in_use(customer),
        ExamPackFactory(customer=customer, vouchers=True, expires_on=in_days(-3)),
        ExamPackFactory(customer=customer, is_second_shot=False, vouchers=True),
    ]


@pytest.mark.parametrize("query", ["", "?expiry=expired", "?o=2.-1&is_second_shot__exact=1"])
def test_the_pack_list_rows_are_the_ones_django_writes(manager_client, packs, query):
    response = manager_client.get(reverse("admin:vouchers_exampack_changelist") + query)
    cl = response.context["cl"]

    assert len(cl.result_list) > 0
    assert written(cl) == djangos_rows(cl)
    assert all(row in response.content.decode() for row in written(cl))


def test_the_voucher_list_rows_are_the_ones_django_writes(manager_client, packs):
    pack = packs[0]
    response = manager_client.get(
        reverse("admin:vouchers_voucher_changelist"), {"pack__id__exact": pack.pk}
    )
    cl = response.context["cl"]

    assert len(cl.result_list) == 3
    assert written(cl) == djangos_rows(cl)


def test_a_list_with_a_column_that_is_no_method_of_the_admin_is_left_to_django(
    manager_client, packs, monkeypatch
):
    response = manager_client.get(reverse("admin:vouchers_exampack_changelist"))
    cl = response.context["cl"]
    monkeypatch.setattr(cl, "list_display", [*cl.list_display, "exam_count"])

    assert written_rows(cl) is None
