"""Support answers candidates' requests in the back office and corrects a legal name."""

import pytest
from django.core import mail
from django.urls import reverse

from support import services, tasks
from support.models import SupportEvent, SupportReply, SupportRequest
from tests.factories import CandidateFactory, RegisteredVoucherFactory
from tests.portal.pages import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_(db):
    candidate = CandidateFactory(legal_name="Ada Kng Lovelace", language="fr")
    voucher = RegisteredVoucherFactory(registered_by=candidate)
    return services.send_support_request(
        candidate=candidate,
        voucher=voucher,
        subject="My name is misspelt",
        message="It should be Ada King Lovelace.",
    )


def changelist():
    return reverse("admin:support_supportrequest_changelist")


def page_of(request_):
    return reverse("admin:support_supportrequest_change", args=[request_.pk])


def reply(client, request_, message="Thank you, it is corrected."):
    return client.post(
        reverse("admin:support_supportrequest_reply", args=[request_.pk]), {"message": message}
    )


def test_support_sees_the_open_requests_first_and_others_on_asking(support_client, request_):
    answered = services.send_support_request(
        candidate=request_.candidate, subject="Another question", message="…"
    )
    services.reply_to_request(request=answered, author=request_.candidate, message="Done")

    open_list = text(support_client.get(changelist()))
    answered_list = text(support_client.get(changelist() + "?status=answered"))
    every = text(support_client.get(changelist() + "?status=all"))

    assert "My name is misspelt" in open_list and "Another question" not in open_list
    assert "Another question" in answered_list and "My name is misspelt" not in answered_list
    assert "Another question" in every and "My name is misspelt" in every


def test_a_request_shows_the_candidate_the_voucher_and_the_message(support_client, request_):
    response = support_client.get(page_of(request_))
    page = text(response)

    assert request_.candidate.email in page
    assert request_.voucher.masked_number in page
    assert "It should be Ada King Lovelace." in page
    assert 'value="Send the reply"' in response.content.decode()


def test_a_reply_is_emailed_in_the_candidates_language_and_marks_the_request_answered(
    support_client, support, request_, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = reply(support_client, request_)

    assert response.url == page_of(request_)
    request_.refresh_from_db()
    assert request_.status == SupportRequest.Status.ANSWERED
    (message,) = mail.outbox
    assert message.to == [request_.candidate.email]
    assert message.subject == "Re : My name is misspelt"
    assert "Thank you, it is corrected." in message.body
    assert "Le support a répondu" in message.body
    event = SupportEvent.objects.get(action=SupportEvent.Action.ANSWERED)
    assert (event.actor, event.person, event.request) == (support, request_.candidate, request_)
    assert "Thank you, it is corrected." in text(support_client.get(page_of(request_)))


def test_a_reply_is_emailed_once_though_its_task_runs_twice(support, request_):
    reply_ = services.reply_to_request(request=request_, author=support, message="Done")
    mail.outbox.clear()

    assert tasks.send_reply.call(reply_.pk) == "sent"
    assert tasks.send_reply.call(reply_.pk) == "already_sent"
    assert len(mail.outbox) == 1
    assert SupportReply.objects.get().emailed_at is not None


def test_an_empty_reply_gets_a_message_and_sends_nothing(support_client, request_):
    response = reply(support_client, request_, message="  ")

    assert response.status_code == 200
    assert "This field is required." in text(response)
    request_.refresh_from_db()
    assert request_.status == SupportRequest.Status.OPEN
    assert mail.outbox == []


def test_a_closed_request_takes_no_reply(support_client, request_):
    support_client.post(reverse("admin:support_supportrequest_close", args=[request_.pk]))
    request_.refresh_from_db()
    assert request_.status == SupportRequest.Status.CLOSED

    response = reply(support_client, request_)

    assert "This request is closed: it takes no more replies." in text(response)
    assert not SupportReply.objects.exists()
    assert mail.outbox == []
    assert SupportEvent.objects.filter(action=SupportEvent.Action.CLOSED).count() == 1


def test_other_roles_neither_read_nor_answer_requests(manager_client, exam_admin_client, request_):
    for client in (manager_client, exam_admin_client):
        assert client.get(changelist()).status_code == 403
        assert client.get(page_of(request_)).status_code == 403
        assert reply(client, request_).status_code == 403
    request_.refresh_from_db()
    assert request_.status == SupportRequest.Status.OPEN


# --- the legal name ------------------------------------------------------------------


def correct(client, person, **fields):
    return client.post(
        reverse("admin:accounts_user_legal_name", args=[person.pk]),
        {"legal_name": "Ada King Lovelace", "reason": "ticket 12, passport shown"} | fields,
    )


def test_support_corrects_a_legal_name_with_a_reason_written_to_the_trail(
    support_client, support, request_
):
    person = request_.candidate
    user_page = text(support_client.get(reverse("admin:accounts_user_change", args=[person.pk])))
    assert "Correct the legal name" in user_page

    response = correct(support_client, person)

    assert response.url == reverse("admin:accounts_user_change", args=[person.pk])
    person.refresh_from_db()
    assert person.legal_name == "Ada King Lovelace"
    event = SupportEvent.objects.get(action=SupportEvent.Action.LEGAL_NAME_CORRECTED)
    assert (event.actor, event.person, event.reason) == (
        support,
        person,
        "ticket 12, passport shown",
    )
    assert "Lovelace" not in str(event.details) and "Kng" not in str(event.details)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"legal_name": "   "}, "This field is required."),
        ({"legal_name": "Ada Kng Lovelace"}, "This is already the candidate's legal name."),
        ({"reason": ""}, "This field is required."),
    ],
    ids=["blank name", "unchanged", "no reason"],
)
def test_a_bad_correction_is_refused_next_to_its_field(support_client, request_, fields, error):
    response = correct(support_client, request_.candidate, **fields)

    assert response.status_code == 200
    assert error in text(response)
    request_.candidate.refresh_from_db()
    assert request_.candidate.legal_name == "Ada Kng Lovelace"
    assert not SupportEvent.objects.filter(action=SupportEvent.Action.LEGAL_NAME_CORRECTED).exists()


def test_only_support_corrects_a_legal_name(manager_client, request_):
    assert correct(manager_client, request_.candidate).status_code == 403
    request_.candidate.refresh_from_db()
    assert request_.candidate.legal_name == "Ada Kng Lovelace"


def test_supports_trail_is_append_only(request_):
    event = SupportEvent.objects.get()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        SupportEvent.objects.all().delete()
