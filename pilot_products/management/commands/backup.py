from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilot_products import security_log
from pilot_products.backups import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Archive file or directory (default: DJANGO_BACKUP_DIR).",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, output=None, database="default", **options):
        try:
            info = create_backup(output, alias=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        security_log.event(
            "backup_created",
            user=None,
            archive=str(info.path),
            engine=info.engine,
            media_files=info.media_files,
        )
        self.stdout.write(
            f"Backup written to {info.path} "
            f"({info.engine}, {info.media_files} uploaded files)."
        )
