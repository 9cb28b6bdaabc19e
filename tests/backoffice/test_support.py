"""Support finds vouchers and helps candidates, never seeing a number (SS-6, SS-12)."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import CustomerFactory, RegisteredVoucherFactory, UserFactory, VoucherFactory
from vouchers import numbers
from vouchers.models import Voucher, VoucherEvent

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:vouchers_voucher_changelist"


@pytest.fixture
def alex():
    return UserFactory(email="alex@example.com", legal_name="Alex Candidate")


@pytest.fixture
def vouchers(alex):
    """Alex's registered voucher, a stranger's, and an unregistered one of another customer."""
    return {
        "alex": RegisteredVoucherFactory(
            registered_by=alex, pack__customer=CustomerFactory(name="Contoso Training Ltd")
        ),
        "stranger": RegisteredVoucherFactory(pack__customer=CustomerFactory(name="Fabrikam")),
        "unregistered": VoucherFactory(pack__customer=CustomerFactory(name="Northwind")),
    }


def found(client, term) -> set[int]:
    response = client.get(reverse(CHANGELIST), {"q": term})
    assert response.status_code == 200
    return set(response.context["cl"].result_list.values_list("pk", flat=True))


@pytest.mark.parametrize("how", ["plain", "displayed", "small letters and spaces", "typo"])
def test_a_whole_number_in_the_search_box_is_sent_to_the_find_form_not_looked_up(
    support_client, vouchers, how
):
    """The search box's query travels in the URL, its filter links and the access log: a
    number never does. The person is sent to the form that posts it."""
    number = vouchers["unregistered"].plain_number
    typed = {
        "plain": number,
        "displayed": numbers.display(number),
        "small letters and spaces": numbers.display(number).lower().replace("-", " "),
        "typo": numbers.display(number[:5] + ("B" if number[5] != "B" else "C") + number[6:]),
    }[how]

    response = support_client.get(reverse(CHANGELIST), {"q": typed})

    assert response.status_code == 302
    assert response.url == reverse("admin:vouchers_voucher_find")
    page = support_client.get(response.url).content.decode()
    assert "Whole voucher numbers are not searched in this list" in page
    assert typed not in page


def test_support_finds_a_voucher_by_its_last_four_and_the_candidates_email(
    support_client, vouchers
):
    voucher = vouchers["alex"]
    last4 = voucher.number_last4
    assert found(support_client, f"{last4.lower()} ALEX@example.com") == {voucher.pk}
    assert found(support_client, f"alex@example.com {last4}") == {voucher.pk}
    assert found(support_client, f"{last4} someone@example.com") == set()


def test_support_finds_vouchers_by_candidate_or_customer(support_client, vouchers):
    assert found(support_client, "alex@example.com") == {vouchers["alex"].pk}
    assert found(support_client, "Alex Candidate") == {vouchers["alex"].pk}
    assert found(support_client, "Northwind") == {vouchers["unregistered"].pk}


def test_finding_by_number_through_the_form_keeps_the_number_out_of_urls(support_client, vouchers):
    voucher = vouchers["stranger"]
    url = reverse("admin:vouchers_voucher_find")

    response = support_client.post(url, {"number": numbers.display(voucher.plain_number)})

    assert response.url == reverse("admin:vouchers_voucher_change", args=[voucher.pk])
    assert voucher.plain_number not in response.url
    typo = support_client.post(url, {"number": "ABCD-EFGH"})
    assert "A voucher number has 20 letters and digits" in typo.content.decode()
    unknown = support_client.post(url, {"number": numbers.generate()})
    assert "No voucher you can see has this number" in unknown.content.decode()


def test_a_manager_finds_only_their_own_customers_vouchers_by_number(manager_client, vouchers):
    voucher = vouchers["stranger"]
    response = manager_client.post(
        reverse("admin:vouchers_voucher_find"), {"number": voucher.plain_number}
    )
    assert "No voucher you can see has this number" in response.content.decode()


def test_the_voucher_page_shows_its_bookings_and_audit_trail_read_only(
    support_client, candidate_booking
):
    voucher = candidate_booking.voucher
    response = support_client.get(reverse("admin:vouchers_voucher_change", args=[voucher.pk]))

    page = response.content.decode()
    assert "Bookings" in page and "070-483" in page
    assert "Audit trail" in page and "Booked" in page and "Tied to a candidate" in page
    assert voucher.masked_number in page
    assert 'name="_save"' not in page
    assert not re.search(r'<(select|textarea)[^>]+name="bookings-0-', page)
    assert not re.search(r'<input type="(text|number)"[^>]+name="bookings-0-', page)


def act(client, action, voucher, reason, *, on_the_change_page=False):
    """Run an action with its reason, from the list or from the voucher's page."""
    if on_the_change_page:
        url = reverse("admin:vouchers_voucher_change", args=[voucher.pk])
        data = {"CHANGE_FORM-action": action, "_selected_action": [voucher.pk]}
    else:
        url = reverse(CHANGELIST)
        data = {"action": action, "_selected_action": [voucher.pk]}
    question = client.post(url, data)
    assert question.status_code == 200
    assert 'name="reason"' in question.content.decode()
    return client.post(url, data | {"_confirmed": "yes", "reason": reason}, follow=True)


@pytest.mark.parametrize("on_the_change_page", [False, True])
def test_support_resends_the_confirmation_with_a_reason_and_it_is_audited(
    support_client, support, vouchers, alex, on_the_change_page, django_capture_on_commit_callbacks
):
    """SS-6, SS-12"""
    voucher = vouchers["alex"]
    with django_capture_on_commit_callbacks(execute=True):
        response = act(
            support_client,
            "resend_confirmation",
            voucher,
            "Asked on the phone",
            on_the_change_page=on_the_change_page,
        )

    assert "Re-sent the registration confirmation for 1 voucher." in response.content.decode()
    event = voucher.events.get(action=VoucherEvent.Action.CONFIRMATION_RESENT)
    assert (event.actor, event.details["reason"]) == (support, "Asked on the phone")
    [message] = mail.outbox
    assert message.to == [alex.email] and "/recover/" in message.body


@pytest.mark.parametrize("on_the_change_page", [False, True])
def test_support_reissues_a_number_that_goes_to_the_candidate_and_is_never_shown(
    support_client, support, vouchers, alex, on_the_change_page, django_capture_on_commit_callbacks
):
    """SS-6: the new number goes to the candidate's e-mail only; no page shows it."""
    voucher = vouchers["alex"]
    url = reverse("admin:vouchers_voucher_change", args=[voucher.pk])
    bodies = []
    with django_capture_on_commit_callbacks(execute=True):
        response = act(
            support_client,
            "reissue_number",
            voucher,
            "Lost the e-mail",
            on_the_change_page=on_the_change_page,
        )
    bodies.append(response.content.decode())
    bodies.append(support_client.get(url).content.decode())
    bodies.append(support_client.get(reverse(CHANGELIST)).content.decode())
    bodies.append(
        support_client.get(reverse("admin:vouchers_voucherevent_changelist")).content.decode()
    )

    [message] = mail.outbox
    assert message.to == [alex.email]
    new_number = next(n for n in re.findall(r"\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){4}\b", message.body))
    voucher.refresh_from_db()
    assert numbers.digest(numbers.normalize(new_number)) == voucher.number_hash
    for body in bodies:
        assert new_number not in body
        assert new_number.replace("-", "") not in body
    assert "each new number went to the candidate" in bodies[0]
    event = voucher.events.get(action=VoucherEvent.Action.NUMBER_REISSUED)
    assert (event.actor, event.details["reason"]) == (support, "Lost the e-mail")


def test_a_refused_action_says_why_for_that_voucher(support_client, vouchers):
    """An unregistered voucher has nobody to send a confirmation to."""
    voucher = vouchers["unregistered"]
    response = act(support_client, "resend_confirmation", voucher, "Checking")
    page = response.content.decode()
    assert f"Voucher {voucher.masked_number}" in page
    assert "This voucher is not registered to anyone yet." in page
    assert not voucher.events.filter(action=VoucherEvent.Action.CONFIRMATION_RESENT).exists()


def test_an_action_needs_a_reason(support_client, vouchers):
    voucher = vouchers["alex"]
    url = reverse(CHANGELIST)
    data = {"action": "resend_confirmation", "_selected_action": [voucher.pk]}
    response = support_client.post(url, data | {"_confirmed": "yes", "reason": "  "})
    assert response.status_code == 200
    assert "Say why, for the audit trail." in response.content.decode()
    assert not voucher.events.filter(action=VoucherEvent.Action.CONFIRMATION_RESENT).exists()


def test_support_cannot_void_and_managers_cannot_reissue(
    support_client, manager_client, manager, vouchers
):
    voucher = vouchers["alex"]
    voucher.pack.customer.account_manager = manager
    voucher.pack.customer.save()
    for client, action in [(support_client, "void_vouchers"), (manager_client, "reissue_number")]:
        response = client.post(
            reverse(CHANGELIST),
            {
                "action": action,
                "_selected_action": [voucher.pk],
                "_confirmed": "yes",
                "reason": "x",
            },
        )
        assert response.status_code == 302  # "No action selected."
    assert Voucher.objects.get(pk=voucher.pk).number_hash == voucher.number_hash
    assert Voucher.objects.get(pk=voucher.pk).voided_at is None


def test_support_finds_a_candidate_but_not_staff(support_client, alex, manager):
    page = support_client.get(
        reverse("admin:accounts_user_changelist"), {"q": "@"}
    ).content.decode()
    assert alex.email in page
    assert manager.email not in page
    detail = support_client.get(reverse("admin:accounts_user_change", args=[alex.pk]))
    assert detail.status_code == 200
    assert "Permissions" not in detail.content.decode()


def test_supports_two_jobs_are_buttons_on_the_vouchers_page_not_a_drop_down(support_client):
    voucher = RegisteredVoucherFactory()
    page = support_client.get(reverse("admin:vouchers_voucher_change", args=[voucher.pk]))
    html = page.content.decode()
    assert "Re-send the registration confirmation</button>" in html
    assert "Reissue the number on the candidate&#x27;s behalf</button>" in html
    assert "Void this voucher" not in html  # an account manager's
    assert 'name="CHANGE_FORM-action" value="reissue_number"' in html
    assert "<select" not in html.split('id="voucher_form"')[1]


def test_the_vouchers_page_shows_its_expiry_as_every_other_date_in_the_locales_format(
    support_client,
):
    voucher = RegisteredVoucherFactory(pack__expires_on=dt.date(2027, 4, 5))
    page = support_client.get(reverse("admin:vouchers_voucher_change", args=[voucher.pk]))
    assert "05 Apr 2027" in page.content.decode()
    assert "2027-04-05" not in page.content.decode()
