"""Delete uploads and previews past their age: manage.py remove_expired_uploads.

Run it from cron or the task scheduler; any server may run it, since the files live
in the shared import storage.
"""

from django.core.management.base import BaseCommand

from pilot_products.spreadsheets.stored_files import max_age, remove_expired


class Command(BaseCommand):
    help = "Delete stored spreadsheet uploads and previews older than their age."

    def handle(self, *args, **options):
        removed = remove_expired()
        hours = max_age().total_seconds() / 3600
        self.stdout.write(
            f"Removed {removed} upload(s) last written more than {hours:g} h ago."
        )
