import django.db.models.deletion
from django.db import migrations, models

SECTION_KEYS = [
    ("involvement", "Who was involved"),
    ("what_matters", "What matters to them"),
    ("strengths", "Strengths and support already around them"),
    ("carer", "Their caring role"),
    ("outcomes", "Care Act outcomes"),
    ("wellbeing", "Impact on wellbeing"),
    ("eligibility", "Eligibility"),
    ("needs", "Needs, and what would usually be offered"),
    ("desired_outcomes", "What they want, in their own words"),
]


class Migration(migrations.Migration):
    """Section versions become rows (one optimistic lock, sites.models.Versioned);
    the person's version is no longer editable in forms."""

    dependencies = [
        ("assessments", "0002_person_search_indexes"),
        ("sites", "0002_notification"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalperson",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.AlterField(
            model_name="person",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.CreateModel(
            name="AssessmentSection",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                ("key", models.CharField(choices=SECTION_KEYS, max_length=30)),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="saved_sections",
                        to="assessments.assessment",
                    ),
                ),
                (
                    "site",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="sites.site",
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("assessment", "key"),
                        name="assessment_section_unique_key",
                    )
                ],
            },
        ),
    ]
