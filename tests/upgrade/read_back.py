"""Read an upgraded database back through the portal's own models, in a process of its own
(``python -m tests.upgrade.read_back``, with ``DATABASE_URL`` naming it): prints JSON."""

import json

import django

# Everyone in the dumps (dumps/make_world.py), with their password.
PASSWORDS = {
    "admin@old.test": "admin-pass-1",
    "manager@old.test": "manager-pass-2",
    "support@old.test": "support-pass-3",
    "examadmin@old.test": "examadmin-pass-4",
    "alex@old.test": "alex-pass-5",
    "Bo@old.test": "bo-pass-6",
}


def read_back() -> dict:
    django.setup()
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth import authenticate, get_user, get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.http import HttpRequest

    from vouchers.models import Booking, Voucher

    User = get_user_model()
    signed_in = {}
    for email, password in PASSWORDS.items():
        user = authenticate(username=email, password=password)
        signed_in[email] = user.email if user else None

    request = HttpRequest()
    request.session = SessionStore(Session.objects.get().session_key)
    session_user = get_user(request)

    return {
        "user model": [User._meta.label, User._meta.db_table],
        "signed in": signed_in,
        "wrong password signs in": authenticate(username="alex@old.test", password="nope")
        is not None,
        "session signs in": session_user.email if session_user.is_authenticated else None,
        "permissions": {
            user.email: sorted(user.get_all_permissions())
            for user in User.objects.exclude(is_superuser=True)
        },
        "superuser may change users": User.objects.get(is_superuser=True).has_perm(
            "accounts.change_user"
        ),
        "groups": {
            user.email: sorted(group.name for group in user.groups.all())
            for user in User.objects.all()
        },
        "user content types": sorted(
            ContentType.objects.filter(model="user").values_list("app_label", "id")
        ),
        "admin history": [
            [entry.user.email, entry.content_type.app_label, str(entry.get_edited_object())]
            for entry in LogEntry.objects.order_by("pk")
        ],
        "vouchers": [
            [voucher.pk, voucher.registered_by and voucher.registered_by.email]
            for voucher in Voucher.objects.order_by("pk")
        ],
        "bookings": [
            [booking.pk, booking.candidate.email, str(booking.status)]
            for booking in Booking.objects.order_by("pk")
        ],
    }


if __name__ == "__main__":
    print(json.dumps(read_back()))
