from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pilot_products import search_documents
from pilot_products.catalogue_sync import catalogue_changed, refresh_visibility
from pilot_products.models import Listing

#: Listings named in the report at most; the count is always complete.
SHOWN = 20


class Command(BaseCommand):
    help = (
        "Check that every listing's catalogue visibility (is_public) follows the rule "
        "(active listing, active wholesaler, approved pilot product) and that its "
        "search document is up to date; exit 1 when one is not. --fix repairs them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix", action="store_true", help="Rewrite what is out of step."
        )
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="Rewrite every flag and search document without checking first "
            "(after a bulk load that went past catalogue_changed).",
        )

    def handle(self, *args, fix=False, rebuild=False, **options):
        if rebuild:
            with transaction.atomic():
                changed = refresh_visibility(Listing.objects.all())
                written = search_documents.rebuild_all(
                    progress=lambda done: self.stdout.write(f"  documents: {done:,}")
                )
            self.stdout.write(
                f"Rebuilt: {changed:,} flags changed, {written:,} search documents."
            )
            return
        drifted = list(
            Listing.objects.breaking_visibility_rule()
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        stale = list(search_documents.stale(Listing.objects.all()))
        self.stdout.write(
            f"Listings: {Listing.objects.count():,}; visibility out of step: "
            f"{len(drifted):,}; search documents out of step: {len(stale):,}."
        )
        for label, ids in (("visibility", drifted), ("search document", stale)):
            if ids:
                shown = ", ".join(str(pk) for pk in ids[:SHOWN])
                more = " ..." if len(ids) > SHOWN else ""
                self.stdout.write(f"  {label}: listing ids {shown}{more}")
        if not (drifted or stale):
            return
        if not fix:
            raise CommandError(
                "The catalogue is out of step with its listings; run with --fix."
            )
        with transaction.atomic():
            catalogue_changed(listing_ids=sorted({*drifted, *stale}))
        self.stdout.write("Repaired.")
