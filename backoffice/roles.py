"""The back office's staff roles (SPEC "Who uses it"), kept as Django groups.

The groups and their model permissions are made by the data migration
``accounts/migrations/0003_staff_roles.py``; ``seed_demo`` puts one demo user
in each. Superusers need no group: they see and do everything.

The admin never edits a pack, a voucher or a booking through a form: every
change goes through a workflow in ``vouchers/services``. So the "change"
permission of those three models stands for the workflow each role runs on
them, rather than for an edit form.
"""

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


def sees_every_customer(user) -> bool:
    """Return True if the staff member's job needs every customer's packs, vouchers and bookings.

    Superusers, support staff (who find any candidate's voucher) and exam
    administrators (who record any booking's outcome). Everyone else, account
    managers first of all, sees only the customers assigned to them: the
    narrow view is the default, not the exception.
    """
    return user.is_superuser or bool(role_names(user) & {SUPPORT, EXAM_ADMINISTRATORS})
