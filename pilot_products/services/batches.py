"""Writes of import batches: the portal form, the admin and its inline save through
``batch_save``; every door checks a line's listings with
``models.batches.batch_line_listing_errors``.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from pilot_products.catalogue_sync import catalogue_changed
from pilot_products.models import ImportBatch, ImportBatchLine, Listing
from pilot_products.models.batches import batch_line_listing_errors

MSG_NO_LINES = _("An import batch has at least one line: add the goods it brought in.")


@dataclass
class LineData:
    tariff_line: object
    quantity: int
    unit: str
    value_cny: object
    listings: list[Listing] = field(default_factory=list)

    def line_of(self, batch: ImportBatch) -> ImportBatchLine:
        return ImportBatchLine(
            batch=batch,
            tariff_line=self.tariff_line,
            quantity=self.quantity,
            unit=self.unit,
            value_cny=self.value_cny,
        )


def check_lines(batch: ImportBatch, lines: list[LineData]) -> dict[int, list]:
    """Field rules and the listings rule of each line, by its index."""
    errors: dict[int, list] = {}
    for index, data in enumerate(lines):
        line = data.line_of(batch)
        found = []
        try:
            line.full_clean(exclude=["batch"])
        except ValidationError as error:
            found += error.messages
        found += [
            message
            for error in batch_line_listing_errors(
                wholesaler_id=batch.wholesaler_id,
                tariff_line_code=data.tariff_line.code if data.tariff_line else "",
                listings=data.listings,
            )
            for message in error.messages
        ]
        if found:
            errors[index] = found
    return errors


@transaction.atomic
def batch_save(*, batch: ImportBatch, lines: list[LineData], by=None) -> ImportBatch:
    """Create or change a batch and replace its lines; nothing is written on an error."""
    batch.full_clean()
    if not lines:
        raise ValidationError({"lines": [MSG_NO_LINES]})
    line_errors = check_lines(batch, lines)
    if line_errors:
        raise ValidationError(
            {"lines": [m for messages in line_errors.values() for m in messages]}
        )
    supplied_before = set(
        Listing.objects.filter(import_lines__batch_id=batch.pk).values_list(
            "pk", flat=True
        )
        if batch.pk
        else ()
    )
    if by is not None:
        batch._history_user = by
    batch.save()
    batch.lines.all().delete()
    for data in lines:
        line = data.line_of(batch)
        if by is not None:
            line._history_user = by
        line.save()
        line.listings.set(data.listings)
    supplied = {listing.pk for data in lines for listing in data.listings}
    # The catalogue tells buyers how an offer's goods came in.
    catalogue_changed(listing_ids=sorted(supplied | supplied_before))
    return batch
