"""The three staff roles of the back office as groups with exactly the permissions they need.

What each role may do is in ``backoffice/roles.py`` and the README ("Back office").
The permissions are created here first: on a new database Django makes them only
after the last migration has run.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW = ["view"]
KEEP = ["view", "add", "change"]
CRUD = ["view", "add", "change", "delete"]

# {group: {app label: {model: [actions]}}}. "change" on a pack, a voucher or a
# booking stands for the one workflow the role runs on it (see backoffice/roles.py).
ROLES = {
    "Account managers": {
        "vouchers": {
            "customer": KEEP,
            "exampack": KEEP,  # add: issue a pack; change: void its vouchers
            "voucher": VIEW,
            "booking": VIEW,
            "voucherevent": VIEW,
        },
    },
    "Support": {
        "accounts": {"user": VIEW},  # find a candidate
        "vouchers": {
            "customer": VIEW,
            "exampack": VIEW,
            "voucher": ["view", "change"],  # change: re-send confirmation, reissue number
            "booking": VIEW,
            "voucherevent": VIEW,
        },
    },
    "Exam administrators": {
        "exams": {"exam": CRUD, "testcenter": CRUD, "sitting": CRUD},
        "vouchers": {
            "booking": ["view", "change"],  # change: record outcomes, import results
            "voucherevent": VIEW,
        },
    },
}


def create_roles(apps, schema_editor):
    using = schema_editor.connection.alias
    for label in ("accounts", "exams", "vouchers"):
        app_config = apps.get_app_config(label)
        # create_permissions skips an app without a models module, as the
        # historical apps of a migration are.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        permissions = [
            Permission.objects.using(using).get(
                content_type__app_label=app_label,
                content_type__model=model,
                codename=f"{action}_{model}",
            )
            for app_label, models in grants.items()
            for model, actions in models.items()
            for action in actions
        ]
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_email_verified_at"),
        ("exams", "0001_initial"),
        ("vouchers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
