"""What support holds about a person: in the export, scrubbed by erasure, never in the
trail (``support/personal_data.py``)."""

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from privacy.services import erase_person, export_personal_data
from support.models import SupportEvent, SupportReply, SupportRequest
from tests.privacy.world import ADA
from vouchers.personal_data import CANCEL_SCHEDULED

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_persons_requests_and_supports_replies_without_staff_names(w):
    data = export_personal_data(person=w.ada, actor=w.ada, now=w.now)

    (request,) = data["support_requests"]
    assert request["message"] == f"My name is {ADA['legal_name']}, not Ada."
    assert request["status"] == "answered"
    assert request["voucher"] == w.unused.__class__.objects.get(pk=w.unused.pk).number_last4
    assert [reply["message"] for reply in request["replies"]] == [
        f"Dear {ADA['legal_name']}, we corrected it."
    ]
    assert w.support.email not in json.dumps(data, cls=DjangoJSONEncoder)


def test_erasure_scrubs_every_request_and_reply_and_keeps_the_trail(w):
    events_before = SupportEvent.objects.count()

    erase_person(person=w.ada, actor=w.ada, consents={CANCEL_SCHEDULED}, now=w.now)

    request = SupportRequest.objects.get(pk=w.support_request.pk)
    stored = [
        request.subject,
        request.message,
        *SupportReply.objects.values_list("message", flat=True),
    ]
    assert not any(ADA["legal_name"] in value or ADA["email"] in value for value in stored)
    assert request.status == SupportRequest.Status.CLOSED
    assert SupportEvent.objects.count() == events_before


def test_no_support_event_holds_a_name_an_address_or_a_message(w):
    held = json.dumps(list(SupportEvent.objects.values("details", "reason")), cls=DjangoJSONEncoder)
    for personal in (ADA["email"], ADA["legal_name"], "not Ada", "we corrected it"):
        assert personal not in held
