"""The access control matrix: every URL of the portal and the back office, for every role.

The URLs are read from the URLconf (``django.urls.get_resolver()``, walked
recursively), so a URL added without an entry in this module fails
``test_every_url_answers_every_role_as_the_matrix_says`` with its name. Each
URL is requested with GET by eight clients: anonymous, candidate A and B,
account manager A and B, support, exam administrator and a superuser. Object
ids in the URLs are candidate A's, or belong to manager A's customer; tokens
(recovery, e-mail verification, password reset) are real ones for candidate A.

What the outcomes mean:

- ``SIGN_IN``: 302 to the portal's sign-in page with ``next`` set to the URL.
- ``ADMIN_SIGN_IN``: 302 to the admin's sign-in page (candidates are not staff).
- ``GONE``: Django admin answers an object outside the staff member's queryset as
  it answers a missing one: a 302 to the admin index with "… doesn't exist".
  It is counted as unreachable: the page is not shown and nothing says the
  object is there. Manager B gets it for everything of manager A's customer.
- 403, 404, 405 (GET on a POST-only view): unreachable too.

State-changing POST-only views (logout, resend, the numbers hand-over's CSV,
e-mail and Done) are checked twice: their GET changes nothing, and a POST by
every wrong role is refused and changes nothing (``WRONG_ROLE_POSTS``), along
with the POSTs that would act on another's objects (cancel, move, void,
reissue, record an outcome, issue to another manager's customer, find a
number). Lists that manager B can open (changelists, the usage report,
autocomplete) must not show manager A's customer, and must show it to those
who see every customer (the control).
"""

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.tokens import email_verification_token
from backoffice import roles
from exams.models import Sitting
from privacy.models import AccountEvent
from support.models import SupportEvent, SupportReply, SupportRequest
from support.services import send_support_request
from tests.backoffice.conftest import staff_in
from tests.factories import (
    CandidateFactory,
    CustomerFactory,
    ExamFactory,
    ExamPackFactory,
    RegisteredVoucherFactory,
    SittingFactory,
    TestCenterFactory,
    UserFactory,
)
from vouchers import services
from vouchers.models import Booking, Customer, ExamPack, Voucher, VoucherEvent
from vouchers.services.results import COLUMNS
from vouchers.tokens import make_recovery_token

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "candidate_a",
    "candidate_b",
    "manager_a",
    "manager_b",
    "support",
    "exam_admin",
    "superuser",
)
CANDIDATES = ("candidate_a", "candidate_b")
STAFF = ("manager_a", "manager_b", "support", "exam_admin", "superuser")
SIGNED_IN = CANDIDATES + STAFF
GROUP_OF = {
    "manager_a": roles.ACCOUNT_MANAGERS,
    "manager_b": roles.ACCOUNT_MANAGERS,
    "support": roles.SUPPORT,
    "exam_admin": roles.EXAM_ADMINISTRATORS,
}

# --- outcomes ---------------------------------------------------------------------

OK = 200
FORBIDDEN = 403
NOT_FOUND = 404
NOT_ALLOWED = 405
SIGN_IN = "portal sign-in"
ADMIN_SIGN_IN = "admin sign-in"
GONE = "admin “doesn't exist”"


@dataclass(frozen=True)
class Redirect:
    """A 302 to somewhere other than a sign-in page: a URL name or a path made from the world."""

    to: str | Callable

    def path(self, world) -> str:
        return self.to(world) if callable(self.to) else reverse(self.to)

    def __str__(self):
        return f"302 → {self.to if isinstance(self.to, str) else 'computed'}"


# Refused: the role does not reach the page (counted in the summary line).
UNREACHABLE = {SIGN_IN, ADMIN_SIGN_IN, GONE, FORBIDDEN, NOT_FOUND, NOT_ALLOWED}


def everyone(outcome) -> dict:
    return dict.fromkeys(ROLES, outcome)


def signed_in_only(outcome) -> dict:
    """A portal page behind the sign-in: anonymous visitors are sent to sign in."""
    return {"anonymous": SIGN_IN} | dict.fromkeys(SIGNED_IN, outcome)


def candidate_a_only(owner=OK, others=NOT_FOUND) -> dict:
    """A page of one of candidate A's objects: everyone else signed in gets a 404."""
    return signed_in_only(others) | {"candidate_a": owner}


def admin_only(staff: dict) -> dict:
    """An admin page: whoever is not staff is sent to the admin's sign-in."""
    assert set(staff) == set(STAFF), staff
    return {"anonymous": ADMIN_SIGN_IN} | dict.fromkeys(CANDIDATES, ADMIN_SIGN_IN) | staff


def staff_all(outcome) -> dict:
    return admin_only(dict.fromkeys(STAFF, outcome))


def staff_who(may: set[str], yes=OK, no=FORBIDDEN) -> dict:
    return admin_only({role: yes if role in may else no for role in STAFF})


# --- the back office's models: what each role may do, after each ModelAdmin's overrides ---
#
# v: view (the changelist, the read-only change page, history); a: add; d: delete.
# The group permissions are in accounts/migrations/0003_staff_roles.py. "Change"
# on a pack, voucher or booking stands for a workflow (roles.py), never an edit
# form: those admins, and the audit trail's, are read-only for everyone, superusers
# included (ReadOnlyMixin; ExamPackAdmin refuses change and delete).
# Manager A and manager B share a role; ``SCOPED`` models are narrowed to the
# manager's own customers, and the object in the URL is manager A's.
ADMIN_MODELS = {
    # "<app>_<model>": ({role: letters}, the world's object in the URL)
    "auth_group": ({"superuser": "vad"}, "group"),
    "accounts_user": ({"support": "v", "superuser": "vad"}, "candidate_a"),
    "exams_exam": ({"exam_admin": "vad", "superuser": "vad"}, "exam"),
    "exams_testcenter": ({"exam_admin": "vad", "superuser": "vad"}, "centre"),
    "exams_sitting": ({"exam_admin": "vad", "superuser": "vad"}, "sitting"),
    "vouchers_customer": ({"manager": "va", "support": "v", "superuser": "vad"}, "customer_a"),
    "vouchers_exampack": ({"manager": "va", "support": "v", "superuser": "va"}, "pack_a"),
    "vouchers_voucher": ({"manager": "v", "support": "v", "superuser": "v"}, "voucher_a"),
    "vouchers_booking": (
        {"manager": "v", "support": "v", "exam_admin": "v", "superuser": "v"},
        "booking_a",
    ),
    "vouchers_voucherevent": (
        {"manager": "v", "support": "v", "exam_admin": "v", "superuser": "v"},
        "event_a",
    ),
    # The account's trail of exports and erasures: read-only, for whoever handles them.
    "privacy_accountevent": ({"support": "v", "superuser": "v"}, "account_event_a"),
    # Candidates' requests and support's trail: support answers (a workflow), nobody edits.
    "support_supportrequest": ({"support": "v", "superuser": "v"}, "support_request_a"),
    "support_supportevent": ({"support": "v", "superuser": "v"}, "support_event_a"),
}
SCOPED = {
    "vouchers_customer",
    "vouchers_exampack",
    "vouchers_voucher",
    "vouchers_booking",
    "vouchers_voucherevent",
}
MODEL_URL_KINDS = ("changelist", "add", "change", "delete", "history")


def may(role: str, model: str, letter: str) -> bool:
    grants, _ = ADMIN_MODELS[model]
    return letter in grants.get("manager" if role.startswith("manager") else role, "")


def sees_object(role: str, model: str) -> bool:
    """Return True if the model's object in the URL is in the role's queryset."""
    return not (model in SCOPED and role == "manager_b")


def model_url_outcome(role: str, model: str, kind: str):
    """What Django admin answers, in the order its views check (options.py)."""
    if kind == "changelist":
        return OK if may(role, model, "v") else FORBIDDEN
    if kind == "add":
        return OK if may(role, model, "a") else FORBIDDEN
    if kind == "change":  # permission first, then the queryset
        if not may(role, model, "v"):
            return FORBIDDEN
        return OK if sees_object(role, model) else GONE
    if kind == "delete":  # permission first, then the queryset
        if not may(role, model, "d"):
            return FORBIDDEN
        return OK if sees_object(role, model) else GONE
    if kind == "history":  # the queryset first, then the permission
        if not sees_object(role, model):
            return GONE
        return OK if may(role, model, "v") else FORBIDDEN
    raise AssertionError(kind)


def app_index_outcome(role: str, app_label: str):
    """An app's admin page lists the models the role may do anything with, or is a 404."""
    models = [model for model in ADMIN_MODELS if model.startswith(f"{app_label}_")]
    return OK if any(may(role, model, "v") for model in models) else NOT_FOUND


# --- the world: built once -----------------------------------------------------------


def build_world():
    now = timezone.now()
    w = SimpleNamespace(now=now)
    w.manager_a = staff_in(roles.ACCOUNT_MANAGERS, email="mara.alpha@secondshot.test")
    w.manager_b = staff_in(roles.ACCOUNT_MANAGERS, email="max.beta@secondshot.test")
    w.support = staff_in(roles.SUPPORT, email="sam.support@secondshot.test")
    w.exam_admin = staff_in(roles.EXAM_ADMINISTRATORS, email="erin.exams@secondshot.test")
    w.superuser = UserFactory(email="ada.root@secondshot.test", is_staff=True, is_superuser=True)
    w.candidate_a = CandidateFactory(email="alice.alpha@example.com", legal_name="Alice Alpha")
    w.candidate_b = CandidateFactory(email="bruno.beta@example.com", legal_name="Bruno Beta")

    w.customer_a = CustomerFactory(name="Alphaville Training GmbH", account_manager=w.manager_a)
    w.customer_b = CustomerFactory(name="Betamax Learning Ltd", account_manager=w.manager_b)
    w.pack_a = ExamPackFactory(customer=w.customer_a, exam_count=3)
    taken, booked, w.spare_a = (
        RegisteredVoucherFactory(pack=w.pack_a, registered_by=w.candidate_a) for _ in range(3)
    )
    w.voucher_a = booked
    w.pack_b = ExamPackFactory(customer=w.customer_b, exam_count=1)
    w.voucher_b = RegisteredVoucherFactory(pack=w.pack_b, registered_by=w.candidate_b)

    w.exam = ExamFactory(number="070-483", title="Matrix Exam Alpha")
    w.centre = TestCenterFactory(name="Matrix Centre Berlin")
    past = SittingFactory(centre=w.centre, starts_at=now - timedelta(days=20))
    w.sitting = SittingFactory(centre=w.centre, starts_at=now + timedelta(days=10))
    w.other_sitting = SittingFactory(centre=w.centre, starts_at=now + timedelta(days=20))
    # A first attempt that has been sat and awaits its outcome, then a pending one.
    w.taken_a = services.book_sitting(
        candidate=w.candidate_a,
        voucher=taken,
        exam=w.exam,
        sitting=past,
        now=now - timedelta(days=30),
    )
    w.booking_a = services.book_sitting(
        candidate=w.candidate_a,
        voucher=w.voucher_a,
        exam=w.exam,
        sitting=w.sitting,
        now=now - timedelta(days=1),
    )
    w.event_a = VoucherEvent.objects.filter(voucher=w.voucher_a).earliest("pk")
    w.account_event_a = AccountEvent.objects.create(
        person=w.candidate_a, actor=w.support, action=AccountEvent.Action.EXPORTED, reason="matrix"
    )
    w.support_request_a = send_support_request(
        candidate=w.candidate_a, subject="Matrix request", message="matrix", voucher=w.voucher_a
    )
    w.support_event_a = SupportEvent.objects.get(request=w.support_request_a)
    w.group = Group.objects.get(name=roles.ACCOUNT_MANAGERS)
    w.booking_type = ContentType.objects.get_for_model(Booking)

    w.clients = {"anonymous": Client()}
    for role in SIGNED_IN:
        w.clients[role] = Client()
        w.clients[role].force_login(getattr(w, role))
    return w


# Tokens are made afresh for each request: signing in as candidate A, or opening the
# verification link, changes what the earlier ones were made for (and kills them).


def fresh_candidate_a(w):
    w.candidate_a.refresh_from_db()
    return w.candidate_a


def uidb64(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def verify_link(w):
    user = fresh_candidate_a(w)
    return reverse("verify_email", args=[uidb64(user), email_verification_token.make_token(user)])


def reset_link(w):
    user = fresh_candidate_a(w)
    return reverse(
        "password_reset_confirm", args=[uidb64(user), default_token_generator.make_token(user)]
    )


def recover_link(w):
    return reverse("portal:recover_number", args=[make_recovery_token(w.voucher_a)])


# --- the matrix --------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One request (a URL, with its arguments filled in) and what each role must get.

    ``markers``: words that only the roles in ``sees_markers`` may find on the page
    when it answers 200; they must find at least one (the control).
    """

    path: Callable
    expect: dict
    markers: tuple[str, ...] = ()
    sees_markers: frozenset = frozenset()


def url(name: str, *args: str, query: str = "") -> Callable:
    """A path for ``name`` whose arguments are attributes of the world (``pk`` taken)."""

    def build(w):
        values = [getattr(w, arg).pk for arg in args]
        return reverse(name, args=values) + query

    return build


A_MARKERS = ("Alphaville Training GmbH", "alice.alpha@example.com")
# roles.sees_every_customer: support and exam administrators see every customer's.
SEES_EVERY_CUSTOMER = frozenset({"manager_a", "support", "exam_admin", "superuser"})

PORTAL = {
    "home": Check(
        url("home"), {"anonymous": OK} | dict.fromkeys(SIGNED_IN, Redirect("portal:dashboard"))
    ),
    "signup": Check(url("signup"), everyone(OK)),
    # The load balancer's health check: anyone, no database, no session.
    "healthz": Check(url("healthz"), everyone(OK)),
    # Readiness: anyone may ask whether the database and cache answer (nothing else shown).
    "readyz": Check(url("readyz"), everyone(OK)),
    # The figures: only METRICS_ALLOWED_ADDRESSES or the token (tests/operations), never
    # a role; the test client's address is allowed by none by default.
    "metrics": Check(url("metrics"), everyone(NOT_FOUND)),
    "signup_done": Check(url("signup_done"), everyone(OK)),
    "login": Check(
        url("login"), {"anonymous": OK} | dict.fromkeys(SIGNED_IN, Redirect("portal:dashboard"))
    ),
    "logout": Check(url("logout"), everyone(NOT_ALLOWED)),  # POST only: GET signs nobody out
    # The link works for whoever opens it (it is the secret); it confirms A's address
    # and signs an anonymous opener in as A (docs/decisions.md).
    "verify_email": Check(
        verify_link,
        {"anonymous": Redirect("portal:dashboard")}
        | dict.fromkeys(SIGNED_IN, Redirect("portal:dashboard")),
    ),
    "resend_verification": Check(url("resend_verification"), signed_in_only(NOT_ALLOWED)),
    "account": Check(url("account"), signed_in_only(OK)),
    # A person's own data: the download is POST only; the erasure page is everyone's own
    # (staff read why theirs is not erased there); the page after it is open to all.
    "privacy:export": Check(url("privacy:export"), signed_in_only(NOT_ALLOWED)),
    "privacy:erase": Check(url("privacy:erase"), signed_in_only(OK)),
    "privacy:erased": Check(url("privacy:erased"), everyone(OK)),
    "password_change": Check(url("password_change"), signed_in_only(OK)),
    "password_change_done": Check(url("password_change_done"), signed_in_only(OK)),
    "password_reset": Check(url("password_reset"), everyone(OK)),
    "password_reset_done": Check(url("password_reset_done"), everyone(OK)),
    # Django keeps the token in the session and redirects to a URL without it.
    "password_reset_confirm": Check(
        reset_link,
        everyone(
            Redirect(
                lambda w: reverse(
                    "password_reset_confirm", args=[uidb64(w.candidate_a), "set-password"]
                )
            )
        ),
    ),
    "password_reset_complete": Check(url("password_reset_complete"), everyone(OK)),
    "portal:dashboard": Check(
        url("portal:dashboard"),
        signed_in_only(OK),
        markers=("Matrix Exam Alpha",),
        sees_markers=frozenset({"candidate_a"}),
    ),
    "portal:register_voucher": Check(url("portal:register_voucher"), signed_in_only(OK)),
    "portal:results": Check(
        url("portal:results"),
        signed_in_only(OK),
        markers=("Matrix Exam Alpha",),
        sees_markers=frozenset({"candidate_a"}),
    ),
    "portal:voucher": Check(url("portal:voucher", "voucher_a"), candidate_a_only()),
    "portal:book": Check(url("portal:book", "spare_a"), candidate_a_only()),
    "portal:review_booking": Check(
        lambda w: (
            reverse("portal:review_booking", args=[w.spare_a.pk, w.other_sitting.pk])
            + f"?exam={w.exam.pk}"
        ),
        candidate_a_only(),
    ),
    "portal:booking": Check(url("portal:booking", "booking_a"), candidate_a_only()),
    "portal:cancel_booking": Check(url("portal:cancel_booking", "booking_a"), candidate_a_only()),
    "portal:move_booking": Check(url("portal:move_booking", "booking_a"), candidate_a_only()),
    "portal:review_move": Check(
        url("portal:review_move", "booking_a", "other_sitting"), candidate_a_only()
    ),
    "portal:booking_calendar": Check(
        url("portal:booking_calendar", "booking_a"), candidate_a_only()
    ),
    # POST only: the method is refused before the booking is looked up, for everyone.
    "portal:resend_booking_email": Check(
        url("portal:resend_booking_email", "booking_a"), signed_in_only(NOT_ALLOWED)
    ),
    "portal:recover_number": Check(recover_link, candidate_a_only()),
    "support:help": Check(url("support:help"), everyone(OK)),
    "support:contact": Check(url("support:contact"), signed_in_only(OK)),
    # POST only: "Lost your number?" on the voucher's page.
    "portal:send_recovery_link": Check(
        url("portal:send_recovery_link", "voucher_a"), signed_in_only(NOT_ALLOWED)
    ),
    # The language switcher posts here; a GET only redirects (to "/" without a ``next``)
    # and sets nothing. A POST sets the cookie and, signed in, one's own account's language.
    "set_language": Check(url("set_language"), everyone(Redirect("home"))),
}

ADMIN_SITE = {
    "admin:index": Check(url("admin:index"), staff_all(OK)),
    "admin:login": Check(
        url("admin:login"),
        {"anonymous": OK}
        | dict.fromkeys(CANDIDATES, OK)
        | dict.fromkeys(STAFF, Redirect("admin:index")),
    ),
    # POST only for staff; whoever is not staff is sent to the index (and on to sign in).
    "admin:logout": Check(
        url("admin:logout"),
        {"anonymous": Redirect("admin:index")}
        | dict.fromkeys(CANDIDATES, Redirect("admin:index"))
        | dict.fromkeys(STAFF, NOT_ALLOWED),
    ),
    "admin:password_change": Check(url("admin:password_change"), staff_all(OK)),
    # The limited doors standing in for the two above (secondshot/urls.py): their paths
    # are the same, so these are the same pages.
    "admin/login/": Check(
        url("admin:login"),
        {"anonymous": OK}
        | dict.fromkeys(CANDIDATES, OK)
        | dict.fromkeys(STAFF, Redirect("admin:index")),
    ),
    "admin/password_change/": Check(url("admin:password_change"), staff_all(OK)),
    "admin:password_change_done": Check(url("admin:password_change_done"), staff_all(OK)),
    "admin:jsi18n": Check(url("admin:jsi18n"), staff_all(OK)),
    # No model has get_absolute_url: "view on site" is a 404 for every object.
    "admin:view_on_site": Check(
        lambda w: reverse("admin:view_on_site", args=[w.booking_type.pk, w.booking_a.pk]),
        staff_all(NOT_FOUND),
    ),
    # Anything else under /admin/: the admin's catch-all answers 404, after sign-in.
    "admin/(?P<url>.*)$": Check(lambda w: "/admin/no-such-page/", staff_all(NOT_FOUND)),
    # The numbers are shown once to the manager who issued the pack; nobody else
    # reaches even the page. CSV, e-mail and Done are POST only (WRONG_ROLE_POSTS).
    "admin:vouchers_exampack_numbers": Check(
        url("admin:vouchers_exampack_numbers", "pack_a"),
        admin_only(
            {
                "manager_a": OK,
                "manager_b": NOT_FOUND,
                "support": FORBIDDEN,
                "exam_admin": FORBIDDEN,
                "superuser": OK,
            }
        ),
    ),
    "admin:vouchers_exampack_numbers_csv": Check(
        url("admin:vouchers_exampack_numbers_csv", "pack_a"), staff_all(NOT_ALLOWED)
    ),
    "admin:vouchers_exampack_numbers_email": Check(
        url("admin:vouchers_exampack_numbers_email", "pack_a"), staff_all(NOT_ALLOWED)
    ),
    "admin:vouchers_exampack_numbers_done": Check(
        url("admin:vouchers_exampack_numbers_done", "pack_a"), staff_all(NOT_ALLOWED)
    ),
    "admin:vouchers_voucher_find": Check(
        url("admin:vouchers_voucher_find"),
        staff_who({r for r in STAFF if may(r, "vouchers_voucher", "v")}),
    ),
    "admin:vouchers_customer_report": Check(
        url("admin:vouchers_customer_report"),
        staff_who({r for r in STAFF if may(r, "vouchers_customer", "v")}),
        markers=A_MARKERS,
        sees_markers=SEES_EVERY_CUSTOMER,
    ),
    "admin:vouchers_booking_import_results": Check(
        url("admin:vouchers_booking_import_results"), staff_who({"exam_admin", "superuser"})
    ),
    "admin:exams_sitting_series": Check(
        url("admin:exams_sitting_series"),
        staff_who({r for r in STAFF if may(r, "exams_sitting", "a")}),
    ),
    # A candidate's data, exported or erased on their request: support and superusers.
    "admin:accounts_user_privacy_export": Check(
        url("admin:accounts_user_privacy_export", "candidate_a"),
        staff_who({"support", "superuser"}),
    ),
    "admin:accounts_user_privacy_erase": Check(
        url("admin:accounts_user_privacy_erase", "candidate_a"),
        staff_who({"support", "superuser"}),
    ),
    "admin:accounts_user_legal_name": Check(
        url("admin:accounts_user_legal_name", "candidate_a"), staff_who({"support", "superuser"})
    ),
    # POST only: replying to a request and closing it.
    "admin:support_supportrequest_reply": Check(
        url("admin:support_supportrequest_reply", "support_request_a"), staff_all(NOT_ALLOWED)
    ),
    "admin:support_supportrequest_close": Check(
        url("admin:support_supportrequest_close", "support_request_a"), staff_all(NOT_ALLOWED)
    ),
    # Setting a password needs "change user": superusers only (support may only view).
    "admin:auth_user_password_change": Check(
        url("admin:auth_user_password_change", "candidate_a"), staff_who({"superuser"})
    ),
}


def autocomplete(app_label, model_name, field_name, remote_model) -> Check:
    """The admin's autocomplete lists the remote model's rows the role may see."""
    query = f"?app_label={app_label}&model_name={model_name}&field_name={field_name}&term="
    return Check(
        lambda w: reverse("admin:autocomplete") + query,
        staff_who({r for r in STAFF if may(r, remote_model, "v")}),
        markers=A_MARKERS if remote_model == "vouchers_customer" else (),
        sees_markers=SEES_EVERY_CUSTOMER,
    )


# URL names requested more than once, with different arguments.
VARIANTS = {
    "admin:app_list": [
        Check(
            lambda w, label=label: reverse("admin:app_list", args=[label]),
            admin_only({role: app_index_outcome(role, label) for role in STAFF}),
        )
        for label in ("auth", "accounts", "exams", "privacy", "vouchers", "support")
    ],
    "admin:autocomplete": [
        autocomplete("vouchers", "exampack", "customer", "vouchers_customer"),
        autocomplete("exams", "sitting", "centre", "exams_testcenter"),
        autocomplete("vouchers", "customer", "account_manager", "accounts_user"),
    ],
}


def model_checks() -> dict[str, Check]:
    """Every model's changelist, add, change, delete, history, and its bare-id redirect."""
    checks = {}
    for model, (_, obj) in ADMIN_MODELS.items():
        for kind in MODEL_URL_KINDS:
            name = f"admin:{model}_{kind}"
            args = (obj,) if kind in ("change", "delete", "history") else ()
            expect = admin_only({role: model_url_outcome(role, model, kind) for role in STAFF})
            if kind == "changelist" and model in SCOPED:
                checks[name] = Check(url(name, *args), expect, A_MARKERS, SEES_EVERY_CUSTOMER)
            else:
                checks[name] = Check(url(name, *args), expect)
        # admin/<app>/<model>/<id>/ is an unnamed redirect to the change page, for staff.
        app_label, model_name = model.split("_", 1)

        def bare(w, app_label=app_label, model_name=model_name, obj=obj):
            return f"/admin/{app_label}/{model_name}/{getattr(w, obj).pk}/"

        def change(w, model=model, obj=obj):
            return reverse(f"admin:{model}_change", args=[getattr(w, obj).pk])

        checks[f"admin/{app_label}/{model_name}/<path:object_id>/"] = Check(
            bare, staff_all(Redirect(change))
        )
    return checks


def the_matrix() -> dict[str, list[Check]]:
    table = {name: [check] for name, check in {**PORTAL, **ADMIN_SITE, **model_checks()}.items()}
    for name, checks in VARIANTS.items():
        assert name not in table, name
        table[name] = checks
    for checks in table.values():
        for check in checks:
            assert set(check.expect) == set(ROLES), check
    return table


def collected_urls() -> list[str]:
    """Every pattern of the URLconf: its full name (``portal:booking``), or its route."""

    def walk(resolver, namespaces, prefix):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = namespaces + ([pattern.namespace] if pattern.namespace else [])
                yield from walk(pattern, inner, route)
            else:
                assert isinstance(pattern, URLPattern)
                yield ":".join([*namespaces, pattern.name]) if pattern.name else route

    return list(walk(get_resolver(), [], ""))


# --- what a request may not change ---------------------------------------------------


def everything():
    User = get_user_model()
    return (
        list(Customer.objects.order_by("pk").values_list("pk", "name", "account_manager")),
        list(ExamPack.objects.order_by("pk").values_list("pk", "candidate", "exam_count")),
        list(
            Voucher.objects.order_by("pk").values_list(
                "pk", "number_hash", "registered_by", "voided_at"
            )
        ),
        list(Booking.objects.order_by("pk").values_list("pk", "status", "sitting", "outcome")),
        list(Sitting.objects.order_by("pk").values_list("pk", "seats_taken", "starts_at")),
        list(User.objects.order_by("pk").values_list("pk", "email", "password", "is_active")),
        VoucherEvent.objects.count(),
        AccountEvent.objects.count(),
        LogEntry.objects.count(),
        list(SupportRequest.objects.order_by("pk").values_list("pk", "status", "subject")),
        SupportReply.objects.count(),
        SupportEvent.objects.count(),
    )


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def outcome_of(response, expected, path, w) -> str | None:
    """Return why the response is not the expected outcome, or None if it is."""
    status, location = response.status_code, response.get("Location", "")
    if expected == SIGN_IN:
        ok = status == 302 and location == f"{reverse('login')}?next={quote(path, safe='/')}"
    elif expected == ADMIN_SIGN_IN:
        ok = status == 302 and location == f"{reverse('admin:login')}?next={quote(path, safe='/')}"
    elif expected == GONE:
        said = " ".join(str(m) for m in get_messages(response.wsgi_request))
        ok = status == 302 and location == reverse("admin:index") and "exist" in said
    elif isinstance(expected, Redirect):
        ok = status == 302 and location == expected.path(w)
    else:
        ok = status == expected
    if ok:
        return None
    return f"got {status}{f' → {location}' if location else ''}, expected {expected}"


def leaked(response, check: Check, role: str) -> str | None:
    """Return what is wrong with the markers on a list page that the role reached."""
    if not check.markers or response.status_code != 200:
        return None
    page = response.content.decode(errors="replace")
    found = [marker for marker in check.markers if marker in page]
    if role in check.sees_markers and not found:
        return f"the control failed: none of {check.markers} shown to {role}"
    if role not in check.sees_markers and found:
        return f"shows {found} to {role}"
    return None


# --- POSTs by the wrong role ---------------------------------------------------------


def action(name, selected, **answer):
    def data(w):
        return {"action": name, "_selected_action": [getattr(w, selected).pk]} | answer

    return data


def a_results_file(w):
    values = {
        "booking_reference": str(w.taken_a.pk),
        "candidate_email": w.candidate_a.email,
        "exam_number": w.exam.number,
        "sitting_start_utc": w.taken_a.sitting.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "outcome": "passed",
    }
    content = ",".join(COLUMNS) + "\n" + ",".join(values[c] for c in COLUMNS) + "\n"
    return {"file": SimpleUploadedFile("results.csv", content.encode(), "text/csv")}


def issue_to_customer_a(w):
    return {
        "customer": w.customer_a.pk,
        "exam_count": "3",
        "expires_on": (w.now + timedelta(days=365)).date().isoformat(),
        "is_second_shot": "on",
        "list_price": "450",
        "currency": "USD",
        "discount_percent": "0",
        "promotion": "",
    }


def a_series(w):
    first = (w.now + timedelta(days=40)).date()
    return {
        "centre": w.centre.pk,
        "first_day": first.isoformat(),
        "weeks": "1",
        "weekdays": ["0", "1", "2", "3", "4"],
        "local_times": "09:00",
        "seats": "5",
    }


def plain_number_of_voucher_a(w):
    return {"number": w.voucher_a.plain_number}  # the factory keeps it in the clear


HAND_OVER_REFUSED = {
    "anonymous": ADMIN_SIGN_IN,
    "candidate_a": ADMIN_SIGN_IN,
    "candidate_b": ADMIN_SIGN_IN,
    "manager_b": NOT_FOUND,
    "support": FORBIDDEN,
    "exam_admin": FORBIDDEN,
}
changelist_of = {
    model: Redirect(lambda w, model=model: reverse(f"admin:{model}_changelist"))
    for model in ("vouchers_exampack", "vouchers_voucher", "vouchers_booking")
}
NOT_STAFF = dict.fromkeys(("anonymous", *CANDIDATES), ADMIN_SIGN_IN)

# (what, path, data, {role: outcome}). Every one of these must leave everything as it
# was, send no e-mail and log nothing.
WRONG_ROLE_POSTS = [
    (
        "download a person's data while signed out",
        url("privacy:export"),
        None,
        {"anonymous": SIGN_IN},
    ),
    (
        "erase an account while signed out",
        url("privacy:erase"),
        lambda w: {"password": "correct horse battery staple", "understood": "on"},
        {"anonymous": SIGN_IN},
    ),
    (
        "correct candidate A's legal name",
        url("admin:accounts_user_legal_name", "candidate_a"),
        lambda w: {"legal_name": "Matrix Name", "reason": "matrix"},
        NOT_STAFF | {"manager_a": FORBIDDEN, "manager_b": FORBIDDEN, "exam_admin": FORBIDDEN},
    ),
    (
        "reply to candidate A's support request",
        url("admin:support_supportrequest_reply", "support_request_a"),
        lambda w: {"message": "matrix"},
        NOT_STAFF | {"manager_a": FORBIDDEN, "manager_b": FORBIDDEN, "exam_admin": FORBIDDEN},
    ),
    (
        "close candidate A's support request",
        url("admin:support_supportrequest_close", "support_request_a"),
        None,
        NOT_STAFF | {"manager_a": FORBIDDEN, "manager_b": FORBIDDEN, "exam_admin": FORBIDDEN},
    ),
    (
        "write to support while signed out",
        url("support:contact"),
        lambda w: {"subject": "matrix", "message": "matrix"},
        {"anonymous": SIGN_IN},
    ),
    (
        "export candidate A's data from the back office",
        url("admin:accounts_user_privacy_export", "candidate_a"),
        lambda w: {"reason": "matrix"},
        NOT_STAFF | {"manager_a": FORBIDDEN, "manager_b": FORBIDDEN, "exam_admin": FORBIDDEN},
    ),
    (
        "erase candidate A's data from the back office",
        url("admin:accounts_user_privacy_erase", "candidate_a"),
        lambda w: {"reason": "matrix", "consent_0": "on"},
        NOT_STAFF | {"manager_a": FORBIDDEN, "manager_b": FORBIDDEN, "exam_admin": FORBIDDEN},
    ),
    (
        "cancel candidate A's booking",
        url("portal:cancel_booking", "booking_a"),
        None,
        {"anonymous": SIGN_IN, "candidate_b": NOT_FOUND, "manager_a": NOT_FOUND},
    ),
    (
        "book with candidate A's voucher",
        PORTAL["portal:review_booking"].path,
        None,
        {"anonymous": SIGN_IN, "candidate_b": NOT_FOUND, "support": NOT_FOUND},
    ),
    (
        "move candidate A's booking",
        url("portal:review_move", "booking_a", "other_sitting"),
        None,
        {"anonymous": SIGN_IN, "candidate_b": NOT_FOUND, "exam_admin": NOT_FOUND},
    ),
    (
        "re-send candidate A's booking e-mail",
        url("portal:resend_booking_email", "booking_a"),
        None,
        {"anonymous": SIGN_IN, "candidate_b": NOT_FOUND, "manager_b": NOT_FOUND},
    ),
    (
        "e-mail a link to a new number for candidate A's voucher",
        url("portal:send_recovery_link", "voucher_a"),
        None,
        {"anonymous": SIGN_IN, "candidate_b": NOT_FOUND, "manager_b": NOT_FOUND},
    ),
    (
        "take a new number with candidate A's recovery link",
        recover_link,
        None,
        {"anonymous": SIGN_IN, "candidate_b": NOT_FOUND, "support": NOT_FOUND},
    ),
    (
        "download pack A's numbers as CSV",
        url("admin:vouchers_exampack_numbers_csv", "pack_a"),
        None,
        HAND_OVER_REFUSED,
    ),
    (
        "e-mail pack A's numbers",
        url("admin:vouchers_exampack_numbers_email", "pack_a"),
        None,
        HAND_OVER_REFUSED,
    ),
    (
        "finish pack A's hand-over",
        url("admin:vouchers_exampack_numbers_done", "pack_a"),
        None,
        HAND_OVER_REFUSED,
    ),
    (
        "void pack A",
        url("admin:vouchers_exampack_changelist"),
        action("void_packs", "pack_a", _confirmed="yes", reason="matrix"),
        NOT_STAFF
        | {
            "manager_b": changelist_of["vouchers_exampack"],
            "support": OK,  # no action is offered to support: the list is shown again
            "exam_admin": FORBIDDEN,
        },
    ),
    (
        "void voucher A",
        url("admin:vouchers_voucher_changelist"),
        action("void_vouchers", "voucher_a", _confirmed="yes", reason="matrix"),
        NOT_STAFF
        | {
            "manager_b": changelist_of["vouchers_voucher"],
            "support": changelist_of["vouchers_voucher"],
            "exam_admin": FORBIDDEN,
        },
    ),
    (
        "reissue voucher A's number",
        url("admin:vouchers_voucher_changelist"),
        action("reissue_number", "voucher_a", _confirmed="yes", reason="matrix"),
        NOT_STAFF
        | {
            "manager_a": changelist_of["vouchers_voucher"],
            "manager_b": changelist_of["vouchers_voucher"],
            "exam_admin": FORBIDDEN,
        },
    ),
    (
        "re-send voucher A's confirmation",
        url("admin:vouchers_voucher_changelist"),
        action("resend_confirmation", "voucher_a", _confirmed="yes", reason="matrix"),
        NOT_STAFF
        | {
            "manager_a": changelist_of["vouchers_voucher"],
            "manager_b": changelist_of["vouchers_voucher"],
            "exam_admin": FORBIDDEN,
        },
    ),
    (
        "record the outcome of candidate A's sat exam",
        url("admin:vouchers_booking_changelist"),
        action("record_outcome", "taken_a", _confirmed="yes", outcome="passed"),
        # No action is offered to these roles on bookings: the list is shown again.
        NOT_STAFF | {"manager_a": OK, "manager_b": OK, "support": OK},
    ),
    (
        "rename customer A",
        url("admin:vouchers_customer_change", "customer_a"),
        lambda w: {"name": "Taken over", "contact_email": "x@example.com", "country": "X"},
        NOT_STAFF | {"manager_b": GONE, "support": FORBIDDEN, "exam_admin": FORBIDDEN},
    ),
    (
        "delete customer A",
        url("admin:vouchers_customer_delete", "customer_a"),
        lambda w: {"post": "yes"},
        NOT_STAFF | {"manager_a": FORBIDDEN, "manager_b": FORBIDDEN, "support": FORBIDDEN},
    ),
    (
        "issue a pack to manager A's customer",
        url("admin:vouchers_exampack_add"),
        issue_to_customer_a,
        # manager B: the form answers "Select a valid choice"; nothing is issued.
        NOT_STAFF | {"manager_b": OK, "support": FORBIDDEN, "exam_admin": FORBIDDEN},
    ),
    (
        "find voucher A by its number",
        url("admin:vouchers_voucher_find"),
        plain_number_of_voucher_a,
        # manager B: "No voucher you can see has this number", no redirect to it.
        NOT_STAFF | {"manager_b": OK, "exam_admin": FORBIDDEN},
    ),
    (
        "import a results file",
        url("admin:vouchers_booking_import_results"),
        a_results_file,
        NOT_STAFF | {"manager_a": FORBIDDEN, "support": FORBIDDEN},
    ),
    (
        "create a series of sittings",
        url("admin:exams_sitting_series"),
        a_series,
        NOT_STAFF | {"manager_a": FORBIDDEN, "support": FORBIDDEN},
    ),
    (
        "change the exam catalogue",
        url("admin:exams_exam_change", "exam"),
        lambda w: {"number": "070-999", "title": "Taken over", "track": "developer"},
        NOT_STAFF | {"manager_a": FORBIDDEN, "support": FORBIDDEN},
    ),
]
# Views that change something on POST: their GET (in the matrix) must change nothing,
# sign nobody out and send no e-mail, request by request. Their POST by the wrong
# role is in WRONG_ROLE_POSTS.
CHANGES_ON_POST = {
    "logout",
    "resend_verification",
    "privacy:export",
    "privacy:erase",
    "portal:review_booking",
    "portal:cancel_booking",
    "portal:review_move",
    "portal:resend_booking_email",
    "portal:recover_number",
    "portal:send_recovery_link",
    "support:contact",
    "admin:accounts_user_legal_name",
    "admin:support_supportrequest_reply",
    "admin:support_supportrequest_close",
    "admin:logout",
    "admin:accounts_user_privacy_export",
    "admin:accounts_user_privacy_erase",
    "admin:vouchers_exampack_numbers_csv",
    "admin:vouchers_exampack_numbers_email",
    "admin:vouchers_exampack_numbers_done",
}


def test_every_url_answers_every_role_as_the_matrix_says(django_capture_on_commit_callbacks):
    """SPEC "What each person sees"; SECURITY.md: candidates and managers reach only their own."""
    started = time.perf_counter()
    table = the_matrix()
    collected = collected_urls()
    assert len(collected) == len(set(collected)), "a URL name is used twice"
    missing = sorted(set(collected) - set(table))
    assert not missing, (
        f"URLs without an entry in the access matrix: {missing}. Add each to PORTAL, "
        "ADMIN_SITE, VARIANTS or ADMIN_MODELS in tests/security/test_access_matrix.py."
    )
    stale = sorted(set(table) - set(collected))
    assert not stale, f"entries for URLs that no longer exist: {stale}"
    assert not CHANGES_ON_POST - set(table), "a view that changes things has no entry"

    w = build_world()
    before = everything()
    failures, counts = [], Counter()

    for name, checks in table.items():
        for check in checks:
            for role in ROLES:
                client, path = w.clients[role], check.path(w)
                expected = check.expect[role]
                if name in CHANGES_ON_POST:
                    signed_in, state = is_signed_in(client), everything()
                    with django_capture_on_commit_callbacks(execute=True):
                        response = client.get(path)
                    if everything() != state or mail.outbox or is_signed_in(client) != signed_in:
                        failures.append(f"GET {name} as {role} changed something")
                else:
                    response = client.get(path)
                if name == "verify_email" and role == "anonymous":
                    client.logout()  # the link signed them in, as designed: anonymous again
                counts["GET"] += 1
                problem = outcome_of(response, expected, path, w) or leaked(response, check, role)
                if problem:
                    failures.append(f"GET {name} ({path}) as {role}: {problem}")
                elif expected in UNREACHABLE:
                    counts["unreachable"] += 1
                if check.markers and role not in check.sees_markers and response.status_code == 200:
                    counts["clean lists"] += 1

    # Opening the verification link confirms candidate A's address (by design): the
    # one thing a GET above may change. Everything else is as it was.
    assert everything() == before
    assert mail.outbox == []

    for what, path_of, data_of, expected_by_role in WRONG_ROLE_POSTS:
        for role, expected in expected_by_role.items():
            client, path = w.clients[role], path_of(w)
            state = everything()
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(path, data_of(w) if data_of else {})
            counts["POST"] += 1
            problem = outcome_of(response, expected, path, w)
            if problem:
                failures.append(f"POST {what} ({path}) as {role}: {problem}")
            elif expected in UNREACHABLE:
                counts["unreachable"] += 1
            if everything() != state:
                failures.append(f"POST {what} as {role} changed data")
            if mail.outbox:
                failures.append(f"POST {what} as {role} sent {len(mail.outbox)} e-mail(s)")
                mail.outbox.clear()

    elapsed = time.perf_counter() - started
    requests = sum(len(checks) for checks in table.values())
    print(
        f"\naccess matrix: {len(collected)} URL patterns ({requests} requests) × "
        f"{len(ROLES)} roles = {counts['GET']} GETs, plus {counts['POST']} POSTs by the wrong "
        f"role; {counts['unreachable']} unreachable as expected (sign-in, 403, 404, 405, "
        f"admin's “doesn't exist”); {counts['clean lists']} lists checked "
        f"free of manager A's customer; {elapsed:.1f} s"
    )
    assert not failures, "\n".join(failures)
