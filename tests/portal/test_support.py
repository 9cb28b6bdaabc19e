"""Help and support: the help page, and a signed-in candidate writing to support."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from support.errors import Refused
from support.models import SupportEvent, SupportRequest
from support.services import send_support_request
from tests.factories import RegisteredVoucherFactory
from tests.portal.pages import field_error, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_limit_window")]


def write(client, **fields):
    return client.post(
        reverse("support:contact"),
        {"subject": "My name is misspelt", "message": "It should be Ada King Lovelace."} | fields,
    )


@pytest.mark.parametrize("signed_in_or_not", ["anonymous", "candidate"])
def test_every_page_links_help_and_contact_support_in_its_footer(
    signed_in_or_not, client, candidate
):
    if signed_in_or_not == "candidate":
        client.force_login(candidate)
    for url in [reverse("home"), reverse("login"), reverse("support:help")]:
        page = client.get(url, follow=True).content.decode()
        footer = page[page.index("<footer") :]
        assert f'href="{reverse("support:help")}"' in footer, url
        assert f'href="{reverse("support:contact")}"' in footer, url


def test_the_help_page_says_the_offers_rules_in_plain_words_to_anyone(client, settings):
    """SS-1, SS-4, SS-10"""
    page = text(client.get(reverse("support:help")))

    assert "one free retake if you do not pass the first time" in page
    assert "You book one exam at a time" in page
    assert "until 24 hours before the sitting" in page
    assert "(numbers starting 070-)" in page
    assert "Only support can correct it" in page


def test_the_help_page_reads_in_japanese(client):
    client.cookies["django_language"] = "ja"
    page = text(client.get(reverse("support:help")))
    assert "Second Shot の仕組み" in page


def test_contact_asks_a_visitor_to_sign_in_first(client):
    response = client.get(reverse("support:contact"))
    assert response.url == f"{reverse('login')}?next={quote(reverse('support:contact'))}"


def test_a_candidate_writes_to_support_about_a_voucher_and_sees_the_request(signed_in, candidate):
    voucher = RegisteredVoucherFactory(registered_by=candidate)

    response = write(signed_in, voucher=voucher.pk)

    assert response.status_code == 302
    request = SupportRequest.objects.get()
    assert (request.candidate, request.voucher, request.status) == (candidate, voucher, "open")
    assert request.subject == "My name is misspelt"
    event = SupportEvent.objects.get()
    assert (event.action, event.person, event.request) == (
        "support.request_opened",
        candidate,
        request,
    )
    page = text(signed_in.get(response.url))
    assert f"We answer by e-mail to {candidate.email}" in page
    assert "My name is misspelt" in page
    assert "Open" in page
    assert voucher.masked_number in page


def test_only_the_candidates_own_vouchers_can_be_named(signed_in, candidate):
    mine = RegisteredVoucherFactory(registered_by=candidate)
    theirs = RegisteredVoucherFactory()

    page = text(signed_in.get(reverse("support:contact")))
    response = write(signed_in, voucher=theirs.pk)

    assert mine.masked_number in page and theirs.masked_number not in page
    assert response.status_code == 200
    assert "Select a valid choice" in field_error(response, "voucher")
    assert not SupportRequest.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"message": "   "}, "message"),
        ({"subject": "x" * 151}, "subject"),
    ],
    ids=["no subject", "blank message", "subject too long"],
)
def test_bad_input_gets_a_message_next_to_the_field_and_sends_nothing(signed_in, fields, field):
    response = write(signed_in, **fields)

    assert response.status_code == 200
    assert field_error(response, field)
    assert not SupportRequest.objects.exists()


def test_a_subject_is_kept_on_one_line(signed_in):
    """It heads the reply e-mail: a line break there would break the e-mail's header."""
    write(signed_in, subject="Name\r\nBcc: someone@example.com")
    assert SupportRequest.objects.get().subject == "Name Bcc: someone@example.com"


def test_a_candidate_sends_at_most_five_requests_a_day(signed_in):
    """Corrected forms do not count: only requests sent."""
    assert write(signed_in, subject="").status_code == 200
    answers = [write(signed_in, subject=f"Question {n}").status_code for n in range(7)]

    assert answers == [302] * 5 + [429] * 2
    assert SupportRequest.objects.count() == 5
    page = text(write(signed_in))
    assert "paused new ones until tomorrow" in page


def test_another_candidate_never_sees_a_request(signed_in, other_client):
    write(signed_in)
    assert "My name is misspelt" not in text(other_client.get(reverse("support:contact")))


def test_the_account_page_links_contact_support_where_it_says_to(signed_in):
    page = signed_in.get(reverse("account")).content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    assert f'href="{reverse("support:contact")}"' in main


def test_signed_out_no_request_can_be_posted():
    response = Client().post(reverse("support:contact"), {"subject": "x", "message": "y"})
    assert response.status_code == 302
    assert not SupportRequest.objects.exists()


def test_the_workflow_refuses_another_persons_voucher_whatever_the_form_offers(candidate):
    theirs = RegisteredVoucherFactory()
    with pytest.raises(Refused) as refused:
        send_support_request(candidate=candidate, voucher=theirs, subject="x", message="y")
    assert refused.value.code == "voucher_not_yours"
    assert not SupportRequest.objects.exists()
