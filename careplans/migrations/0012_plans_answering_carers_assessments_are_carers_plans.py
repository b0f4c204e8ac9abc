from django.db import migrations


def mark_carers_plans(apps, schema_editor):
    """A plan drafted before plans had a kind, answering a carer's own assessment (and
    no other), is that carer's support plan."""
    CarePlan = apps.get_model("careplans", "CarePlan")
    CarePlan._base_manager.filter(
        assessment__kind="carer", carer_assessment__isnull=True
    ).update(kind="carer_support")


class Migration(migrations.Migration):
    dependencies = [("careplans", "0011_carer_support_plans_and_financial_assessments")]

    operations = [migrations.RunPython(mark_carers_plans, migrations.RunPython.noop)]
