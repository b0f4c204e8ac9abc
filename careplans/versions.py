"""Comparing versions of a plan: what changed between an approved plan and its revision."""

from sites.money import format_gbp

# What a response provides, beyond what the comparison shows: a change in any of
# these (or in COMPARED) means the revision is not the plan that was approved.
MATERIAL = [
    "times",
    "period",
    "paid_by_direct_payment",
    "replaced_weekly_cost",
    "start_date",
    "end_date",
]


def nothing_material_changed(before_plan, before, after_plan, after):
    """Whether a revision provides exactly what the approved version did: the same
    responses (what, how, who, how often, cost, direct payment) and the same direct
    payment details. Only such a revision may carry the approval over."""
    if (before_plan.direct_payment_notes or "").strip() != (
        after_plan.direct_payment_notes or ""
    ).strip():
        return False
    if compare_versions(before, after):
        return False
    old = {r.lineage: r for r in before}
    return all(
        getattr(old[r.lineage], attr) == getattr(r, attr)
        for r in after
        for attr in MATERIAL
    )


COMPARED = [
    ("description", "What"),
    ("kind", "Type"),
    ("origin", "Whose idea"),
    ("provider", "Provider"),
    ("frequency", "How often"),
    ("unit_cost", "Cost each time"),
    ("weekly_cost", "Weekly cost"),
    ("replaces", "Replaces"),
    ("paid_by_direct_payment", "Paid by direct payment"),
]


def compare_versions(old_responses, new_responses):
    """What changed between two versions' responses, in words."""
    old = {r.lineage: r for r in old_responses}
    new = {r.lineage: r for r in new_responses}
    changes = []
    for lineage, response in new.items():
        if lineage not in old:
            changes.append({"kind": "added", "response": response, "fields": []})
            continue
        before = old[lineage]
        fields = []
        for attr, label in COMPARED:
            a, b = getattr(before, attr), getattr(response, attr)
            if a != b:
                fields.append(
                    {
                        "label": label,
                        "before": _show(before, attr),
                        "after": _show(response, attr),
                    }
                )
        if fields:
            changes.append({"kind": "changed", "response": response, "fields": fields})
    for lineage, response in old.items():
        if lineage not in new:
            changes.append({"kind": "removed", "response": response, "fields": []})
    return changes


def _show(response, attr):
    if attr == "kind":
        return response.get_kind_display()
    if attr == "origin":
        return response.get_origin_display()
    if attr == "paid_by_direct_payment":
        return "Yes" if response.paid_by_direct_payment else "No"
    if attr in {"unit_cost", "weekly_cost"}:
        return format_gbp(getattr(response, attr))
    value = getattr(response, attr)
    return "—" if value in (None, "") else str(value)
