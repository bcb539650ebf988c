import time

from django.core.management.base import BaseCommand, CommandError

from pilot_products.demo_data import seed_demo
from pilot_products.models import Wholesaler


class Command(BaseCommand):
    help = "Create deterministic demo wholesalers, booths and listings (bulk writes)."

    def add_arguments(self, parser):
        parser.add_argument("--wholesalers", type=int, default=20)
        parser.add_argument("--listings", type=int, default=500)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when wholesalers already exist (used by make run).",
        )

    def handle(self, *args, **options):
        if options["wholesalers"] < 1 or options["listings"] < 0:
            raise CommandError(
                "--wholesalers must be at least 1 and --listings at least 0."
            )
        if options["if_empty"] and Wholesaler.objects.exists():
            self.stdout.write("Wholesalers already exist; demo data left as it is.")
            return
        started = time.monotonic()

        def progress(label: str, done: int, total: int) -> None:
            self.stdout.write(f"  {label}: {done:,}/{total:,}")
            self.stdout.flush()

        try:
            result = seed_demo(
                wholesalers=options["wholesalers"],
                listings=options["listings"],
                seed=options["seed"],
                progress=progress,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {result.wholesalers:,} wholesalers, {result.booths:,} booths, "
                f"{result.listings:,} listings, {result.price_tiers:,} price tiers and "
                f"{result.import_batch_lines:,} import batch lines "
                f"in {time.monotonic() - started:.1f} s."
            )
        )
