"""Remove expired uploads and interrupt abandoned imports, now or as a job."""

from django.core.management.base import BaseCommand

from pilot_products.jobs.housekeeping import housekeeping, housekeeping_now


class Command(BaseCommand):
    help = "Remove expired uploads and mark imports whose worker is gone interrupted."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the job for a worker instead of running it here.",
        )

    def handle(self, *args, enqueue, **options):
        if enqueue:
            housekeeping.enqueue()
            self.stdout.write("housekeeping queued")
            return
        done = housekeeping_now()
        self.stdout.write(
            f"{done['interrupted_imports']} imports interrupted, "
            f"{done['interrupted_exports']} exports interrupted, "
            f"{done['expired_uploads']} expired uploads removed, "
            f"{done['orphan_photos']} orphaned photos removed"
        )
