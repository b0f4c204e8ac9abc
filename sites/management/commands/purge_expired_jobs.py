from django.core.management.base import BaseCommand

from sites.jobs import purge_expired_jobs


class Command(BaseCommand):
    help = (
        "Delete the downloads of background jobs past their expiry "
        "(CAREHUB_JOB_RESULTS_DAYS). Run it daily, e.g. from cron."
    )

    def handle(self, *args, **options):
        purged = purge_expired_jobs()
        self.stdout.write(f"Deleted {purged} expired download{'s' * (purged != 1)}.")
