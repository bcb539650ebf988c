"""File checks before parsing: size, type, zip and XML bombs, encodings, limits."""

import io
import zipfile

import pytest

from pilot_products.models import ImportOutcome, ImportRecord, TariffLine
from pilot_products.spreadsheets import reading
from pilot_products.spreadsheets.engine import run_import
from tests import factories
from tests.spreadsheet_helpers import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADERS = ["code", "name_zh", "name_en", "category"]


def _rejected(name, data, message):
    result = run_import("tariff-lines", file_name=name, data=data)
    assert result.outcome == ImportOutcome.REJECTED
    assert [error.message for error in result.errors] == [str(message)]
    assert not TariffLine.objects.exists()
    return result


def test_xlsx_that_is_really_csv_is_rejected():
    _rejected("lines.xlsx", csv_bytes([HEADERS]), reading.MSG_NOT_XLSX)


def test_image_named_csv_is_rejected():
    _rejected("lines.csv", b"\x89PNG\r\n\x1a\n" + b"0" * 100, reading.MSG_NOT_CSV)


def test_old_xls_gets_save_as_advice():
    _rejected("lines.xls", b"\xd0\xcf\x11\xe0" + b"0" * 100, reading.MSG_OLD_XLS)


def test_unknown_extension_is_rejected():
    _rejected("lines.pdf", b"%PDF-1.4", reading.MSG_EXTENSION % {"name": "lines.pdf"})


def test_size_limit(settings):
    settings.IMPORT_MAX_FILE_BYTES = 1024 * 1024
    data = csv_bytes([HEADERS] + [["04011000", "x" * 100, "", "food"]] * 12000)
    _rejected("big.csv", data, reading.MSG_TOO_LARGE % {"limit": 1})


def test_row_limit(settings):
    settings.IMPORT_MAX_ROWS = 3
    data = csv_bytes([HEADERS] + [["04011000", "奶", "", "food"]] * 4)
    _rejected("rows.csv", data, reading.MSG_TOO_MANY_ROWS % {"limit": 3})


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_zip_bomb_is_not_opened():
    workbook = zipfile.ZipFile(io.BytesIO(xlsx_bytes([HEADERS])))
    members = {name: workbook.read(name) for name in workbook.namelist()}
    members["xl/media/padding.bin"] = b"\0" * (50 * 1024 * 1024)
    _rejected("bomb.xlsx", _zip(members), reading.MSG_ZIP_BOMB)


def test_too_many_zip_members(settings):
    settings.IMPORT_MAX_XLSX_MEMBERS = 20
    workbook = zipfile.ZipFile(io.BytesIO(xlsx_bytes([HEADERS])))
    members = {name: workbook.read(name) for name in workbook.namelist()}
    members.update({f"xl/extra{i}.bin": b"x" for i in range(30)})
    _rejected("many.xlsx", _zip(members), reading.MSG_ZIP_BOMB)


def test_entity_declarations_are_refused():
    workbook = zipfile.ZipFile(io.BytesIO(xlsx_bytes([HEADERS])))
    members = {name: workbook.read(name) for name in workbook.namelist()}
    members["xl/worksheets/sheet1.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;">]>' + members["xl/worksheets/sheet1.xml"]
    )
    _rejected("laughs.xlsx", _zip(members), reading.MSG_XML_DTD)


def test_only_the_first_visible_sheet_is_read(reference_data):
    from openpyxl import Workbook

    workbook = Workbook()
    hidden = workbook.active
    hidden.title = "hidden"
    hidden.append(["nonsense"])
    hidden.sheet_state = "hidden"
    visible = workbook.create_sheet("lines")
    visible.append(HEADERS)
    visible.append(["04011000", "奶", "Milk", "food"])
    workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run_import("tariff-lines", file_name="l.xlsx", data=buffer.getvalue())
    assert result.errors == []
    assert result.rows_total == 1


def test_nul_bytes_in_csv_are_rejected():
    _rejected("nul.csv", b"code,name_zh\r\n0401\x001000,x\r\n", reading.MSG_NUL)


@pytest.mark.parametrize(
    ("encoding", "label"),
    [
        ("utf-8", "UTF-8"),
        ("utf-8-sig", "UTF-8 (BOM)"),
        ("gb18030", "GB18030"),
        ("gbk", "GB18030"),
        ("utf-16", "UTF-16"),
    ],
)
def test_chinese_text_survives_each_encoding(reference_data, encoding, label):
    category = factories.make_category(code="test_enc")
    rows = [
        HEADERS,
        ["04011099", "脂肪含量≤1%的未浓缩乳（测试）", "Milk", category.code],
    ]
    delimiter = "\t" if encoding == "utf-16" else ","
    data = csv_bytes(rows, encoding=encoding, delimiter=delimiter)
    result = run_import("tariff-lines", file_name="lines.csv", data=data)
    assert result.errors == []
    assert result.encoding == label
    line = TariffLine.objects.get(code="04011099")
    assert line.name_zh == "脂肪含量≤1%的未浓缩乳（测试）"
    assert ImportRecord.objects.get().encoding == label


def _workbook_bytes(fill) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    fill(workbook.active)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_cell_types_reach_the_parsers_as_before():
    """python-calamine's values come out as the parsers expect them."""
    from datetime import date, datetime, time, timedelta

    def fill(sheet):
        sheet.append(["code", "whole", "decimal", "flag", "day", "moment", "clock"])
        sheet.append(
            [
                "0401100000",
                1234567890,
                2.5,
                True,
                date(2025, 3, 1),
                datetime(2025, 3, 1, 10, 5),
                time(10, 5),
            ]
        )
        sheet.append([None, 3.0, 1e20, False, "", "x", timedelta(hours=40, minutes=8)])
        sheet.append(["tail"])

    table = reading.read_table("t.xlsx", _workbook_bytes(fill))
    assert table.headers == [
        "code",
        "whole",
        "decimal",
        "flag",
        "day",
        "moment",
        "clock",
    ]
    (first_number, first), (second_number, second), (third_number, third) = table.rows
    assert (first_number, second_number, third_number) == (2, 3, 4)
    assert first == [
        "0401100000",
        1234567890,
        2.5,
        True,
        date(2025, 3, 1),
        datetime(2025, 3, 1, 10, 5),
        time(10, 5),
    ]
    assert type(first[1]) is int and type(first[0]) is str
    assert second == [None, 3, 1e20, False, None, "x", timedelta(hours=40, minutes=8)]
    assert type(second[1]) is int and type(second[2]) is float
    assert third[0] == "tail" and set(third[1:]) <= {None}


def test_xlsx_columns_keep_their_places_when_column_a_is_empty():
    def fill(sheet):
        sheet["B1"] = "code"
        sheet["C1"] = "name_zh"
        sheet["C3"] = "奶"

    table = reading.read_table("t.xlsx", _workbook_bytes(fill))
    assert table.headers == ["", "code", "name_zh"]
    assert table.rows == [(3, [None, None, "奶"])]


def test_xlsx_whose_first_row_is_empty_has_no_header():
    def fill(sheet):
        sheet["A3"] = "code"

    with pytest.raises(reading.FileRejected) as raised:
        reading.read_table("t.xlsx", _workbook_bytes(fill))
    assert raised.value.message == reading.MSG_NO_HEADER


def test_xlsx_formula_errors_are_read_as_their_text(reference_data):
    """calamine reads an error cell as empty; it must not clear a value silently."""
    workbook = zipfile.ZipFile(
        io.BytesIO(xlsx_bytes([HEADERS, ["x", "奶", "", "food"]]))
    )
    members = {name: workbook.read(name) for name in workbook.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    start = sheet.index('<c r="A2"')
    end = sheet.index("</c>", start) + len("</c>")
    sheet = sheet[:start] + '<c r="A2" t="e"><f>1/0</f><v>#DIV/0!</v></c>' + sheet[end:]
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    data = _zip(members)
    table = reading.read_table("lines.xlsx", data)
    assert table.rows == [(2, ["#DIV/0!", "奶", None, "food"])]
    result = run_import("tariff-lines", file_name="lines.xlsx", data=data)
    assert result.outcome == ImportOutcome.REJECTED
    assert [error.row for error in result.errors] == [2]
    assert not TariffLine.objects.filter(name_zh="奶").exists()


def test_broken_workbook_behind_a_good_zip_is_refused():
    workbook = zipfile.ZipFile(io.BytesIO(xlsx_bytes([HEADERS])))
    members = {name: workbook.read(name) for name in workbook.namelist()}
    members["xl/workbook.xml"] = b"<workbook><not closed"
    _rejected("broken.xlsx", _zip(members), reading.MSG_NOT_XLSX)


def test_workbook_with_only_hidden_sheets_is_refused():
    workbook = zipfile.ZipFile(io.BytesIO(xlsx_bytes([HEADERS])))
    members = {name: workbook.read(name) for name in workbook.namelist()}
    members["xl/workbook.xml"] = members["xl/workbook.xml"].replace(
        b'state="visible"', b'state="hidden"'
    )
    assert b'state="hidden"' in members["xl/workbook.xml"]
    _rejected("hidden.xlsx", _zip(members), reading.MSG_NO_VISIBLE_SHEET)
