"""Care Act 2014 reference lists: outcomes, reasons and wellbeing areas.

These come from the Eligibility Regulations 2015 and section 1 of the Act. They are law,
not local practice, so they are code rather than editable reference data.
"""

from django.db import models


class AdultOutcome(models.TextChoices):
    """Reg. 2(2): the outcomes for an adult needing care and support."""

    NUTRITION = "nutrition", "Managing and maintaining nutrition"
    HYGIENE = "hygiene", "Maintaining personal hygiene"
    TOILET = "toilet", "Managing toilet needs"
    CLOTHED = "clothed", "Being appropriately clothed"
    HOME_SAFELY = "home_safely", "Being able to make use of the home safely"
    HABITABLE_HOME = "habitable_home", "Maintaining a habitable home environment"
    RELATIONSHIPS = (
        "relationships",
        "Developing and maintaining family or other personal relationships",
    )
    WORK_EDUCATION = (
        "work_education",
        "Accessing and engaging in work, training, education or volunteering",
    )
    COMMUNITY = (
        "community",
        "Making use of necessary facilities or services in the local community, "
        "including public transport and recreational facilities or services",
    )
    CHILD_CARING = (
        "child_caring",
        "Carrying out any caring responsibilities for a child",
    )


class CarerOutcome(models.TextChoices):
    """Reg. 3(3): the outcomes for a carer."""

    CHILD_CARE = (
        "carer_child_care",
        "Carrying out any caring responsibilities for a child",
    )
    CARING_FOR_OTHERS = (
        "carer_caring_for_others",
        "Providing care to other persons for whom the carer provides care",
    )
    HABITABLE_HOME = "carer_habitable_home", "Maintaining a habitable home environment"
    NUTRITION = "carer_nutrition", "Managing and maintaining nutrition"
    RELATIONSHIPS = (
        "carer_relationships",
        "Developing and maintaining family or other personal relationships",
    )
    WORK_EDUCATION = (
        "carer_work_education",
        "Engaging in work, training, education or volunteering",
    )
    COMMUNITY = (
        "carer_community",
        "Making use of necessary facilities or services in the local community, "
        "including recreational facilities or services",
    )
    RECREATION = "carer_recreation", "Engaging in recreational activities"


OUTCOME_LABELS = dict(AdultOutcome.choices) | dict(CarerOutcome.choices)


class UnableReason(models.TextChoices):
    """Reg. 2(3) / 3(4): what "unable to achieve" means."""

    NEEDS_ASSISTANCE = "assistance", "Unable without assistance (including prompting)"
    PAIN_DISTRESS = (
        "pain_distress",
        "Able only with significant pain, distress or anxiety",
    )
    ENDANGERS = (
        "endangers",
        "Able only by endangering their or others' health or safety",
    )
    TAKES_LONGER = "takes_longer", "Able, but takes significantly longer than normal"


# Carers' regulations have no "significantly longer" limb.
CARER_UNABLE_REASONS = [
    (value, label)
    for value, label in UnableReason.choices
    if value != UnableReason.TAKES_LONGER
]


class WellbeingArea(models.TextChoices):
    """Care Act 2014 s1(2): the areas of wellbeing, in no order of priority."""

    DIGNITY = "dignity", "Personal dignity"
    HEALTH = "health", "Physical and mental health and emotional wellbeing"
    PROTECTION = "protection", "Protection from abuse and neglect"
    CONTROL = "control", "Control over day-to-day life"
    PARTICIPATION = (
        "participation",
        "Participation in work, education, training or recreation",
    )
    SOCIAL_ECONOMIC = "social_economic", "Social and economic wellbeing"
    RELATIONSHIPS = "relationships", "Domestic, family and personal relationships"
    ACCOMMODATION = "accommodation", "Suitability of living accommodation"
    CONTRIBUTION = "contribution", "Contribution to society"


class WellbeingImpactLevel(models.TextChoices):
    NONE = "none", "No impact"
    SOME = "some", "Some impact"
    SIGNIFICANT = "significant", "Significant impact"
