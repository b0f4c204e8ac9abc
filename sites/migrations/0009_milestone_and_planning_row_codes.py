"""Public ids for milestones and planning rows, so their pages take a UUID like every
other record's (existing rows each get a fresh one)."""

import uuid

from django.db import migrations, models


def fill(apps, schema_editor):
    for name in ("Milestone", "PlanningRow"):
        model = apps.get_model("sites", name)
        for row in model.objects.filter(code__isnull=True).only("pk"):
            model.objects.filter(pk=row.pk).update(code=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("sites", "0008_milestone_templates")]

    operations = [
        migrations.AddField(
            model_name="milestone",
            name="code",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="planningrow",
            name="code",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="milestone",
            name="code",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="planningrow",
            name="code",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AddField(
            model_name="historicalmilestone",
            name="code",
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AddField(
            model_name="historicalplanningrow",
            name="code",
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
    ]
