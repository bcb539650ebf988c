"""Real spreadsheet files for the spreadsheet tests: openpyxl workbooks, encoded CSV."""

import csv
import io

from openpyxl import Workbook, load_workbook

from pilot_products.spreadsheets.specs import ListingsSpec

LISTING_HEADERS = [column.key for column in ListingsSpec.columns]


def xlsx_bytes(rows, *, text_columns=()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8", delimiter=",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def read_xlsx(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def listing_row(wholesaler, product, booth=None, **overrides) -> list:
    line = product.tariff_lines.first().code
    values = {
        "wholesaler": wholesaler.credit_code,
        "sku": "SKU-1",
        "pilot_product": product.code,
        "customs_code": f"{line}00",
        "title_zh": "木质拼图",
        "title_en": "Wooden puzzle",
        "brand": "Sakura",
        "country_of_origin": "JP",
        "unit": "piece",
        "unit_price": "12.50",
        "moq": "10",
        "stock": "100",
        "booth": booth.address if booth else "",
        "status": "active",
        "tiers": "10=12.50;100=11.00",
        "version": "",
    }
    values.update(overrides)
    return [values[key] for key in LISTING_HEADERS]
