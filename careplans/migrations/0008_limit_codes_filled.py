import uuid

from django.db import migrations


def give_limits_codes(apps, schema_editor):
    """Each existing limit gets its own public id (adding the column gave every row the
    same one)."""
    DelegatedLimit = apps.get_model("careplans", "DelegatedLimit")
    for limit in DelegatedLimit._base_manager.all():
        limit.code = uuid.uuid4()
        limit.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [("careplans", "0007_plan_contributions_and_limit_codes")]

    operations = [migrations.RunPython(give_limits_codes, migrations.RunPython.noop)]
