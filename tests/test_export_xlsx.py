"""The streamed XLSX export: cells as Excel reads them, constant memory, readable back."""

import io
import os
import subprocess
import sys
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from pilot_products.spreadsheets.cells import money
from pilot_products.spreadsheets.exporting import cell_value, write_xlsx
from pilot_products.spreadsheets.reading import read_table
from pilot_products.spreadsheets.xlsx_stream import column_letters
from tests.operations_support import ROOT


def _workbook(headers, rows, codes=()):
    target = io.BytesIO()
    write_xlsx(headers, ([cell_value(v) for v in row] for row in rows), target, codes)
    return target.getvalue()


def test_cells_keep_kind_codes_as_text_and_formulas_escaped():
    data = _workbook(
        ["code", "=name", "moq", "note"],
        [
            ["04011000", "=HYPERLINK(1)", 10, "  spaced <&> 中文 "],
            ["0012", "@cmd", 2.5, "bell\x07 and\x0b tab\tkept"],
            [None, "", 0, None],
        ],
        codes=[0],
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]] == ["code", "'=name", "moq", "note"]
    assert [c.value for c in sheet[2]] == [
        "04011000",
        "'=HYPERLINK(1)",
        10,
        "  spaced <&> 中文 ",
    ]
    assert sheet["A2"].number_format == "@"
    assert sheet["A3"].number_format == "@"
    assert sheet["B2"].number_format == "General"
    assert sheet["A2"].data_type == "s"
    assert sheet["C3"].value == 2.5
    # XML cannot hold most control characters: they are dropped, TAB is kept.
    assert sheet["D3"].value == "bell and tab\tkept"
    assert [c.value for c in sheet[4]][2] == 0


def test_amounts_are_numbers_excel_can_sum_shown_with_two_decimals():
    data = _workbook(
        ["price", "code"], [[Decimal("12.50"), "0012"], [Decimal("3"), "0013"]]
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert [sheet["A2"].value, sheet["A3"].value] == [12.5, 3]
    assert sheet["A2"].data_type == "n"
    assert sheet["A2"].number_format == "0.00"
    # Read back by the importer, the number is the same amount to the fen.
    assert money(read_table("export.xlsx", data).rows[0][1][0]) == Decimal("12.50")


def test_no_shared_strings_and_reads_back_through_the_import_reader():
    rows = [[f"{n:08d}", f"标题 {n}", n] for n in range(3000)]
    data = _workbook(["code", "title", "n"], rows, codes=[0])
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert "xl/sharedStrings.xml" not in package.namelist()
    table = read_table("export.xlsx", data)
    assert table.headers == ["code", "title", "n"]
    assert len(table.rows) == 3000
    assert table.rows[-1] == (3001, ["00002999", "标题 2999", 2999])


def test_column_letters_past_z():
    letters = column_letters(703)
    assert letters[:2] == ["A", "B"]
    assert letters[25:28] == ["Z", "AA", "AB"]
    assert letters[701:] == ["ZZ", "AAA"]


MEMORY_PROBE = """
import io, resource, sys
import django
django.setup()
from pilot_products.spreadsheets.exporting import write_xlsx
rows = int(sys.argv[1])
write_xlsx(
    ["sku", "title", "moq"],
    ([f"SKU-{n:07d}", f"不同的标题 distinct title {n} " * 3, n] for n in range(rows)),
    open("/dev/null", "wb"),
    [0],
)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


@pytest.mark.parametrize("rows", [200_000])
def test_memory_does_not_grow_with_distinct_texts(rows):
    def peak(count):
        result = subprocess.run(
            [sys.executable, "-c", MEMORY_PROBE, str(count)],
            cwd=ROOT,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "yiwu_catalog.settings"},
            capture_output=True,
            text=True,
            check=True,
        )
        return int(result.stdout.strip())

    small, large = peak(rows // 20), peak(rows)
    # Nothing is kept per row or per distinct text (no shared-strings table).
    assert large - small < 10, (small, large)
