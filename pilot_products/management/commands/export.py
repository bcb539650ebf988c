"""django-import-export's ``manage.py export``, run through our exporter.

The library's command writes any model (password hashes of auth.User included) to
stdout without formula escaping; this one (it wins because pilot_products comes
before import_export in INSTALLED_APPS) exports our resources like
``catalogue_export``, to stdout as the library's did, or to ``--output``.
"""

import io

from django.core.management.base import BaseCommand, CommandError

from pilot_products.management.resource_names import spec_name_for
from pilot_products.spreadsheets.exporting import FORMATS, export_file
from pilot_products.spreadsheets.specs import SPECS


class Command(BaseCommand):
    help = "Export a resource as XLSX or CSV, formula cells escaped."

    def add_arguments(self, parser):
        parser.add_argument(
            "file_format",
            metavar="format",
            choices=[f.upper() for f in FORMATS] + list(FORMATS),
        )
        parser.add_argument(
            "resource",
            help="A resource name (listings...), resource class path or model label.",
        )
        parser.add_argument("--output", help="Write to this file instead of stdout.")
        parser.add_argument("--encoding", help="Accepted for compatibility.")

    def handle(self, *args, file_format, resource, output, **options):
        name = spec_name_for(resource)
        file_format = file_format.lower()
        if output:
            with open(output, "wb") as target:
                export_file(SPECS[name](), target, file_format)
            return
        stream = getattr(self.stdout._out, "buffer", None)
        if stream is not None:
            export_file(SPECS[name](), stream, file_format)
            return
        if file_format != "csv":
            raise CommandError("An XLSX export needs --output FILE.")
        buffer = io.BytesIO()
        export_file(SPECS[name](), buffer, file_format)
        self.stdout.write(buffer.getvalue().decode("utf-8-sig"), ending="")
