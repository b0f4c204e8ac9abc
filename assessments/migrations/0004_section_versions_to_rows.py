from django.db import migrations

BATCH = 1000


def to_rows(apps, schema_editor):
    """Each {section: version} pair of an assessment becomes a section row at the same
    version, so forms open while this runs are judged exactly as before."""
    Assessment = apps.get_model("assessments", "Assessment")
    AssessmentSection = apps.get_model("assessments", "AssessmentSection")
    rows = []
    saved = Assessment.objects.exclude(section_versions={}).only(
        "id", "site_id", "section_versions"
    )
    for assessment in saved.iterator(chunk_size=BATCH):
        for key, version in (assessment.section_versions or {}).items():
            if int(version) > 0:
                rows.append(
                    AssessmentSection(
                        site_id=assessment.site_id,
                        assessment_id=assessment.id,
                        key=key,
                        version=int(version),
                    )
                )
        if len(rows) >= BATCH:
            AssessmentSection.objects.bulk_create(rows)
            rows = []
    AssessmentSection.objects.bulk_create(rows)


def to_json(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    AssessmentSection = apps.get_model("assessments", "AssessmentSection")
    versions = {}
    for row in AssessmentSection.objects.all().iterator(chunk_size=BATCH):
        versions.setdefault(row.assessment_id, {})[row.key] = row.version
    for assessment_id, by_key in versions.items():
        Assessment.objects.filter(pk=assessment_id).update(section_versions=by_key)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_assessment_sections")]

    operations = [migrations.RunPython(to_rows, to_json)]
