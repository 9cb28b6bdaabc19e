"""An account manager sees only their own customers and what hangs off them.

SPEC "What each person sees": the changelist, the change page, the history,
the autocomplete and a typed URL to another manager's object all refuse.
"""

import pytest
from django.urls import reverse

from tests.factories import CustomerFactory, ExamPackFactory
from tests.vouchers.helpers import book
from vouchers.models import VoucherEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(manager):
    return customer_with_a_booking(manager, "Mine Ltd")


@pytest.fixture
def theirs(other_manager):
    return customer_with_a_booking(other_manager, "Theirs GmbH")


def customer_with_a_booking(account_manager, name):
    from tests.factories import ExamFactory, UserFactory

    customer = CustomerFactory(account_manager=account_manager, name=name)
    pack = ExamPackFactory(customer=customer, vouchers=True)
    voucher = pack.voucher_list[0]
    candidate = UserFactory()
    voucher.registered_by = candidate
    voucher.save()
    booking = book(candidate, voucher, ExamFactory(number="070-461"))
    return {
        "customer": customer,
        "pack": pack,
        "voucher": voucher,
        "booking": booking,
        "event": VoucherEvent.objects.filter(voucher=voucher).first(),
    }


def url(name, obj, view="change"):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=[obj.pk])


OBJECTS = ["customer", "pack", "voucher", "booking", "event"]


@pytest.mark.parametrize("name", OBJECTS)
def test_a_typed_url_to_another_managers_object_shows_nothing_of_it(manager_client, theirs, name):
    obj = theirs[name]
    for view in ("change", "history"):
        response = manager_client.get(url(name, obj, view))
        assert response.status_code == 302, view
        assert response.url == reverse("admin:index")
        page = manager_client.get(response.url).content.decode()
        assert "doesn’t exist" in page
        assert "Theirs GmbH" not in page


@pytest.mark.parametrize("name", OBJECTS)
def test_the_manager_opens_their_own_objects(manager_client, mine, name):
    assert manager_client.get(url(name, mine[name])).status_code == 200


@pytest.mark.parametrize("model", ["customer", "exampack", "voucher", "booking", "voucherevent"])
def test_changelists_list_only_the_managers_own_customers(manager_client, mine, theirs, model):
    page = manager_client.get(reverse(f"admin:vouchers_{model}_changelist")).content.decode()
    assert "Mine Ltd" in page or model == "booking"
    assert "Theirs GmbH" not in page
    assert theirs["voucher"].masked_number not in page


def test_a_manager_without_customers_sees_an_empty_pack_list(other_manager_client, mine):
    page = other_manager_client.get(reverse("admin:vouchers_exampack_changelist"))
    assert page.status_code == 200
    assert "Mine Ltd" not in page.content.decode()
    assert "0 exam packs" in page.content.decode()


def test_a_customer_handed_to_another_manager_takes_its_packs_along(
    manager_client, other_manager_client, other_manager, mine
):
    """The pack list narrows by the ids of the manager's customers, read at each request."""
    changelist = reverse("admin:vouchers_exampack_changelist")
    assert "Mine Ltd" in manager_client.get(changelist).content.decode()
    mine["customer"].account_manager = other_manager
    mine["customer"].save()
    assert "Mine Ltd" not in manager_client.get(changelist).content.decode()
    assert "Mine Ltd" in other_manager_client.get(changelist).content.decode()
    assert other_manager_client.get(url("pack", mine["pack"])).status_code == 200
    assert manager_client.get(url("pack", mine["pack"])).status_code == 302


def test_the_booking_list_shows_only_the_managers_customers_candidates(
    manager_client, mine, theirs
):
    page = manager_client.get(reverse("admin:vouchers_booking_changelist")).content.decode()
    assert mine["booking"].candidate.email in page
    assert theirs["booking"].candidate.email not in page


def test_the_customer_autocomplete_offers_only_the_managers_customers(manager_client, mine, theirs):
    response = manager_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "vouchers", "model_name": "exampack", "field_name": "customer", "term": ""},
    )
    names = [result["text"] for result in response.json()["results"]]
    assert names == ["Mine Ltd"]


def test_filtering_by_another_managers_customer_finds_nothing(manager_client, mine, theirs):
    changelist = reverse("admin:vouchers_voucher_changelist")
    response = manager_client.get(changelist, {"pack__customer__id__exact": theirs["customer"].pk})
    assert theirs["voucher"].masked_number not in response.content.decode()


def test_a_pack_cannot_be_issued_to_another_managers_customer(manager_client, theirs):
    response = manager_client.post(
        reverse("admin:vouchers_exampack_add"),
        {
            "customer": theirs["customer"].pk,
            "exam_count": "3",
            "expires_on": "2099-01-01",
            "is_second_shot": "on",
            "list_price": "450",
            "currency": "USD",
            "discount_percent": "0",
            "promotion": "",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_another_managers_vouchers_cannot_be_voided_by_selecting_them(manager_client, theirs):
    changelist = reverse("admin:vouchers_voucher_changelist")
    manager_client.post(
        changelist,
        {
            "action": "void_vouchers",
            "_selected_action": [theirs["voucher"].pk],
            "_confirmed": "yes",
            "reason": "Trying my luck",
        },
    )
    theirs["voucher"].refresh_from_db()
    assert theirs["voucher"].voided_at is None


def test_the_report_covers_only_the_managers_customers(manager_client, mine, theirs):
    response = manager_client.get(reverse("admin:vouchers_customer_report"))
    page = response.content.decode()
    assert "Mine Ltd" in page and "Theirs GmbH" not in page
    response = manager_client.get(
        reverse("admin:vouchers_customer_report"), {"customer": theirs["customer"].pk}
    )
    assert "Select a valid choice" in response.content.decode()


def test_support_and_superusers_see_every_customer(support_client, superuser_client, mine, theirs):
    for client in (support_client, superuser_client):
        page = client.get(reverse("admin:vouchers_customer_changelist")).content.decode()
        assert "Mine Ltd" in page and "Theirs GmbH" in page
        assert client.get(url("voucher", theirs["voucher"])).status_code == 200


def test_a_manager_adds_a_customer_for_themselves(manager_client, manager, other_manager):
    response = manager_client.post(
        reverse("admin:vouchers_customer_add"),
        {
            "name": "New Customer plc",
            "contact_email": "buyer@new.example",
            "country": "Ireland",
            "account_manager": other_manager.pk,  # ignored: not a field for a manager
            "packs-TOTAL_FORMS": "0",
            "packs-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    from vouchers.models import Customer

    assert Customer.objects.get(name="New Customer plc").account_manager == manager
