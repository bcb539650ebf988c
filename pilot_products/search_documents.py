"""Build and write the search document of each listing (``ListingSearchDocument``).

Called by ``catalogue_sync`` for the listings a write touched; ``rebuild`` and
``stale`` serve ``manage.py catalogue_check``. A document holds the terms of the
listing's titles and brand, of its pilot product's names and code, of the categories
of the product's tariff lines, of those lines' codes, of the customs code and of the
country of origin's names in both languages (a buyer types 德国 or Germany).
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.utils import translation
from django_countries import countries

from pilot_products.bulk import insert_rows
from pilot_products.models import (
    CbecCategory,
    Listing,
    ListingSearchDocument,
    PilotProduct,
    SearchTerm,
)
from pilot_products.search_terms import code_terms, join_terms, text_terms

LISTING_FIELDS = (
    "pk",
    "pilot_product_id",
    "title_zh",
    "title_en",
    "brand",
    "sku",
    "customs_code",
    "country_of_origin",
)
#: Latin-letter terms at least this long go into the spelling vocabulary.
VOCABULARY_MIN_LENGTH = 3


@dataclass(frozen=True)
class Document:
    listing_id: int
    terms: str
    title_terms: str


def products_under_categories(category_ids) -> list[int]:
    """Pilot products with a tariff line in these categories or any below them."""
    below = set(category_ids)
    frontier = set(category_ids)
    while frontier:
        frontier = set(
            CbecCategory.objects.filter(parent_id__in=frontier)
            .exclude(pk__in=below)
            .values_list("pk", flat=True)
        )
        below |= frontier
    return list(
        PilotProduct.objects.filter(tariff_lines__category__in=below)
        .values_list("pk", flat=True)
        .distinct()
    )


def product_terms(product_ids) -> dict[int, tuple[str, ...]]:
    """Terms each pilot product lends its listings (names, code, categories, lines)."""
    terms: dict[int, list[str]] = defaultdict(list)
    products = PilotProduct.objects.filter(pk__in=product_ids).prefetch_related(
        "tariff_lines__category__parent"
    )
    for product in products:
        found = terms[product.pk]
        found += text_terms(product.name_zh) + text_terms(product.name_en)
        found.append(product.code.lower())
        for line in product.tariff_lines.all():
            found += code_terms(line.code)
            category = line.category
            while category is not None:
                found += text_terms(category.name_zh) + text_terms(category.name_en)
                category = category.parent
    return {pk: tuple(found) for pk, found in terms.items()}


def country_terms(codes) -> dict[str, tuple[str, ...]]:
    """Terms of each country's Chinese and English names."""
    names: dict[str, list[str]] = defaultdict(list)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for code in codes:
                names[code] += text_terms(str(countries.name(code)).strip())
    return {code: tuple(found) for code, found in names.items()}


def build(rows: list[dict]) -> list[Document]:
    """Return the documents of listings given as ``values(*LISTING_FIELDS)`` rows."""
    lent = product_terms({row["pilot_product_id"] for row in rows})
    origins = country_terms({row["country_of_origin"] for row in rows} - {""})
    documents = []
    for row in rows:
        title = (
            text_terms(row["title_zh"])
            + text_terms(row["title_en"])
            + text_terms(row["brand"])
        )
        terms = (
            title
            + lent.get(row["pilot_product_id"], ())
            + text_terms(row["sku"])
            + tuple(code_terms(row["customs_code"]))
            + origins.get(row["country_of_origin"], ())
        )
        documents.append(
            Document(row["pk"], join_terms(terms), f" {join_terms(title)} ")
        )
    return documents


def documents_of(listings: QuerySet[Listing]) -> list[Document]:
    return build(list(listings.order_by().values(*LISTING_FIELDS)))


def refresh(listings: QuerySet[Listing]) -> int:
    """Rewrite the documents of these listings; return how many were written."""
    documents = documents_of(listings)
    ids = [document.listing_id for document in documents]
    ListingSearchDocument.objects.filter(listing_id__in=ids).delete()
    return _write(documents)


def rebuild_all(batch: int = 20_000, progress=None) -> int:
    """Rewrite every listing's document, streaming (a bulk load, a changed formula)."""
    # DELETE, not TRUNCATE: PostgreSQL refuses TRUNCATE while the transaction holds
    # deferred foreign-key checks of rows it wrote (SQLite's triggers need it too).
    table = connection.ops.quote_name(ListingSearchDocument._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a quoted name
    rows = Listing.objects.order_by("pk").values(*LISTING_FIELDS)
    written = 0
    pending: list[dict] = []
    for row in rows.iterator(chunk_size=batch):
        pending.append(row)
        if len(pending) == batch:
            written += _write(build(pending))
            pending = []
            if progress:
                progress(written)
    if pending:
        written += _write(build(pending))
    return written


def _write(documents: list[Document]) -> int:
    insert_rows(
        ListingSearchDocument,
        ("listing", "terms", "title_terms"),
        ((d.listing_id, d.terms, d.title_terms) for d in documents),
    )
    remember_vocabulary(documents)
    return len(documents)


def remember_vocabulary(documents: list[Document]) -> None:
    """Add the documents' new Latin-letter words to the spelling vocabulary."""
    words = {
        term
        for document in documents
        for term in document.terms.split()
        if term.isascii() and term.isalpha() and len(term) >= VOCABULARY_MIN_LENGTH
    }
    if not words:
        return
    known = set(
        SearchTerm.objects.filter(term__in=sorted(words)).values_list("term", flat=True)
    )
    SearchTerm.objects.bulk_create(
        [SearchTerm(term=word) for word in sorted(words - known)],
        ignore_conflicts=True,
    )


def stale(listings: QuerySet[Listing], batch: int = 2_000) -> Iterator[int]:
    """Yield the ids of listings whose stored document differs from a fresh build."""
    ids = list(listings.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        stored = dict(
            ListingSearchDocument.objects.filter(listing_id__in=chunk).values_list(
                "listing_id", "terms"
            )
        )
        titles = dict(
            ListingSearchDocument.objects.filter(listing_id__in=chunk).values_list(
                "listing_id", "title_terms"
            )
        )
        for document in documents_of(Listing.objects.filter(pk__in=chunk)):
            if (
                stored.get(document.listing_id) != document.terms
                or titles.get(document.listing_id) != document.title_terms
            ):
                yield document.listing_id
