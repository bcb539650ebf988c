"""Writes of booths: the admin form, its inline on the wholesaler and its history
revert save through ``booth_save``; the spreadsheet import writes in bulk after the
same rules (``validators.validate_lease_dates`` and the model's field rules).
"""

from django.db import transaction

from pilot_products.catalogue_sync import catalogue_changed
from pilot_products.models import Booth, Listing


@transaction.atomic
def booth_save(*, booth: Booth, by=None) -> Booth:
    """Create or change a booth; listings shown at it change with it."""
    old_tenant = (
        None
        if booth.pk is None
        else Booth.objects.values_list("wholesaler_id", flat=True).get(pk=booth.pk)
    )
    booth.full_clean()
    if by is not None:
        booth._history_user = by
    booth.save()
    catalogue_changed(
        listing_ids=list(
            Listing.objects.filter(booth=booth).values_list("pk", flat=True)
        ),
        wholesaler_ids=sorted(
            {pk for pk in (old_tenant, booth.wholesaler_id) if pk is not None}
        ),
    )
    return booth
