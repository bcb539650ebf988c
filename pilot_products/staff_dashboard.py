"""What the staff dashboard in the admin shows: the recorded import batches by month
(with year-on-year growth), pilot product, category, origin and transport, and per
pilot product its offers beside its batches.

A fixed number of queries whatever the data size (the lines with their batch and
tariff line; which pilot product each line supplied; the categories; the products
with their offer counts; the offer prices), then plain ``Decimal`` arithmetic in
Python, exact to the fen on SQLite as on PostgreSQL (``pilot_progress`` says why).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from pilot_products.models import (
    CbecCategory,
    ImportBatchLine,
    Listing,
    PilotProduct,
    TransportMode,
)
from pilot_products.models.i18n import pick_language
from pilot_products.pilot_progress import (
    EUROPE,
    HUNDRED,
    BatchTotals,
    _percent,
    _shares,
)

#: Longest bar of a chart, in SVG units, and the room each bar takes.
BAR_LENGTH = 200
BAR_PITCH = 15
#: Lines that supplied no listing, or listings of more than one pilot product.
UNLINKED = _("Not linked to one pilot product")
UNCATEGORISED = _("No category")
CENTS = Decimal("0.01")


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    value: Decimal
    lines: int
    #: Growth on the same month a year before (None when that month has nothing).
    yoy_percent: Decimal | None

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"


@dataclass(frozen=True)
class Part:
    """One row of a breakdown: a label, its value and its share of the total."""

    label: str
    value: Decimal
    lines: int
    of_total: Decimal


@dataclass(frozen=True)
class ProductRow:
    code: str
    name: str
    offers: int
    wholesalers: int
    booths: int
    lowest: Decimal | None
    median: Decimal | None
    highest: Decimal | None
    batch_value: Decimal
    batch_lines: int
    batches: int


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    length: int
    y: int


@dataclass
class Dashboard:
    totals: BatchTotals
    months: list[Month] = field(default_factory=list)
    by_product: list[Part] = field(default_factory=list)
    by_category: list[Part] = field(default_factory=list)
    products: list[ProductRow] = field(default_factory=list)


def bars(rows, value=lambda row: row.value, text=str) -> tuple[list[Bar], int]:
    """Horizontal bars as long against ``BAR_LENGTH`` as each value is to the largest;
    with the chart's height."""
    top = max((value(row) for row in rows), default=Decimal(0))
    drawn = [
        Bar(
            row.label,
            text(row),
            int(value(row) * BAR_LENGTH / top) if top else 0,
            index * BAR_PITCH,
        )
        for index, row in enumerate(rows)
    ]
    return drawn, len(drawn) * BAR_PITCH


def _parts(sums: dict, counts: dict, labels: dict, total: Decimal) -> list[Part]:
    return [
        Part(labels[key], value, counts[key], _percent(value * HUNDRED / total))
        for key, value in sorted(
            sums.items(), key=lambda item: (-item[1], str(item[0]))
        )
    ]


def _median(prices: list[Decimal]) -> Decimal | None:
    if not prices:
        return None
    middle = (len(prices) - 1) // 2
    if len(prices) % 2:
        return prices[middle]
    return ((prices[middle] + prices[middle + 1]) / 2).quantize(CENTS)


def staff_dashboard() -> Dashboard:
    """Every figure of the dashboard (five queries)."""
    # Which pilot product each line supplied: one, when all its listings are of it.
    products_of_line: dict[int, set[int]] = defaultdict(set)
    for line_id, product_id in ImportBatchLine.listings.through.objects.values_list(
        "importbatchline_id", "listing__pilot_product_id"
    ).iterator(chunk_size=5000):
        products_of_line[line_id].add(product_id)

    total = Decimal(0)
    lines = 0
    month_sums: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    month_lines: dict[tuple[int, int], int] = defaultdict(int)
    transport: dict[str, Decimal] = defaultdict(Decimal)
    origin: dict[str, Decimal] = defaultdict(Decimal)
    category_sums: dict[int | None, Decimal] = defaultdict(Decimal)
    category_lines: dict[int | None, int] = defaultdict(int)
    product_sums: dict[int | None, Decimal] = defaultdict(Decimal)
    product_lines: dict[int | None, int] = defaultdict(int)
    product_batches: dict[int | None, set[int]] = defaultdict(set)
    europe = europe_by_rail = Decimal(0)
    rows = ImportBatchLine.objects.values_list(
        "pk",
        "value_cny",
        "batch_id",
        "batch__declared_on",
        "batch__transport_mode",
        "batch__origin_country",
        "tariff_line__category_id",
    )
    for pk, value, batch_id, declared_on, mode, country, category in rows.iterator(
        chunk_size=5000
    ):
        total += value
        lines += 1
        month = (declared_on.year, declared_on.month)
        month_sums[month] += value
        month_lines[month] += 1
        transport[mode] += value
        origin[country] += value
        category_sums[category] += value
        category_lines[category] += 1
        supplied = products_of_line.get(pk, set())
        product = next(iter(supplied)) if len(supplied) == 1 else None
        product_sums[product] += value
        product_lines[product] += 1
        product_batches[product].add(batch_id)
        if country in EUROPE:
            europe += value
            if mode == TransportMode.RAIL:
                europe_by_rail += value

    totals = BatchTotals(
        total=total,
        lines=lines,
        by_transport=_shares(transport, "transport", total) if total else [],
        by_origin=_shares(origin, "origin", total) if total else [],
        rail_share_of_europe=(
            _percent(europe_by_rail * HUNDRED / europe) if europe else None
        ),
    )
    dashboard = Dashboard(totals)
    for year, month in sorted(month_sums):
        value = month_sums[(year, month)]
        before = month_sums.get((year - 1, month))
        dashboard.months.append(
            Month(
                year,
                month,
                value,
                month_lines[(year, month)],
                _percent((value - before) * HUNDRED / before) if before else None,
            )
        )

    categories = {
        pk: pick_language(name_zh, name_en)
        for pk, name_zh, name_en in CbecCategory.objects.values_list(
            "pk", "name_zh", "name_en"
        )
    }
    products = list(_products_with_offers())
    prices = _offer_prices()
    if total:
        dashboard.by_category = _parts(
            category_sums,
            category_lines,
            {key: categories.get(key, str(UNCATEGORISED)) for key in category_sums},
            total,
        )
        names = {p.pk: f"{p.code} {p.display_name}" for p in products}
        dashboard.by_product = _parts(
            product_sums,
            product_lines,
            {key: names.get(key, str(UNLINKED)) for key in product_sums},
            total,
        )
    for product in products:
        if not (product.offers or product.pk in product_sums):
            continue
        product_prices = prices.get(product.pk, [])
        dashboard.products.append(
            ProductRow(
                code=product.code,
                name=product.display_name,
                offers=product.offers,
                wholesalers=product.wholesalers,
                booths=product.booths,
                # From the prices read back exactly (SQLite's MIN over a decimal
                # column answers a float).
                lowest=product_prices[0] if product_prices else None,
                median=_median(product_prices),
                highest=product_prices[-1] if product_prices else None,
                batch_value=product_sums.get(product.pk, Decimal(0)),
                batch_lines=product_lines.get(product.pk, 0),
                batches=len(product_batches.get(product.pk, ())),
            )
        )
    return dashboard


def _products_with_offers():
    """Every pilot product with its public offers, their wholesalers and booths."""
    public = Q(listings__is_public=True)
    return PilotProduct.objects.annotate(
        offers=Count("listings", filter=public),
        wholesalers=Count("listings__wholesaler", filter=public, distinct=True),
        booths=Count("listings__booth", filter=public, distinct=True),
    ).order_by("code")


def _offer_prices() -> dict[int, list[Decimal]]:
    """The public offers' unit prices of each pilot product, in rising order."""
    prices: dict[int, list[Decimal]] = defaultdict(list)
    rows = (
        Listing.objects.visible_to_buyers()
        .order_by("pilot_product_id", "unit_price", "pk")
        .values_list("pilot_product_id", "unit_price")
    )
    for product_id, price in rows.iterator(chunk_size=5000):
        prices[product_id].append(price)
    return prices
