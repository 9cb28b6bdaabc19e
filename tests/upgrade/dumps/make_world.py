"""The small world in ``sqlite.sql`` and ``postgresql.sql``: made once, with the portal as it
was before the User model moved to ``accounts`` (commit f6bcef0, app label ``secondshot``).

In a checkout of that commit, for each database::

    python manage.py migrate
    python tests/upgrade/dumps/make_world.py
    sqlite3 db.sqlite3 .dump > sqlite.sql
    pg_dump --inserts --no-owner --no-privileges DB > postgresql.sql  # then drop psql's
                                                                      # \\restrict lines

Every password is the account's e-mail name and a number, as ``PASSWORDS`` in
``test_user_model_move.py`` lists them.
"""

import os
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import django

T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secondshot.settings")
    django.setup()
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group, Permission
    from django.contrib.sessions.backends.db import SessionStore

    from exams.models import Exam, Sitting, TestCenter
    from secondshot.models import User
    from vouchers import services
    from vouchers.models import Customer, ReminderSent

    def person(email, password, name, *, group=None, **extra):
        user = User.objects.create_user(email, password, legal_name=name, **extra)
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    admin = person("admin@old.test", "admin-pass-1", "Ada Admin", is_staff=True, is_superuser=True)
    manager = person(
        "manager@old.test",
        "manager-pass-2",
        "Maria Manager",
        is_staff=True,
        group="Account managers",
    )
    person("support@old.test", "support-pass-3", "Sam Support", is_staff=True, group="Support")
    examadmin = person(
        "examadmin@old.test",
        "examadmin-pass-4",
        "Erin Examadmin",
        is_staff=True,
        group="Exam administrators",
    )
    alex = person(
        "alex@old.test",
        "alex-pass-5",
        "Alex Candidate",
        email_verified_at=T0,
        language="de",
        time_zone="Europe/Berlin",
    )
    bo = person(
        "Bo@Old.test", "bo-pass-6", "Bo Other", email_verified_at=T0, reminders_enabled=False
    )
    # A permission given to one person, not through a group: the other M2M table.
    bo.user_permissions.add(Permission.objects.get(codename="view_exam"))

    exam = Exam.objects.create(
        number="070-483", title="Programming in C#", track=Exam.Track.DEVELOPER
    )
    centre = TestCenter.objects.create(
        name="Berlin Mitte",
        site_id="DE-BER-0417",
        country="Germany",
        city="Berlin",
        time_zone="Europe/Berlin",
        address="Friedrichstraße 68",
    )
    past = Sitting.objects.create(centre=centre, starts_at=T0 + timedelta(days=3), seats=10)
    later = Sitting.objects.create(
        centre=centre, starts_at=datetime(2030, 3, 4, 8, tzinfo=UTC), seats=10
    )
    customer = Customer.objects.create(
        name="Contoso Training Ltd",
        contact_email="buyer@contoso.example",
        country="Germany",
        account_manager=manager,
    )
    issued = services.issue_pack(
        customer=customer,
        exam_count=2,
        expires_on=date(2031, 1, 31),
        is_second_shot=True,
        list_price=Decimal("300.00"),
        issued_by=manager,
        now=T0,
    )
    voucher = services.register_voucher(
        candidate=alex, number=issued.numbers[0], now=T0 + timedelta(hours=1)
    )
    first = services.book_sitting(
        candidate=alex, voucher=voucher, exam=exam, sitting=past, now=T0 + timedelta(hours=2)
    )
    services.record_outcome(
        booking=first, outcome="failed", recorded_by=examadmin, now=T0 + timedelta(days=4)
    )
    retake = services.book_sitting(
        candidate=alex, voucher=voucher, exam=exam, sitting=later, now=T0 + timedelta(days=5)
    )
    ReminderSent.objects.create(
        voucher=voucher,
        booking=retake,
        occasion="sitting_tomorrow",
        candidate=alex,
        status="sent",
        claimed_at=T0 + timedelta(days=6),
        sent_at=T0 + timedelta(days=6),
    )
    LogEntry.objects.log_actions(
        user_id=admin.pk,
        queryset=[bo],
        action_flag=CHANGE,
        change_message="Gave Bo the exam catalogue to read.",
        single_object=True,
    )

    # Alex is signed in: the session must still sign them in after the upgrade.
    session = SessionStore()
    session[SESSION_KEY] = str(alex.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = alex.get_session_auth_hash()
    session.set_expiry(datetime(2099, 1, 1, tzinfo=UTC))
    session.save()


if __name__ == "__main__":
    main()
