from django.db import migrations
from django.utils import timezone


def fill_decided_on(apps, schema_editor):
    """A decision's date is its meeting's (for chair's action, the day it was taken)."""
    Decision = apps.get_model("panels", "Decision")
    for decision in Decision._base_manager.select_related("item__meeting"):
        meeting = decision.item.meeting
        moment = meeting.starts_at if meeting is not None else decision.created_at
        decision.decided_on = timezone.localtime(moment).date()
        decision.save(update_fields=["decided_on"])


class Migration(migrations.Migration):
    dependencies = [("panels", "0003_amounts_interests_dates_urgency")]

    operations = [migrations.RunPython(fill_decided_on, migrations.RunPython.noop)]
