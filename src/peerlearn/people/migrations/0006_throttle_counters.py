# Sign-in failures were rows per failure (LoginFailure); they are now counters per
# account and per address (ThrottleCounter), changed atomically. Old failures are dropped:
# at worst an account that was refused may try again at once after the upgrade.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0005_organisation_people_are_not_operators'),
    ]

    operations = [
        migrations.CreateModel(
            name='ThrottleCounter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('scope', models.CharField(max_length=40)),
                ('key', models.CharField(max_length=200)),
                ('window_started_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('count', models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.DeleteModel(
            name='LoginFailure',
        ),
        migrations.AddIndex(
            model_name='throttlecounter',
            index=models.Index(fields=['scope', 'window_started_at'], name='people_thro_scope_43adc3_idx'),
        ),
        migrations.AddConstraint(
            model_name='throttlecounter',
            constraint=models.UniqueConstraint(fields=('scope', 'key'), name='unique_throttle_counter'),
        ),
    ]
