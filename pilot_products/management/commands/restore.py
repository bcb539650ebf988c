from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilot_products import security_log
from pilot_products.backups import BackupError, read_manifest, restore_backup


class Command(BaseCommand):
    help = (
        "Restore the database and the uploaded files from a backup archive, "
        "replacing what is there now."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, archive, database="default", interactive=True, **options):
        try:
            manifest = read_manifest(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if interactive:
            answer = input(
                f"Replace the current database and uploaded files with the backup "
                f"of {manifest['created_at']}? Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            info = restore_backup(archive, alias=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        security_log.event(
            "backup_restored",
            user=None,
            archive=str(info.path),
            engine=info.engine,
            backup_created_at=info.created_at,
        )
        self.stdout.write(
            f"Restored the backup of {info.created_at} from {info.path} "
            f"({info.media_files} uploaded files)."
        )
