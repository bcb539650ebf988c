"""Facet counts: beside each option of a catalogue filter, how many offers it would show.

Counts follow the other filters in effect, not the option's own filter (choosing
Germany leaves Japan's count as it would be with Japan chosen instead), so a buyer sees
where each choice leads before making it.

They come from one grouped read of the visible listings by pilot product, country of
origin, booth district and pavilion, the four things a select filters by (a category is
a set of pilot products). Without a search or a range filter that read is the
catalogue's facet summary, kept in the shared cache until the catalogue next changes,
so a request costs no query. With one, the same rows are built from at most
``FACET_SCAN_LIMIT`` of the listings those filters keep, read in the page's own index
order: past the limit the counts would cost a scan, and the options are shown without
counts rather than with wrong ones. See docs/architecture.md, "Facet counts".
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.http import QueryDict

from pilot_products import selectors
from pilot_products.models import CbecCategory, Listing

#: A filtered read for counts stops after this many listings (then: no counts), as
#: the page's own count does.
FACET_SCAN_LIMIT = selectors.COUNT_CAP

#: The filters counted, each read from a summary row by ``facet_key``.
FACETS = ("category", "product", "country", "district", "pavilion")
#: Parameters that narrow the listings without being counted themselves.
UNCOUNTED = ("q", "price_min", "price_max", "moq_max", "in_stock", "wholesaler")


@dataclass(frozen=True)
class Row:
    """Visible listings of one (pilot product, country, district, pavilion)."""

    product: str
    country: str
    district: int | None
    pavilion: str | None
    listings: int


#: What a summary row is keyed by, read with each listing.
KEY_FIELDS = (
    "pilot_product__code",
    "country_of_origin",
    "booth__district",
    "booth__pavilion_zh",
)


def summary() -> list[Row]:
    """Every visible listing, grouped (cached until the catalogue changes)."""
    return selectors.cached_read("facet-summary", _summary)


def _summary() -> list[Row]:
    # COUNT(*), not of the id: the index over public listings' pilot product,
    # country and booth (listing_public_facet_idx) then answers without the table.
    return [
        Row(*values)
        for values in Listing.objects.visible_to_buyers()
        .order_by()
        .values_list(*KEY_FIELDS)
        .annotate(n=Count("*"))
    ]


def listing_countries() -> list[str]:
    """The countries of origin that visible listings carry, from the summary."""
    return sorted({row.country for row in summary()})


def bounded_rows(listings: QuerySet[Listing]) -> list[Row] | None:
    """Group at most ``FACET_SCAN_LIMIT`` of ``listings``; ``None`` if there are more.

    The listings are read in the page's own order, so the read walks the same index
    as the page and stops at the limit; grouping that few rows costs nothing here.
    """
    keys = list(listings.values_list(*KEY_FIELDS)[: FACET_SCAN_LIMIT + 1])
    if len(keys) > FACET_SCAN_LIMIT:
        return None
    return [Row(*key, listings=n) for key, n in Counter(keys).items()]


def category_products() -> dict[str, set[str]]:
    """Each category's code with the codes of the pilot products under it or below."""
    return selectors.cached_read("category-products", _category_products)


def _category_products() -> dict[str, set[str]]:
    direct: dict[int, set[str]] = defaultdict(set)
    for code, category_id in selectors.PilotProductTariffLine.objects.values_list(
        "pilotproduct__code", "tariffline__category_id"
    ):
        direct[category_id].add(code)
    found: dict[str, set[str]] = {}
    for node in selectors.category_tree():
        products: set[str] = set()
        for category_id in selectors.category_with_descendants(node.category.code):
            products |= direct[category_id]
        found[node.category.code] = products
    return found


@dataclass(frozen=True)
class CategoryCount:
    category: CbecCategory
    listings: int


def root_category_counts() -> list[CategoryCount]:
    """Visible listings under each top-level category, from the facet summary."""
    per_product: dict[str, int] = defaultdict(int)
    for row in summary():
        per_product[row.product] += row.listings
    products_of = category_products()
    return [
        CategoryCount(
            node.category,
            sum(per_product[code] for code in products_of[node.category.code]),
        )
        for node in selectors.category_tree()
        if node.depth == 0
    ]


def row_matches(row: Row, name: str, value, products_of: dict[str, set[str]]) -> bool:
    """Whether a summary row passes one counted filter's chosen value."""
    if name == "category":
        return row.product in products_of.get(value, ())
    if name == "product":
        return row.product == value.code
    if name == "country":
        return row.country == value
    if name == "district":
        return str(row.district) == value
    return row.pavilion == value


def option_counts(rows: list[Row], chosen: dict, products_of) -> dict[str, dict]:
    """For each counted filter, its options' counts under the other chosen filters."""
    counts: dict[str, dict] = {}
    for name in FACETS:
        others = {other: value for other, value in chosen.items() if other != name}
        kept = [
            row
            for row in rows
            if all(row_matches(row, o, v, products_of) for o, v in others.items())
        ]
        per: dict = defaultdict(int)
        if name == "category":
            per_product: dict[str, int] = defaultdict(int)
            for row in kept:
                per_product[row.product] += row.listings
            for code, products in products_of.items():
                per[code] = sum(per_product[p] for p in products)
        else:
            for row in kept:
                per[str(facet_key(row, name))] += row.listings
        counts[name] = dict(per)
    return counts


def facet_key(row: Row, name: str):
    return {
        "product": row.product,
        "country": row.country,
        "district": row.district,
        "pavilion": row.pavilion,
    }[name]


def counted_filters(filterset) -> tuple[dict, bool] | None:
    """The chosen values of the counted filters, and whether any other filter is on.

    ``None`` when the form has errors: its options are shown without counts.
    """
    form = filterset.form
    if not form.is_valid():
        return None
    data = form.cleaned_data
    chosen = {name: data[name] for name in FACETS if data.get(name)}
    narrowed = any(data.get(name) not in (None, "", False) for name in UNCOUNTED)
    return chosen, narrowed


def add_counts(filterset, listings_without_counted, matches: int) -> bool:
    """Put the offer count beside every option of the filterset's counted selects.

    ``listings_without_counted`` builds the listings that the uncounted filters keep
    (called only when one of them is on); ``matches`` is the page's own capped count.
    Returns whether counts were shown.
    """
    found = counted_filters(filterset)
    if found is None:
        return False
    chosen, narrowed = found
    if not narrowed:
        rows = summary()
    elif matches > FACET_SCAN_LIMIT:
        # The page's matches are among those listings: they are past the limit too.
        return False
    else:
        listings = listings_without_counted()
        # Counting to the limit walks an index; reading the rows visits the table,
        # which is wasted when there are more of them than the limit.
        if selectors.capped_count(listings, FACET_SCAN_LIMIT) > FACET_SCAN_LIMIT:
            return False
        rows = bounded_rows(listings)
    if rows is None:
        return False
    counts = option_counts(rows, chosen, category_products())
    for name, per in counts.items():
        filterset.form.fields[name].widget.counts = per
    return True


def without_counted(query: QueryDict) -> QueryDict:
    """The query string's filters that are not counted (and the sort)."""
    kept = query.copy()
    for name in FACETS:
        kept.pop(name, None)
    return kept
