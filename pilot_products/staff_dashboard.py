"""What the staff dashboard in the admin shows: the recorded import batches by month
(with year-on-year growth), pilot product, category, origin and transport, and per
pilot product its offers beside its batches.

A fixed number of queries whatever the data size: the lines are grouped in SQL
(by transport and origin, month, category, pilot product supplied), their values
summed as whole fen, exact on SQLite as on PostgreSQL (``pilot_progress.fen_sum``);
the few groups are then combined in Python as ``Decimal``.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import ExtractMonth, ExtractYear, RowNumber
from django.utils.translation import gettext_lazy as _

from pilot_products.models import (
    CbecCategory,
    ImportBatchLine,
    Listing,
    PilotProduct,
)
from pilot_products.models.i18n import pick_language
from pilot_products.pilot_progress import (
    HUNDRED,
    BatchTotals,
    batch_totals,
    fen_sum,
    from_fen,
    rounded_percent,
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
        Part(labels[key], value, counts[key], rounded_percent(value * HUNDRED / total))
        for key, value in sorted(
            sums.items(), key=lambda item: (-item[1], str(item[0]))
        )
    ]


def _per_line_product():
    """The pilot product a line supplied: one, when all its listings are of it
    (None for a line that supplied none, or listings of several products).

    Two correlated subqueries on the line-to-listing link (indexed by line), so the
    lines can be grouped by product in SQL rather than read into Python."""
    link = ImportBatchLine.listings.through.objects.filter(
        importbatchline_id=OuterRef("pk")
    ).order_by()

    def bound(aggregate):
        return Subquery(
            link.values("importbatchline_id")
            .annotate(product=aggregate("listing__pilot_product_id"))
            .values("product")
        )

    return Case(
        When(lowest_product=F("highest_product"), then=F("lowest_product")),
        default=Value(None),
        output_field=IntegerField(),
    ), {"lowest_product": bound(Min), "highest_product": bound(Max)}


def staff_dashboard() -> Dashboard:
    """Every figure of the dashboard, in eight queries whatever the data size.

    Each breakdown is one grouped query summing whole fen as integers (see
    ``fen_sum``), so the lines never come into Python and the sums are exact on
    SQLite as on PostgreSQL."""
    lines = ImportBatchLine.objects.order_by()
    totals = batch_totals()
    dashboard = Dashboard(totals)

    month_rows = (
        lines.annotate(
            year=ExtractYear("batch__declared_on"),
            month=ExtractMonth("batch__declared_on"),
        )
        .values_list("year", "month")
        .annotate(fen=fen_sum(), count=Count("pk"))
    )
    month_sums: dict[tuple[int, int], Decimal] = {}
    month_lines: dict[tuple[int, int], int] = {}
    for year, month, fen, count in month_rows:
        month_sums[(year, month)] = from_fen(fen)
        month_lines[(year, month)] = count
    for year, month in sorted(month_sums):
        value = month_sums[(year, month)]
        before = month_sums.get((year - 1, month))
        dashboard.months.append(
            Month(
                year,
                month,
                value,
                month_lines[(year, month)],
                rounded_percent((value - before) * HUNDRED / before)
                if before
                else None,
            )
        )

    category_sums: dict[int | None, Decimal] = {}
    category_lines: dict[int | None, int] = {}
    for category, fen, count in lines.values_list("tariff_line__category_id").annotate(
        fen=fen_sum(), count=Count("pk")
    ):
        category_sums[category] = from_fen(fen)
        category_lines[category] = count

    product, bounds = _per_line_product()
    product_sums: dict[int | None, Decimal] = {}
    product_lines: dict[int | None, int] = {}
    product_batches: dict[int | None, int] = {}
    product_rows = (
        lines.annotate(**bounds)
        .annotate(supplied=product)
        .values_list("supplied")
        .annotate(
            fen=fen_sum(), count=Count("pk"), batches=Count("batch", distinct=True)
        )
    )
    for key, fen, count, batches in product_rows:
        product_sums[key] = from_fen(fen)
        product_lines[key] = count
        product_batches[key] = batches

    categories = {
        pk: pick_language(name_zh, name_en)
        for pk, name_zh, name_en in CbecCategory.objects.values_list(
            "pk", "name_zh", "name_en"
        )
    }
    products = list(_products_with_offers())
    prices = _offer_prices()
    if totals.total:
        dashboard.by_category = _parts(
            category_sums,
            category_lines,
            {key: categories.get(key, str(UNCATEGORISED)) for key in category_sums},
            totals.total,
        )
        names = {p.pk: f"{p.code} {p.display_name}" for p in products}
        dashboard.by_product = _parts(
            product_sums,
            product_lines,
            {key: names.get(key, str(UNLINKED)) for key in product_sums},
            totals.total,
        )
    for product in products:
        if not (product.offers or product.pk in product_sums):
            continue
        lowest, median, highest = prices.get(product.pk, (None, None, None))
        dashboard.products.append(
            ProductRow(
                code=product.code,
                name=product.display_name,
                offers=product.offers,
                wholesalers=product.wholesalers,
                booths=product.booths,
                lowest=lowest,
                median=median,
                highest=highest,
                batch_value=product_sums.get(product.pk, Decimal(0)),
                batch_lines=product_lines.get(product.pk, 0),
                batches=product_batches.get(product.pk, 0),
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


def _offer_prices() -> dict[int, tuple[Decimal, Decimal, Decimal]]:
    """Lowest, median and highest public unit price of each pilot product.

    One query: the offers numbered by price within their product, of which only
    the first, the last and the one or two in the middle are read (the ordered
    offset ``price_summary`` takes, for every product at once). The prices are read
    back as stored (SQLite's ``MIN`` over a decimal column answers a float)."""
    by_product = [F("pilot_product_id")]
    rows = (
        Listing.objects.visible_to_buyers()
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=by_product,
                order_by=[F("unit_price").asc(), F("pk").asc()],
            ),
            offers=Window(Count("pk"), partition_by=by_product),
        )
        .annotate(middle=(F("offers") - 1) / 2 + 1)
        .filter(
            Q(rank=1)
            | Q(rank=F("offers"))
            | Q(rank=F("middle"))
            | Q(rank=F("middle") + 1)
        )
        .order_by()
        .values_list("pilot_product_id", "rank", "offers", "middle", "unit_price")
    )
    ranked: dict[int, dict[int, Decimal]] = defaultdict(dict)
    counts: dict[int, tuple[int, int]] = {}
    for product_id, rank, offers, middle, price in rows:
        ranked[product_id][rank] = price
        counts[product_id] = (offers, middle)
    summaries = {}
    for product_id, (offers, middle) in counts.items():
        prices = ranked[product_id]
        median = (
            prices[middle]
            if offers % 2
            else ((prices[middle] + prices[middle + 1]) / 2).quantize(CENTS)
        )
        summaries[product_id] = (prices[1], median, prices[offers])
    return summaries
