"""Care Act eligibility rules (Eligibility Regulations 2015, regs 2 and 3)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.domains import (
    OUTCOME_LABELS,
    AdultOutcome,
    CarerOutcome,
    WellbeingArea,
    WellbeingImpactLevel,
)
from assessments.eligibility import assess_adult, assess_carer

SIGNIFICANT = WellbeingImpactLevel.SIGNIFICANT
SOME = WellbeingImpactLevel.SOME
NONE = WellbeingImpactLevel.NONE

TWO_ADULT = [AdultOutcome.NUTRITION, AdultOutcome.HYGIENE]


def levels(significant=(), some=()):
    """Every wellbeing area, with the given ones raised."""
    out = []
    for area in WellbeingArea:
        if area in significant:
            out.append((area.value, SIGNIFICANT))
        elif area in some:
            out.append((area.value, SOME))
        else:
            out.append((area.value, NONE))
    return out


def adult(condition=True, unable=TWO_ADULT, wellbeing=None):
    if wellbeing is None:
        wellbeing = levels(significant=[WellbeingArea.DIGNITY])
    return assess_adult(
        arises_from_condition=condition,
        unable_domains=[d.value if hasattr(d, "value") else d for d in unable],
        wellbeing_levels=wellbeing,
    )


def carer(condition=True, health=False, unable=(), wellbeing=None):
    if wellbeing is None:
        wellbeing = levels(significant=[WellbeingArea.HEALTH])
    return assess_carer(
        arises_from_caring=condition,
        health_at_risk=health,
        unable_domains=[d.value for d in unable],
        wellbeing_levels=wellbeing,
    )


def text(result):
    return " ".join([result.summary, *result.reasons, *result.missing])


# --- Adults (reg. 2) -----------------------------------------------------------------


def test_adult_with_condition_two_unable_outcomes_and_significant_impact_is_eligible():
    result = adult()
    assert result.eligible is True
    assert result.summary == "Eligible: all three conditions of regulation 2 are met."
    assert result.missing == []


def test_adult_unable_to_achieve_exactly_one_outcome_is_not_eligible():
    result = adult(unable=[AdultOutcome.TOILET])
    assert result.eligible is False
    assert "only one outcome" in text(result)
    assert "managing toilet needs" in text(result)
    assert result.summary.startswith("Not eligible under regulation 2")


def test_adult_with_no_unachievable_outcome_is_not_eligible():
    result = adult(unable=[])
    assert result.eligible is False
    assert "No outcome is recorded as unachievable" in text(result)


def test_adult_without_a_significant_wellbeing_impact_is_not_eligible():
    result = adult(wellbeing=levels(some=list(WellbeingArea)))
    assert result.eligible is False
    assert "No significant impact on wellbeing is recorded." in result.reasons


def test_adult_whose_needs_do_not_arise_from_a_condition_is_not_eligible():
    result = adult(condition=False)
    assert result.eligible is False
    assert "so the first condition is not met" in text(result)


def test_adult_with_the_condition_unknown_is_undecided_and_told_what_is_missing():
    result = adult(condition=None)
    assert result.eligible is None
    assert result.summary == "Not enough is recorded yet to decide."
    assert len(result.missing) == 1
    assert "impairment or illness" in result.missing[0]


def test_adult_reasons_name_the_outcomes_and_wellbeing_areas_in_words():
    result = adult(
        unable=[AdultOutcome.NUTRITION, AdultOutcome.CLOTHED, AdultOutcome.TOILET],
        wellbeing=levels(
            significant=[WellbeingArea.DIGNITY, WellbeingArea.ACCOMMODATION]
        ),
    )
    words = text(result)
    assert "unable to achieve 3 of the outcomes" in words
    assert "managing and maintaining nutrition" in words
    assert "being appropriately clothed" in words
    assert "managing toilet needs" in words
    assert "personal dignity" in words
    assert "suitability of living accommodation" in words
    # Words, never the stored codes (which use underscores).
    assert "_" not in words


# --- Carers (reg. 3) -----------------------------------------------------------------


def test_carer_whose_health_is_at_risk_is_eligible_without_any_unable_outcome():
    result = carer(health=True, unable=())
    assert result.eligible is True
    assert result.summary == "Eligible: the carer meets the conditions of regulation 3."
    assert "health is deteriorating or at risk" in text(result)


def test_carer_unable_to_achieve_any_one_outcome_is_eligible():
    result = carer(health=False, unable=[CarerOutcome.RECREATION])
    assert result.eligible is True
    assert "engaging in recreational activities" in text(result)
    assert "one is enough" in text(result)


def test_carer_whose_health_is_unknown_but_with_an_unable_outcome_is_decided():
    result = carer(health=None, unable=[CarerOutcome.NUTRITION])
    assert result.eligible is True
    assert result.missing == []


def test_carer_still_needs_a_significant_wellbeing_impact():
    result = carer(health=True, unable=list(CarerOutcome), wellbeing=levels())
    assert result.eligible is False
    assert "No significant impact on the carer's wellbeing is recorded." in (
        result.reasons
    )


def test_carer_with_healthy_life_and_every_outcome_achievable_is_not_eligible():
    result = carer(health=False, unable=())
    assert result.eligible is False
    assert "every outcome is achievable" in text(result)


def test_carer_whose_needs_do_not_arise_from_caring_is_not_eligible():
    result = carer(condition=False, health=True)
    assert result.eligible is False
    assert "so the first condition is not met" in text(result)


@pytest.mark.parametrize(
    ("condition", "health", "unable"),
    [(None, True, ()), (True, None, ()), (None, None, ())],
)
def test_carer_with_something_unrecorded_is_undecided(condition, health, unable):
    result = carer(condition=condition, health=health, unable=unable)
    assert result.eligible is None
    assert result.missing
    assert result.summary == "Not enough is recorded yet to decide."


def test_carer_reasons_name_the_outcomes_in_words():
    result = carer(
        health=False,
        unable=[CarerOutcome.WORK_EDUCATION, CarerOutcome.HABITABLE_HOME],
    )
    words = text(result)
    assert "unable to achieve 2 outcomes" in words
    assert "engaging in work, training, education or volunteering" in words
    assert "maintaining a habitable home environment" in words
    assert "physical and mental health and emotional wellbeing" in words
    assert "_" not in words


# --- Properties ----------------------------------------------------------------------

wellbeing_levels = st.lists(
    st.tuples(
        st.sampled_from([a.value for a in WellbeingArea]),
        st.sampled_from([lvl.value for lvl in WellbeingImpactLevel]),
    ),
    max_size=9,
)


@given(
    condition=st.sampled_from([True, False, None]),
    unable=st.sets(st.sampled_from([o.value for o in AdultOutcome])),
    wellbeing=wellbeing_levels,
)
def test_adult_is_eligible_exactly_when_all_three_conditions_hold(
    condition, unable, wellbeing
):
    result = assess_adult(
        arises_from_condition=condition,
        unable_domains=sorted(unable),
        wellbeing_levels=wellbeing,
    )
    if condition is None:
        assert result.eligible is None
        assert result.missing
        return
    significant = any(level == SIGNIFICANT for _, level in wellbeing)
    assert result.eligible is (condition and len(unable) >= 2 and significant)
    # Every outcome that cannot be achieved is named in the reasoning.
    for domain in unable:
        assert OUTCOME_LABELS[domain].lower() in " ".join(result.reasons)


@given(
    condition=st.booleans(),
    health=st.booleans(),
    unable=st.sets(st.sampled_from([o.value for o in CarerOutcome])),
    wellbeing=wellbeing_levels,
)
def test_carer_is_eligible_exactly_when_caring_and_either_limb_and_wellbeing_hold(
    condition, health, unable, wellbeing
):
    result = assess_carer(
        arises_from_caring=condition,
        health_at_risk=health,
        unable_domains=sorted(unable),
        wellbeing_levels=wellbeing,
    )
    significant = any(level == SIGNIFICANT for _, level in wellbeing)
    assert result.eligible is (condition and (health or bool(unable)) and significant)
