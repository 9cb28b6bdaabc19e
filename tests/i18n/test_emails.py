"""E-mails go out in the reader's language, whoever or whatever sends them."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from tests.factories import ExamPackFactory, RegisteredVoucherFactory, SittingFactory
from tests.portal.pages import ics_of, sent_to
from vouchers import emails, services, tasks

pytestmark = pytest.mark.django_db


def test_a_booking_e_mail_to_a_german_candidate_is_in_german(
    client, candidate, voucher, exam, sitting, django_capture_on_commit_callbacks
):
    """Booked from a page in English, the e-mail follows the account's language."""
    candidate.language = "de"
    candidate.save(update_fields=["language"])
    client.force_login(candidate)
    client.cookies["django_language"] = "en"
    url = reverse("portal:review_booking", args=[voucher.pk, sitting.pk]) + f"?exam={exam.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)

    (message,) = sent_to(candidate.email)
    assert message.subject.startswith("Gebucht: Prüfung 070-483 am ")
    assert "Guten Tag Ada King Lovelace," in message.body
    assert "Ihre Prüfung ist gebucht." in message.body
    assert "Ortszeit des Zentrums, Europe/Berlin" in message.body
    html = message.alternatives[0][0]
    assert '<html lang="de">' in html and "Ihre Prüfung ist gebucht." in html
    ics = ics_of(message)
    assert "Erster Versuch der Prüfung 070-483" in ics
    assert "SUMMARY:Prüfung 070-483" in ics


def test_the_e_mail_of_a_booking_made_in_japanese_for_an_english_account_is_english(
    client, candidate, voucher, exam, sitting, django_capture_on_commit_callbacks
):
    """The account decides, not the page the request came from."""
    client.force_login(candidate)
    url = reverse("portal:review_booking", args=[voucher.pk, sitting.pk]) + f"?exam={exam.pk}"
    client.cookies["django_language"] = "ja"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    (message,) = sent_to(candidate.email)
    assert message.subject.startswith("Booked: exam 070-483 on ")
    assert "Your exam is booked." in message.body


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("en", "Your Second Shot voucher is registered"),
        ("es", "Su vale de Second Shot está registrado"),
        ("fr", "Votre bon Second Shot est enregistré"),
        ("de", "Ihr Second-Shot-Gutschein ist registriert"),
        ("ja", "Second Shot のバウチャーを登録しました"),
    ],
)
def test_the_registration_confirmation_re_sent_by_support_is_in_the_candidates_language(
    candidate, voucher, language, subject
):
    """Support works in English; the candidate reads their own language."""
    candidate.language = language
    candidate.save(update_fields=["language"])
    with translation.override("en"):
        emails.send_registration_confirmation(voucher)
    (message,) = sent_to(candidate.email)
    assert message.subject == subject
    assert voucher.masked_number in message.body


def test_the_password_reset_link_goes_out_in_the_accounts_language(client, candidate):
    candidate.language = "fr"
    candidate.save(update_fields=["language"])
    client.post(reverse("password_reset"), {"email": candidate.email})
    (message,) = sent_to(candidate.email)
    assert message.subject == "Choisissez un nouveau mot de passe Second Shot"
    assert "Le lien ne fonctionne qu'une fois." in message.body


def test_the_verification_e_mail_at_sign_up_is_in_the_language_signed_up_in(
    client, django_capture_on_commit_callbacks
):
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("signup"),
            {
                "email": "lucia@example.com",
                "legal_name": "Lucía Pérez",
                "password1": "a long and unusual passphrase",
                "password2": "a long and unusual passphrase",
            },
        )
    (message,) = sent_to("lucia@example.com")
    assert message.subject == "Confirme su dirección de correo electrónico para Second Shot"
    assert message.body.startswith("Hola:")
    assert "Lucía" not in message.body, "no name typed by a stranger goes to an unconfirmed inbox"


def test_a_packs_numbers_go_to_the_customer_in_the_account_managers_language():
    """The customer's contact has no account: the manager's working language is used."""
    pack = ExamPackFactory(exam_count=2)
    for _ in range(2):
        RegisteredVoucherFactory(pack=pack)
    with translation.override("de"):
        emails.send_pack_numbers(pack, ["23456789ABCDEFGHJKMN", "23456789ABCDEFGHJKMP"])
    (message,) = mail.outbox
    assert message.to == [pack.customer.contact_email]
    assert message.subject == "Ihre 2 Second-Shot-Prüfungsgutscheine"
    assert "Die Gutscheine laufen am" in message.body


def test_a_moved_booking_is_announced_in_the_candidates_language(
    candidate, booking, django_capture_on_commit_callbacks
):
    """The workflow sends after commit, outside any request: the account still decides."""
    candidate.language = "ja"
    candidate.save(update_fields=["language"])
    later = SittingFactory(
        centre=booking.sitting.centre, starts_at=booking.sitting.starts_at + timedelta(hours=4)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.move_booking(candidate=candidate, booking=booking, sitting=later)
    (message,) = sent_to(candidate.email)
    assert message.subject.startswith("変更完了: 試験 070-483 は ")
    assert "試験を新しい試験日程に変更しました。" in message.body


@pytest.mark.parametrize(
    ("language", "subject", "body"),
    [
        (
            "en",
            "Your Second Shot voucher expires on 30 June 2027",
            "It expires on 30 June 2027, in 30 days.",
        ),
        (
            "es",
            "Su vale de Second Shot caduca el 30 de junio de 2027",
            "Caduca el 30 de junio de 2027, dentro de 30 días.",
        ),
        (
            "fr",
            "Votre bon Second Shot expire le 30 juin 2027",
            "Il expire le 30 juin 2027, dans 30 jours.",
        ),
        (
            "de",
            "Ihr Second-Shot-Gutschein läuft am 30. Juni 2027 ab",
            "Er läuft in 30 Tagen ab, am 30. Juni 2027.",
        ),
        (
            "ja",
            "Second Shot のバウチャーの有効期限は2027年6月30日です",
            "有効期限は2027年6月30日(あと 30 日)です。",
        ),
    ],
)
def test_a_reminder_is_in_the_candidates_language(
    candidate, language, subject, body, django_capture_on_commit_callbacks
):
    """The daily job runs in English; each reminder reads in its candidate's language."""
    candidate.language = language
    candidate.save(update_fields=["language"])
    RegisteredVoucherFactory(
        registered_by=candidate,
        registered_at=datetime(2026, 12, 1, tzinfo=UTC),
        pack__expires_on=date(2027, 6, 30),
        pack__exam_count=1,
        pack__issued_at=datetime(2026, 11, 20, tzinfo=UTC),
    )
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue_due_reminders(now=datetime(2027, 5, 31, 13, tzinfo=UTC))
    (message,) = sent_to(candidate.email)
    assert message.subject == subject
    assert body in message.body
    html = message.alternatives[0][0]
    assert f'<html lang="{language}">' in html and body in html
