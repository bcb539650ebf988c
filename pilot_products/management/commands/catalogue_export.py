"""Export a resource for operators: manage.py catalogue_export listings out.xlsx."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand

from pilot_products.spreadsheets.exporting import FORMATS, export_file
from pilot_products.spreadsheets.specs import SPECS


class Command(BaseCommand):
    help = "Export a resource as XLSX or CSV (UTF-8 with BOM), formula cells escaped."

    def add_arguments(self, parser):
        parser.add_argument("resource", choices=sorted(SPECS))
        parser.add_argument("file")
        parser.add_argument("--format", choices=FORMATS, dest="file_format")

    def handle(self, *args, resource, file, file_format, **options):
        path = Path(file)
        file_format = file_format or (
            "csv" if path.suffix.lower() == ".csv" else "xlsx"
        )
        started = time.monotonic()
        with path.open("wb") as target:
            export_file(SPECS[resource](), target, file_format)
        self.stdout.write(
            f"Wrote {path} ({file_format}) in {time.monotonic() - started:.1f} s"
        )
