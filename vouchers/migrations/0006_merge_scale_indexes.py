"""Joins the two lines of vouchers migrations: the indexes for big tables (0003, on the
``scale`` branch) and the reminders and translated names (0004, 0005, on main).
Neither depends on the other; both were applied somewhere before they met."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("vouchers", "0003_scale_indexes"),
        ("vouchers", "0005_translatable_names"),
    ]

    operations = []
