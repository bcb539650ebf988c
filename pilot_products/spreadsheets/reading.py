"""Safe reading of uploaded spreadsheets: checks first, parsing second.

Before a byte is parsed the file must be small enough, be what its name claims and,
for XLSX, unpack within bounds (zip bombs) and carry no DTD (entity bombs). Only the
first visible sheet is read; CSV encodings are detected (UTF-8, UTF-8 with BOM,
UTF-16 with BOM as Excel's "Unicode text", GB18030 which covers GBK and GB2312).

XLSX cells are read by python-calamine (Rust), about ten times faster than
openpyxl's read-only mode; its values are brought to the types the parsers in
``cells`` expect (``None`` for an empty cell, ``int`` for a whole number, ``date``
for a date cell, the error text such as ``#DIV/0!`` for a formula error, which
calamine reads as an empty cell). openpyxl is not needed to read.
"""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import Any

import python_calamine
from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException
from django.conf import settings
from django.utils.translation import gettext_lazy as _

MSG_TOO_LARGE = _("The file is larger than %(limit)s MB: split it into smaller files.")
MSG_EMPTY = _("The file is empty.")
MSG_EXTENSION = _("Upload an .xlsx or .csv file (this one is named %(name)s).")
MSG_OLD_XLS = _(
    "This is an old Excel 97-2003 (.xls) file: in Excel choose File > Save As > "
    "Excel Workbook (.xlsx) and upload that."
)
MSG_NOT_XLSX = _(
    "The file is named .xlsx but is not an Excel workbook: save it from Excel as "
    "Excel Workbook (.xlsx)."
)
MSG_NOT_CSV = _(
    "The file is named .csv but is not a text file: save it from Excel as CSV UTF-8."
)
MSG_ZIP_BOMB = _(
    "The workbook unpacks to far more data than a spreadsheet of this size holds; "
    "it was not opened."
)
MSG_XML_DTD = _("The workbook contains XML declarations that are not allowed.")
MSG_NO_VISIBLE_SHEET = _("The workbook has no visible sheet.")
MSG_ENCODING = _(
    "The text encoding of the file was not recognised: save it from Excel as "
    "CSV UTF-8 (comma delimited)."
)
MSG_NUL = _(
    "The file contains NUL characters: save it again from Excel as CSV UTF-8 or .xlsx."
)
MSG_TOO_MANY_ROWS = _("The file has more than %(limit)s rows: split it into parts.")
MSG_NO_HEADER = _("The first row must hold the column headers.")
MSG_CSV_BROKEN = _("The CSV file is malformed near line %(line)s: %(problem)s.")

#: Magic numbers of formats people upload by mistake.
BINARY_SIGNATURES = (
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"%PDF",
    b"\x1f\x8b",
    b"Rar!",
    b"7z\xbc\xaf",
)
DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
SPREADSHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
#: Rows read between two progress reports while a file is read.
PROGRESS_ROWS = 5000

#: ``progress(rows read, rows the file seems to hold)`` while a file is read.
ReadProgress = Callable[[int, int], None]


class FileRejected(Exception):
    """The file as a whole cannot be read; nothing in it was looked at row by row."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class Table:
    """The cells of an uploaded file: headers and rows numbered as Excel shows them."""

    file_format: str
    encoding: str
    headers: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def read_table(name: str, data: bytes, progress: ReadProgress | None = None) -> Table:
    """Check and read an upload, raising ``FileRejected`` with the reason.

    ``progress`` hears every few thousand rows how far the reading is (a 100,000
    row workbook takes a minute to read): rows so far and the rows the file says
    it holds (its dimension, or its line count; 0 when it does not say).
    """
    max_bytes = _limit("IMPORT_MAX_FILE_BYTES", 50 * 1024 * 1024)
    if len(data) > max_bytes:
        raise FileRejected(MSG_TOO_LARGE % {"limit": max_bytes // (1024 * 1024)})
    if not data:
        raise FileRejected(MSG_EMPTY)
    suffix = PurePath(name).suffix.lower()
    if suffix == ".xls" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRejected(MSG_OLD_XLS)
    if suffix == ".xlsx":
        return _read_xlsx(data, progress)
    if suffix in {".csv", ".txt", ".tsv"}:
        return _read_csv(data, progress)
    raise FileRejected(MSG_EXTENSION % {"name": name})


def _check_zip(data: bytes) -> zipfile.ZipFile:
    if not data.startswith(b"PK\x03\x04"):
        raise FileRejected(MSG_NOT_XLSX)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise FileRejected(MSG_NOT_XLSX) from error
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise FileRejected(MSG_NOT_XLSX)
    max_members = _limit("IMPORT_MAX_XLSX_MEMBERS", 200)
    max_unpacked = _limit("IMPORT_MAX_XLSX_UNPACKED_BYTES", 600 * 1024 * 1024)
    max_ratio = _limit("IMPORT_MAX_XLSX_COMPRESSION_RATIO", 200)
    total = sum(member.file_size for member in members)
    if len(members) > max_members or total > max_unpacked:
        raise FileRejected(MSG_ZIP_BOMB)
    for member in members:
        if member.file_size > 1024 * 1024 and (
            member.file_size > max_ratio * max(member.compress_size, 1)
        ):
            raise FileRejected(MSG_ZIP_BOMB)
    for member in members:
        if member.filename.endswith((".xml", ".rels", ".vml")):
            with archive.open(member) as stream:
                head = stream.read(64 * 1024)
            if DTD.search(head):
                raise FileRejected(MSG_XML_DTD)
    return archive


def _first_visible_sheet(workbook: python_calamine.CalamineWorkbook) -> str:
    for sheet in workbook.sheets_metadata:
        if (
            sheet.visible == python_calamine.SheetVisibleEnum.Visible
            and sheet.typ == python_calamine.SheetTypeEnum.WorkSheet
        ):
            return sheet.name
    raise FileRejected(MSG_NO_VISIBLE_SHEET)


def _read_xlsx(data: bytes, progress: ReadProgress | None = None) -> Table:
    archive = _check_zip(data)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet_name = _first_visible_sheet(workbook)
        sheet = workbook.get_sheet_by_name(sheet_name)
    except FileRejected:
        raise
    except Exception as error:  # calamine raises several kinds on a broken workbook
        raise FileRejected(MSG_NOT_XLSX) from error
    errors = _error_cells(archive, sheet_name)
    start = sheet.start
    # calamine's rows begin at the first row (padded from row 1) but at the first
    # used column: cells before it are padded here, so columns keep their places.
    padding = [""] * (start[1] if start else 0)
    rows = sheet.iter_rows()
    if padding:
        rows = (padding + row for row in rows)
    if errors:
        rows = _with_errors(rows, errors)
    expected = max(sheet.height + (start[0] if start else 0) - 1, 0)
    return _collect(rows, "xlsx", "", progress, expected)


ERROR_CELL = re.compile(rb'<c\b[^>]*?\bt="e"[^>]*>')
CELL_REFERENCE = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
CELL_VALUE = re.compile(rb"<v>([^<]*)</v>")
RELATIONSHIPS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_RELATIONSHIP = (
    "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
)


def _error_cells(
    archive: zipfile.ZipFile, sheet_name: str
) -> dict[tuple[int, int], str]:
    """Formula errors (``#DIV/0!``, ``#N/A``) of the sheet by (row, column), from 1.

    calamine reads an error cell as an empty one, which would let a broken formula
    clear a value silently; the sheet's XML is searched for them instead (one byte
    search, and a parse only when one is there).
    """
    path = _sheet_path(archive, sheet_name)
    if path is None:
        return {}
    xml = archive.read(path)
    if b't="e"' not in xml:
        return {}
    found = {}
    for match in ERROR_CELL.finditer(xml):
        reference = CELL_REFERENCE.search(match.group(0))
        if reference is None:
            continue
        letters, row = reference.groups()
        column = 0
        for letter in letters:
            column = column * 26 + letter - 64
        value = CELL_VALUE.search(xml, match.end(), match.end() + 400)
        text = value.group(1).decode("utf-8", "replace") if value else "#VALUE!"
        found[(int(row), column)] = text
    return found


def _sheet_path(archive: zipfile.ZipFile, sheet_name: str) -> str | None:
    try:
        workbook = SafeElementTree.fromstring(archive.read("xl/workbook.xml"))
        links = SafeElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, DefusedXmlException, SafeElementTree.ParseError):
        return None
    targets = {
        link.get("Id"): link.get("Target", "")
        for link in links.iter(f"{RELATIONSHIPS_NS}Relationship")
    }
    for sheet in workbook.iter(f"{SPREADSHEET_NS}sheet"):
        if sheet.get("name") == sheet_name:
            target = targets.get(sheet.get(OFFICE_RELATIONSHIP), "")
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            return path if path in archive.namelist() else None
    return None


def _with_errors(rows, errors: dict[tuple[int, int], str]):
    by_row: dict[int, list[tuple[int, str]]] = {}
    for (row_number, column), text in errors.items():
        by_row.setdefault(row_number, []).append((column, text))
    for number, row in enumerate(rows, start=1):
        for column, text in by_row.get(number, ()):
            row = row + [""] * (column - len(row))
            row[column - 1] = text
        yield row


def detect_encoding(data: bytes) -> tuple[str, str]:
    """Return (codec, label shown to users) for CSV bytes, or raise FileRejected."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "UTF-8 (BOM)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "UTF-16"
    if b"\x00" in data:
        raise FileRejected(MSG_NUL)
    for codec, label in (("utf-8", "UTF-8"), ("gb18030", "GB18030")):
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue
        return codec, label
    raise FileRejected(MSG_ENCODING)


def _read_csv(data: bytes, progress: ReadProgress | None = None) -> Table:
    if data.startswith(BINARY_SIGNATURES):
        raise FileRejected(MSG_NOT_CSV)
    codec, label = detect_encoding(data)
    try:
        content = data.decode(codec)
    except UnicodeDecodeError as error:
        raise FileRejected(MSG_ENCODING) from error
    if "\x00" in content:
        raise FileRejected(MSG_NUL)
    first_line = content.split("\n", 1)[0]
    delimiter = max(("\t", ",", ";"), key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        expected = max(content.count("\n") - 1, 0)
        return _collect(reader, "csv", label, progress, expected)
    except csv.Error as error:
        raise FileRejected(
            MSG_CSV_BROKEN % {"line": reader.line_num, "problem": error}
        ) from error


def max_rows() -> int:
    """The most data rows an import accepts (templates validate that many)."""
    return _limit("IMPORT_MAX_ROWS", 200_000)


def _collect(
    rows,
    file_format: str,
    encoding: str,
    progress: ReadProgress | None = None,
    expected: int = 0,
) -> Table:
    limit = max_rows()
    table = None
    for number, values in enumerate(rows, start=1):
        if progress is not None and number % PROGRESS_ROWS == 0:
            progress(number - 1, max(expected, number - 1))
        if table is None:
            if file_format == "xlsx":
                values = [_xlsx_value(value) for value in values]
            headers = ["" if value is None else str(value).strip() for value in values]
            while headers and not headers[-1]:
                headers.pop()
            if not any(headers):
                raise FileRejected(MSG_NO_HEADER)
            table = Table(file_format, encoding, headers)
            continue
        cells = list(values)
        if not any(cell not in (None, "") for cell in cells):
            continue
        if len(table.rows) >= limit:
            raise FileRejected(MSG_TOO_MANY_ROWS % {"limit": limit})
        if file_format == "xlsx":
            cells = [_xlsx_value(cell) for cell in cells]
        table.rows.append((number, cells))
    if table is None:
        raise FileRejected(MSG_EMPTY)
    return table


def _xlsx_value(value: Any) -> Any:
    """A calamine cell as the parsers expect it (and as openpyxl gave it)."""
    # Every number is a float in XLSX: a whole one is an int, as the file wrote it
    # (2**53 and above are no longer exact integers as floats, and stay floats).
    if type(value) is float:
        if value.is_integer() and abs(value) < 2**53:
            return int(value)
        return value
    if value == "":
        return None
    # Time-only and datetime cells stay as they are; strings are left for the parsers.
    if isinstance(value, datetime) and value.hour == value.minute == value.second == 0:
        return value.date()
    return value
