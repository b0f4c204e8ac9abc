from django.core.management.base import BaseCommand

from sites.jobs import purge_expired_jobs
from sites.portability.jobs import purge_abandoned_uploads


class Command(BaseCommand):
    help = (
        "Delete the downloads of background jobs past their expiry "
        "(CAREHUB_JOB_RESULTS_DAYS), mark jobs whose task was lost or silent for "
        "CAREHUB_JOB_STALE_HOURS as failed, delete the task backend's finished "
        "task rows older than the results period and archives uploaded for a restore "
        "not started within a day. Run it daily, e.g. from cron."
    )

    def handle(self, *args, **options):
        purged = purge_expired_jobs()
        uploads = purge_abandoned_uploads()
        self.stdout.write(
            f"Deleted {purged.results} expired download{'s' * (purged.results != 1)}; "
            f"marked {purged.stale} stopped job{'s' * (purged.stale != 1)} as failed; "
            f"deleted {purged.task_rows} finished task "
            f"row{'s' * (purged.task_rows != 1)}; deleted {uploads} site archive"
            f"{'s' * (uploads != 1)} uploaded for a restore that never started."
        )
