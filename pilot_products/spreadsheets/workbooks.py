"""Workbooks handed to users: blank templates and the list of rejected rows."""

import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext, pgettext
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pilot_products.text_rules import reveal_hidden_characters

from .escaping import escape_formula
from .exporting import TEXT_FORMAT, cell_value
from .reading import max_rows
from .specs import Spec

TEMPLATE_ROWS = 2000
ERROR_HEADER = "错误 (errors)"
#: Longest text an Excel cell holds.
EXCEL_CELL_CHARACTERS = 32_767
REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
MONEY_FORMAT = "0.00"  # as exports write amounts (see xlsx_stream.MONEY_STYLE)


def template_workbook(spec: Spec) -> bytes:
    """A blank file to fill in: bilingual headers, an example row, Text code columns,
    drop-downs for choice columns and for the values a spec lists from the database
    (``Spec.list_values``, kept on a hidden sheet), and a notes sheet (neither is
    read back: only the first visible sheet is imported)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = spec.name[:31]
    optional = spec.optional_columns()
    lists, list_count = None, 0
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=escape_formula(column.header))
        header.font = Font(bold=True)
        if column.required and column.key not in optional:
            header.fill = REQUIRED_FILL
        value = spec.example(column)
        example = sheet.cell(row=2, column=index, value=cell_value(value))
        sheet.column_dimensions[letter].width = max(14, len(column.header) + 6)
        if column.is_code:
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = TEXT_FORMAT
            example.value = str(value)
        elif isinstance(value, Decimal):
            example.number_format = MONEY_FORMAT
        if column.read_only:
            continue
        choices = column.choices or getattr(column.parse, "choices", ())
        listed = spec.list_values(column) if not choices else None
        if choices:
            formula = '"' + ",".join(choices) + '"'
        elif listed:
            # Lists from the database (products, countries, booths) are longer than
            # the 255 characters a formula holds: they go on a hidden sheet.
            if lists is None:
                lists = workbook.create_sheet(pgettext("template sheet", "Lists"))
                lists.sheet_state = "hidden"
            list_count += 1
            list_column = get_column_letter(list_count)
            lists[f"{list_column}1"] = column.header
            for row, value in enumerate(listed, start=2):
                lists[f"{list_column}{row}"] = escape_formula(value)
            formula = (
                f"'{lists.title}'!${list_column}$2:${list_column}${len(listed) + 1}"
            )
        else:
            continue
        # The error alert is on: a value typed outside the list is refused by
        # Excel, WPS and LibreOffice, on every row the import accepts.
        validation = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle=gettext("Not in the list"),
            error=gettext("Choose a value from the drop-down list."),
        )
        validation.add(f"{letter}2:{letter}{max_rows() + 1}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    # The notes are in the language of the page the template was downloaded from
    # (``gettext``, not ``gettext_now``, so that makemessages finds every string).
    notes = workbook.create_sheet(pgettext("template sheet", "Notes"))
    notes.append(
        [
            pgettext("template notes", "Column"),
            pgettext("template notes", "Required"),
            pgettext("template notes", "Example"),
        ]
    )
    for column in spec.columns:
        required = column.required and column.key not in optional
        notes.append(
            [
                column.header,
                gettext("yes") if required else gettext("no"),
                escape_formula(str(spec.example(column))),
            ]
        )
    notes.append([])
    notes.append([gettext("Only the first sheet is imported. Delete the example row.")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def error_workbook(
    headers: list[str], rejected_rows: list[tuple[int, list, list[str]]]
) -> bytes:
    """The rejected rows as the user wrote them, with row numbers and an error column."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("errors")
    sheet.append(["行 (row)", *(_raw(h) for h in headers), ERROR_HEADER])
    for row_number, cells, messages in rejected_rows:
        sheet.append(
            [
                row_number,
                *(_raw(cell) for cell in cells[: len(headers)]),
                *([""] * (len(headers) - len(cells))),
                _raw("\n".join(messages)),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _raw(value: Any) -> Any:
    """A rejected cell as it was written, in a form every workbook can hold.

    The row was rejected, maybe for the very characters a cell cannot hold (control
    characters): they are shown as ``[U+0007]`` so the user can find them, and the
    download never fails on them.
    """
    if isinstance(value, str):
        text = reveal_hidden_characters(value)[:EXCEL_CELL_CHARACTERS]
        return escape_formula(text)
    return "" if value is None else value
