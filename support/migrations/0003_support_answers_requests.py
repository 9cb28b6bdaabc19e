"""Support staff read and answer candidates' requests, correct a legal name, and read
support's trail (``backoffice/roles.py``). Superusers need no grant. The permissions
are created here first: on a new database Django makes them only after the last
migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SUPPORT = "Support"
CODENAMES = [
    "view_supportrequest",
    "change_supportrequest",
    "view_supportreply",
    "view_supportevent",
    "correct_legal_name",
]


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    app_config = apps.get_app_config("support")
    # create_permissions skips an app without a models module, as the historical
    # apps of a migration are.
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=using)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(using).get_or_create(name=SUPPORT)
    group.permissions.add(
        *Permission.objects.using(using).filter(
            content_type__app_label="support", codename__in=CODENAMES
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    using = schema_editor.connection.alias
    for group in Group.objects.using(using).filter(name=SUPPORT):
        group.permissions.remove(
            *Permission.objects.using(using).filter(
                content_type__app_label="support", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0002_trail_append_only"),
        ("accounts", "0003_staff_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
