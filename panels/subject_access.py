"""What a subject-access export holds from this app: the funding panel's decisions
on the person's plans (``sites.subject_access``)."""

from sites.subject_access import Section, as_record, register_provider

from .models import Decision, PanelItem


def collect(site, person_code):
    items = (
        PanelItem.objects.filter(site=site, plan__person__code=person_code)
        .select_related("plan", "meeting")
        .order_by("created_at", "pk")
    )
    records = []
    for item in items:
        title = f"Panel: plan version {item.plan.version_number}"
        records.append(as_record(item, title=f"{title}, question put"))
        decision = Decision.objects.filter(site=site, item=item).first()
        if decision is not None:
            records.append(as_record(decision, title=f"{title}, decision"))
    return [Section("panel", "Funding panel decisions", records)]


def register():
    register_provider(
        "panels",
        order=30,
        collect=collect,
        label="panel decisions",
    )
