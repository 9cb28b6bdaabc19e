"""Refusals, dates and numbers in the reader's language.

A refusal is worded when it is read, in the language active then; dates follow
the language's own formats.
"""

import re
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core.workflows import Common
from exams.errors import Reason as CatalogueReason
from tests.factories import (
    RegisteredVoucherFactory,
    SittingFactory,
    TestCenterFactory,
    local_datetime,
)
from tests.portal.pages import field_error, text
from vouchers import numbers
from vouchers.errors import Reason, Refused
from vouchers.fragments import centre_time, your_time

EXPIRED = {
    "en": "This voucher expired on 14 March 2027.",
    "es": "Este vale caducó el 14 de marzo de 2027.",
    "fr": "Ce bon a expiré le 14 mars 2027.",
    "de": "Dieser Gutschein ist am 14. März 2027 abgelaufen.",
    "ja": "このバウチャーは2027年3月14日に有効期限が切れました。",
}


@pytest.mark.parametrize("language", list(EXPIRED))
def test_an_expired_voucher_is_refused_in_the_active_language(language):
    with translation.override(language):
        refusal = Refused(Reason.VOUCHER_EXPIRED, expires_on=date(2027, 3, 14))
        assert refusal.message == EXPIRED[language]
        assert str(refusal) == EXPIRED[language]


def test_a_refusal_is_worded_when_read_not_when_raised():
    """Raised while English is active, read by someone reading French: French."""
    with translation.override("en"):
        refusal = Refused(Reason.SITTING_FULL)
    with translation.override("fr"):
        assert (
            refusal.message == "Cette session d'examen est complète. Veuillez en choisir une autre."
        )
    assert refusal.message == "This sitting is full. Please choose another one."


def test_a_malformed_number_is_explained_in_the_active_language():
    with pytest.raises(numbers.MalformedNumber) as caught:
        numbers.normalize("ABC")
    with translation.override("de"):
        assert str(caught.value.reason).startswith("Eine Gutscheinnummer hat 20 Buchstaben")
    refusal = Refused(Reason.NUMBER_MALFORMED, reason=caught.value.reason)
    with translation.override("es"):
        assert refusal.message.startswith("Un número de vale tiene 20 letras y cifras")


def test_every_refusal_is_worded_differently_from_english_in_every_language():
    for language in ["es", "fr", "de", "ja"]:
        for code in [*Common, *Reason, *CatalogueReason]:
            if code == Reason.NUMBER_MALFORMED:  # only carries the number's own reason
                continue
            with translation.override("en"):
                english = str(code.label)
            with translation.override(language):
                assert str(code.label) != english, (language, code)


@pytest.mark.django_db
def test_registering_an_expired_voucher_is_refused_on_the_page_in_french(client):
    """The page shows the refusal in the language the candidate chose."""
    voucher = RegisteredVoucherFactory(pack__expires_on=timezone.now().date() - timedelta(days=40))
    number = voucher.plain_number
    voucher.registered_by = None
    voucher.save(update_fields=["registered_by"])
    candidate = RegisteredVoucherFactory().registered_by
    candidate.email_verified_at = timezone.now()
    candidate.language = "fr"
    candidate.save()
    client.force_login(candidate)
    client.cookies["django_language"] = "fr"
    page = client.post(reverse("portal:register_voucher"), {"number": numbers.display(number)})
    assert field_error(page, "number").startswith("Ce bon a expiré le ")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "Sunday 14 March 2027, 09:00 JST"),
        ("es", "domingo, 14 de marzo de 2027, 09:00 JST"),
        ("fr", "dimanche 14 mars 2027, 09:00 JST"),
        ("de", "Sonntag, 14. März 2027, 09:00 JST"),
        ("ja", "2027年3月14日(日) 09:00 JST"),
    ],
)
def test_a_sittings_time_is_written_the_active_languages_way(language, shown):
    """SS-9 in every language: the centre's own time and zone, words of the reader's language."""
    tokyo = TestCenterFactory(time_zone="Asia/Tokyo", country="JP", city="Tokyo")
    start = datetime(2027, 3, 14, 9, 0, tzinfo=tokyo.zone)
    sitting = SittingFactory(centre=tokyo, starts_at=start)
    with translation.override(language):
        assert centre_time(sitting) == shown


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "A pack holds from 1 to 10,000 exams."),
        ("es", "Un paquete contiene de 1 a 10\u00a0000 exámenes."),
        ("fr", "Un lot contient de 1 à 10\u00a0000 examens."),
        ("de", "Ein Paket enthält 1 bis 10.000 Prüfungen."),
        ("ja", "パックの試験数は 1 から 10,000 までです。"),
    ],
)
def test_the_largest_pack_is_written_with_the_languages_thousands(language, shown):
    with translation.override(language):
        assert Refused(Reason.BAD_EXAM_COUNT, most=10_000).message == shown


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "Monday 15 March, 04:00 JST"),
        ("es", "lunes, 15 de marzo, 04:00 JST"),
        ("fr", "lundi 15 mars, 04:00 JST"),
        ("de", "Montag, 15. März, 04:00 JST"),
        ("ja", "3月15日(月) 04:00 JST"),
    ],
)
def test_the_candidates_own_time_on_another_day_is_written_the_languages_way(language, shown):
    """SS-9: 20:00 in Berlin is the next morning in Tokyo; the day is in the reader's words."""
    berlin = TestCenterFactory(time_zone="Europe/Berlin", country="DE", city="Berlin")
    sitting = SittingFactory(
        centre=berlin, starts_at=local_datetime("Europe/Berlin", 2027, 3, 14, 20)
    )
    with translation.override(language):
        assert your_time(sitting, "Asia/Tokyo") == shown
        assert your_time(sitting, "Europe/Paris") == ""  # the same clock: nothing added


@pytest.mark.django_db
def test_the_usage_report_writes_per_cents_the_languages_way():
    """Numbers too: French puts a space before the per cent sign."""
    from vouchers.admin.reports import shown
    from vouchers.usage import CustomerUsage

    line = CustomerUsage(None, first_attempts_sat=4, first_attempts_passed=3)
    with translation.override("en"):
        assert shown(line)["first_attempt_rate"] == "75% (3 of 4)"
    with translation.override("fr"):
        assert shown(line)["first_attempt_rate"] == "75\u00a0% (3 sur 4)"
    with translation.override("de"):
        assert shown(line)["first_attempt_rate"] == "75 % (3 von 4)"


@pytest.mark.django_db
def test_the_dashboard_counts_days_with_the_languages_plural(client, candidate):
    soon = timezone.now().date() + timedelta(days=2)
    RegisteredVoucherFactory(registered_by=candidate, pack__expires_on=soon)
    client.force_login(candidate)
    client.cookies["django_language"] = "de"
    assert re.search(r"· noch \d+ Tage ", text(client.get(reverse("portal:dashboard"))))
