"""Care Act eligibility, computed by the rules of the Eligibility Regulations 2015.

Pure functions over plain values, so the rules are tested exhaustively without a
database. The result carries its reasoning in words, shown to the officer, who then
confirms it.
"""

from dataclasses import dataclass, field

from .domains import OUTCOME_LABELS, WellbeingArea, WellbeingImpactLevel


@dataclass(frozen=True)
class Eligibility:
    eligible: bool | None  # None: not enough recorded yet to decide
    summary: str
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    # The same reasons written to the person the letter speaks to ("you ..."): the
    # person assessed or, for a carer's assessment, the carer (issue 12, item 9).
    to_reader: list[str] = field(default_factory=list)


def _outcome_list(domains):
    return "; ".join(OUTCOME_LABELS[d].lower() for d in domains)


@dataclass(frozen=True)
class Fluctuation:
    """Reg. 2(3): whether needs fluctuate, and the period they were considered over
    (in words, e.g. "the last three months"; blank if not recorded)."""

    fluctuates: bool
    period: str = ""
    pattern: str = ""


def _fluctuation_reasons(fluctuation, reasons, missing, you):
    if fluctuation is None or not fluctuation.fluctuates:
        return
    if not fluctuation.period:
        missing.append(
            "Their needs fluctuate: record the period over which they were considered "
            "(regulation 2(3))."
        )
        return
    reasons.append(
        f"Their needs fluctuate, so the outcomes were considered over "
        f"{fluctuation.period.lower()}, long enough to establish their overall level "
        "of need (regulation 2(3))."
    )
    you.append(
        f"Your needs change from day to day, so we looked at how things have been over "
        f"{fluctuation.period.lower()}, long enough to see your overall level of need."
    )


def assess_adult(
    *, arises_from_condition, unable_domains, wellbeing_levels, fluctuation=None
):
    """Reg. 2: condition, two or more outcomes unachievable, significant wellbeing impact."""
    unable = list(unable_domains)
    significant = [
        a for a, level in wellbeing_levels if level == WellbeingImpactLevel.SIGNIFICANT
    ]
    reasons, missing, you = [], [], []

    if arises_from_condition is None:
        missing.append(
            "Record whether the needs arise from a physical or mental impairment or illness."
        )
    elif arises_from_condition:
        reasons.append(
            "The needs arise from a physical or mental impairment or illness."
        )
        you.append("Your needs come from a physical or mental illness or impairment.")
    else:
        reasons.append(
            "The needs do not arise from a physical or mental impairment or illness, "
            "so the first condition is not met."
        )
        you.append(
            "Your needs do not come from a physical or mental illness or impairment, "
            "and the law asks that they do."
        )

    _fluctuation_reasons(fluctuation, reasons, missing, you)
    if len(unable) >= 2:
        reasons.append(
            f"They are unable to achieve {len(unable)} of the outcomes "
            f"({_outcome_list(unable)}): the regulations need two or more."
        )
        you.append(
            f"You are not able to manage {len(unable)} of the everyday things the law "
            f"lists ({_outcome_list(unable)}). The law asks for two or more."
        )
    elif len(unable) == 1:
        reasons.append(
            f"They are unable to achieve only one outcome ({_outcome_list(unable)}); "
            "the regulations need two or more."
        )
        you.append(
            f"You are not able to manage one of the everyday things the law lists "
            f"({_outcome_list(unable)}). The law asks for two or more."
        )
    else:
        reasons.append(
            "No outcome is recorded as unachievable; the regulations need two or more."
        )
        you.append(
            "You are able to manage the everyday things the law lists. The law asks "
            "that there are two or more you cannot manage."
        )

    if significant:
        reasons.append(
            f"There is a significant impact on wellbeing ({_area_list(significant)})."
        )
        you.append(
            f"This has a big effect on your wellbeing ({_area_list(significant)})."
        )
    else:
        reasons.append("No significant impact on wellbeing is recorded.")
        you.append("We did not find a big effect on your wellbeing.")

    if missing:
        return Eligibility(
            None, "Not enough is recorded yet to decide.", reasons, missing, you
        )
    eligible = bool(arises_from_condition) and len(unable) >= 2 and bool(significant)
    summary = (
        "Eligible: all three conditions of regulation 2 are met."
        if eligible
        else "Not eligible under regulation 2: at least one condition is not met."
    )
    return Eligibility(eligible, summary, reasons, missing, you)


def assess_carer(
    *, arises_from_caring, health_at_risk, unable_domains, wellbeing_levels
):
    """Reg. 3: caring, (health at risk or any one outcome), significant wellbeing impact."""
    unable = list(unable_domains)
    significant = [
        a for a, level in wellbeing_levels if level == WellbeingImpactLevel.SIGNIFICANT
    ]
    reasons, missing, you = [], [], []

    if arises_from_caring is None:
        missing.append(
            "Record whether the needs arise from providing necessary care to an adult."
        )
    elif arises_from_caring:
        reasons.append("The needs arise from providing necessary care to an adult.")
        you.append("Your needs come from the care you give to another adult.")
    else:
        reasons.append(
            "The needs do not arise from providing necessary care to an adult, "
            "so the first condition is not met."
        )
        you.append(
            "Your needs do not come from the care you give to another adult, and the "
            "law asks that they do."
        )

    if health_at_risk is None and not unable:
        missing.append(
            "Record whether the carer's physical or mental health is at risk, "
            "or which outcomes they cannot achieve."
        )
    if health_at_risk:
        reasons.append(
            "The carer's physical or mental health is deteriorating or at risk."
        )
        you.append("Your physical or mental health is getting worse, or is at risk.")
    if unable:
        reasons.append(
            f"The carer is unable to achieve {len(unable)} outcome"
            f"{'s' if len(unable) != 1 else ''} ({_outcome_list(unable)}): "
            "one is enough."
        )
        count = "one" if len(unable) == 1 else str(len(unable))
        you.append(
            f"You are not able to manage {count} of the things the law lists "
            f"({_outcome_list(unable)}). For a carer, one is enough."
        )
    if not health_at_risk and not unable and health_at_risk is not None:
        reasons.append(
            "The carer's health is not at risk and every outcome is achievable."
        )
        you.append(
            "Your health is not at risk, and you are able to manage each of the "
            "things the law lists."
        )

    if significant:
        reasons.append(
            f"There is a significant impact on the carer's wellbeing ({_area_list(significant)})."
        )
        you.append(
            f"Caring has a big effect on your wellbeing ({_area_list(significant)})."
        )
    else:
        reasons.append("No significant impact on the carer's wellbeing is recorded.")
        you.append("We did not find a big effect on your wellbeing.")

    if missing:
        return Eligibility(
            None, "Not enough is recorded yet to decide.", reasons, missing, you
        )
    eligible = (
        bool(arises_from_caring)
        and (bool(health_at_risk) or bool(unable))
        and bool(significant)
    )
    summary = (
        "Eligible: the carer meets the conditions of regulation 3."
        if eligible
        else "Not eligible under regulation 3: at least one condition is not met."
    )
    return Eligibility(eligible, summary, reasons, missing, you)


def _area_list(areas):
    labels = dict(WellbeingArea.choices)
    return "; ".join(labels[a].lower() for a in areas)


def for_assessment(assessment, ratings, impacts):
    """Eligibility of an assessment, given its (already loaded) outcome and wellbeing rows."""
    unable = [r.domain for r in ratings if r.unable]
    levels = [(w.area, w.level) for w in impacts]
    if assessment.is_carer:
        return assess_carer(
            arises_from_caring=assessment.needs_arise_from_condition,
            health_at_risk=assessment.carer_health_at_risk,
            unable_domains=unable,
            wellbeing_levels=levels,
        )
    return assess_adult(
        arises_from_condition=assessment.needs_arise_from_condition,
        unable_domains=unable,
        wellbeing_levels=levels,
        fluctuation=Fluctuation(
            fluctuates=assessment.needs_fluctuate == "yes",
            period=assessment.get_fluctuation_period_display()
            if assessment.fluctuation_period
            else "",
            pattern=assessment.fluctuation_pattern,
        ),
    )
