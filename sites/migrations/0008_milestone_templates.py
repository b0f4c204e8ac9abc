"""The milestones a new programme starts from (domain reference §2: the guide's own
lists are lost, so these are the proposal, shipped as reference data the IT team edits
in the admin)."""

from django.db import migrations

# phase, owner role, weeks from the start of data collection, title
MILESTONES = [
    ("setup", "everyone", -10, "Agree the improvement focus with staff and people who use services"),
    ("setup", "senior_manager", -8, "Name each site's team, advisor and project coordinator"),
    ("setup", "senior_manager", -6, "Start meeting with senior managers"),
    ("setup", "programme_coordinator", -4, "Agree the data-collection formats"),
    ("setup", "programme_coordinator", -3, "Set the start date and the length of data collection"),
    ("setup", "project_coordinator", -2, "Issue the practitioner brief at each site"),
    ("during", "practitioners", 0, "Start recording cases in normal work"),
    ("during", "programme_coordinator", 8, "First half-day collaborative meeting: sites bring case studies"),
    ("during", "advisor", 12, "Advisors feed back to the programme coordinator"),
    ("during", "programme_coordinator", 20, "Second collaborative meeting"),
    ("during", "project_coordinator", 26, "Coordinators collate the data so far"),
    ("during", "programme_coordinator", 36, "Third collaborative meeting"),
    ("during", "team_manager", 44, "Teams compile learning and action points"),
    ("after", "programme_coordinator", 54, "Final analysis: comparable data and qualitative detail"),
    ("after", "everyone", 58, "Evaluation: the four questions, per site and for the programme"),
    ("after", "senior_manager", 62, "End meeting with senior managers: outcomes and organisational changes"),
    ("after", "senior_manager", 64, "Actions agreed with owners and dates"),
    ("after", "team_manager", 78, "Review the actions: continuous improvement"),
]


def add(apps, schema_editor):
    MilestoneTemplate = apps.get_model("sites", "MilestoneTemplate")
    MilestoneTemplate.objects.bulk_create(
        MilestoneTemplate(
            phase=phase,
            owner_role=owner,
            weeks_from_start=weeks,
            title=title,
            position=position,
        )
        for position, (phase, owner, weeks, title) in enumerate(MILESTONES, start=1)
    )


def remove(apps, schema_editor):
    MilestoneTemplate = apps.get_model("sites", "MilestoneTemplate")
    MilestoneTemplate.objects.filter(title__in=[m[3] for m in MILESTONES]).delete()


class Migration(migrations.Migration):
    dependencies = [("sites", "0007_programme")]

    operations = [migrations.RunPython(add, remove)]
