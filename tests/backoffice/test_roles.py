"""The staff roles: groups made by the migration, with exactly the permissions each job needs."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backoffice import roles
from tests.backoffice.conftest import signed_in, staff_in

pytestmark = pytest.mark.django_db


def permissions_of(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_account_managers_keep_customers_issue_packs_and_read_usage():
    assert permissions_of(roles.ACCOUNT_MANAGERS) == {
        "vouchers.view_customer",
        "vouchers.add_customer",
        "vouchers.change_customer",
        "vouchers.view_exampack",
        "vouchers.add_exampack",
        "vouchers.change_exampack",
        "vouchers.view_voucher",
        "vouchers.view_booking",
        "vouchers.view_voucherevent",
    }


def test_support_finds_candidates_and_vouchers_and_creates_nothing():
    """SS-6: support re-sends confirmations and reissues numbers; no packs, no outcomes. They
    also export and erase a candidate's data on request, and read the account's trail; they
    answer candidates' requests, correct a legal name and read support's trail."""
    assert permissions_of(roles.SUPPORT) == {
        "accounts.view_user",
        "privacy.handle_privacy_requests",
        "privacy.view_accountevent",
        "support.view_supportrequest",
        "support.change_supportrequest",
        "support.view_supportreply",
        "support.view_supportevent",
        "support.correct_legal_name",
        "vouchers.view_customer",
        "vouchers.view_exampack",
        "vouchers.view_voucher",
        "vouchers.change_voucher",
        "vouchers.view_booking",
        "vouchers.view_voucherevent",
    }


def test_exam_administrators_keep_the_catalogue_and_record_outcomes():
    crud = {"view", "add", "change", "delete"}
    assert permissions_of(roles.EXAM_ADMINISTRATORS) == {
        f"exams.{action}_{model}" for action in crud for model in ("exam", "testcenter", "sitting")
    } | {"vouchers.view_booking", "vouchers.change_booking", "vouchers.view_voucherevent"}


def test_no_role_may_add_change_or_delete_the_audit_trail():
    """SS-12"""
    for group in Group.objects.all():
        for action in ("add", "change", "delete"):
            assert f"vouchers.{action}_voucherevent" not in permissions_of(group.name)


def test_the_workflow_permissions_name_what_each_role_does(manager, support, exam_admin):
    assert manager.has_perm(roles.CAN_VOID_VOUCHERS)
    assert not manager.has_perm(roles.CAN_HELP_CANDIDATES)
    assert support.has_perm(roles.CAN_HELP_CANDIDATES)
    assert not support.has_perm(roles.CAN_VOID_VOUCHERS)
    assert not support.has_perm(roles.CAN_RECORD_OUTCOMES)
    assert exam_admin.has_perm(roles.CAN_RECORD_OUTCOMES)
    assert not exam_admin.has_perm(roles.CAN_VOID_VOUCHERS)


def test_only_account_managers_see_a_narrow_slice_of_customers(
    manager, support, exam_admin, superuser
):
    assert not roles.sees_every_customer(manager)
    assert roles.sees_every_customer(support)
    assert roles.sees_every_customer(exam_admin)
    assert roles.sees_every_customer(superuser)


def test_seed_demo_puts_its_staff_into_the_migrations_groups(settings):
    settings.DEBUG = True
    groups_before = set(Group.objects.values_list("pk", flat=True))

    call_command("seed_demo", stdout=io.StringIO())

    assert set(Group.objects.values_list("pk", flat=True)) == groups_before
    users = get_user_model().objects
    assert users.get(email="manager@secondshot.test").has_perm("vouchers.add_exampack")
    assert users.get(email="support@secondshot.test").has_perm(roles.CAN_HELP_CANDIDATES)
    assert users.get(email="examadmin@secondshot.test").has_perm("exams.add_sitting")


def fresh(user):
    """The user as a new request reads them: nothing kept from before."""
    return get_user_model().objects.get(pk=user.pk)


def test_roles_and_permissions_read_at_once_are_those_django_reads(manager, support, exam_admin):
    """``read_access`` reads in one statement what Django's backend and ``role_names``
    read in three: the same sets, a permission given to the person alone included."""
    support.user_permissions.add(Permission.objects.get(codename="view_sitting"))
    both = staff_in(roles.ACCOUNT_MANAGERS)
    both.groups.add(Group.objects.get(name=roles.SUPPORT))
    idle = staff_in(roles.SUPPORT)
    Group.objects.create(name="No permissions yet").user_set.add(idle)
    for user in (manager, support, exam_admin, both, idle):
        by_django = fresh(user)
        expected = (
            by_django.get_user_permissions(),
            by_django.get_group_permissions(),
            by_django.get_all_permissions(),
            roles.role_names(by_django),
        )
        read = fresh(user)
        with CaptureQueriesContext(connection) as queries:
            roles.read_access(read)
            found = (
                read.get_user_permissions(),
                read.get_group_permissions(),
                read.get_all_permissions(),
                roles.role_names(read),
            )
        assert found == expected
        assert len(queries) == 1
    assert "exams.view_sitting" in fresh(support).get_all_permissions()
    assert roles.role_names(fresh(idle)) == {roles.SUPPORT, "No permissions yet"}


def test_a_role_taken_away_is_gone_at_the_next_page(manager):
    client = signed_in(manager)
    packs = reverse("admin:vouchers_exampack_changelist")
    assert client.get(packs).status_code == 200

    manager.groups.clear()

    assert client.get(packs).status_code == 403


def test_a_back_office_page_reads_the_roles_and_permissions_in_one_statement(manager):
    client = signed_in(manager)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("admin:vouchers_exampack_changelist")).status_code == 200
    permission_table = Permission._meta.db_table
    asking = [q["sql"] for q in queries if permission_table in q["sql"] or "auth_group" in q["sql"]]
    assert len(asking) == 1, asking


def test_superusers_and_inactive_staff_are_left_to_django(superuser, manager):
    read = fresh(superuser)
    roles.read_access(read)
    assert not hasattr(read, "_perm_cache")
    assert read.has_perm("vouchers.delete_booking")
    manager.is_active = False
    manager.save()
    read = fresh(manager)
    roles.read_access(read)
    assert not hasattr(read, "_perm_cache")
    assert not read.has_perm("vouchers.view_exampack")
    nobody = AnonymousUser()
    roles.read_access(nobody)
    assert not hasattr(nobody, "_perm_cache")


def test_with_another_sign_in_backend_the_permissions_are_left_to_django(manager, settings):
    settings.AUTHENTICATION_BACKENDS = [roles.MODEL_BACKEND, "tests.backoffice.test_roles.Other"]
    read = fresh(manager)
    roles.read_access(read)
    assert not hasattr(read, "_perm_cache")
    assert read.has_perm("vouchers.view_exampack")


class Other:
    """A sign-in backend that grants nothing (another company's single sign-on, say)."""

    def has_perm(self, user_obj, perm, obj=None):
        return False
