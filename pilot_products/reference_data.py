"""Load the reference data in ``fixtures/``: CBEC list, categories and pilot list.

Every row is matched by its natural key, so loading twice leaves the same rows.
"""

import csv
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from pilot_products.catalogue_search import synonym_words
from pilot_products.catalogue_sync import catalogue_changed
from pilot_products.models import (
    CbecCategory,
    CbecListEdition,
    CbecListEntry,
    ImportTarget,
    OfficialFigure,
    PilotList,
    PilotProduct,
    ReviewStatus,
    SearchSynonym,
    TariffLine,
)
from pilot_products.services.review import cbec_edition_flag_products

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
#: Shown in the history of products that came with the reference data, not a review.
REFERENCE_CHANGE_REASON = "Loaded as approved from the reference pilot list (fixtures/)"


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    #: Codes of approved products flagged because the newest CBEC edition lacks a line.
    flagged: list[str] = field(default_factory=list)

    def count(self, label: str, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[label] = bucket.get(label, 0) + 1


SYNONYMS_FILE = "search_synonyms.csv"


def _rows(directory: Path, name: str) -> list[dict[str, str]]:
    with (directory / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _yes(value: str) -> bool:
    return value.strip().lower() in {"yes", "true", "1"}


@transaction.atomic
def load_reference_data(directory: Path = FIXTURES_DIR) -> LoadReport:
    """Create or update every reference row from the CSV files in ``directory``."""
    report = LoadReport()
    _load_categories(directory, report)
    _load_tariff_lines(directory, report)
    _load_editions(directory, report)
    _load_entries(directory, report)
    _load_pilot_list(directory, report)
    _flag_products_off_newest_edition(report)
    _load_search_synonyms(directory, report)
    _load_official_figures(directory, report)
    _load_import_targets(directory, report)
    # Categories and products feed the catalogue's cached option lists.
    catalogue_changed()
    return report


def _load_search_synonyms(directory: Path, report: LoadReport) -> None:
    """The starter synonyms of the search; a row staff changed or removed stays so.

    A row is added only while no synonym row shares its first word, so a reload
    neither duplicates a row staff edited nor brings back one they deleted on purpose
    (delete the first word's row and reload to get the starter row back).
    """
    path = directory / SYNONYMS_FILE
    if not path.exists():
        return
    existing = {
        first
        for words in SearchSynonym.objects.values_list("words", flat=True)
        for first in synonym_words(words)[:1]
    }
    for row in _rows(directory, SYNONYMS_FILE):
        first = synonym_words(row["words"])[:1]
        if not first or first[0] in existing:
            continue
        SearchSynonym.objects.create(words=row["words"], note=row["note"])
        existing.add(first[0])
        report.count("search synonyms", created=True)


def _load_categories(directory: Path, report: LoadReport) -> None:
    for row in _rows(directory, "cbec_categories.csv"):
        parent = CbecCategory.objects.get(code=row["parent"]) if row["parent"] else None
        _obj, created = CbecCategory.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "parent": parent,
                "sort_order": int(row["sort_order"]),
            },
        )
        report.count("categories", created)


def _load_tariff_lines(directory: Path, report: LoadReport) -> None:
    categories = {category.code: category for category in CbecCategory.objects.all()}
    for row in _rows(directory, "tariff_lines.csv"):
        line = TariffLine(
            code=row["code"],
            name_zh=row["name_zh"],
            name_en=row["name_en"],
            category=categories[row["category"]],
        )
        line.full_clean(exclude=["code"], validate_unique=False)
        _obj, created = TariffLine.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_zh": line.name_zh,
                "name_en": line.name_en,
                "category": line.category,
            },
        )
        report.count("tariff lines", created)


def _load_editions(directory: Path, report: LoadReport) -> None:
    for row in _rows(directory, "cbec_list_editions.csv"):
        _obj, created = CbecListEdition.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "announcement": row["announcement"],
                "issued_on": date.fromisoformat(row["issued_on"]),
                "effective_on": date.fromisoformat(row["effective_on"]),
                "official_line_count": int(row["official_line_count"]),
                "source": row["source"],
            },
        )
        report.count("CBEC editions", created)


def _optional_date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def _load_official_figures(directory: Path, report: LoadReport) -> None:
    """The published figures of the pilot, each with its source (docs/reference-data.md)."""
    for row in _rows(directory, "official_figures.csv"):
        month = int(row["month"]) if row["month"] else None
        _obj, created = OfficialFigure.objects.update_or_create(
            scope=row["scope"],
            period_kind=row["period_kind"],
            year=int(row["year"]),
            month=month,
            defaults={
                "value": Decimal(row["value"]),
                "unit": row["unit"],
                "yoy_growth_percent": (
                    Decimal(row["yoy_growth_percent"])
                    if row["yoy_growth_percent"]
                    else None
                ),
                "source_title": row["source_title"],
                "publisher_zh": row["publisher_zh"],
                "publisher_en": row["publisher_en"],
                "published_on": _optional_date(row["published_on"]),
                "source_url": row["source_url"],
                "note": row["note"],
            },
        )
        report.count("official figures", created)


def _load_import_targets(directory: Path, report: LoadReport) -> None:
    for row in _rows(directory, "import_targets.csv"):
        _obj, created = ImportTarget.objects.update_or_create(
            year=int(row["year"]),
            defaults={
                "value": Decimal(row["value"]),
                "is_minimum": _yes(row["is_minimum"]),
                "source_title": row["source_title"],
                "publisher_zh": row["publisher_zh"],
                "publisher_en": row["publisher_en"],
                "published_on": _optional_date(row["published_on"]),
                "source_url": row["source_url"],
            },
        )
        report.count("import targets", created)


def _load_entries(directory: Path, report: LoadReport) -> None:
    editions = {edition.code: edition for edition in CbecListEdition.objects.all()}
    lines = {line.code: line for line in TariffLine.objects.all()}
    for row in _rows(directory, "cbec_list_entries.csv"):
        _obj, created = CbecListEntry.objects.update_or_create(
            edition=editions[row["edition"]],
            tariff_line=lines[row["tariff_line"]],
            defaults={
                "row_number": int(row["row_number"]),
                "restriction": row["restriction"],
                "remark": row["remark"],
                "verified": _yes(row["verified"]),
            },
        )
        report.count("CBEC list entries", created)


def _load_pilot_list(directory: Path, report: LoadReport) -> None:
    lines = {line.code: line for line in TariffLine.objects.all()}
    (list_row,) = _rows(directory, "pilot_list.csv")
    pilot_list, created = PilotList.objects.update_or_create(
        version=list_row["version"],
        defaults={
            "name_zh": list_row["name_zh"],
            "name_en": list_row["name_en"],
            "status": list_row["status"],
            "issued_on": date.fromisoformat(list_row["issued_on"]),
            "effective_on": date.fromisoformat(list_row["effective_on"]),
            "is_illustrative": _yes(list_row["is_illustrative"]),
            "source_note": list_row["source_note"],
        },
    )
    report.count("pilot lists", created)
    products = []
    for row in _rows(directory, "pilot_products.csv"):
        product, created = PilotProduct.objects.get_or_create(
            code=row["code"],
            defaults={
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "pilot_category": row["pilot_category"],
                "requirements": row["requirements"],
                "requirements_zh": row["requirements_zh"],
                "is_illustrative": pilot_list.is_illustrative,
                "status": ReviewStatus.APPROVED,
            },
        )
        if created:
            # Reference rows set the starting point only: staff decisions made later
            # in the admin (names, review status) are never overwritten by a reload.
            product.tariff_lines.set(
                [lines[code] for code in row["tariff_lines"].split()]
            )
            product.history.update(history_change_reason=REFERENCE_CHANGE_REASON)
        report.count("pilot products", created)
        products.append(product)
    pilot_list.products.add(*products)


def _flag_products_off_newest_edition(report: LoadReport) -> None:
    newest = CbecListEdition.objects.order_by("-effective_on").first()
    if newest is not None:
        flagged = cbec_edition_flag_products(edition=newest)
        report.flagged = [product.code for product in flagged]
