from django.db import migrations


class Migration(migrations.Migration):
    """The versions now live in AssessmentSection rows (0004 copied them)."""

    dependencies = [("assessments", "0004_section_versions_to_rows")]

    operations = [
        migrations.RemoveField(model_name="assessment", name="section_versions"),
        migrations.RemoveField(
            model_name="historicalassessment", name="section_versions"
        ),
    ]
