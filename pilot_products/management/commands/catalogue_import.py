"""Import a spreadsheet for operators: manage.py catalogue_import listings file.xlsx."""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilot_products.jobs import leases
from pilot_products.models import ImportOutcome
from pilot_products.spreadsheets.engine import run_import
from pilot_products.spreadsheets.specs import SPECS


class Command(BaseCommand):
    help = "Import an XLSX or CSV file; nothing is written if any row is invalid."

    def add_arguments(self, parser):
        parser.add_argument("resource", choices=sorted(SPECS))
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report only."
        )

    def handle(self, *args, resource, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        # An earlier run killed half-way is marked interrupted (nothing of it stayed).
        leases.reap_abandoned()
        started = time.monotonic()
        result = run_import(
            resource,
            file_name=path.name,
            data=path.read_bytes(),
            dry_run=dry_run,
            progress=self._progress,
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
        for notice in result.notices:
            self.stdout.write(notice)

    def _progress(self, stage: str, done: int, total: int) -> None:
        """One bar per stage, redrawn in place; a finished stage ends its line so
        that log lines and the summary never land in the middle of a bar."""
        width = 30
        filled = width * done // total if total else width
        bar = "#" * filled + "-" * (width - filled)
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r{stage:<9} [{bar}] {done:>7}/{total}{end}")
        sys.stderr.flush()
