"""What the browser tests do again and again, as a candidate would."""

from importlib import import_module

from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from backoffice import roles
from tests.factories import StaffFactory

PASSWORD = "a sound passphrase 42"

# What the sign-in page and the page after it say, in each language a browser test reads:
# the e-mail and password labels, the button, and the heading of the dashboard.
SIGN_IN_WORDS = {
    "en": ("E-mail address", "Password", "Sign in", "My vouchers"),
    "es": ("Dirección de correo electrónico", "Contraseña", "Iniciar sesión", "Mis vales"),
    "ja": ("メールアドレス", "パスワード", "サインイン", "マイバウチャー"),
}


def sign_in(page, email, password=PASSWORD, language="en"):
    """Sign in through the form, read in ``language`` (the page's, from the language cookie)."""
    email_label, password_label, button, heading = SIGN_IN_WORDS[language]
    page.goto("/accounts/login/")
    page.get_by_label(email_label).fill(email)
    page.get_by_label(password_label).fill(password)
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()


# --- staff, in the back office ------------------------------------------------------

STAFF_ROLES = import_module("accounts.migrations.0003_staff_roles").ROLES

ROLE_GROUPS = {
    "manager": roles.ACCOUNT_MANAGERS,
    "support": roles.SUPPORT,
    "exam_admin": roles.EXAM_ADMINISTRATORS,
}


def role_group(name: str) -> Group:
    """Return the role's group, with the permissions the migration gives it."""
    group, created = Group.objects.get_or_create(name=name)
    if created:
        for app_label, models in STAFF_ROLES[name].items():
            for model, actions in models.items():
                group.permissions.add(
                    *Permission.objects.filter(
                        content_type__app_label=app_label,
                        codename__in=[f"{action}_{model}" for action in actions],
                    )
                )
    return group


def sign_in_staff(page, role: str):
    """Sign a new staff member of ``role`` in, and return them."""
    user = StaffFactory(email=f"{role}@secondshot.test", password=PASSWORD)
    user.groups.add(role_group(ROLE_GROUPS[role]))
    page.goto("/admin/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    return user
