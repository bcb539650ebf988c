"""Specs for the Mall: wholesalers, booths and listings with their price tiers.

Rows go through the same rule functions as the forms and services: the listing
state machine and the active-needs-approved rule (``rules``), the tier rules and the
lease rule (``validators``); a suspension by spreadsheet logs the users out like the
admin's button (``accounts.wholesalers_suspended``).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilot_products import rules, security_log
from pilot_products.bulk import insert_rows
from pilot_products.catalogue_sync import catalogue_changed
from pilot_products.models import (
    Booth,
    Listing,
    ListingStatus,
    PilotProduct,
    PriceTier,
    ReviewStatus,
    Unit,
    Wholesaler,
    WholesalerStatus,
)
from pilot_products.models.trade import booth_address
from pilot_products.services.accounts import wholesalers_suspended
from pilot_products.validators import (
    validate_credit_code,
    validate_lease_dates,
    validate_price_tiers,
)

from .. import cells
from ..columns import Column
from ..writing import write_instances
from .base import NEW, UNCHANGED, Spec, add_error, messages_of

MSG_UNKNOWN_WHOLESALER = _("No wholesaler with the credit code “%(code)s” exists.")
MSG_OTHER_WHOLESALER = _(
    "This row names another wholesaler (%(code)s): you can only import your own "
    "listings. Remove the row or correct the credit code."
)
MSG_UNKNOWN_PRODUCT = _("No pilot product with the code “%(code)s” exists.")
MSG_UNKNOWN_BOOTH = _("No booth %(address)s exists in the Mall.")
MSG_STALE_ROW = _(
    "This listing was changed after the file was exported, so this row would undo "
    "that change (%(changes)s). Download a new export and make your change there."
)

CHUNK = 2000

#: A listing's status as the buttons that set it say it (上架 / Activate...), which
#: is what a wholesaler types, besides the status labels themselves.
LISTING_STATUS_WORDS = {
    "上架": ListingStatus.ACTIVE,
    "重新上架": ListingStatus.ACTIVE,
    "activate": ListingStatus.ACTIVE,
    "relist": ListingStatus.ACTIVE,
    "下架": ListingStatus.PAUSED,
    "pause": ListingStatus.PAUSED,
    "停售": ListingStatus.DELISTED,
    "delist": ListingStatus.DELISTED,
}


def in_chunks(values: list) -> Iterator[list]:
    """Slices of ``values`` for ``IN (...)`` queries, as large as the database allows.

    Fewer, larger queries: on PostgreSQL 200 queries of 500 ids took three times as
    long as 10 of 10,000 for the same rows. SQLite caps the number of parameters.
    """
    size = (connection.features.max_query_params or 10_001) - 1
    for start in range(0, len(values), size):
        yield values[start : start + size]


def id_lookups(field: str, ids: list[int]) -> Iterator[dict[str, Any]]:
    """Filter arguments that select the sorted ``ids``, in as few queries as can be.

    Dense ids (an exported file comes back in id order) are one range: no
    parameters to send, plan or check, and at most twice the rows asked for.
    """
    if ids and ids[-1] - ids[0] < 2 * len(ids):
        yield {f"{field}__gte": ids[0], f"{field}__lte": ids[-1]}
    else:
        for chunk in in_chunks(ids):
            yield {f"{field}__in": chunk}


def credit_code(value: Any) -> str:
    code = cells.identifier(value).upper()
    if code:
        validate_credit_code(code)
    return code


class WholesalersSpec(Spec):
    name = "wholesalers"
    model = Wholesaler
    key_fields = ("credit_code",)
    columns = (
        Column("credit_code", "统一社会信用代码", credit_code, "credit_code",
               required=True, is_code=True, example="91330782MA0000001Y"),
        Column("name_zh", "中文名称", cells.text, "name_zh", required=True,
               example="义乌环球进口贸易有限公司"),
        Column("name_en", "英文名称", cells.text, "name_en",
               example="Yiwu Global Import Trading Co., Ltd."),
        Column("contact_name", "联系人", cells.text, "contact_name", example="王经理"),
        Column("contact_phone", "联系电话", cells.identifier, "contact_phone",
               is_code=True, example="13800000000"),
        Column("contact_email", "电子邮箱", cells.text, "contact_email"),
        Column("status", "状态", cells.choice(WholesalerStatus), "status",
               choices=tuple(WholesalerStatus.values), example=WholesalerStatus.ACTIVE),
    )  # fmt: skip

    def start(self):
        self.existing = {
            (state["credit_code"],): state for state in Wholesaler.objects.values()
        }

    def write(self, candidates, user_id, reason):
        super().write(candidates, user_id, reason)
        moved = [c.instance for c in candidates if "status" in c.changed]
        suspended = [w.pk for w in moved if w.status == WholesalerStatus.SUSPENDED]
        user = self.scope.user if user_id is not None else None
        wholesalers_suspended(wholesaler_ids=suspended, by=user)
        for wholesaler in moved:
            if wholesaler.status == WholesalerStatus.ACTIVE:
                security_log.event(
                    "wholesaler_reactivated",
                    user=user,
                    wholesaler=wholesaler.credit_code,
                )
        catalogue_changed(
            wholesaler_ids=[c.instance.pk for c in candidates if c.instance.pk]
        )

    def export_rows(self, queryset):
        for w in queryset.iterator(chunk_size=CHUNK):
            yield [
                w.credit_code,
                w.name_zh,
                w.name_en,
                w.contact_name,
                w.contact_phone,
                w.contact_email,
                w.status,
            ]


class BoothsSpec(Spec):
    name = "booths"
    model = Booth
    key_fields = ("district", "floor", "street", "number")
    lookup_columns = {"wholesaler_id": "wholesaler"}
    lookup_codes = {"wholesaler_id": "wholesalers"}
    clean_exclude = ("wholesaler",)
    columns = (
        Column("district", "区", cells.integer, "district", required=True, example=5),
        Column("gate", "门", cells.identifier, "gate", is_code=True, example="7"),
        Column("floor", "楼层", cells.integer, "floor", required=True, example=1),
        Column("street", "街", cells.integer, "street", required=True, example=12),
        Column("number", "商位号", cells.identifier, "number", required=True,
               is_code=True, aliases=("摊位号",), example="12345"),
        Column("pavilion_zh", "国家馆（中文）", cells.text, "pavilion_zh",
               example="日本馆"),
        Column("pavilion_en", "国家馆（英文）", cells.text, "pavilion_en",
               example="Japan Pavilion"),
        Column("wholesaler", "承租批发商信用代码", credit_code, is_code=True,
               aliases=("tenant", "承租人"), example="91330782MA0000001Y"),
        Column("lease_start", "租期开始", cells.date_value, "lease_start",
               example="2025-01-01"),
        Column("lease_end", "租期结束", cells.date_value, "lease_end",
               example="2027-12-31"),
    )  # fmt: skip

    def start(self):
        self.wholesalers = dict(Wholesaler.objects.values_list("credit_code", "pk"))
        self.existing = {
            tuple(state[name] for name in self.key_fields): state
            for state in Booth.objects.values()
        }

    def resolve(self, values, fields, errors):
        if "wholesaler" in values:
            code = values["wholesaler"]
            fields["wholesaler_id"] = self.wholesalers.get(code) if code else None
            if code and fields["wholesaler_id"] is None:
                add_error(errors, "wholesaler", MSG_UNKNOWN_WHOLESALER % {"code": code})

    def check_rules(self, instance, row, existing, errors):
        try:
            validate_lease_dates(instance.lease_start, instance.lease_end)
        except ValidationError as error:
            self.map_rule_errors(errors, error.error_dict)

    def write(self, candidates, user_id, reason):
        super().write(candidates, user_id, reason)
        booth_ids = [c.instance.pk for c in candidates if c.instance.pk]
        tenants = {c.instance.wholesaler_id for c in candidates}
        tenants |= {
            state["wholesaler_id"]
            for c in candidates
            if (state := self.existing.get(c.key))
        }
        catalogue_changed(
            listing_ids=list(
                Listing.objects.filter(booth_id__in=booth_ids).values_list(
                    "pk", flat=True
                )
            ),
            wholesaler_ids=sorted(pk for pk in tenants if pk is not None),
        )

    def export_queryset(self, queryset=None):
        return super().export_queryset(queryset).select_related("wholesaler")

    def export_rows(self, queryset):
        for booth in queryset.iterator(chunk_size=CHUNK):
            yield [
                booth.district,
                booth.gate,
                booth.floor,
                booth.street,
                booth.number,
                booth.pavilion_zh,
                booth.pavilion_en,
                booth.wholesaler.credit_code if booth.wholesaler else "",
                booth.lease_start,
                booth.lease_end,
            ]


#: Listing attnames written by imports, in the order the export reads them.
LISTING_EXPORT_VALUES = (
    "pk",
    "wholesaler__credit_code",
    "sku",
    "pilot_product__code",
    "customs_code",
    "title_zh",
    "title_en",
    "brand",
    "country_of_origin",
    "unit",
    "unit_price",
    "moq",
    "stock",
    "booth__district",
    "booth__gate",
    "booth__floor",
    "booth__street",
    "booth__number",
    "status",
    "updated_at",
)


@dataclass(frozen=True, slots=True)
class ProductInfo:
    """What a listing row needs of its pilot product, fetched once per file."""

    pk: int
    code: str
    status: str
    status_label: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ListingRow:
    """One row's own context, from ``resolve`` to ``check_rules`` (never on the spec)."""

    tiers: tuple[tuple[int, Decimal], ...] | None
    product: ProductInfo | None
    booth_given: bool
    booth_owner: int | None
    #: The version cell (microseconds of the export's last change), if given.
    version: int | None = None


class ListingsSpec(Spec):
    """Listings keyed by wholesaler and SKU, with price tiers in one cell."""

    name = "listings"
    model = Listing
    key_fields = ("wholesaler_id", "sku")
    lookup_columns = {
        "wholesaler_id": "wholesaler",
        "pilot_product_id": "pilot_product",
        "booth_id": "booth",
    }
    #: country_of_origin is checked by cells.country against the same code list.
    clean_exclude = ("wholesaler", "pilot_product", "booth", "country_of_origin")
    extra_column = "tiers"
    columns = (
        Column("wholesaler", "批发商信用代码", credit_code, required=True,
               is_code=True, aliases=("credit_code", "统一社会信用代码"),
               example="91330782MA0000001Y"),
        Column("sku", "货号", cells.identifier, "sku", required=True,
               aliases=("article_number",), is_code=True, example="TOY-0001"),
        Column("pilot_product", "试点商品编号", cells.case_insensitive_code,
               required=True,
               aliases=("product_code",), example="P01"),
        Column("customs_code", "海关商品编码", cells.customs_code, "customs_code",
               required=True, aliases=("hs_code", "商品编码"), is_code=True,
               example="9503006000"),
        Column("title_zh", "中文标题", cells.text, "title_zh", required=True,
               example="木质拼图 100片"),
        Column("title_en", "英文标题", cells.text, "title_en",
               example="Wooden puzzle, 100 pieces"),
        Column("brand", "品牌", cells.text, "brand", example="Sakura"),
        Column("country_of_origin", "原产国", cells.country, "country_of_origin",
               required=True, aliases=("origin",), example="JP"),
        Column("unit", "单位", cells.choice(Unit), "unit", choices=tuple(Unit.values),
               example=Unit.PIECE),
        Column("unit_price", "单价（元）", cells.money, "unit_price", required=True,
               aliases=("price", "单价"), example=Decimal("12.50")),
        Column("moq", "起批量", cells.integer, "moq", aliases=("最小起订量",),
               example=10),
        Column("stock", "库存", cells.integer, "stock", example=500),
        Column("booth", "商位", cells.booth_address, aliases=("摊位",),
               example="5区 7门 1楼 12街 12345"),
        Column("status", "状态", cells.choice(ListingStatus, LISTING_STATUS_WORDS),
               "status", choices=tuple(ListingStatus.values),
               example=ListingStatus.DRAFT),
        Column("tiers", "阶梯价", cells.tiers, aliases=("price_tiers",),
               is_code=True, example="10=12.50;100=11.80"),
        Column("version", "版本", cells.version, read_only=True, is_code=True),
    )  # fmt: skip

    def optional_columns(self):
        """A wholesaler's own upload may leave out the credit code: it is theirs."""
        return {"wholesaler"} if self.scope.wholesaler else set()

    def example(self, column):
        if column.key == "wholesaler" and self.scope.wholesaler:
            return self.scope.wholesaler.credit_code
        if column.key == "booth":
            # A booth that exists (the wholesaler's own), or none: an invented one
            # would be refused when the example row is imported as it is.
            booths = Booth.objects.all()
            if self.scope.wholesaler:
                booths = booths.filter(wholesaler=self.scope.wholesaler)
            booth = booths.order_by("district", "floor", "street", "number").first()
            return booth.address if booth else ""
        return super().example(column)

    def list_values(self, column):
        """Pilot product codes, country codes and (a wholesaler's own template) the
        addresses of their booths; every booth in the market is too many to list."""
        if column.key == "pilot_product":
            return list(
                PilotProduct.objects.order_by("code").values_list("code", flat=True)
            )
        if column.key == "country_of_origin":
            return sorted(cells.country_codes())
        if column.key == "booth" and self.scope.wholesaler is not None:
            booths = Booth.objects.filter(wholesaler=self.scope.wholesaler).order_by(
                "district", "floor", "street", "number"
            )
            return [booth.address for booth in booths]
        return None

    def start(self):
        own = self.scope.wholesaler
        #: credit code -> wholesaler id, and id -> (status, name), as met so far.
        self.wholesalers: dict[str, int] = {}
        self.wholesaler_info: dict[int, tuple[str, str]] = {}
        if own is not None:
            self.wholesalers[own.credit_code] = own.pk
            self.wholesaler_info[own.pk] = (own.status, str(own))
        self.codes_looked_up: set[str] = set(self.wholesalers)
        self.products: dict[str, ProductInfo] = {}
        lines: dict[int, list[str]] = {}
        for product_id, code in PilotProduct.tariff_lines.through.objects.values_list(
            "pilotproduct_id", "tariffline__code"
        ):
            lines.setdefault(product_id, []).append(code)
        labels = {status: str(label) for status, label in ReviewStatus.choices}
        for pk, code, status in PilotProduct.objects.values_list(
            "pk", "code", "status"
        ):
            self.products[code] = ProductInfo(
                pk, code, status, labels[status], tuple(lines.get(pk, ()))
            )
        self.product_by_pk = {info.pk: info for info in self.products.values()}
        self.booths = {
            (d, f, s, n): (pk, wholesaler_id)
            for pk, d, f, s, n, wholesaler_id in Booth.objects.values_list(
                "pk", "district", "floor", "street", "number", "wholesaler_id"
            )
        }
        self.booth_owner = dict(self.booths.values())
        #: (wholesaler id, SKU) -> listing id, for every wholesaler met so far: the
        #: full rows are fetched slice by slice, by id.
        self.listing_ids: dict[tuple[int, str], int] = {}
        self.indexed_wholesalers: set[int] = set()
        self.existing_attnames = [f.attname for f in Listing._meta.concrete_fields]
        #: Rows refused only for being older than the listing (the user may choose
        #: to overwrite them: ``Scope.overwrite_stale``).
        self.stale_rows: set[int] = set()
        #: One moment for the whole file: every stock it changes is confirmed then.
        self.now = timezone.now()

    def prepare(self, records):
        own = self.scope.wholesaler
        if own is None:
            codes = {r.get("wholesaler") for r in records} - {None, ""}
            self._look_up_wholesalers(codes - self.codes_looked_up)
            wholesaler_of = self.wholesalers.get
        else:
            wholesaler_of = lambda _code: own.pk  # noqa: E731
        keys = {(wholesaler_of(r.get("wholesaler")), r.get("sku")) for r in records}
        self._index_listings({wholesaler for wholesaler, _sku in keys} - {None})
        ids = sorted(self.listing_ids[key] for key in keys if key in self.listing_ids)
        wholesaler = self.existing_attnames.index("wholesaler_id")
        sku = self.existing_attnames.index("sku")
        self.existing, self.tiers = {}, {}
        for lookup in id_lookups("pk", ids):
            for row in Listing.objects.filter(**lookup).values_list(
                *self.existing_attnames
            ):
                self.existing[(row[wholesaler], row[sku])] = row
        for lookup in id_lookups("listing_id", ids):
            for listing_id, quantity, price in (
                PriceTier.objects.filter(**lookup)
                .order_by()
                .values_list("listing_id", "min_quantity", "unit_price")
            ):
                self.tiers.setdefault(listing_id, []).append((quantity, price))

    def _look_up_wholesalers(self, codes: set[str]) -> None:
        self.codes_looked_up |= codes
        for chunk in in_chunks(sorted(codes)):
            for wholesaler in Wholesaler.objects.filter(credit_code__in=chunk).only(
                "pk", "credit_code", "status", "name_zh", "name_en"
            ):
                self.wholesalers[wholesaler.credit_code] = wholesaler.pk
                self.wholesaler_info[wholesaler.pk] = (
                    wholesaler.status,
                    str(wholesaler),
                )

    def _index_listings(self, wholesaler_ids: set[int]) -> None:
        ids = sorted(wholesaler_ids - self.indexed_wholesalers)
        self.indexed_wholesalers.update(ids)
        for chunk in in_chunks(ids):
            for wholesaler, sku, pk in Listing.objects.filter(
                wholesaler_id__in=chunk
            ).values_list("wholesaler_id", "sku", "pk"):
                self.listing_ids[(wholesaler, sku)] = pk

    def resolve(self, values, fields, errors) -> "ListingRow":
        own = self.scope.wholesaler
        code = values.get("wholesaler") or ""
        if own is not None:
            if code and code != own.credit_code:
                add_error(errors, "wholesaler", MSG_OTHER_WHOLESALER % {"code": code})
            fields["wholesaler_id"] = own.pk
        elif code:
            fields["wholesaler_id"] = self.wholesalers.get(code)
            if fields["wholesaler_id"] is None:
                add_error(errors, "wholesaler", MSG_UNKNOWN_WHOLESALER % {"code": code})
        product_code = values.get("pilot_product")
        product = None
        if product_code:
            product = self.products.get(product_code)
            if product is None:
                add_error(
                    errors,
                    "pilot_product",
                    MSG_UNKNOWN_PRODUCT % {"code": product_code},
                )
            else:
                fields["pilot_product_id"] = product.pk
        booth_given, booth_owner = "booth" in values, None
        if booth_given:
            location = values["booth"]
            fields["booth_id"] = None
            if location is not None:
                booth = self.booths.get(location)
                if booth is None:
                    district, floor, street, number = location
                    address = getattr(location, "typed", "") or booth_address(
                        district, "", floor, street, number
                    )
                    add_error(errors, "booth", MSG_UNKNOWN_BOOTH % {"address": address})
                else:
                    fields["booth_id"], booth_owner = booth
        tiers = values.get("tiers")
        return ListingRow(
            tiers=None if tiers is None else tuple(sorted(tiers)),
            product=product,
            booth_given=booth_given,
            booth_owner=booth_owner,
            version=values.get("version"),
        )

    def extra_of(self, row):
        return row.tiers

    def check_rules(self, instance, row, existing, errors):
        product = row.product or self.product_by_pk.get(instance.pilot_product_id)
        if row.booth_given:
            booth_owner = row.booth_owner
        else:
            booth_owner = self.booth_owner.get(instance.booth_id)
        self.map_rule_errors(
            errors,
            rules.listing_rule_errors(
                customs_code=instance.customs_code,
                product_tariff_lines=product.lines if product else (),
                wholesaler_id=instance.wholesaler_id,
                booth_wholesaler_id=booth_owner,
                has_booth=bool(instance.booth_id),
                status=instance.status,
                product_code=product.code if product else "",
                product_status=product.status if product else None,
                product_status_label=product.status_label if product else "",
            ),
        )
        wholesaler_status, wholesaler_name = self.wholesaler_info.get(
            instance.wholesaler_id, (WholesalerStatus.ACTIVE, "")
        )
        transition = rules.listing_transition_error(
            old_status=existing["status"] if existing else None,
            new_status=instance.status,
            wholesaler_status=wholesaler_status,
            wholesaler_name=wholesaler_name,
        )
        if transition is not None:
            self.add_rule_error(errors, "status", transition)
        tiers = (
            row.tiers if row.tiers is not None else self.existing_extra(vars(instance))
        )
        try:
            validate_price_tiers(
                moq=instance.moq, unit_price=instance.unit_price, tiers=tiers or ()
            )
        except ValidationError as error:
            for message in messages_of(error):
                add_error(errors, "tiers", message)
        instance.stock_confirmed_at = rules.listing_stock_confirmed_at(
            creating=existing is None,
            old_stock=existing["stock"] if existing else None,
            new_stock=instance.stock,
            confirmed_at=existing["stock_confirmed_at"] if existing else None,
            now=self.now,
        )

    def check_change(self, candidate, row, existing, errors):
        """A row from a file exported before the listing's last change is refused,
        naming what it would undo: an old file never reverts a web edit."""
        if row.version is None or self.scope.overwrite_stale:
            return
        if cells.version_number(existing["updated_at"]) <= row.version:
            return
        # Named by the header the user sees in their file (货号 (sku)), not the key.
        headers = {column.key: column.header for column in self.columns}
        changes = [
            f"{headers.get(column, column)}: {old or '—'} → {new or '—'}"
            for column, old, new in candidate.diffs
        ]
        add_error(errors, "version", MSG_STALE_ROW % {"changes": "; ".join(changes)})
        self.stale_rows.add(candidate.row)

    def existing_extra(self, state):
        pk = state.get("id")
        return tuple(sorted(self.tiers.get(pk, ()))) if pk else ()

    def display(self, attname, value):
        if attname == "pilot_product_id" and value is not None:
            product = self.product_by_pk.get(value)
            return product.code if product else str(value)
        if attname == "booth_id" and value is not None:
            return self.booth_labels().get(value, str(value))
        return super().display(attname, value)

    def booth_labels(self) -> dict[int, str]:
        """Booth id -> address, built the first time a changed booth is shown."""
        if not hasattr(self, "_booth_labels"):
            self._booth_labels = {
                pk: booth_address(district, "", floor, street, number)
                for (district, floor, street, number), (
                    pk,
                    _owner,
                ) in self.booths.items()
            }
        return self._booth_labels

    def display_extra(self, extra):
        return cells.format_tiers(extra or ())

    def write(self, candidates, user_id, reason):
        creates = [c for c in candidates if c.action == NEW]
        updates = [c for c in candidates if c.action not in (NEW, UNCHANGED)]
        new_pks = write_instances(
            Listing,
            creates=[c.instance for c in creates],
            updates=[c.instance for c in updates],
            key_fields=self.key_fields,
            user_id=user_id,
            reason=reason,
        )
        replaced = [c.instance.pk for c in updates if c.extra is not None]
        table = connection.ops.quote_name(PriceTier._meta.db_table)
        with connection.cursor() as cursor:
            for chunk in in_chunks(replaced):
                cursor.execute(
                    f"DELETE FROM {table} WHERE listing_id IN "  # noqa: S608
                    f"({', '.join(['%s'] * len(chunk))})",
                    chunk,
                )
        rows = []
        for candidate in creates:
            pk = new_pks[candidate.key]
            rows += [(pk, q, p) for q, p in candidate.extra or ()]
        for candidate in updates:
            if candidate.extra is not None:
                rows += [(candidate.instance.pk, q, p) for q, p in candidate.extra]
        insert_rows(PriceTier, ("listing", "min_quantity", "unit_price"), rows)
        catalogue_changed(
            listing_ids=[*new_pks.values(), *(c.instance.pk for c in updates)]
        )

    def export_queryset(self, queryset=None):
        queryset = super().export_queryset(queryset)
        if self.scope.wholesaler is not None:
            queryset = queryset.for_wholesaler(self.scope.wholesaler)
        return queryset

    def export_rows(self, queryset) -> Iterator[list[Any]]:
        """Read in primary-key chunks: constant memory whatever the number of rows."""
        queryset = queryset.order_by("pk").values_list(*LISTING_EXPORT_VALUES)
        last = 0
        while True:
            chunk = list(queryset.filter(pk__gt=last)[:CHUNK])
            if not chunk:
                return
            last = chunk[-1][0]
            tiers: dict[int, list[str]] = {}
            for lookup in id_lookups("listing_id", [row[0] for row in chunk]):
                for listing_id, quantity, price in (
                    PriceTier.objects.filter(**lookup)
                    .order_by("listing_id", "min_quantity")
                    .values_list("listing_id", "min_quantity", "unit_price")
                ):
                    tiers.setdefault(listing_id, []).append(
                        cells.format_tiers([(quantity, price)])
                    )
            for row in chunk:
                (pk, credit, sku, product, code, title_zh, title_en, brand, origin,
                 unit, price, moq, stock, district, gate, floor, street, number,
                 status, updated_at) = row  # fmt: skip
                yield [
                    credit, sku, product, code, title_zh, title_en, brand, origin,
                    unit, price, moq, stock,
                    booth_address(district, gate, floor, street, number)
                    if number else "",
                    status, ";".join(tiers.get(pk, ())),
                    cells.version_of(updated_at),
                ]  # fmt: skip
