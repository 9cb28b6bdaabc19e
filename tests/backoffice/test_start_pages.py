"""Each role's start page on the admin index: its tasks as buttons, the counts it watches."""

import warnings
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice import start
from support import services as support_services
from tests.factories import (
    BookingFactory,
    CandidateFactory,
    CustomerFactory,
    ExamPackFactory,
    SittingFactory,
    VoucherFactory,
    in_days,
)
from vouchers.models import Booking, VoucherEvent

pytestmark = pytest.mark.django_db


def ask(subject):
    """A candidate's open support request."""
    return support_services.send_support_request(
        candidate=CandidateFactory(), voucher=None, subject=subject, message="Please help."
    )


def start_page(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response


def buttons(response) -> dict[str, str]:
    return {
        task["label"]: task["url"]
        for section in response.context["start_sections"]
        for task in section.tasks
    }


def counts(response) -> dict[str, int]:
    return {
        str(watched["label"]): watched["number"]
        for section in response.context["start_sections"]
        for watched in section.counts
    }


def test_account_manager_starts_with_issuing_the_report_and_their_customers(manager_client):
    shown = buttons(start_page(manager_client))
    assert shown == {
        "Issue a pack": reverse("admin:vouchers_exampack_add"),
        "Usage report": reverse("admin:vouchers_customer_report"),
        "My customers": reverse("admin:vouchers_customer_changelist"),
    }


def test_account_manager_counts_only_their_own_vouchers_expiring_unused(manager, manager_client):
    mine = ExamPackFactory(
        customer=CustomerFactory(account_manager=manager), expires_on=in_days(10)
    )
    for _ in range(2):
        VoucherFactory(pack=mine)
    booked = VoucherFactory(pack=mine)
    BookingFactory(voucher=booked)
    VoucherFactory(pack=mine, voided_at=timezone.now(), void_reason="Sold twice")
    VoucherFactory(pack=ExamPackFactory(customer=mine.customer, expires_on=in_days(90)))
    VoucherFactory(pack=ExamPackFactory(expires_on=in_days(10)))  # another manager's

    response = start_page(manager_client)

    assert counts(response) == {"vouchers of my customers expiring unused within 30 days": 2}
    listed = manager_client.get(response.context["start_sections"][0].counts[0]["url"])
    assert listed.context["cl"].result_count == 2


def test_support_starts_with_finding_a_voucher_open_requests_and_recent_reissues(support_client):
    shown = buttons(start_page(support_client))
    assert list(shown) == [
        "Find a voucher by its number",
        "Open support requests",
        "Recent reissues",
    ]
    assert shown["Find a voucher by its number"] == reverse("admin:vouchers_voucher_find")
    assert support_client.get(shown["Recent reissues"]).status_code == 200


def test_support_counts_the_open_requests_and_the_count_opens_them(support, support_client):
    asked = [ask(f"Question {i}") for i in range(3)]
    support_services.close_request(request=asked[0], actor=support)

    response = start_page(support_client)

    assert counts(response) == {
        "open support requests": 2,
        "numbers reissued in the past 7 days": 0,
    }
    count = next(c for c in response.context["start_sections"][0].counts if c["number"] == 2)
    listed = support_client.get(count["url"])
    assert {r.subject for r in listed.context["cl"].result_list} == {"Question 1", "Question 2"}


def test_the_recent_reissues_count_and_its_list_agree_from_the_first_days_midnight(
    support_client,
):
    """The list the count opens reads from the same midnight as the count, an instant
    written with its offset (a bare date was read by the list as a naive time)."""
    first_day = timezone.localdate() - timedelta(days=6)
    midnight = timezone.make_aware(datetime.combine(first_day, time.min))
    for at in (midnight - timedelta(minutes=1), midnight + timedelta(minutes=1), timezone.now()):
        VoucherEvent.objects.create(
            voucher=VoucherFactory(), action=VoucherEvent.Action.NUMBER_REISSUED, at=at
        )

    response = start_page(support_client)

    assert counts(response)["numbers reissued in the past 7 days"] == 2
    count = next(
        c for c in response.context["start_sections"][0].counts if "reissued" in str(c["label"])
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # "received a naive datetime"
        assert support_client.get(count["url"]).context["cl"].result_count == 2


def test_exam_administrator_counts_sittings_today_and_outcomes_to_record(exam_admin_client):
    now = timezone.now()
    SittingFactory(starts_at=now.replace(hour=0, minute=1))
    SittingFactory(starts_at=now.replace(hour=23, minute=59))
    SittingFactory(starts_at=now + timedelta(days=2))
    BookingFactory(sitting=SittingFactory(starts_at=now - timedelta(days=1)))
    BookingFactory(
        sitting=SittingFactory(starts_at=now - timedelta(days=1)),
        status=Booking.Status.TAKEN,
        outcome=Booking.Outcome.PASSED,
    )

    response = start_page(exam_admin_client)

    assert counts(response) == {
        "sittings today": 2,
        "booking sat, its outcome still to record": 1,
    }
    assert list(buttons(response)) == [
        "Create a series of sittings",
        "Import a results file",
        "Sittings this week",
    ]
    today = exam_admin_client.get(reverse("admin:exams_sitting_changelist") + "?when=today")
    assert today.context["cl"].result_count == 2


def test_superuser_sees_every_roles_start_page(superuser_client):
    sections = start_page(superuser_client).context["start_sections"]
    assert [section.role for section in sections] == list(start.ROLE_TITLES)


def test_every_button_and_count_opens_for_its_role(
    manager_client, support_client, exam_admin_client
):
    for client in (manager_client, support_client, exam_admin_client):
        for section in start_page(client).context["start_sections"]:
            for link in [*section.tasks, *section.counts]:
                assert client.get(link["url"]).status_code == 200, link


def test_a_role_that_is_none_of_the_three_is_refused_at_registration():
    with pytest.raises(ValueError):
        start.task("Cleaners", "mop", "Mop", "admin:index")
