"""A person takes their data away: everything the portal holds about them, nothing of
anyone else, and the export is written to the account's trail."""

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from privacy import registry
from privacy.models import AccountEvent
from privacy.services import export_personal_data
from tests.privacy.world import ADA, BRUNO
from vouchers.models import VoucherEvent

pytestmark = pytest.mark.django_db


def as_json(data) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder)


def test_the_export_holds_the_account_vouchers_bookings_results_reminders_and_events(w):
    data = export_personal_data(person=w.ada, actor=w.ada, now=w.now)

    assert data["account"] | {"email": ADA["email"]} == data["account"]
    assert data["account"]["legal_name"] == ADA["legal_name"]
    assert data["account"]["time_zone"] == ADA["time_zone"]
    assert data["account"]["language"] == "fr"

    assert [v["number_ends_with"] for v in data["vouchers"]] == [
        w.failed.number_last4,
        w.pending.number_last4,
        w.unused.__class__.objects.get(pk=w.unused.pk).number_last4,
    ]
    assert [v["status"] for v in data["vouchers"]] == [
        "retake_available",
        "booked",
        "first_attempt_available",
    ]
    assert [(b["booking"], b["status"], b["exam"]) for b in data["bookings"]] == [
        (w.first.pk, "taken", "070-483"),
        (w.booking.pk, "scheduled", "070-483"),
    ]
    assert data["bookings"][1]["test_centre"] == "Berlin Mitte, Berlin"
    assert [(r["booking"], r["outcome"]) for r in data["results"]] == [(w.first.pk, "failed")]
    assert [(r["occasion"], r["status"]) for r in data["reminders_sent"]] == [
        ("expiry_30", "failed")
    ]
    events = data["audit_events"]
    assert len(events) == VoucherEvent.objects.filter(voucher__registered_by=w.ada).count()
    by_action = {(e["action"], e["by"]) for e in events}
    assert ("voucher.registered", "you") in by_action
    assert ("voucher.outcome_recorded", "staff") in by_action
    reissued = next(e for e in events if e["action"] == "voucher.number_reissued")
    assert reissued["details"]["reason"] == "Lost her e-mail; ticket 4711"


def test_the_export_holds_no_number_no_hash_and_nothing_of_another_person(w):
    data = export_personal_data(person=w.ada, actor=w.ada, now=w.now)
    text = as_json(data)

    for secret in (w.failed.plain_number, w.pending.plain_number, w.failed.number_hash):
        assert secret not in text
    for someone_else in (
        BRUNO["email"],
        BRUNO["legal_name"],
        w.support.email,
        w.exam_admin.email,
        w.customer.name,
    ):
        assert someone_else not in text, someone_else
    assert w.bruno_booking.pk not in [b["booking"] for b in data["bookings"]]
    assert w.bruno_voucher.number_last4 not in [v["number_ends_with"] for v in data["vouchers"]]
    assert set(data["audit_events"][0]) == {
        "at",
        "action",
        "voucher_number_ends_with",
        "by",
        "details",
    }


def test_another_persons_id_in_an_event_of_the_pack_is_left_out(w, now):
    """A voucher of Ada's, tied to the pack when someone else booked with it, names them."""
    from vouchers import audit

    audit.record(w.unused, VoucherEvent.Action.TIED, actor=w.bruno, at=now, candidate=w.bruno.pk)
    events = export_personal_data(person=w.ada, actor=w.ada, now=now)["audit_events"]

    tied_by_bruno = [e for e in events if e["action"] == "voucher.tied" and e["by"] != "you"]
    assert [e["details"] for e in tied_by_bruno] == [{}]
    assert tied_by_bruno[0]["by"] == "another person"


def test_every_export_is_written_to_the_accounts_trail_with_who_and_why(w, now):
    export_personal_data(person=w.ada, actor=w.ada, now=now)
    export_personal_data(person=w.ada, actor=w.support, reason="Asked by letter", now=now)

    trail = AccountEvent.objects.filter(person=w.ada).order_by("pk")
    assert [(e.action, e.actor, e.reason) for e in trail] == [
        (AccountEvent.Action.EXPORTED, w.ada, ""),
        (AccountEvent.Action.EXPORTED, w.support, "Asked by letter"),
    ]
    requests = export_personal_data(person=w.ada, actor=w.ada, now=now)["personal_data_requests"]
    assert [(r["by"], r["reason"]) for r in requests] == [
        ("you", ""),
        ("staff", "Asked by letter"),
    ]


def test_a_registered_part_adds_its_sections_to_the_export(w, monkeypatch):
    """The register is how another app (support requests, say) joins the export."""

    class Notes(registry.PersonalData):
        name = "notes"

        def export(self, person, *, at):
            return {"notes": [f"a note about #{person.pk}"]}

    monkeypatch.setitem(registry._parts, "notes", Notes())
    data = export_personal_data(person=w.ada, actor=w.ada, now=w.now)
    assert data["notes"] == [f"a note about #{w.ada.pk}"]

    class Clash(Notes):
        name = "clash"

    monkeypatch.setitem(registry._parts, "clash", Clash())
    with pytest.raises(ValueError, match="notes"):
        export_personal_data(person=w.ada, actor=w.ada, now=w.now)
