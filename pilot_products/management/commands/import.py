"""django-import-export's ``manage.py import``, run through our engine.

The library's command would import any model row by row, past every rule; this
one (it wins because pilot_products comes before import_export in INSTALLED_APPS)
takes the same arguments and runs ``catalogue_import``.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from pilot_products.management.resource_names import spec_name_for


class Command(BaseCommand):
    help = (
        "Import a spreadsheet through the catalogue's checks (same as "
        "catalogue_import); nothing is written if any row is invalid."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "resource",
            help="A resource name (listings, pilot-products...), a resource class "
            "path (pilot_products.resources.ListingResource) or a model label "
            "(pilot_products.Listing).",
        )
        parser.add_argument("import_file_name", help="The XLSX or CSV file.")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive"
        )
        parser.add_argument("-n", "--dry-run", action="store_true")
        parser.add_argument(
            "--photos", metavar="ZIP", help="The photos ZIP of a listings sheet."
        )
        parser.add_argument(
            "--raise-errors",
            action="store_true",
            help="Accepted for compatibility: an invalid file always fails.",
        )
        parser.add_argument(
            "--format", help="Accepted for compatibility: the file is recognised."
        )
        parser.add_argument(
            "--encoding", help="Accepted for compatibility: the encoding is detected."
        )

    def handle(
        self, *args, resource, import_file_name, interactive, dry_run, photos, **opts
    ):
        name = spec_name_for(resource)
        if import_file_name == "-":
            raise CommandError("Give a file name: reading from stdin is not offered.")
        if interactive and not dry_run:
            answer = input("Are you sure you want to import the data? [yes/no]: ")
            if answer != "yes":
                raise CommandError("Import cancelled.")
        call_command(
            "catalogue_import",
            name,
            import_file_name,
            dry_run=dry_run,
            photos=photos,
            stdout=self.stdout,
            stderr=self.stderr,
        )
