"""Issuing a pack from the admin, and handing its numbers over once (SS-7, SS-12).

SPEC: numbers are shown in full exactly once when issued, to the account
manager; everywhere else only their last characters.
"""

import csv
import io
import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import CustomerFactory, in_days
from vouchers import numbers
from vouchers.admin import handover
from vouchers.models import ExamPack, Voucher, VoucherEvent

pytestmark = pytest.mark.django_db

DISPLAYED_NUMBER = re.compile(r"\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){4}\b")


@pytest.fixture
def customer(manager):
    return CustomerFactory(
        account_manager=manager, name="Contoso Training Ltd", contact_email="training@contoso.test"
    )


def issue_form(customer, **changes):
    return {
        "customer": customer.pk,
        "exam_count": "3",
        "expires_on": in_days(200).isoformat(),
        "is_second_shot": "on",
        "list_price": "450.00",
        "currency": "USD",
        "discount_percent": "0",
        "promotion": "",
    } | changes


def issue(client, customer, **changes):
    return client.post(reverse("admin:vouchers_exampack_add"), issue_form(customer, **changes))


@pytest.fixture
def issued(manager_client, customer):
    """The response to issuing a 3-exam Second Shot pack, and the pack."""
    response = issue(manager_client, customer)
    return response, ExamPack.objects.get()


def numbers_url(pack, what=""):
    suffix = f"_{what}" if what else ""
    return reverse(f"admin:vouchers_exampack_numbers{suffix}", args=[pack.pk])


def shown_numbers(response) -> list[str]:
    return DISPLAYED_NUMBER.findall(response.content.decode())


@pytest.mark.parametrize(
    "combination", [{"discount_percent": "10"}, {"promotion": "Summer bundle"}]
)
def test_a_second_shot_pack_with_a_discount_or_promotion_is_refused_on_the_form(
    manager_client, customer, combination
):
    """SS-7: the form says why, and nothing is created."""
    response = issue(manager_client, customer, **combination)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Second Shot cannot be combined with any other offer or discount" in page
    assert 'value="Summer bundle"' in page or 'value="10"' in page  # what was typed stays
    assert not ExamPack.objects.exists() and not Voucher.objects.exists()
    assert not VoucherEvent.objects.exists()


def test_a_discounted_plain_pack_is_issued(manager_client, customer):
    """SS-7: with a discount, a pack is a plain pack without free retakes."""
    response = issue(manager_client, customer, is_second_shot="", discount_percent="15")
    assert response.status_code == 302
    assert not ExamPack.objects.get().is_second_shot


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"expires_on": in_days(0).isoformat()}, "The expiry date must be in the future."),
        ({"exam_count": "0"}, "A pack holds from 1 to 10,000 exams."),
        ({"currency": "US$"}, "A currency is three letters"),
        ({"discount_percent": "120"}, "less than or equal to 100"),
        ({"list_price": "cheap"}, "Enter a number"),
        ({"expires_on": "soon"}, "Enter a valid date"),
    ],
)
def test_bad_pack_input_is_answered_next_to_the_field(manager_client, customer, changes, message):
    response = issue(manager_client, customer, **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ExamPack.objects.exists()


def test_issuing_goes_through_the_workflow_and_writes_the_audit_trail(issued, manager):
    """SS-12"""
    response, pack = issued
    assert response.status_code == 302
    assert response.url == numbers_url(pack)
    assert (pack.exam_count, pack.is_second_shot, pack.issued_by) == (3, True, manager)
    events = VoucherEvent.objects.filter(action=VoucherEvent.Action.ISSUED, voucher__pack=pack)
    assert events.count() == 3 and {e.actor for e in events} == {manager}


def test_the_numbers_are_shown_once_and_never_again(manager_client, issued):
    _, pack = issued

    first = manager_client.get(numbers_url(pack))
    again = manager_client.get(numbers_url(pack))

    shown = shown_numbers(first)
    assert len(shown) == 3
    digests = {numbers.digest(numbers.normalize(number)) for number in shown}
    assert digests == set(pack.vouchers.values_list("number_hash", flat=True))
    assert "shown now and never again" in first.content.decode()
    assert first["Cache-Control"].count("no-store") == 1
    assert shown_numbers(again) == []
    assert "were shown once" in again.content.decode()


def test_after_issuing_only_the_last_four_characters_appear_anywhere(manager_client, issued):
    _, pack = issued
    shown = shown_numbers(manager_client.get(numbers_url(pack)))
    voucher = pack.vouchers.first()
    pages = [
        reverse("admin:vouchers_exampack_changelist"),
        reverse("admin:vouchers_exampack_change", args=[pack.pk]),
        reverse("admin:vouchers_voucher_changelist"),
        reverse("admin:vouchers_voucher_change", args=[voucher.pk]),
        reverse("admin:vouchers_voucherevent_changelist"),
        numbers_url(pack),
    ]
    for url in pages:
        page = manager_client.get(url).content.decode()
        assert not DISPLAYED_NUMBER.search(page), url
        for number in shown:
            assert number.replace("-", "") not in page, url
    voucher_page = manager_client.get(pages[3]).content.decode()
    assert voucher.masked_number in voucher_page


def test_the_csv_holds_the_numbers_and_downloads_once(manager_client, issued):
    _, pack = issued
    shown = shown_numbers(manager_client.get(numbers_url(pack)))

    response = manager_client.post(numbers_url(pack, "csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"pack-{pack.pk}-voucher-numbers.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["voucher_number"] for row in rows] == shown
    assert {row["customer"] for row in rows} == {"Contoso Training Ltd"}
    assert {row["expires_on"] for row in rows} == {pack.expires_on.isoformat()}
    assert {row["second_shot"] for row in rows} == {"yes"}

    again = manager_client.post(numbers_url(pack, "csv"), follow=True)
    assert "no longer available" in again.content.decode()
    assert not shown_numbers(again)


def test_the_csv_cannot_be_fetched_with_a_link(manager_client, issued):
    """A GET (a prefetching browser, a link scanner) must not spend the one download."""
    _, pack = issued
    assert manager_client.get(numbers_url(pack, "csv")).status_code == 405
    assert manager_client.post(numbers_url(pack, "csv")).status_code == 200


def test_the_numbers_are_e_mailed_once_to_the_customers_contact(
    manager_client, issued, django_capture_on_commit_callbacks
):
    _, pack = issued
    shown = shown_numbers(manager_client.get(numbers_url(pack)))

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(numbers_url(pack, "email"), follow=True)

    assert (
        "The 3 voucher numbers are on their way to training@contoso.test by e-mail."
        in response.content.decode()
    )
    assert not shown_numbers(response)
    [message] = mail.outbox
    assert message.to == ["training@contoso.test"]
    for number in shown:
        assert number in message.body
        assert number in message.alternatives[0].content
    assert pack.expires_on.strftime("%-d %B %Y") in message.body
    assert "http://127.0.0.1:8000" in message.body  # SITE_URL: where to register them
    assert "free retake" in message.body

    manager_client.post(numbers_url(pack, "email"))
    assert len(mail.outbox) == 1


def test_done_forgets_the_numbers(manager_client, issued):
    _, pack = issued
    manager_client.get(numbers_url(pack))

    response = manager_client.post(numbers_url(pack, "done"))

    assert response.url == reverse("admin:vouchers_exampack_change", args=[pack.pk])
    assert handover.SESSION_KEY not in manager_client.session
    manager_client.post(numbers_url(pack, "email"))
    assert mail.outbox == []


def test_the_numbers_are_forgotten_after_a_while(manager_client, issued, monkeypatch):
    _, pack = issued
    later = handover._now() + handover.HOLD_FOR.total_seconds() + 1
    monkeypatch.setattr(handover, "_now", lambda: later)

    assert shown_numbers(manager_client.get(numbers_url(pack))) == []
    response = manager_client.post(numbers_url(pack, "csv"), follow=True)
    assert "no longer available" in response.content.decode()
    assert handover.SESSION_KEY not in manager_client.session


def test_the_numbers_stay_with_the_manager_who_issued_them(issued, other_manager_client):
    """Another manager, even one who typed the URL, gets nothing."""
    _, pack = issued
    assert other_manager_client.get(numbers_url(pack)).status_code == 404
    assert other_manager_client.post(numbers_url(pack, "csv")).status_code == 404


def test_a_customer_name_cannot_smuggle_a_formula_into_the_csv(manager_client, manager):
    customer = CustomerFactory(account_manager=manager, name="=HYPERLINK(evil)")
    issue(manager_client, customer)
    pack = ExamPack.objects.get()

    response = manager_client.post(numbers_url(pack, "csv"))

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["customer"] for row in rows} == {"'=HYPERLINK(evil)"}


@pytest.mark.parametrize("separator", [";", "\t"])
def test_a_formula_after_a_separator_is_disarmed_whatever_the_spreadsheet_splits_on(
    manager_client, manager, separator
):
    """A spreadsheet that splits on ";" or tabs still reads the name as one cell."""
    name = f"Contoso{separator}=HYPERLINK(evil)"
    customer = CustomerFactory(account_manager=manager, name=name)
    issue(manager_client, customer)
    pack = ExamPack.objects.get()

    text = manager_client.post(numbers_url(pack, "csv")).content.decode()

    assert f'"Contoso{separator}\'=HYPERLINK(evil)"' in text, "quoted, the formula disarmed"
    for row in csv.reader(io.StringIO(text), delimiter=separator):
        assert not any(cell.lstrip().startswith("=") for cell in row), row


def test_the_issue_form_suggests_a_usual_pack(manager_client):
    page = manager_client.get(reverse("admin:vouchers_exampack_add")).content.decode()
    assert 'name="exam_count" value="3"' in page
    assert "Issue the pack" in page


def test_a_currency_typed_in_full_width_is_read_as_its_letters(manager_client, customer):
    """Typed through a Japanese input method: ｅｕｒ is EUR."""
    response = issue(manager_client, customer, currency="ｅｕｒ")
    assert response.status_code == 302
    assert ExamPack.objects.get().currency == "EUR"
