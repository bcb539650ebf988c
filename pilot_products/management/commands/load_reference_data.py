from pathlib import Path

from django.core.management.base import BaseCommand

from pilot_products.reference_data import FIXTURES_DIR, load_reference_data


class Command(BaseCommand):
    help = (
        "Load the CBEC list, categories and the illustrative pilot list (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", default=str(FIXTURES_DIR), help="Folder of CSV files."
        )

    def handle(self, *args, **options):
        report = load_reference_data(Path(options["dir"]))
        labels = sorted(set(report.created) | set(report.updated))
        for label in labels:
            self.stdout.write(
                f"{label}: {report.created.get(label, 0)} created, "
                f"{report.updated.get(label, 0)} already present"
            )
        if report.flagged:
            self.stdout.write(
                self.style.WARNING(
                    "Flagged for review (tariff line off the newest CBEC edition): "
                    + " ".join(report.flagged)
                )
            )
        self.stdout.write(self.style.SUCCESS("Reference data loaded."))
