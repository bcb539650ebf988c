import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from pilot_products.models import (
    CbecCategory,
    CbecListEdition,
    CbecListEntry,
    PilotList,
    PilotProduct,
    Restriction,
    TariffLine,
)
from pilot_products.reference_data import FIXTURES_DIR

pytestmark = pytest.mark.django_db

SHARED_SAMPLE = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "hs_sample.csv"
)


def _snapshot():
    return {
        "categories": list(
            CbecCategory.objects.values_list("code", "parent__code", "name_en")
        ),
        "lines": list(
            TariffLine.objects.values_list("code", "name_zh", "category__code")
        ),
        "editions": list(CbecListEdition.objects.values_list("code", "effective_on")),
        "entries": list(
            CbecListEntry.objects.values_list(
                "edition__code", "tariff_line__code", "row_number", "restriction"
            )
        ),
        "products": list(
            PilotProduct.objects.values_list("code", "name_en", "status").order_by(
                "code"
            )
        ),
        "product_lines": list(
            PilotProduct.tariff_lines.through.objects.values_list(
                "pilotproduct__code", "tariffline__code"
            ).order_by("pilotproduct__code", "tariffline__code")
        ),
        "lists": list(PilotList.objects.values_list("version", "products")),
    }


def test_loading_twice_leaves_the_same_rows():
    call_command("load_reference_data", stdout=io.StringIO())
    first = _snapshot()
    call_command("load_reference_data", stdout=io.StringIO())
    assert _snapshot() == first
    assert len(first["products"]) == 35


def test_editions_carry_the_published_dates_and_counts(reference_data):
    editions = {e.code: e for e in CbecListEdition.objects.all()}
    assert {code: e.official_line_count for code, e in editions.items()} == {
        "2016-1": 1142,
        "2016-2": 151,
        "2018": 1321,
        "2019": 1413,
        "2022": 1476,
    }
    assert str(editions["2022"].effective_on) == "2022-03-01"
    assert str(editions["2018"].effective_on) == "2019-01-01"
    assert CbecListEdition.objects.in_force() == editions["2022"]


def test_every_row_of_the_shared_sample_is_loaded_with_leading_zeros(reference_data):
    path = (
        SHARED_SAMPLE if SHARED_SAMPLE.exists() else FIXTURES_DIR / "tariff_lines.csv"
    )
    with path.open(encoding="utf-8") as handle:
        codes = {row.get("hs_code") or row["code"] for row in csv.DictReader(handle)}
    assert codes <= set(TariffLine.objects.values_list("code", flat=True))
    assert TariffLine.objects.get(code="04011000").name_en.startswith("Milk and cream")


def test_printer_ink_line_carries_its_named_goods_remark(reference_data):
    entry = CbecListEntry.objects.get(
        edition__code="2022", tariff_line__code="32151900"
    )
    assert entry.restriction == Restriction.NAMED_GOODS_ONLY
    assert entry.remark == "仅限家用打印机墨水"


def test_illustrative_pilot_list_has_35_products_on_the_list_in_force(reference_data):
    pilot_list = PilotList.objects.current()
    assert pilot_list.is_illustrative
    assert "ILLUSTRATIVE" in pilot_list.source_note
    products = list(pilot_list.products.prefetch_related("tariff_lines"))
    assert len(products) == 35
    assert {p.code for p in products} == {f"P{n:02d}" for n in range(1, 36)}
    in_force = set(TariffLine.objects.on_list_in_force().values_list("code", flat=True))
    for product in products:
        lines = {line.code for line in product.tariff_lines.all()}
        assert lines, product.code
        assert lines <= in_force, product.code
        assert product.is_illustrative


def test_pilot_list_covers_the_three_named_pilot_categories(reference_data):
    categories = set(PilotProduct.objects.values_list("pilot_category", flat=True))
    assert {"childrens_toys", "daily_necessities", "household_appliances"} <= categories


def test_reload_keeps_staff_decisions(reference_data):
    product = PilotProduct.objects.get(code="P06")
    product.name_en = "Jigsaw puzzles"
    product.save()
    call_command("load_reference_data", stdout=io.StringIO())
    assert PilotProduct.objects.get(code="P06").name_en == "Jigsaw puzzles"
