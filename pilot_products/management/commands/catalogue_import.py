"""Import a spreadsheet for operators: manage.py catalogue_import listings file.xlsx.

``--photos FILE.zip`` gives the photos a listings sheet's photos column names.
``--user USERNAME`` names who imports: the import record, the history of every row
it writes and the security log say so, as they do for an upload in the admin.
"""

import sys
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from pilot_products.jobs import leases
from pilot_products.models import ImportOutcome
from pilot_products.spreadsheets.engine import run_import
from pilot_products.spreadsheets.specs import SPECS, UNCHANGED

#: Rows of a dry run's report; the counts above it cover the whole file.
REPORT_ROWS = 200


class Command(BaseCommand):
    help = "Import an XLSX or CSV file; nothing is written if any row is invalid."

    def add_arguments(self, parser):
        parser.add_argument("resource", choices=sorted(SPECS))
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report only."
        )
        parser.add_argument(
            "--photos",
            metavar="ZIP",
            help="A ZIP of the photos named in the listings sheet's photos column.",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="The active user the import is recorded for (history, import log).",
        )
        parser.add_argument(
            "--overwrite-stale",
            action="store_true",
            help=(
                "Write rows exported before the listing's last change (they would "
                "undo it) instead of refusing them; recorded on the import record."
            ),
        )

    def handle(
        self,
        *args,
        resource,
        file,
        dry_run,
        user=None,
        photos=None,
        overwrite_stale=False,
        **options,
    ):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        photo_data = self._photos(photos) if photos else None
        importer = self._importer(user) if user else None
        # An earlier run killed half-way is marked interrupted (nothing of it stayed).
        leases.reap_abandoned()
        started = time.monotonic()
        result = run_import(
            resource,
            file_name=path.name,
            data=path.read_bytes(),
            dry_run=dry_run,
            user=importer,
            progress=self._progress,
            photos=photo_data,
            overwrite_stale=overwrite_stale,
        )
        for error in result.errors[:200]:
            where = f"row {error.row}" if error.row else "file"
            column = f", column “{error.column}”" if error.column else ""
            self.stderr.write(f"{where}{column}: {error.message}")
        if len(result.errors) > 200:
            self.stderr.write(f"... and {len(result.errors) - 200} more errors")
        summary = (
            f"{result.outcome}: {result.rows_total} rows "
            f"({result.file_format} {result.encoding}".rstrip()
            + f"), new {result.rows_new}, updated {result.rows_updated}, "
            f"unchanged {result.rows_unchanged}, invalid {result.rows_invalid} "
            f"in {time.monotonic() - started:.1f} s"
        )
        if result.outcome in (ImportOutcome.REJECTED, ImportOutcome.FAILED):
            raise CommandError(summary)
        self.stdout.write(summary)
        if dry_run:
            self._report_changes(result.changes)
        for notice in result.notices:
            self.stdout.write(notice)

    def _photos(self, file: str) -> bytes:
        """The photos ZIP's bytes, refused above the upload cap before it is read."""
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        limit = settings.IMPORT_MAX_FILE_BYTES
        if path.stat().st_size > limit:
            raise CommandError(
                f"The photos ZIP is larger than {limit // (1024 * 1024)} MB: "
                "split the sheet and its photos into smaller imports."
            )
        return path.read_bytes()

    def _importer(self, username: str):
        """The user named by ``--user``: one that exists and may still log in."""
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named “{username}” exists.")
        if not user.is_active:
            raise CommandError(
                f"The user “{username}” is inactive: an import cannot be recorded "
                "for them."
            )
        return user

    def _report_changes(self, changes) -> None:
        """Say what the real import would do, row by row (unchanged rows left out)."""
        changing = [change for change in changes if change.action != UNCHANGED]
        if not changing:
            self.stdout.write("Nothing would change.")
            return
        self.stdout.write("Would change (dry run, nothing written):")
        for change in changing[:REPORT_ROWS]:
            columns = f": {', '.join(change.changed)}" if change.changed else ""
            self.stdout.write(
                f"  row {change.row}: {change.action} {change.key}{columns}"
            )
        if len(changing) > REPORT_ROWS:
            self.stdout.write(f"  ... and {len(changing) - REPORT_ROWS} more rows")

    def _progress(self, stage: str, done: int, total: int) -> None:
        """One bar per stage, redrawn in place; a finished stage ends its line so
        that log lines and the summary never land in the middle of a bar."""
        width = 30
        filled = width * done // total if total else width
        bar = "#" * filled + "-" * (width - filled)
        end = "\n" if done >= total and stage != "reading" else ""
        sys.stderr.write(f"\r{stage:<9} [{bar}] {done:>7}/{total}{end}")
        sys.stderr.flush()
