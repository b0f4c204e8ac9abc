import uuid

from django.db import migrations, models


def give_codes(apps, schema_editor):
    UnmetWant = apps.get_model("careplans", "UnmetWant")
    for row in UnmetWant._base_manager.filter(code__isnull=True):
        row.code = uuid.uuid4()
        row.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [
        ("careplans", "0006_programme_cases_and_case_studies"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalunmetwant",
            name="code",
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AddField(
            model_name="unmetwant",
            name="code",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="unmetwant",
            name="code",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
