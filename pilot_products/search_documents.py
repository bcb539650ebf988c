"""Build and write the search terms each listing carries (``Listing.search_terms``).

Called by ``catalogue_sync`` for the listings a write touched; ``rebuild_all`` and
``stale`` serve ``manage.py catalogue_check``. A listing's document holds the terms of the
listing's titles and brand, of its pilot product's names and code, of the categories
of the product's tariff lines, of those lines' codes, of the customs code and of the
country of origin's names in both languages (a buyer types 德国 or Germany).
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import translation
from django_countries import countries

from pilot_products.bulk import update_rows
from pilot_products.models import CbecCategory, Listing, PilotProduct, SearchTerm
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
#: What the listing holds now, to write only the documents that changed.
STORED_FIELDS = ("search_terms", "search_title_terms")
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


def _changed(rows: list[dict], documents: list[Document]) -> list[Document]:
    """The documents (built from ``rows``) that differ from what the listings hold."""
    return [
        document
        for row, document in zip(rows, documents, strict=True)
        if (row["search_terms"], row["search_title_terms"])
        != (document.terms, document.title_terms)
    ]


def refresh(listings: QuerySet[Listing]) -> int:
    """Rewrite the documents of these listings that changed; return how many."""
    rows = list(listings.order_by().values(*LISTING_FIELDS, *STORED_FIELDS))
    changed = _changed(rows, build(rows))
    remember_vocabulary(changed)
    return _write(changed)


def rebuild_all(batch: int = 20_000, progress=None) -> int:
    """Bring every listing's document up to date, streaming; return how many changed.

    After a bulk load or a changed formula. Unchanged rows are not written, so a run
    over a catalogue in step costs reads only; the vocabulary is taken from all.
    """
    rows = Listing.objects.order_by("pk").values(*LISTING_FIELDS, *STORED_FIELDS)
    written = seen = 0
    pending: list[dict] = []
    for row in rows.iterator(chunk_size=batch):
        pending.append(row)
        if len(pending) == batch:
            written += _rebuild(pending)
            seen += len(pending)
            pending = []
            if progress:
                progress(seen)
    if pending:
        written += _rebuild(pending)
    return written


def _rebuild(rows: list[dict]) -> int:
    documents = build(rows)
    remember_vocabulary(documents)
    return _write(_changed(rows, documents))


def _write(documents: list[Document]) -> int:
    if not documents:
        return 0
    update_rows(
        Listing,
        STORED_FIELDS,
        ((d.terms, d.title_terms, d.listing_id) for d in documents),
    )
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
    """Yield the ids of listings whose stored terms differ from a fresh build."""
    ids = list(listings.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        rows = list(
            Listing.objects.filter(pk__in=ids[start : start + batch])
            .order_by("pk")
            .values(*LISTING_FIELDS, *STORED_FIELDS)
        )
        for document in _changed(rows, build(rows)):
            yield document.listing_id
