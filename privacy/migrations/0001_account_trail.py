import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AccountEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('account.exported', 'Personal data exported'), ('account.erased', 'Personal data erased')], max_length=40, verbose_name='action')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                ('reason', models.CharField(blank=True, max_length=300, verbose_name='reason')),
                ('details', models.JSONField(blank=True, default=dict, verbose_name='details')),
                ('actor', models.ForeignKey(blank=True, help_text='Empty when the system acted on its own.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='actor')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='person')),
            ],
            options={
                'verbose_name': 'personal data request',
                'verbose_name_plural': 'personal data requests',
                'ordering': ['-at', '-pk'],
                'permissions': [('handle_privacy_requests', "Can export and erase a candidate's data on request")],
                'indexes': [models.Index(fields=['person', 'action'], name='privacy_acc_person__41cd8f_idx'), models.Index(fields=['-at', '-id'], name='account_event_newest_first')],
            },
        ),
    ]
