"""The audit trail in the admin: read-only for every role, filterable (SS-12)."""

import html

import pytest
from django.urls import reverse

from tests.backoffice.conftest import signed_in
from tests.factories import ExamFactory, RegisteredVoucherFactory, SittingFactory, UserFactory
from vouchers import services
from vouchers.models import VoucherEvent

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:vouchers_voucherevent_changelist"


@pytest.fixture
def trail(candidate_booking, manager, support):
    """A voucher booked by its candidate, then helped by support."""
    voucher = candidate_booking.voucher
    voucher.pack.customer.account_manager = manager
    voucher.pack.customer.save()
    services.resend_confirmation(voucher=voucher, actor=support, reason="Asked by phone")
    return voucher


@pytest.mark.parametrize("role", ["manager", "support", "exam_admin", "superuser"])
def test_every_role_reads_the_trail_and_none_can_change_it(role, request, trail):
    """SS-12"""
    client = signed_in(request.getfixturevalue(role))
    event = trail.events.first()
    before = list(VoucherEvent.objects.values())

    assert client.get(reverse(CHANGELIST)).status_code == 200
    page = client.get(reverse("admin:vouchers_voucherevent_change", args=[event.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:vouchers_voucherevent_add")).status_code == 403
    change = reverse("admin:vouchers_voucherevent_change", args=[event.pk])
    assert client.post(change, {"action": "voucher.voided"}).status_code == 403
    delete = reverse("admin:vouchers_voucherevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert list(VoucherEvent.objects.values()) == before


def test_the_trail_filters_by_action_actor_and_date(support_client, support, trail):
    url = reverse(CHANGELIST)

    def listed(**query):
        response = support_client.get(url, query)
        assert response.status_code == 200
        return {event.action for event in response.context["cl"].result_list}

    assert listed(action__exact="voucher.confirmation_resent") == {"voucher.confirmation_resent"}
    assert listed(actor=str(support.pk)) == {"voucher.confirmation_resent"}
    assert listed(actor="candidates") == {"voucher.tied", "voucher.booked"}
    day = trail.events.first().at
    assert "voucher.booked" in listed(at__year=day.year, at__month=day.month, at__day=day.day)
    page = support_client.get(url).content.decode()
    assert support.email in page  # offered as an actor to filter by
    assert listed(q=trail.number_last4.lower()) >= {"voucher.booked"}


def test_exam_administrators_see_the_number_masked_without_a_link(exam_admin_client, trail):
    page = exam_admin_client.get(reverse(CHANGELIST)).content.decode()
    assert trail.masked_number in page
    assert reverse("admin:vouchers_voucher_change", args=[trail.pk]) not in page


def test_the_actors_offered_are_the_staff_who_can_act_on_the_vouchers_in_view(
    manager_client, manager, other_manager, support, exam_admin, trail
):
    """Read from the staff, not searched for in the trail; another account manager never
    acts on this one's customers' vouchers, so is not offered."""
    response = manager_client.get(reverse(CHANGELIST))
    cl = response.context["cl"]
    (actors,) = [spec for spec in cl.filter_specs if getattr(spec, "parameter_name", "") == "actor"]

    offered = {label for _, label in actors.lookup_choices}

    assert {manager.email, support.email, exam_admin.email} <= offered
    assert other_manager.email not in offered
    assert {"Candidates", "The system"} <= {str(label) for label in offered}


def test_exam_administrators_read_no_customer_through_the_trail(exam_admin_client, trail):
    """They have no permission on customers: neither the list, an event's page nor the
    search shows or finds one."""
    customer = trail.pack.customer.name
    page = exam_admin_client.get(reverse(CHANGELIST)).content.decode()
    assert customer not in page
    event = trail.events.first()
    detail = exam_admin_client.get(reverse("admin:vouchers_voucherevent_change", args=[event.pk]))
    assert customer not in detail.content.decode()
    searched = exam_admin_client.get(reverse(CHANGELIST), {"q": customer})
    assert list(searched.context["cl"].result_list) == []


def test_support_still_reads_the_customer_in_the_trail(support_client, trail):
    page = support_client.get(reverse(CHANGELIST)).content.decode()
    assert trail.pack.customer.name in page


def test_the_trail_names_the_candidate_the_exam_and_the_sittings_instead_of_their_ids(
    support_client,
):
    """Readable history: "from sitting: 4" becomes the centre and the local start."""
    candidate = UserFactory(email="alex.candidate@example.com")
    voucher = RegisteredVoucherFactory(registered_by=candidate)
    exam = ExamFactory(number="070-483", title="Programming in C#")
    before, after = SittingFactory(), SittingFactory()
    VoucherEvent.objects.create(
        voucher=voucher,
        actor=candidate,
        action=VoucherEvent.Action.MOVED,
        details={
            "candidate": candidate.pk,
            "exam": "070-483",
            "from_sitting": before.pk,
            "to_sitting": after.pk,
            "outcome": "no_show",
        },
    )

    for url in [
        reverse("admin:vouchers_voucherevent_changelist"),
        reverse("admin:vouchers_voucher_change", args=[voucher.pk]),
    ]:
        page = html.unescape(support_client.get(url).content.decode())
        assert "candidate: alex.candidate@example.com" in page
        assert f"exam: {exam}" in page
        assert f"from sitting: {before}" in page
        assert f"to sitting: {after}" in page
        assert "outcome: No-show" in page
        assert f"candidate: {candidate.pk};" not in page
