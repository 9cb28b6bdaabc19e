"""The database itself refuses UPDATE and DELETE on support's trail, as on the voucher
and account trails: see ``core.append_only.triggers``.
"""

from django.db import migrations

from core.append_only import triggers


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]
    operations = [triggers("support_supportevent", name="support trail")]
