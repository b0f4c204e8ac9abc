# An operator job (restoring a site from the admin) belongs to no site, and a job
# keeps what it found (a restore's counts) for its page.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sites", "0014_notification_kinds_jobs_and_retention"),
    ]

    operations = [
        migrations.AlterField(
            model_name="job",
            name="site",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="sites.site",
            ),
        ),
        migrations.AddField(
            model_name="job",
            name="outcome",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
