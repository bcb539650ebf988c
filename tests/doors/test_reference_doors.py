"""Reference data imports refuse what the database would refuse, with a sentence:
no loop in the category tree, one row number per line of an edition."""

import pytest

from pilot_products import validators as v
from pilot_products.models import CbecCategory, CbecListEntry
from pilot_products.spreadsheets.engine import MSG_WRITE_FAILED, run_import
from pilot_products.spreadsheets.specs import CategoriesSpec, CbecEntriesSpec
from pilot_products.spreadsheets.specs.catalogue import (
    MSG_PARENT_BELOW,
    MSG_PARENT_CYCLE,
)
from tests import factories
from tests.spreadsheet_helpers import csv_bytes

pytestmark = pytest.mark.django_db

CATEGORY_HEADERS = [column.key for column in CategoriesSpec.columns]
ENTRY_HEADERS = [column.key for column in CbecEntriesSpec.columns]


def _messages(result) -> list[str]:
    return [error.message for error in result.errors]


def _categories():
    return sorted(CbecCategory.objects.values_list("code", "parent_id"))


def test_a_category_cannot_become_its_own_ancestor():
    toys = factories.make_category(code="toys")
    factories.make_category(code="puzzles", parent=toys)
    before = _categories()
    rows = [CATEGORY_HEADERS, ["toys", "玩具", "Toys", "puzzles", "1"]]
    result = run_import("categories", file_name="c.csv", data=csv_bytes(rows))
    assert str(MSG_PARENT_CYCLE % {"code": "toys", "parent": "puzzles"}) in (
        _messages(result)
    )
    assert _categories() == before


def test_a_category_cannot_be_its_own_parent():
    factories.make_category(code="toys")
    rows = [CATEGORY_HEADERS, ["toys", "玩具", "Toys", "toys", "1"]]
    result = run_import("categories", file_name="c.csv", data=csv_bytes(rows))
    assert str(MSG_PARENT_CYCLE % {"code": "toys", "parent": "toys"}) in (
        _messages(result)
    )


def test_a_parent_comes_above_its_children():
    rows = [
        CATEGORY_HEADERS,
        ["dolls", "娃娃", "Dolls", "toys", "1"],
        ["toys", "玩具", "Toys", "", "1"],
    ]
    result = run_import("categories", file_name="c.csv", data=csv_bytes(rows))
    assert str(MSG_PARENT_BELOW % {"code": "toys"}) in _messages(result)
    rows = [rows[0], rows[2], rows[1]]
    result = run_import("categories", file_name="c.csv", data=csv_bytes(rows))
    assert result.is_valid
    assert CbecCategory.objects.get(code="dolls").parent.code == "toys"


def test_a_row_number_taken_by_another_line_is_refused_before_the_database():
    edition = factories.make_edition(code="2030")
    first = factories.make_tariff_line("99000001")
    second = factories.make_tariff_line("99000002")
    CbecListEntry.objects.create(edition=edition, tariff_line=first, row_number=5)
    rows = [ENTRY_HEADERS, ["2030", "99000002", "5", "", "none", "no"]]
    result = run_import("cbec-entries", file_name="e.csv", data=csv_bytes(rows))
    messages = _messages(result)
    assert str(v.MSG_ENTRY_ROW_TAKEN % {"row": 5}) in messages
    assert not any(str(MSG_WRITE_FAILED).split("(")[0][:40] in m for m in messages)
    assert not CbecListEntry.objects.filter(tariff_line=second).exists()
