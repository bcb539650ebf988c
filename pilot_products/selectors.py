"""Reads that span several models, each a constant number of queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import (
    Count,
    Exists,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from pilot_products.catalogue_sync import catalogue_generation
from pilot_products.models import (
    Booth,
    CbecCategory,
    ImportBatchLine,
    Listing,
    ListingPhoto,
    ListingStatus,
    PilotProduct,
    PriceTier,
    Wholesaler,
    WholesalerMember,
)

#: How long a cached catalogue read may live at most; a write retires it at once
#: (the generation in its key changes), the expiry is only a safety net.
OPTION_LIST_CACHE_SECONDS = 300
#: Above this many matching listings a page says "1,000+ offers" and pages no deeper.
COUNT_CAP = 1000
#: Listings below this stock count as running low on the portal dashboard.
LOW_STOCK_THRESHOLD = 10
#: Stock not confirmed for this many days is flagged on the portal dashboard.
STOCK_CONFIRMATION_DAYS = 30

PilotProductTariffLine = PilotProduct.tariff_lines.through


def cached_read(name: str, read):
    """Return ``read()``, kept in the shared cache until the catalogue next changes."""
    key = f"catalogue:{catalogue_generation()}:{name}"
    return cache.get_or_set(key, read, OPTION_LIST_CACHE_SECONDS)


def capped_count(listings: QuerySet[Listing], cap: int = COUNT_CAP) -> int:
    """Count the listings, but stop after ``cap + 1``: a count above the cap means more."""
    return listings.order_by().values("pk")[: cap + 1].count()


class IdsFirst:
    """Listings a paginator slices by their ids first when the page is not the first.

    An offset over the full row read joins, annotates (main photo) and fetches every
    skipped row: 35 ms for page 45 at 100,000 listings. The ids alone walk the
    order's index (index-only once vacuumed); then only the page's rows are read.
    A first page keeps its single query.
    """

    def __init__(self, listings: QuerySet[Listing]):
        self.listings = listings

    def count(self) -> int:
        return self.listings.count()

    def __getitem__(self, window: slice) -> list[Listing]:
        if not window.start:
            return list(self.listings[window])
        ids = list(self.listings.values_list("pk", flat=True)[window])
        rows = self.listings.order_by().in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]


def visible_listings() -> QuerySet[Listing]:
    """Listings buyers may see, with what every catalogue row shows."""
    return with_main_photo(
        Listing.objects.visible_to_buyers().select_related(
            "pilot_product", "wholesaler", "booth"
        )
    )


def with_main_photo(listings: QuerySet[Listing]) -> QuerySet[Listing]:
    """Read each listing's main photo in the same query (``Listing.main_photo``).

    Subqueries over the one-main-photo index, evaluated only for the rows a page
    returns: a page with photos costs no more queries than one without.
    """
    main = ListingPhoto.objects.filter(listing=OuterRef("pk"), is_main=True)
    return listings.annotate(
        main_photo_name=Subquery(main.values("image")[:1]),
        main_photo_width=Subquery(main.values("width")[:1]),
        main_photo_height=Subquery(main.values("height")[:1]),
    )


def with_price_tiers(listings: QuerySet[Listing]) -> QuerySet[Listing]:
    return listings.prefetch_related(
        Prefetch("price_tiers", queryset=PriceTier.objects.order_by("min_quantity"))
    )


def with_import_lines(listings: QuerySet[Listing]) -> QuerySet[Listing]:
    """Listings with the batch lines that supplied them, newest declaration first."""
    return listings.prefetch_related(
        Prefetch(
            "import_lines",
            queryset=ImportBatchLine.objects.select_related("batch").order_by(
                "-batch__declared_on", "-pk"
            ),
        )
    )


@dataclass(frozen=True)
class CategoryNode:
    category: CbecCategory
    depth: int


def category_tree() -> list[CategoryNode]:
    """Return every category, parents before their children, with its depth."""
    return cached_read("category-tree", _category_tree)


def _category_tree() -> list[CategoryNode]:
    categories = list(CbecCategory.objects.all())
    children: dict[int | None, list[CbecCategory]] = defaultdict(list)
    for category in categories:
        children[category.parent_id].append(category)
    nodes: list[CategoryNode] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for category in children[parent_id]:
            nodes.append(CategoryNode(category, depth))
            walk(category.pk, depth + 1)

    walk(None, 0)
    return nodes


def category_with_descendants(code: str) -> list[int]:
    """Return the ids of the category with this code and of all categories below it."""
    categories = [
        (node.category.pk, node.category.parent_id, node.category.code)
        for node in category_tree()
    ]
    found = [pk for pk, _parent, category_code in categories if category_code == code]
    ids = set(found)
    grew = True
    while grew:
        below = {pk for pk, parent, _code in categories if parent in ids} - ids
        ids |= below
        grew = bool(below)
    return sorted(ids)


def pilot_product_ids_in_categories(category_ids: list[int]) -> QuerySet:
    """Return a subquery of the pilot products with a tariff line in these categories."""
    return PilotProductTariffLine.objects.filter(
        tariffline__category_id__in=category_ids
    ).values("pilotproduct_id")


@dataclass(frozen=True)
class PriceSummary:
    offers: int
    lowest: Decimal | None
    median: Decimal | None
    highest: Decimal | None


def price_summary(listings: QuerySet[Listing]) -> PriceSummary:
    """Return count, lowest, median and highest unit price (two queries)."""
    figures = listings.order_by().aggregate(
        offers=Count("pk"), lowest=Min("unit_price"), highest=Max("unit_price")
    )
    offers = figures["offers"]
    median = None
    if offers:
        middle = (offers - 1) // 2
        prices = list(
            listings.order_by("unit_price", "pk").values_list("unit_price", flat=True)[
                middle : middle + 2
            ]
        )
        median = (
            prices[0]
            if offers % 2
            else ((prices[0] + prices[1]) / 2).quantize(Decimal("0.01"))
        )
    return PriceSummary(offers, figures["lowest"], median, figures["highest"])


def booth_districts() -> list[int]:
    return cached_read(
        "booth-districts",
        lambda: list(
            Booth.objects.order_by("district")
            .values_list("district", flat=True)
            .distinct()
        ),
    )


def booth_pavilions() -> list[tuple[str, str]]:
    """Return (Chinese name, English name) of every pavilion that has a booth."""
    return cached_read(
        "booth-pavilions",
        lambda: list(
            Booth.objects.exclude(pavilion_zh="")
            .order_by("pavilion_zh")
            .values_list("pavilion_zh", "pavilion_en")
            .distinct()
        ),
    )


def visible_wholesaler(pk: int) -> Wholesaler | None:
    return Wholesaler.objects.active().filter(pk=pk).first()


def status_counts(wholesaler: Wholesaler) -> dict[str, int]:
    """Return the number of the wholesaler's listings in each status (one query)."""
    counts = dict(
        Listing.objects.for_wholesaler(wholesaler)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return {status: counts.get(status, 0) for status in ListingStatus.values}


def stock_unconfirmed_q(now: datetime | None = None) -> Q:
    """Match listings whose stock was never confirmed or not in the last 30 days."""
    cutoff = (now or timezone.now()) - timedelta(days=STOCK_CONFIRMATION_DAYS)
    return Q(stock_confirmed_at__isnull=True) | Q(stock_confirmed_at__lt=cutoff)


def open_listings(wholesaler: Wholesaler) -> QuerySet[Listing]:
    """The wholesaler's listings that are not delisted, for the dashboard's warnings."""
    return (
        Listing.objects.for_wholesaler(wholesaler)
        .exclude(status=ListingStatus.DELISTED)
        .select_related("pilot_product")
    )


def low_stock_listings(wholesaler: Wholesaler) -> QuerySet[Listing]:
    return (
        open_listings(wholesaler)
        .filter(stock__lt=LOW_STOCK_THRESHOLD)
        .order_by("stock", "sku")
    )


def unconfirmed_stock_listings(wholesaler: Wholesaler) -> QuerySet[Listing]:
    return (
        open_listings(wholesaler)
        .filter(stock_unconfirmed_q())
        .order_by("stock_confirmed_at", "sku")
    )


def recent_listing_changes(wholesaler: Wholesaler, limit: int = 10):
    """Return the latest history rows of the wholesaler's listings, newest first.

    ``by_colleague`` says whether the change was made by one of the wholesaler's own
    users: only their names are shown to the wholesaler, never a staff username.
    """
    colleagues = WholesalerMember.objects.filter(
        wholesaler=wholesaler, user=OuterRef("history_user")
    )
    return (
        Listing.history.filter(wholesaler_id=wholesaler.pk)
        .select_related("history_user")
        .annotate(by_colleague=Exists(colleagues))
        .order_by("-history_date")[:limit]
    )
