"""The pack list shows usage at a glance; vouchers are voided, never deleted (SS-1, SS-12)."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from backoffice.actions import ListCheckboxesAdmin
from tests.factories import CustomerFactory, ExamFactory, ExamPackFactory, UserFactory, in_days
from tests.vouchers.helpers import FAILED, PASSED, book, sit
from vouchers.models import Booking, ExamPack, Voucher, VoucherEvent

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:vouchers_exampack_changelist"


def register(voucher, candidate):
    voucher.registered_by, voucher.registered_at = candidate, timezone.now()
    voucher.save()
    return voucher


def pack_in_use(customer):
    """A 3-exam pack: one voucher failed and retake booked, one passed, one never registered."""
    pack = ExamPackFactory(customer=customer, vouchers=True)
    failed, passed, _ = pack.voucher_list
    candidate = UserFactory()
    register(failed, candidate)
    register(passed, candidate)
    first = sit(book(candidate, failed, ExamFactory(number="070-483")), FAILED)
    book(candidate, failed, first.exam, now=first.sitting.starts_at + timedelta(hours=4))
    Booking.objects.filter(candidate=candidate, status="scheduled").update(status="taken")
    sit(book(candidate, passed, ExamFactory(number="070-410")), PASSED)
    return pack


@pytest.fixture
def customer(manager):
    return CustomerFactory(account_manager=manager)


def listed(client) -> dict:
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    return {pack.pk: pack for pack in response.context["cl"].result_list}


def test_the_pack_list_shows_how_each_pack_is_used(manager_client, customer):
    """SS-1: a failed first attempt with its retake booked counts one retake used."""
    in_use = pack_in_use(customer)
    expired = ExamPackFactory(
        customer=customer, vouchers=True, exam_count=2, expires_on=in_days(-3)
    )

    packs = listed(manager_client)

    admin = manager_client.get(reverse(CHANGELIST)).context["cl"].model_admin
    row = packs[in_use.pk]
    assert admin.registered(row) == "2 of 3"
    assert (admin.booked(row), admin.passed(row), admin.retakes(row)) == (2, 1, 1)
    assert admin.expired_unused(row) == "—"
    assert admin.expired_unused(packs[expired.pk]) == 2
    assert admin.registered(packs[expired.pk]) == "0 of 2"
    page = manager_client.get(reverse(CHANGELIST)).content.decode()
    assert "Retakes used" in page and "Expired unused" in page


def test_a_cancelled_booking_leaves_its_voucher_unused_and_a_voided_one_is_not_counted(
    manager_client, customer
):
    """A voucher whose only booking was cancelled is neither booked nor used: once the
    pack expires it is counted unused; a voided voucher is not (SS-2, SS-12)."""
    pack = ExamPackFactory(customer=customer, vouchers=True, exam_count=4)
    cancelled, booked, voided, _ = pack.voucher_list
    candidate = UserFactory()
    register(cancelled, candidate)
    register(booked, candidate)
    first = book(candidate, cancelled, ExamFactory(number="070-483"))
    Booking.objects.filter(pk=first.pk).update(status=Booking.Status.CANCELLED)
    book(candidate, booked, ExamFactory(number="070-410"))
    Voucher.objects.filter(pk=voided.pk).update(voided_at=timezone.now())
    ExamPack.objects.filter(pk=pack.pk).update(expires_on=in_days(-1))

    row = listed(manager_client)[pack.pk]

    assert (row.vouchers_total, row.vouchers_registered, row.vouchers_booked) == (4, 2, 1)
    assert (row.vouchers_passed, row.retakes_used, row.vouchers_unused) == (0, 0, 2)


def test_the_pack_list_costs_the_same_queries_for_many_packs(manager_client, customer):
    pack_in_use(customer)
    with CaptureQueriesContext(connection) as few:
        listed(manager_client)
    for _ in range(8):
        pack_in_use(customer)
        ExamPackFactory(customer=customer, vouchers=True, expires_on=in_days(-1))

    with CaptureQueriesContext(connection) as many:
        packs = listed(manager_client)

    assert len(packs) == 17
    assert len(many) == len(few)


def test_the_pack_list_has_a_fixed_query_budget(
    manager_client, customer, django_assert_max_num_queries
):
    for _ in range(10):
        pack_in_use(customer)
    # The session, the user, their permissions (two), their groups, the ids of their
    # customers, the count, the rows, the rows' usage figures.
    with django_assert_max_num_queries(9):
        manager_client.get(reverse(CHANGELIST))


def test_each_row_of_the_pack_list_has_the_selection_box_django_draws(manager_client, customer):
    """The box is written directly (backoffice/actions.py), the same as the widget's."""
    pack = ExamPackFactory(customer=customer)

    page = manager_client.get(reverse(CHANGELIST)).content.decode()

    assert ModelAdmin(ExamPack, admin.site).action_checkbox(pack) in page


@pytest.mark.parametrize("language", ["de", "ja"])
def test_the_selection_box_is_labelled_in_djangos_words_in_every_language(customer, language):
    pack = ExamPackFactory(customer=customer)

    with translation.override(language):
        drawn = ListCheckboxesAdmin().action_checkbox(pack)
        djangos = ModelAdmin(ExamPack, admin.site).action_checkbox(pack)

    assert drawn == djangos
    assert "Select this object" not in drawn


def test_the_voucher_list_costs_the_same_queries_for_many_vouchers(manager_client, customer):
    pack_in_use(customer)
    url = reverse("admin:vouchers_voucher_changelist")
    with CaptureQueriesContext(connection) as few:
        manager_client.get(url)
    for _ in range(5):
        pack_in_use(customer)
    with CaptureQueriesContext(connection) as many:
        response = manager_client.get(url)
    assert len(response.context["cl"].result_list) == 18
    assert len(many) == len(few)


# --- voiding --------------------------------------------------------------------------


def void(client, url, action, selected, reason="Refunded: the customer cancelled"):
    data = {"action": action, "_selected_action": [obj.pk for obj in selected]}
    question = client.post(url, data)
    assert question.status_code == 200
    page = question.content.decode()
    assert "Void vouchers" in page and 'name="reason"' in page
    return client.post(url, data | {"_confirmed": "yes", "reason": reason}, follow=True)


def test_voiding_vouchers_asks_a_reason_and_writes_the_audit_event(
    manager_client, manager, customer
):
    """SS-12"""
    pack = ExamPackFactory(customer=customer, vouchers=True)
    first, second, _ = pack.voucher_list

    response = void(
        manager_client,
        reverse("admin:vouchers_voucher_changelist"),
        "void_vouchers",
        [first, second],
    )

    assert "Voided 2 vouchers." in response.content.decode()
    for voucher in (first, second):
        voucher.refresh_from_db()
        assert voucher.is_voided()
        event = voucher.events.get(action=VoucherEvent.Action.VOIDED)
        assert (event.actor, event.details["reason"]) == (
            manager,
            "Refunded: the customer cancelled",
        )
    assert Voucher.objects.filter(pack=pack, voided_at__isnull=True).count() == 1


def test_voiding_a_booked_voucher_cancels_its_booking(manager_client, customer):
    pack = ExamPackFactory(customer=customer, vouchers=True)
    voucher = register(pack.voucher_list[0], UserFactory())
    booking = book(voucher.registered_by, voucher, ExamFactory(number="070-483"))

    void(manager_client, reverse("admin:vouchers_voucher_changelist"), "void_vouchers", [voucher])

    booking.refresh_from_db()
    booking.sitting.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.sitting.seats_taken == 0


def test_a_refusal_is_reported_for_the_voucher_it_concerns(manager_client, customer):
    pack = ExamPackFactory(customer=customer, vouchers=True)
    done, fresh = pack.voucher_list[0], pack.voucher_list[1]
    Voucher.objects.filter(pk=done.pk).update(voided_at=timezone.now())

    response = void(
        manager_client, reverse("admin:vouchers_voucher_changelist"), "void_vouchers", [done, fresh]
    )

    page = response.content.decode()
    assert f"Voucher {done.masked_number}" in page
    assert "This voucher is already cancelled." in page
    assert "Voided 1 voucher." in page


def test_voiding_from_the_voucher_page(manager_client, customer):
    voucher = ExamPackFactory(customer=customer, vouchers=True).voucher_list[0]
    url = reverse("admin:vouchers_voucher_change", args=[voucher.pk])
    data = {"CHANGE_FORM-action": "void_vouchers", "_selected_action": [voucher.pk]}
    assert manager_client.post(url, data).status_code == 200

    response = manager_client.post(url, data | {"_confirmed": "yes", "reason": "Duplicate sale"})

    assert response.url == url
    assert Voucher.objects.get(pk=voucher.pk).void_reason == "Duplicate sale"


def test_voiding_a_pack_voids_each_of_its_vouchers(manager_client, customer):
    pack = ExamPackFactory(customer=customer, vouchers=True)

    response = void(manager_client, reverse(CHANGELIST), "void_packs", [pack])

    assert "Voided 3 vouchers." in response.content.decode()
    assert VoucherEvent.objects.filter(voucher__pack=pack, action="voucher.voided").count() == 3


def test_there_is_no_delete_action_for_packs_or_vouchers(superuser_client, customer):
    ExamPackFactory(customer=customer, vouchers=True)
    for model in ("exampack", "voucher", "booking", "voucherevent"):
        page = superuser_client.get(reverse(f"admin:vouchers_{model}_changelist")).content
        assert b"delete_selected" not in page
