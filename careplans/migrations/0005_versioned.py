from django.db import migrations, models


class Migration(migrations.Migration):
    """One optimistic lock (sites.models.Versioned): the plan's ``edit_version`` is its
    ``version`` (values kept), and each response gets a version of its own."""

    dependencies = [("careplans", "0004_routing_reasons_as_data")]

    operations = [
        migrations.RenameField(
            model_name="careplan", old_name="edit_version", new_name="version"
        ),
        migrations.RenameField(
            model_name="historicalcareplan", old_name="edit_version", new_name="version"
        ),
        migrations.AlterField(
            model_name="careplan",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.AlterField(
            model_name="historicalcareplan",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.AddField(
            model_name="response",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.AddField(
            model_name="historicalresponse",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
    ]
