"""Import batches by spreadsheet: the batches (one row per declaration), then their
lines (one row per declaration and tariff line, naming the listings by SKU).

Two files rather than one with repeated batch columns: each row has one natural key
(the declaration number; the number and the tariff line), like every other resource.
The rules are the batch's own (``ImportBatch.clean``), the one that keeps a batch with
its wholesaler (``batch_wholesaler_errors``) and the one of a line's listings
(``batch_line_listing_errors``), as in the portal and the admin. A batches file
records declarations whose lines follow in the lines file (the one door where a batch
has no line for a while); the lines file never removes a line.
"""

from collections import namedtuple
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pilot_products.catalogue_sync import catalogue_changed
from pilot_products.models import (
    ImportBatch,
    ImportBatchLine,
    Listing,
    SupervisionMode,
    TariffLine,
    TransportMode,
    Unit,
    Wholesaler,
)
from pilot_products.models.batches import (
    batch_line_listing_errors,
    batch_wholesaler_errors,
    validate_declaration_number,
)

from .. import cells
from ..columns import Column
from ..writing import write_instances
from .base import NEW, UNCHANGED, Spec, add_error
from .trade import MSG_OTHER_WHOLESALER, credit_code

MSG_UNKNOWN_WHOLESALER = _("No wholesaler with the credit code “%(code)s” exists.")
MSG_UNKNOWN_BATCH = _(
    "No import batch with the declaration number %(number)s: import it in the batches "
    "file first."
)
MSG_UNKNOWN_LINE = _("The tariff line %(code)s is not in the catalogue.")
MSG_UNKNOWN_SKUS = _("The wholesaler has no listing with the SKU %(skus)s.")

#: What the listings rule needs of a listing, without loading the whole row.
ListingRef = namedtuple("ListingRef", "pk sku wholesaler_id customs_code")


def declaration_number(value: Any) -> str:
    """18 digits as text: a number cell would have lost the last digits already."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValidationError(cells.MSG_CODE_NUMBER_CELL, code="number_cell")
    number = cells.text(value)
    if number:
        validate_declaration_number(number)
    return number


def sku_list(value: Any) -> tuple[str, ...]:
    return tuple(
        dict.fromkeys(
            sku for sku in cells.LIST_SEPARATORS.split(cells.text(value)) if sku
        )
    )


class ImportBatchesSpec(Spec):
    name = "import-batches"
    model = ImportBatch
    key_fields = ("declaration_number",)
    lookup_columns = {"wholesaler_id": "wholesaler"}
    lookup_codes = {"wholesaler_id": "wholesalers"}
    clean_exclude = ("wholesaler",)
    columns = (
        Column("wholesaler", "批发商信用代码", credit_code, required=True,
               is_code=True, example="91330782MA0000001Y"),
        Column("declaration_number", "报关单号", declaration_number,
               "declaration_number", required=True, is_code=True,
               example="292020251000123456"),
        Column("declared_on", "申报日期", cells.date_value, "declared_on",
               required=True, example="2025-05-12"),
        Column("supervision_mode", "监管方式", cells.choice(SupervisionMode),
               "supervision_mode", required=True,
               choices=tuple(SupervisionMode.values), example="bonded_centre"),
        Column("transport_mode", "运输方式", cells.choice(TransportMode),
               "transport_mode", required=True,
               choices=tuple(TransportMode.values), example="rail"),
        Column("route", "线路", cells.text, "route", example="Duisburg – Yiwu"),
        Column("origin_country", "原产国", cells.country, "origin_country",
               required=True, example="DE"),
        Column("dispatch_country", "启运国", cells.country, "dispatch_country",
               required=True, example="DE"),
    )  # fmt: skip

    def optional_columns(self):
        return {"wholesaler"} if self.scope.wholesaler else set()

    def example(self, column):
        if column.key == "wholesaler" and self.scope.wholesaler:
            return self.scope.wholesaler.credit_code
        return column.example

    def start(self):
        self.existing = {
            (state["declaration_number"],): state
            for state in ImportBatch.objects.values()
        }
        self.wholesalers = dict(Wholesaler.objects.values_list("credit_code", "pk"))

    def resolve(self, values, fields, errors):
        own = self.scope.wholesaler
        code = values.get("wholesaler")
        if own is not None:
            # A wholesaler's own file: a row naming another one is refused, never
            # written as theirs (as in the listings file).
            if code and code != own.credit_code:
                add_error(errors, "wholesaler", MSG_OTHER_WHOLESALER % {"code": code})
            fields["wholesaler_id"] = own.pk
            return
        if code:
            fields["wholesaler_id"] = self.wholesalers.get(code)
            if fields["wholesaler_id"] is None:
                add_error(errors, "wholesaler", MSG_UNKNOWN_WHOLESALER % {"code": code})

    def check_rules(self, instance, row, existing, errors):
        for error in batch_wholesaler_errors(
            declaration_number=instance.declaration_number,
            recorded_wholesaler_id=existing["wholesaler_id"] if existing else None,
            wholesaler_id=instance.wholesaler_id,
        ):
            add_error(errors, "declaration_number", " ".join(error.messages))
        try:
            instance.clean()
        except ValidationError as error:
            self.map_rule_errors(errors, error.update_error_dict({}))

    def write(self, candidates, user_id, reason):
        super().write(candidates, user_id, reason)
        changed = [
            c.instance.pk for c in candidates if c.action not in (NEW, UNCHANGED)
        ]
        # Offers show how and when their goods came in.
        catalogue_changed(
            listing_ids=Listing.objects.filter(
                import_lines__batch_id__in=changed
            ).values_list("pk", flat=True)
        )

    def export_queryset(self, queryset=None):
        queryset = super().export_queryset(queryset).select_related("wholesaler")
        if self.scope.wholesaler is not None:
            queryset = queryset.filter(wholesaler=self.scope.wholesaler)
        return queryset.order_by("declaration_number")

    def export_rows(self, queryset):
        for batch in queryset.iterator(chunk_size=2000):
            yield [
                batch.wholesaler.credit_code,
                batch.declaration_number,
                batch.declared_on,
                batch.supervision_mode,
                batch.transport_mode,
                batch.route,
                batch.origin_country.code,
                batch.dispatch_country.code,
            ]


class ImportBatchLinesSpec(Spec):
    name = "import-batch-lines"
    model = ImportBatchLine
    key_fields = ("batch_id", "tariff_line_id")
    lookup_columns = {"batch_id": "declaration_number", "tariff_line_id": "tariff_line"}
    clean_exclude = ("batch", "tariff_line")
    extra_column = "listings"
    columns = (
        Column("declaration_number", "报关单号", declaration_number, required=True,
               is_code=True, example="292020251000123456"),
        Column("tariff_line", "税则号列", cells.tariff_line, required=True,
               is_code=True, example="95030060"),
        Column("quantity", "数量", cells.integer, "quantity", required=True,
               example=1200),
        Column("unit", "单位", cells.choice(Unit), "unit", required=True,
               choices=tuple(Unit.values), example="piece"),
        Column("value_cny", "货值（元）", cells.money, "value_cny", required=True,
               example="36000.50"),
        Column("listings", "供货的商品信息（SKU）", sku_list, example="P06-000001"),
    )  # fmt: skip

    def start(self):
        batches = ImportBatch.objects.all()
        if self.scope.wholesaler is not None:
            batches = batches.filter(wholesaler=self.scope.wholesaler)
        self.batches = {
            number: (pk, wholesaler_id)
            for pk, number, wholesaler_id in batches.values_list(
                "pk", "declaration_number", "wholesaler_id"
            )
        }
        self.batch_owner = dict(self.batches.values())
        self.tariff_lines = dict(TariffLine.objects.values_list("code", "pk"))
        self.line_codes = {pk: code for code, pk in self.tariff_lines.items()}
        own_batch_ids = [pk for pk, _wholesaler in self.batches.values()]
        self.existing = {
            (state["batch_id"], state["tariff_line_id"]): state
            for state in ImportBatchLine.objects.filter(
                batch_id__in=own_batch_ids
            ).values()
        }
        supplied: dict[int, list[int]] = {}
        for line_id, listing_id in ImportBatchLine.listings.through.objects.filter(
            importbatchline__batch_id__in=own_batch_ids
        ).values_list("importbatchline_id", "listing_id"):
            supplied.setdefault(line_id, []).append(listing_id)
        self.supplied = {pk: tuple(sorted(ids)) for pk, ids in supplied.items()}
        self.listings: dict[tuple[int, str], ListingRef] = {}

    def prepare(self, records):
        """Fetch the listings the slice names, of the wholesalers of its batches."""
        wanted: dict[int, set[str]] = {}
        for record in records:
            batch = self.batches.get(record.get("declaration_number"))
            if batch and record.get("listings"):
                wanted.setdefault(batch[1], set()).update(record["listings"])
        for wholesaler_id, skus in wanted.items():
            for pk, sku, customs_code in Listing.objects.filter(
                wholesaler_id=wholesaler_id, sku__in=sorted(skus)
            ).values_list("pk", "sku", "customs_code"):
                self.listings[(wholesaler_id, sku)] = ListingRef(
                    pk, sku, wholesaler_id, customs_code
                )

    def resolve(self, values, fields, errors) -> tuple[ListingRef, ...]:
        number = values.get("declaration_number")
        batch = self.batches.get(number) if number else None
        if number and batch is None:
            add_error(
                errors, "declaration_number", MSG_UNKNOWN_BATCH % {"number": number}
            )
        fields["batch_id"] = batch[0] if batch else None
        code = values.get("tariff_line")
        if code:
            fields["tariff_line_id"] = self.tariff_lines.get(code)
            if fields["tariff_line_id"] is None:
                add_error(errors, "tariff_line", MSG_UNKNOWN_LINE % {"code": code})
        if batch is None:
            return ()
        found, unknown = [], []
        for sku in values.get("listings") or ():
            ref = self.listings.get((batch[1], sku))
            (found if ref else unknown).append(ref or sku)
        if unknown:
            add_error(
                errors, "listings", MSG_UNKNOWN_SKUS % {"skus": ", ".join(unknown)}
            )
        return tuple(found)

    def extra_of(self, row):
        return tuple(sorted(ref.pk for ref in row))

    def existing_extra(self, state):
        return self.supplied.get(state["id"], ())

    def check_rules(self, instance, row, existing, errors):
        for error in batch_line_listing_errors(
            wholesaler_id=self.batch_owner.get(instance.batch_id),
            tariff_line_code=self.line_codes.get(instance.tariff_line_id, ""),
            listings=row,
        ):
            add_error(errors, "listings", " ".join(error.messages))

    def write(self, candidates, user_id, reason):
        creates = [c for c in candidates if c.action == NEW]
        updates = [c for c in candidates if c.action not in (NEW, UNCHANGED)]
        new_pks = write_instances(
            ImportBatchLine,
            creates=[c.instance for c in creates],
            updates=[c.instance for c in updates],
            key_fields=self.key_fields,
            user_id=user_id,
            reason=reason,
        )
        through = ImportBatchLine.listings.through
        touched = set()
        for candidate in [*creates, *updates]:
            pk = new_pks.get(candidate.key) or candidate.instance.pk
            before = set(self.supplied.get(pk, ()))
            after = set(candidate.extra or ())
            if before == after:
                continue
            through.objects.filter(importbatchline_id=pk).delete()
            through.objects.bulk_create(
                [through(importbatchline_id=pk, listing_id=i) for i in sorted(after)]
            )
            self.supplied[pk] = tuple(sorted(after))
            touched |= before | after
        catalogue_changed(listing_ids=sorted(touched))

    def export_queryset(self, queryset=None):
        queryset = (
            super().export_queryset(queryset).select_related("batch", "tariff_line")
        )
        if self.scope.wholesaler is not None:
            queryset = queryset.filter(batch__wholesaler=self.scope.wholesaler)
        return queryset.prefetch_related("listings").order_by(
            "batch__declaration_number", "tariff_line__code"
        )

    def export_rows(self, queryset):
        for line in queryset.iterator(chunk_size=2000):
            yield [
                line.batch.declaration_number,
                line.tariff_line.code,
                line.quantity,
                line.unit,
                line.value_cny,
                ", ".join(sorted(listing.sku for listing in line.listings.all())),
            ]
