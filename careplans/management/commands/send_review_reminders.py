from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone
from django_scopes import scopes_disabled

from careplans.models import CarePlan, Review
from careplans.services import plan_link
from sites.models import Notification
from sites.notify import notify


class Command(BaseCommand):
    help = (
        "Notify the allocated worker (or the plan's author) of each review due within "
        "the next N days, once per review. Run daily, e.g. from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, days=7, **options):
        horizon = timezone.localdate() + timedelta(days=days)
        sent = 0
        # A scheduled job across every site: the one place reviews are read unscoped.
        with scopes_disabled():
            reminded = set(
                Notification.objects.filter(
                    kind=Notification.Kind.REVIEW_DUE
                ).values_list("subject", flat=True)
            )
            reviews = (
                Review.objects.open()
                .filter(due_date__lte=horizon)
                .filter(plan__status__in=[CarePlan.Status.APPROVED])
                .select_related(
                    "site",
                    "plan__site",
                    "plan__person__allocated_worker",
                    "plan__written_by",
                )
            )
            for review in reviews:
                subject = f"careplans.Review:{review.code}"
                if subject in reminded:
                    continue
                plan = review.plan
                notify(
                    user=plan.person.allocated_worker or plan.written_by,
                    site=review.site,
                    kind=Notification.Kind.REVIEW_DUE,
                    message=f"{review.get_kind_display()} for "
                    f"{plan.person.display_name} is due by {review.due_date:%d %B %Y}.",
                    link=plan_link(plan),
                    subject=subject,
                )
                sent += 1
        self.stdout.write(f"{sent} review reminder(s) sent.")
