"""The database itself refuses UPDATE and DELETE on the account trail, as on the voucher
trail (``vouchers`` 0002): see ``core.append_only.triggers``.
"""

from django.db import migrations

from core.append_only import triggers


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_account_trail")]
    operations = [triggers("privacy_accountevent", name="account trail")]
