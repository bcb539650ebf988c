"""Writes of import batches: the portal form, the admin form with its inline and the
history revert page save through ``batch_save``, a line on its own through
``batch_line_save``. Each calls the rules of ``models.batches`` that the forms and
the spreadsheet specs call too.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from pilot_products.catalogue_sync import catalogue_changed
from pilot_products.models import ImportBatch, ImportBatchLine, Listing
from pilot_products.models.batches import (
    MSG_LINE_STAYS,
    batch_line_listing_errors,
    batch_lines_errors,
    batch_wholesaler_errors,
)


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
    """Field rules and the listings rule of each line (errors with their codes), by
    the line's index."""
    errors: dict[int, list] = {}
    for index, data in enumerate(lines):
        line = data.line_of(batch)
        found = []
        try:
            line.full_clean(exclude=["batch"])
        except ValidationError as error:
            found += [e for items in error.error_dict.values() for e in items]
        found += batch_line_listing_errors(
            wholesaler_id=batch.wholesaler_id,
            tariff_line_code=data.tariff_line.code if data.tariff_line else "",
            listings=data.listings,
        )
        if found:
            errors[index] = found
    return errors


def recorded_wholesaler_id(batch: ImportBatch):
    """The wholesaler the batch is recorded for in the database (None if new)."""
    if batch.pk is None:
        return None
    return (
        ImportBatch.objects.filter(pk=batch.pk)
        .values_list("wholesaler_id", flat=True)
        .first()
    )


@transaction.atomic
def batch_save(
    *, batch: ImportBatch, lines: list[LineData] | None, by=None
) -> ImportBatch:
    """Create or change a batch and replace its lines (``None``: keep them, as the
    history revert page does); nothing is written on an error."""
    batch.full_clean()
    errors = batch_wholesaler_errors(
        declaration_number=batch.declaration_number,
        recorded_wholesaler_id=recorded_wholesaler_id(batch),
        wholesaler_id=batch.wholesaler_id,
    )
    if errors:
        raise ValidationError({"wholesaler": errors})
    if lines is None:
        codes = list(batch.lines.values_list("tariff_line__code", flat=True))
        errors = batch_lines_errors(tariff_line_codes=codes)
        if errors:
            raise ValidationError({"lines": errors})
        if by is not None:
            batch._history_user = by
        batch.save()
        return batch
    errors = batch_lines_errors(
        tariff_line_codes=[data.tariff_line.code for data in lines if data.tariff_line]
    )
    line_errors = check_lines(batch, lines)
    if errors or line_errors:
        raise ValidationError(
            {"lines": errors + [e for found in line_errors.values() for e in found]}
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


@transaction.atomic
def batch_line_save(
    *, line: ImportBatchLine, listings: list[Listing], by=None
) -> ImportBatchLine:
    """Create or change one line of a batch (the lines' own admin and its revert page).

    A line stays on its batch (moving it could leave the old one without lines), and
    its listings follow the same rule as at every other door.
    """
    line.full_clean()
    if line.pk is not None:
        recorded = (
            ImportBatchLine.objects.filter(pk=line.pk)
            .values_list("batch_id", flat=True)
            .first()
        )
        if recorded is not None and recorded != line.batch_id:
            raise ValidationError(
                {"batch": [ValidationError(MSG_LINE_STAYS, code="batch_line_moved")]}
            )
    codes = list(
        ImportBatchLine.objects.filter(batch_id=line.batch_id)
        .exclude(pk=line.pk)
        .values_list("tariff_line__code", flat=True)
    )
    errors = {
        "tariff_line": batch_lines_errors(
            tariff_line_codes=[*codes, line.tariff_line.code]
        ),
        "listings": batch_line_listing_errors(
            wholesaler_id=line.batch.wholesaler_id,
            tariff_line_code=line.tariff_line.code,
            listings=listings,
        ),
    }
    if any(errors.values()):
        raise ValidationError({key: found for key, found in errors.items() if found})
    before = set(line.listings.values_list("pk", flat=True)) if line.pk else set()
    if by is not None:
        line._history_user = by
    line.save()
    line.listings.set(listings)
    catalogue_changed(listing_ids=sorted(before | {listing.pk for listing in listings}))
    return line
