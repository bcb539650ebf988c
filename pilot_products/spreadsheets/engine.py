"""The import engine every entry point uses: admin, command line and portal.

One pass reads and checks the file, parses every cell strictly, fetches what the
rules need for the whole file at once, and validates every row like a form would.
Only a file without a single invalid row is written, in one transaction, in
batches, with history. Every run, dry or real, leaves an ImportRecord.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from pilot_products import security_log
from pilot_products.models import ImportOutcome, ImportRecord

from .columns import MSG_EMPTY_HEADER, column_letter, match_headers
from .reading import FileRejected, read_table
from .specs import NEW, SPECS, UNCHANGED, UPDATED, RowInvalid, Scope

MSG_DUPLICATE_ROW = _(
    "This row repeats row %(row)s: each %(key)s may appear only once."
)
MSG_WRITE_FAILED = _(
    "The data changed while the file was being imported, so nothing was written: "
    "preview the file again. (%(error)s)"
)
MSG_NOTHING_WRITTEN = _(
    "%(count)s rows are invalid: nothing was written. Fix them and upload the file "
    "again."
)

Progress = Callable[[str, int, int], None]


@dataclass
class RowError:
    """A message for the user: Excel row number and the header as they wrote it."""

    row: int | None
    column: str
    message: str


@dataclass
class RowChange:
    row: int
    action: str
    key: str
    changed: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    resource: str
    file_name: str
    sha256: str
    dry_run: bool
    file_format: str = ""
    encoding: str = ""
    headers: list[str] = field(default_factory=list)
    rows_total: int = 0
    changes: list[RowChange] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    #: (Excel row, raw cells, messages) of every rejected row, for the error workbook.
    rejected_rows: list[tuple[int, list[Any], list[str]]] = field(default_factory=list)
    outcome: str = ImportOutcome.PREVIEWED
    message: str = ""
    record: ImportRecord | None = None
    #: What the import changed besides its own rows (e.g. products flagged for review).
    notices: list[str] = field(default_factory=list)
    spec: Any = None
    candidates: list = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)

    @property
    def rows_new(self) -> int:
        return self.count(NEW)

    @property
    def rows_updated(self) -> int:
        return self.count(UPDATED)

    @property
    def rows_unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def rows_invalid(self) -> int:
        return len(self.rejected_rows)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def _no_progress(_stage: str, _done: int, _total: int) -> None:
    return None


def run_import(
    resource: str,
    *,
    file_name: str,
    data: bytes,
    user=None,
    wholesaler=None,
    dry_run: bool = False,
    progress: Progress | None = None,
    request=None,
) -> ImportResult:
    """Check, validate and (unless ``dry_run`` or invalid) write a whole file.

    Every run goes to the security log; ``request`` (when there is one) gives the
    client's address and path.
    """
    report = progress or _no_progress
    result = ImportResult(
        resource=resource,
        file_name=file_name,
        sha256=hashlib.sha256(data).hexdigest(),
        dry_run=dry_run,
    )
    try:
        _validate(result, data, Scope(user=user, wholesaler=wholesaler), report)
    except FileRejected as rejected:
        result.errors.append(RowError(None, "", str(rejected.message)))
        security_log.upload_rejected(
            request,
            file_name=file_name,
            reason=str(rejected.message),
            size=len(data),
            user=user if request is None else security_log.FROM_REQUEST,
        )
    if result.errors:
        result.outcome = ImportOutcome.REJECTED
        if not result.message:
            result.message = result.errors[0].message
    elif dry_run:
        result.outcome = ImportOutcome.PREVIEWED
    else:
        _write(result, user, report)
    result.record = _record(result, user, wholesaler)
    security_log.import_recorded(result.record, request=request)
    return result


def _validate(result: ImportResult, data: bytes, scope: Scope, report) -> None:
    table = read_table(result.file_name, data)
    result.file_format, result.encoding = table.file_format, table.encoding
    result.headers = table.headers
    result.rows_total = len(table.rows)
    report("read", len(table.rows), len(table.rows))
    spec = SPECS[result.resource](scope)
    result.spec = spec
    mapping, header_errors = match_headers(
        spec.columns, table.headers, optional=spec.optional_columns()
    )
    if header_errors:
        result.errors += [RowError(1, "", message) for message in header_errors]
        return
    header_of = {column.key: table.headers[index] for index, column in mapping.items()}
    present = set(header_of)
    width = len(table.headers)
    # Memory (100,000 rows): a valid row's values are kept as a tuple in ``keys``
    # order (a dict per row costs about 50 MB more); each record is let go once
    # checked, and a preview keeps no model instances.
    keys = [column.key for column in mapping.values()]
    no_errors: dict[str, list[str]] = {}
    records: list[tuple[int, tuple | None, list[Any], dict[str, list[str]]] | None]
    records = []
    rows, table.rows = table.rows, []
    for row_number, cells in rows:
        values: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        for index, column in mapping.items():
            raw = cells[index] if index < len(cells) else None
            try:
                values[column.key] = column.parse(raw)
            except ValidationError as error:
                errors.setdefault(column.key, []).extend(error.messages)
        for index in range(width, len(cells)):
            if cells[index] not in (None, ""):
                errors.setdefault("", []).append(
                    str(MSG_EMPTY_HEADER % {"letter": column_letter(index)})
                )
                break
        if errors:
            records.append((row_number, None, cells, errors))
        else:
            records.append((row_number, tuple(values.values()), cells, no_errors))
    del rows
    report("parse", len(records), len(records))
    spec.prepare(
        dict(zip(keys, packed, strict=True))
        for _row, packed, _cells, _errors in records
        if packed is not None
    )
    key_columns = [spec.column_of.get(name, name) for name in spec.key_fields]
    key_label = " + ".join(header_of.get(key, key) for key in key_columns)
    seen: dict[tuple, int] = {}
    candidates = []
    for done in range(1, len(records) + 1):
        row_number, packed, cells, errors = records[done - 1]
        records[done - 1] = None
        values = {} if packed is None else dict(zip(keys, packed, strict=True))
        if not errors:
            try:
                candidate = spec.build(row_number, values, present)
            except RowInvalid as invalid:
                errors = invalid.errors
            else:
                first = seen.setdefault(candidate.key, row_number)
                if first != row_number:
                    errors = {
                        "": [str(MSG_DUPLICATE_ROW % {"row": first, "key": key_label})]
                    }
                else:
                    if not result.dry_run:
                        candidates.append(candidate)
                    key_text = " / ".join(
                        str(values.get(key, "")) for key in key_columns if key in values
                    )
                    result.changes.append(
                        RowChange(
                            row_number,
                            candidate.action,
                            key_text,
                            [header_of.get(key, key) for key in candidate.changed],
                        )
                    )
        if errors:
            messages = []
            for column_key, column_messages in errors.items():
                header = header_of.get(column_key, "")
                for message in column_messages:
                    result.errors.append(RowError(row_number, header, str(message)))
                    messages.append(f"{header}: {message}" if header else str(message))
            result.rejected_rows.append((row_number, cells, messages))
        if done % 10_000 == 0:
            report("validate", done, len(records))
    report("validate", len(records), len(records))
    result.candidates = candidates
    if result.rejected_rows:
        result.message = str(MSG_NOTHING_WRITTEN % {"count": len(result.rejected_rows)})


def _write(result: ImportResult, user, report) -> None:
    spec = result.spec
    changed = [c for c in result.candidates if c.action != UNCHANGED]
    reason = gettext_now("Spreadsheet import of %(file)s") % {"file": result.file_name}
    user_id = user.pk if user is not None and user.is_authenticated else None
    spec.report_written = lambda done: report("write", done, len(changed))
    try:
        with transaction.atomic():
            spec.write(changed, user_id, reason)
            result.notices = spec.after_write(changed, user if user_id else None)
    except DatabaseError as error:
        result.outcome = ImportOutcome.FAILED
        result.message = str(MSG_WRITE_FAILED % {"error": error})
        result.errors.append(RowError(None, "", result.message))
        return
    report("write", len(changed), len(changed))
    result.outcome = ImportOutcome.IMPORTED


def _record(result: ImportResult, user, wholesaler) -> ImportRecord:
    return ImportRecord.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        resource=result.resource,
        wholesaler=wholesaler,
        file_name=result.file_name[:255],
        sha256=result.sha256,
        file_format=result.file_format,
        encoding=result.encoding,
        dry_run=result.dry_run,
        rows_total=result.rows_total,
        rows_new=result.rows_new,
        rows_updated=result.rows_updated,
        rows_unchanged=result.rows_unchanged,
        rows_invalid=result.rows_invalid,
        outcome=result.outcome,
        message=result.message[:2000],
    )
