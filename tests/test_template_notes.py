"""The notes sheet of a blank template speaks the language it was downloaded in."""

import io
import re

import pytest
from django.utils import translation
from openpyxl import load_workbook

from pilot_products.spreadsheets.specs import SPECS
from pilot_products.spreadsheets.specs.base import Scope
from pilot_products.spreadsheets.workbooks import template_workbook

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _notes(language: str):
    with translation.override(language):
        data = template_workbook(SPECS["listings"](Scope()))
    workbook = load_workbook(io.BytesIO(data))
    # The rows, the hidden lists the drop-downs read from, then the notes.
    states = [sheet.sheet_state for sheet in workbook.worksheets]
    assert states == ["visible", "hidden", "visible"]
    return workbook.worksheets[2]


@pytest.mark.django_db
def test_the_chinese_notes_sheet_is_all_chinese():
    notes = _notes("zh-hans")
    assert notes.title == "说明"
    rows = list(notes.iter_rows(values_only=True))
    assert rows[0] == ("列", "是否必填", "示例")
    assert {row[1] for row in rows[1:] if row and row[1]} == {"是", "否"}
    footnote = rows[-1][0]
    assert footnote == "只导入第一个工作表。请删除示例行。"
    # Words of our own: the headers carry their English key, the examples are data.
    own_text = [*rows[0], footnote, *(row[1] for row in rows[1:] if row and row[1])]
    assert not any(LATIN_WORD.search(text) for text in own_text)


@pytest.mark.django_db
def test_the_english_notes_sheet_is_english():
    notes = _notes("en")
    rows = list(notes.iter_rows(values_only=True))
    assert notes.title == "Notes"
    assert rows[0] == ("Column", "Required", "Example")
    assert {row[1] for row in rows[1:] if row and row[1]} == {"yes", "no"}


def _example_booth(scope) -> str:
    data = template_workbook(SPECS["listings"](scope))
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    column = next(i for i, h in enumerate(headers) if h.endswith("(booth)"))
    return sheet.cell(row=2, column=column + 1).value or ""


@pytest.mark.django_db
def test_the_example_row_names_an_existing_booth_or_none(wholesaler_a, wholesaler_b):
    from tests import factories

    assert _example_booth(Scope(wholesaler=wholesaler_a)) == ""
    booth = factories.make_booth(wholesaler_a, gate="3", street=30, number="11424")
    assert _example_booth(Scope(wholesaler=wholesaler_a)) == booth.address
    # Another wholesaler's booth is never offered as one's own example.
    assert _example_booth(Scope(wholesaler=wholesaler_b)) == ""


@pytest.mark.django_db
def test_an_unknown_booth_is_quoted_as_the_user_wrote_it(
    client, user_a, wholesaler_a, tmp_path, settings
):
    from pilot_products.spreadsheets.specs.trade import MSG_UNKNOWN_BOOTH
    from tests import factories
    from tests.doors.helpers import import_through_portal
    from tests.spreadsheet_helpers import LISTING_HEADERS, listing_row

    settings.IMPORT_PREVIEW_DIR = tmp_path
    product = factories.make_pilot_product()
    typed = "5区 3门 1楼 30街 99999"
    row = listing_row(wholesaler_a, product)
    row[LISTING_HEADERS.index("booth")] = typed
    client.cookies["django_language"] = "en"
    client.force_login(user_a)
    answer = import_through_portal(client, [LISTING_HEADERS, row])
    assert str(MSG_UNKNOWN_BOOTH % {"address": typed}) in answer.messages
    assert not answer.imported
