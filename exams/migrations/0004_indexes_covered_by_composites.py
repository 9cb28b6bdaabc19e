"""Drop the index of a sitting's centre: the unique (centre, starts_at) begins with it
and serves every lookup by centre. Dropped by name, as vouchers' 0013 says why."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exams", "0003_country_codes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS exams_sitting_centre_id_dda3bb16",
                    reverse_sql="CREATE INDEX exams_sitting_centre_id_dda3bb16 "
                    "ON exams_sitting (centre_id)",
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="sitting",
                    name="centre",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="sittings",
                        to="exams.testcenter",
                        verbose_name="centre",
                    ),
                ),
            ],
        ),
    ]
