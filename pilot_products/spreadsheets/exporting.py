"""Streaming exports in CSV (UTF-8 with BOM, for Chinese Excel) and XLSX.

Rows come from a spec's ``export_rows`` generator and go out as they are read, so
memory stays flat whatever the number of rows. Every text cell passes through
``escape_formula``.
"""

import codecs
import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from .escaping import ESCAPE_PREFIX, FORMULA_FIRST, escape_formula
from .specs import Spec
from .xlsx_stream import write_sheet

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("xlsx", "csv")
TEXT_FORMAT = "@"


def cell_value(value: Any) -> Any:
    """Turn a model value into what a spreadsheet cell should hold.

    Called for every cell of every export: the common kinds are tested first, by
    exact type, and text is escaped inline (see ``escape_formula``).
    """
    kind = type(value)
    if kind is str:
        return ESCAPE_PREFIX + value if value[:1] in FORMULA_FIRST else value
    if kind is int:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        # Kept a number: CSV writes it as text anyway, XLSX as a number Excel sums.
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return value
    return escape_formula(str(value))


def selected(spec: Spec, keys: Sequence[str] | None) -> list[int]:
    """Positions of the chosen columns (all when ``keys`` is empty)."""
    if not keys:
        return list(range(len(spec.columns)))
    wanted = set(keys)
    return [i for i, column in enumerate(spec.columns) if column.key in wanted]


def export_table(
    spec: Spec, queryset=None, keys: Sequence[str] | None = None
) -> tuple[list[str], Iterator[list[Any]]]:
    """Return bilingual headers and a generator of cell rows."""
    positions = selected(spec, keys)
    headers = [spec.columns[i].header for i in positions]
    queryset = spec.export_queryset(queryset)
    everything = len(positions) == len(spec.columns)

    def rows() -> Iterator[list[Any]]:
        for row in spec.export_rows(queryset):
            picked = row if everything else [row[i] for i in positions]
            yield list(map(cell_value, picked))

    return headers, rows()


def csv_chunks(
    headers: list[str], rows: Iterable[list[Any]], rows_per_chunk: int = 1000
) -> Iterator[bytes]:
    """Yield UTF-8 CSV with a BOM, a few hundred kilobytes at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([escape_formula(header) for header in headers])
    yield codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    pending = 0
    for row in rows:
        writer.writerow(row)
        pending += 1
        if pending >= rows_per_chunk:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue().encode("utf-8")


def write_xlsx(
    headers: list[str],
    rows: Iterable[list[Any]],
    target: IO[bytes],
    code_positions: Sequence[int] = (),
    title: str = "data",
) -> None:
    """Write a workbook row by row, code columns formatted as Text (streamed)."""
    write_sheet(
        [escape_formula(header) for header in headers],
        rows,
        target,
        text_columns=code_positions,
        title=title,
    )


def code_positions(spec: Spec, keys: Sequence[str] | None) -> list[int]:
    positions = selected(spec, keys)
    return [n for n, i in enumerate(positions) if spec.columns[i].is_code]


def export_file(
    spec: Spec,
    target: IO[bytes],
    file_format: str,
    queryset=None,
    keys: Sequence[str] | None = None,
) -> None:
    """Write an export to an open binary file."""
    headers, rows = export_table(spec, queryset, keys)
    if file_format == "csv":
        for chunk in csv_chunks(headers, rows):
            target.write(chunk)
    else:
        write_xlsx(headers, rows, target, code_positions(spec, keys), spec.name)


def export_response(
    spec: Spec,
    file_format: str,
    filename: str,
    queryset=None,
    keys: Sequence[str] | None = None,
):
    """An HTTP download: CSV streamed as it is produced, XLSX from a spooled file.

    Never kept by a browser or proxy cache: an export is one user's view of the data.
    """
    if file_format == "csv":
        headers, rows = export_table(spec, queryset, keys)
        response = StreamingHttpResponse(
            csv_chunks(headers, rows), content_type=CSV_CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    else:
        spooled = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
        export_file(spec, spooled, "xlsx", queryset, keys)
        spooled.seek(0)
        response = FileResponse(
            spooled,
            as_attachment=True,
            filename=f"{filename}.xlsx",
            content_type=XLSX_CONTENT_TYPE,
        )
    patch_cache_control(response, private=True, no_store=True)
    return response
