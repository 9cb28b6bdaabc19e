"""Every admin page a role uses opens (200) for that role, and the others are closed to it."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.backoffice.conftest import signed_in
from tests.factories import CustomerFactory, ExamPackFactory
from tests.vouchers.helpers import FAILED, book, sit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(manager, candidate_booking):
    """One customer of the manager's with a pack in use, a failed attempt and a retake booked."""
    voucher = candidate_booking.voucher
    customer = voucher.pack.customer
    customer.account_manager = manager
    customer.save()
    sit(candidate_booking, FAILED)
    retake = book(
        candidate_booking.candidate,
        voucher,
        candidate_booking.exam,
        now=candidate_booking.sitting.starts_at + timedelta(hours=4),
    )
    return {
        "customer": customer,
        "pack": voucher.pack,
        "voucher": voucher,
        "booking": retake,
        "event": voucher.events.first(),
        "sitting": retake.sitting,
        "centre": retake.sitting.centre,
        "exam": retake.exam,
        "candidate": retake.candidate,
    }


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


PAGES = {
    "manager": [
        "admin:index",
        "admin:vouchers_customer_changelist",
        "admin:vouchers_customer_add",
        ("change", "customer"),
        "admin:vouchers_customer_report",
        "admin:vouchers_exampack_changelist",
        "admin:vouchers_exampack_add",
        ("change", "pack"),
        "admin:vouchers_voucher_changelist",
        "admin:vouchers_voucher_find",
        ("change", "voucher"),
        "admin:vouchers_booking_changelist",
        ("change", "booking"),
        "admin:vouchers_voucherevent_changelist",
        ("change", "event"),
    ],
    "support": [
        "admin:index",
        "admin:accounts_user_changelist",
        ("change", "candidate"),
        "admin:vouchers_customer_changelist",
        ("change", "customer"),
        "admin:vouchers_exampack_changelist",
        ("change", "pack"),
        "admin:vouchers_voucher_changelist",
        "admin:vouchers_voucher_find",
        ("change", "voucher"),
        "admin:vouchers_booking_changelist",
        ("change", "booking"),
        "admin:vouchers_voucherevent_changelist",
        ("change", "event"),
    ],
    "exam_admin": [
        "admin:index",
        "admin:exams_exam_changelist",
        "admin:exams_exam_add",
        ("change", "exam"),
        "admin:exams_testcenter_changelist",
        "admin:exams_testcenter_add",
        ("change", "centre"),
        "admin:exams_sitting_changelist",
        "admin:exams_sitting_add",
        "admin:exams_sitting_series",
        ("change", "sitting"),
        "admin:vouchers_booking_changelist",
        "admin:vouchers_booking_import_results",
        ("change", "booking"),
        "admin:vouchers_voucherevent_changelist",
        ("change", "event"),
    ],
}
PAGES["superuser"] = sorted({page for pages in PAGES.values() for page in pages}, key=str) + [
    "admin:accounts_user_add"
]


def urls_for(role, world):
    for page in PAGES[role]:
        yield change_url(world[page[1]]) if isinstance(page, tuple) else reverse(page)


@pytest.mark.parametrize("role", sorted(PAGES))
def test_every_page_a_role_uses_opens_for_it(role, world, request):
    client = signed_in(request.getfixturevalue(role))
    for url in urls_for(role, world):
        response = client.get(url)
        assert response.status_code == 200, url


def test_every_changelist_opens_with_its_filters_and_a_search(superuser_client, world):
    for model in [
        "vouchers_customer",
        "vouchers_exampack",
        "vouchers_voucher",
        "vouchers_booking",
        "vouchers_voucherevent",
        "exams_sitting",
        "exams_testcenter",
        "exams_exam",
        "accounts_user",
    ]:
        url = reverse(f"admin:{model}_changelist")
        for query in ["q=zzz", "q=a", "q=1234", "o=1", "q=%40example.com"]:
            assert superuser_client.get(f"{url}?{query}").status_code == 200, (url, query)


@pytest.mark.parametrize(
    ("role", "closed"),
    [
        (
            "manager",
            [
                "admin:exams_sitting_changelist",
                "admin:exams_sitting_series",
                "admin:vouchers_booking_import_results",
                "admin:accounts_user_changelist",
            ],
        ),
        (
            "support",
            [
                "admin:vouchers_customer_add",
                "admin:vouchers_exampack_add",
                "admin:exams_sitting_changelist",
                "admin:exams_sitting_series",
                "admin:vouchers_booking_import_results",
            ],
        ),
        (
            "exam_admin",
            [
                "admin:vouchers_customer_changelist",
                "admin:vouchers_exampack_changelist",
                "admin:vouchers_exampack_add",
                "admin:vouchers_voucher_changelist",
                "admin:vouchers_voucher_find",
                "admin:vouchers_customer_report",
                "admin:accounts_user_changelist",
            ],
        ),
    ],
)
def test_pages_outside_a_roles_job_are_closed_to_it(role, closed, request, world):
    client = signed_in(request.getfixturevalue(role))
    for name in closed:
        assert client.get(reverse(name)).status_code == 403, name


@pytest.mark.parametrize("role", ["manager", "support", "exam_admin", "superuser"])
def test_nobody_deletes_packs_vouchers_bookings_or_audit_events(role, request, world):
    """SS-12: void, never delete."""
    client = signed_in(request.getfixturevalue(role))
    for name in ["pack", "voucher", "booking", "event"]:
        obj = world[name]
        url = reverse(f"admin:vouchers_{obj._meta.model_name}_delete", args=[obj.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403
    assert world["voucher"].events.count() > 0


def test_the_admin_is_branded(manager_client):
    page = manager_client.get(reverse("admin:index")).content.decode()
    assert "Second Shot back office" in page


def test_a_customer_with_no_packs_still_opens(manager_client, manager):
    customer = CustomerFactory(account_manager=manager)
    assert manager_client.get(change_url(customer)).status_code == 200
    pack = ExamPackFactory(customer=customer, vouchers=True)
    assert manager_client.get(change_url(pack)).status_code == 200
