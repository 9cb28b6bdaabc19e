"""Every candidate URL is scoped to the signed-in candidate; anonymous visitors sign in first.

The tables are checked against ``vouchers.urls.urlpatterns``: a new URL without an
entry here fails ``test_every_portal_url_is_in_the_scoping_table``.
"""

from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.core import mail
from django.test import Client
from django.urls import URLPattern, reverse

from exams.models import Sitting
from tests.factories import RegisteredVoucherFactory, SittingFactory
from tests.portal.pages import text
from vouchers import urls as portal_urls
from vouchers.models import Booking, ExamPack, Voucher, VoucherEvent
from vouchers.tokens import make_recovery_token

pytestmark = pytest.mark.django_db

# URL name → (methods, the path's arguments from the owner's objects, query string)
OWNED = {
    "voucher": (("GET",), lambda o: [o.voucher.pk], ""),
    "book": (("GET",), lambda o: [o.spare.pk], ""),
    "review_booking": (("GET", "POST"), lambda o: [o.spare.pk, o.free.pk], "?exam={exam}"),
    "booking": (("GET",), lambda o: [o.booking.pk], ""),
    "cancel_booking": (("GET", "POST"), lambda o: [o.booking.pk], ""),
    "move_booking": (("GET",), lambda o: [o.booking.pk], ""),
    "review_move": (("GET", "POST"), lambda o: [o.booking.pk, o.free.pk], ""),
    "booking_calendar": (("GET",), lambda o: [o.booking.pk], ""),
    "resend_booking_email": (("POST",), lambda o: [o.booking.pk], ""),
    "send_recovery_link": (("POST",), lambda o: [o.voucher.pk], ""),
}
# URL names with no object id in them, and why they need no entry above.
NOT_OWNED = {
    "dashboard": "lists only the signed-in candidate's vouchers (test_dashboard)",
    "register_voucher": "claims a number; each refusal is tested in test_register",
    "results": "lists only the signed-in candidate's attempts (test_results)",
    "recover_number": "a signed token, not an id: another candidate's 404 is in test_recovery",
}
# Account pages that need a signed-in person, besides the portal's own.
ACCOUNT_URLS = ["account", "password_change", "password_change_done", "resend_verification"]


def portal_url_names() -> list[str]:
    return [p.name for p in portal_urls.urlpatterns if isinstance(p, URLPattern)]


def test_every_portal_url_is_in_the_scoping_table():
    names = portal_url_names()
    assert len(names) == len(set(names))
    assert set(names) == set(OWNED) | set(NOT_OWNED), (
        "add the new URL to OWNED (with its methods) or to NOT_OWNED (saying why)"
    )
    assert not set(OWNED) & set(NOT_OWNED)


@pytest.fixture
def owner(candidate, voucher, booking, exam, now):
    """The candidate whose objects another candidate tries to reach."""
    return SimpleNamespace(
        voucher=voucher,
        booking=booking,
        spare=RegisteredVoucherFactory(registered_by=candidate, pack=voucher.pack),
        free=SittingFactory(starts_at=now + timedelta(days=20)),
        exam=exam,
    )


def everything():
    """What a request could change, to show that a refused one changed nothing."""
    return (
        list(Booking.objects.order_by("pk").values_list("pk", "status", "sitting_id", "outcome")),
        list(Sitting.objects.order_by("pk").values_list("pk", "seats_taken")),
        list(Voucher.objects.order_by("pk").values_list("pk", "number_hash", "registered_by")),
        list(ExamPack.objects.order_by("pk").values_list("pk", "candidate")),
        VoucherEvent.objects.count(),
    )


def owned_path(name, owner):
    _, arguments, query = OWNED[name]
    return reverse(f"portal:{name}", args=arguments(owner)) + query.format(exam=owner.exam.pk)


@pytest.mark.parametrize(
    ("name", "method"),
    [(name, method) for name, (methods, _, _) in OWNED.items() for method in methods],
)
def test_another_candidate_gets_404_for_every_url_with_an_object_id_and_nothing_changes(
    name,
    method,
    owner,
    signed_in,
    other_client,
    other_candidate,
    django_capture_on_commit_callbacks,
):
    """A candidate sees only their own vouchers, bookings and results."""
    RegisteredVoucherFactory(registered_by=other_candidate)  # the intruder has one of their own
    path = owned_path(name, owner)
    before = everything()

    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(other_client, method.lower())(path)

    assert response.status_code == 404, path
    assert "We can't find that page" in text(response)
    assert everything() == before
    assert mail.outbox == []
    control = getattr(signed_in, method.lower())(path)
    assert control.status_code != 404, f"{path} must work for its owner"


MISSING = 10**9  # no row has this id


@pytest.mark.parametrize(
    ("name", "arguments"),
    [
        ("review_booking", lambda o: [MISSING, o.free.pk]),
        ("review_booking", lambda o: [o.spare.pk, MISSING]),
        ("cancel_booking", lambda o: [MISSING]),
        ("review_move", lambda o: [MISSING, o.free.pk]),
        ("review_move", lambda o: [o.booking.pk, MISSING]),
    ],
)
def test_confirming_with_a_voucher_booking_or_sitting_that_does_not_exist_is_404(
    name, arguments, owner, signed_in
):
    """The workflows read the rows themselves: a missing one is "not found", not an error."""
    path = reverse(f"portal:{name}", args=arguments(owner)) + f"?exam={owner.exam.pk}"
    before = everything()

    response = signed_in.post(path)

    assert response.status_code == 404, path
    assert everything() == before


def _any_path(pattern: URLPattern) -> str:
    kwargs = {
        name: 1 if type(converter).__name__ == "IntConverter" else make_recovery_token_stub()
        for name, converter in pattern.pattern.converters.items()
    }
    return reverse(f"portal:{pattern.name}", kwargs=kwargs)


def make_recovery_token_stub() -> str:
    return make_recovery_token(SimpleNamespace(pk=1, number_hash="0" * 64))


@pytest.mark.parametrize("name", [f"portal:{name}" for name in portal_url_names()] + ACCOUNT_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_sign_in_for_every_portal_url(db, name, method):
    if name.startswith("portal:"):
        (pattern,) = [p for p in portal_urls.urlpatterns if f"portal:{p.name}" == name]
        path = _any_path(pattern)
    else:
        path = reverse(name)
    before = everything()

    response = getattr(Client(), method)(path)

    assert response.status_code == 302, path
    assert response.url == f"{reverse('login')}?next={quote(path)}"
    assert everything() == before
