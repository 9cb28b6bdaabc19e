"""Support exports or erases a candidate's data on their request, from the candidate's page,
each with a reason written to the account's trail. Nobody else may."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from privacy.models import AccountEvent
from tests.backoffice.conftest import signed_in
from tests.portal.pages import text
from tests.privacy.world import ADA, BRUNO, build
from vouchers.models import Booking

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def w(db, now):
    return build(now)


def export_url(person):
    return reverse("admin:accounts_user_privacy_export", args=[person.pk])


def erase_url(person):
    return reverse("admin:accounts_user_privacy_erase", args=[person.pk])


def test_support_and_superusers_find_the_two_buttons_on_a_candidates_page(w, superuser):
    page = text(signed_in(w.support).get(reverse("admin:accounts_user_change", args=[w.ada.pk])))
    assert "Export personal data" in page and "Erase personal data" in page
    page = text(signed_in(superuser).get(reverse("admin:accounts_user_change", args=[w.ada.pk])))
    assert "Export personal data" in page and "Erase personal data" in page
    own = text(signed_in(superuser).get(reverse("admin:accounts_user_change", args=[w.support.pk])))
    assert "Erase personal data" not in own  # a staff account is closed, not erased


def test_support_exports_a_candidates_data_with_a_reason(w):
    support = signed_in(w.support)
    asked = support.get(export_url(w.ada))
    assert "Export the candidate's data" in text(asked)
    assert ADA["email"] in text(asked)

    no_reason = support.post(export_url(w.ada), {"reason": "  "})
    assert "Say why, for the account's trail." in text(no_reason)
    assert not AccountEvent.objects.exists()

    response = support.post(export_url(w.ada), {"reason": "Ticket 4712: asked by e-mail"})
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == ADA["email"]
    assert BRUNO["email"] not in response.content.decode()
    assert w.support.email not in response.content.decode()
    event = AccountEvent.objects.get()
    assert (event.action, event.actor, event.person, event.reason) == (
        AccountEvent.Action.EXPORTED,
        w.support,
        w.ada,
        "Ticket 4712: asked by e-mail",
    )


def test_support_erases_a_candidates_data_after_confirming_the_booking_is_cancelled(w):
    support = signed_in(w.support)
    asked = text(support.get(erase_url(w.ada)))
    assert "Exam 070-483 is booked for" in asked and "Cancel this booking" in asked

    unconfirmed = support.post(erase_url(w.ada), {"reason": "Ticket 4713"})
    assert "Tick the box to confirm." in text(unconfirmed)
    assert User.objects.get(pk=w.ada.pk).email == ADA["email"]

    response = support.post(erase_url(w.ada), {"reason": "Ticket 4713", "consent_0": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:accounts_user_change", args=[w.ada.pk])
    page = text(support.get(response["Location"]))
    assert f"the account is now erased-{w.ada.pk}@erased.invalid" in page
    assert ADA["legal_name"] not in page
    assert "Ticket 4713" in page  # the account's trail, on the page
    w.booking.refresh_from_db()
    assert w.booking.status == Booking.Status.CANCELLED
    event = AccountEvent.objects.get(action=AccountEvent.Action.ERASED)
    assert (event.actor, event.reason) == (w.support, "Ticket 4713")


def test_a_booking_past_its_cut_off_refuses_erasure_with_the_reason(db, now):
    """SS-10"""
    w = build(now - timedelta(days=9, hours=12))  # the sitting is 12 hours away
    support = signed_in(w.support)
    asked = support.get(erase_url(w.ada))
    assert "The account can be erased once the sitting has started." in text(asked)
    assert 'name="reason"' not in asked.content.decode()

    refused = support.post(erase_url(w.ada), {"reason": "Ticket 4714", "consent_0": "on"})
    assert "can be cancelled only until 24 hours before the sitting" in text(refused)
    assert not AccountEvent.objects.filter(action=AccountEvent.Action.ERASED).exists()


def test_nobody_but_support_and_superusers_exports_or_erases(w, manager, exam_admin):
    for staff in (manager, exam_admin):
        client = signed_in(staff)
        for url in (export_url(w.ada), erase_url(w.ada)):
            assert client.get(url).status_code == 403
            assert client.post(url, {"reason": "x", "consent_0": "on"}).status_code == 403
    candidate = signed_in(w.bruno)
    assert candidate.post(erase_url(w.ada), {"reason": "x"}).status_code == 302  # to sign in
    assert User.objects.get(pk=w.ada.pk).email == ADA["email"]
    assert not AccountEvent.objects.exists()


def test_the_account_trail_is_read_only_in_the_back_office(w, superuser):
    signed_in(w.support).post(export_url(w.ada), {"reason": "Ticket 4715"})
    event = AccountEvent.objects.get()
    for client in (signed_in(w.support), signed_in(superuser)):
        listing = client.get(reverse("admin:privacy_accountevent_changelist"))
        assert "Ticket 4715" in text(listing)
        assert client.get(reverse("admin:privacy_accountevent_add")).status_code == 403
        delete = reverse("admin:privacy_accountevent_delete", args=[event.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AccountEvent.objects.get().reason == "Ticket 4715"
