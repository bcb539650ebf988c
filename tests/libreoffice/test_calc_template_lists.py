"""The portal template's drop-downs survive LibreOffice Calc: opened and saved
again as XLSX, each list still points at the values on its hidden sheet with the
error alert on, and the file still imports (issue 11, item 7)."""

import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from pilot_products.spreadsheets.engine import run_import
from pilot_products.spreadsheets.specs import ListingsSpec, Scope
from pilot_products.spreadsheets.workbooks import template_workbook
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.libreoffice]

KEYS = [column.key for column in ListingsSpec.columns]


def calc_resave(tmp_path, data: bytes) -> bytes:
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice Calc is not installed (apt-get libreoffice-calc-nogui)"
    source = tmp_path / "template.xlsx"
    source.write_bytes(data)
    out = tmp_path / "out"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "xlsx", "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return (out / "template.xlsx").read_bytes()


def test_template_lists_survive_calc(tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 3000
    wholesaler = factories.make_wholesaler()
    factories.make_pilot_product(code="P0901")
    booth = factories.make_booth(wholesaler)
    saved = calc_resave(
        tmp_path, template_workbook(ListingsSpec(Scope(wholesaler=wholesaler)))
    )

    workbook = load_workbook(io.BytesIO(saved))
    sheet = workbook.worksheets[0]
    by_column = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in str(validation.sqref).split():
            by_column[cell_range.split(":")[0].rstrip("0123456789")] = (
                validation,
                cell_range,
            )
    for key, expected in (("booth", [booth.address]), ("pilot_product", ["P0901"])):
        letter = chr(ord("A") + KEYS.index(key))
        validation, cell_range = by_column[letter]
        # Calc keeps the list from row 2 on; on saving it cuts the range short of
        # the import's row limit (seen: row 1,002 of 3,001), which it writes itself.
        assert cell_range.startswith(f"{letter}2:{letter}")
        assert validation.type == "list"
        assert validation.showErrorMessage and validation.errorStyle in (None, "stop")
        sheet_name, values_range = validation.formula1.rsplit("!", 1)
        lists = workbook[sheet_name.strip("'")]
        assert lists.sheet_state == "hidden"
        values = [c.value for (c,) in lists[values_range.replace("$", "")]]
        assert values == expected

    # The saved template still imports: its example row, not the list sheet.
    result = run_import(
        "listings", file_name="t.xlsx", data=saved, wholesaler=wholesaler, dry_run=True
    )
    assert result.rows_total == 1
