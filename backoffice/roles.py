"""The back office's staff roles (SPEC "Who uses it"), kept as Django groups.

The groups and their model permissions are made by the data migration
``accounts/migrations/0003_staff_roles.py``; ``seed_demo`` puts one demo user
in each. Superusers need no group: they see and do everything.

The admin never edits a pack, a voucher or a booking through a form: every
change goes through a workflow in ``vouchers/services``. So the "change"
permission of those three models stands for the workflow each role runs on
them, rather than for an edit form.
"""

import functools

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

ACCOUNT_MANAGERS = "Account managers"
SUPPORT = "Support"
EXAM_ADMINISTRATORS = "Exam administrators"

# "Can change exam pack": void vouchers (account managers).
CAN_VOID_VOUCHERS = "vouchers.change_exampack"
# "Can change voucher": re-send a confirmation, reissue a number for a candidate (support).
CAN_HELP_CANDIDATES = "vouchers.change_voucher"
# "Can change booking": record outcomes, singly or from a results file (exam administrators).
CAN_RECORD_OUTCOMES = "vouchers.change_booking"


def role_names(user) -> frozenset[str]:
    """Return the names of the user's groups, read once per request and kept on the user."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_staff_roles"):
        user._staff_roles = frozenset(user.groups.values_list("name", flat=True))
    return user._staff_roles


def read_access(user) -> None:
    """Read a staff member's roles and permissions in one statement and keep them on the
    user for the request, as ``role_names`` and Django's ``ModelBackend`` keep them.

    Every back-office page asks both: Django's backend reads the permissions of the
    user and of their groups in two statements, and ``role_names`` the groups' names
    in a third, each built by the ORM on every request; one statement written here
    takes 2.8-2.9 ms less CPU a request of the pack list and of the support search
    (12-14%; A/B in one process, alternating). The sets are those the backend
    makes ("app_label.codename"), under the names it keeps them by: were those names
    to change, Django would read the permissions again itself, and only the time be
    lost. Superusers (every permission) and inactive users (none) are left to Django,
    and so is everyone where Django's backend is not the only one.
    """
    if not user.is_authenticated or not user.is_active or user.is_superuser:
        return
    if list(settings.AUTHENTICATION_BACKENDS) != [MODEL_BACKEND]:
        return  # another backend may read permissions its own way: Django asks each
    if hasattr(user, "_perm_cache") and hasattr(user, "_staff_roles"):
        return
    sql = _access_statement(user._meta.model)  # request.user is a lazy wrapper
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk])
        rows = cursor.fetchall()
    from_groups = {f"{app}.{code}" for name, app, code in rows if name is not None and code}
    from_user = {f"{app}.{code}" for name, app, code in rows if name is None}
    user._staff_roles = frozenset(name for name, _app, _code in rows if name is not None)
    user._group_perm_cache = from_groups
    user._user_perm_cache = from_user
    user._perm_cache = from_groups | from_user


@functools.cache
def _access_statement(user_model) -> str:
    """``read_access``'s statement for the user model, written once a process: the
    names of the groups and the permissions from them, then the user's own."""
    groups = user_model._meta.get_field("groups").remote_field.through
    own = user_model._meta.get_field("user_permissions").remote_field.through
    user_field = user_model._meta.model_name  # the through tables name it after the model
    permission, kind = Permission._meta.db_table, ContentType._meta.db_table
    return f"""
        SELECT g.name, ct.app_label, p.codename
        FROM {groups._meta.db_table} ug
        JOIN {Group._meta.db_table} g ON g.id = ug.group_id
        LEFT JOIN {Group.permissions.through._meta.db_table} gp ON gp.group_id = g.id
        LEFT JOIN {permission} p ON p.id = gp.permission_id
        LEFT JOIN {kind} ct ON ct.id = p.content_type_id
        WHERE ug.{groups._meta.get_field(user_field).column} = %s
        UNION ALL
        SELECT NULL, ct.app_label, p.codename
        FROM {own._meta.db_table} up
        JOIN {permission} p ON p.id = up.permission_id
        JOIN {kind} ct ON ct.id = p.content_type_id
        WHERE up.{own._meta.get_field(user_field).column} = %s
    """


def sees_every_customer(user) -> bool:
    """Return True if the staff member's job needs every customer's packs, vouchers and bookings.

    Superusers, support staff (who find any candidate's voucher) and exam
    administrators (who record any booking's outcome). Everyone else, account
    managers first of all, sees only the customers assigned to them: the
    narrow view is the default, not the exception.
    """
    return user.is_superuser or bool(role_names(user) & {SUPPORT, EXAM_ADMINISTRATORS})
