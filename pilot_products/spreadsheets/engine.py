"""The import engine every entry point uses: admin, command line and portal.

The file is read and checked whole, then its rows go through in slices: each
slice's cells are parsed strictly, what the rules need for it is fetched at once,
and every row is validated like a form would. Only a file without a single invalid
row is written, in one transaction, in batches, with history. Every run, dry or
real, leaves an ImportRecord: a job's run moves the record it was given through its
states (``pilot_products.jobs``), a run from the command line makes its own, and
both keep its heartbeat and progress going. A real import's record is finished in
the transaction that writes its rows, so the two are committed (or lost) together.
"""

import hashlib
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from pilot_products import security_log
from pilot_products.catalogue_sync import catalogue_changed
from pilot_products.jobs import leases
from pilot_products.models import ImportOutcome, ImportRecord, ImportState
from pilot_products.photos.archive import ArchiveRejected, PhotoArchive

from .columns import MSG_EMPTY_HEADER, column_letter, match_headers
from .reading import FileRejected, Table, read_table
from .specs import NEW, SPECS, UNCHANGED, UPDATED, Candidate, RowInvalid, Scope

MSG_DUPLICATE_ROW = _(
    "This row repeats row %(row)s: each %(key)s may appear only once."
)
MSG_WRITE_FAILED = _(
    "The data changed while the file was being imported, so nothing was written: "
    "preview the file again. (%(error)s)"
)
MSG_NOTHING_WRITTEN = ngettext_lazy(
    "%(count)s row is invalid: nothing was written. Fix it and upload the file again.",
    "%(count)s rows are invalid: nothing was written. Fix them and upload the file "
    "again.",
    "count",
)

MSG_CRASHED = _("The import failed unexpectedly, so nothing was written. (%(error)s)")

Progress = Callable[[str, int, int], None]


class ClaimLost(Exception):
    """The record was declared interrupted while this run still held it."""


def _slice_rows() -> int:
    """Rows validated (and written) at a time: memory grows with it, speed barely."""
    return max(int(getattr(settings, "IMPORT_SLICE_ROWS", 10_000)), 1)


@dataclass(slots=True)
class RowError:
    """A message for the user: Excel row number and the header as they wrote it."""

    row: int | None
    column: str
    message: str


@dataclass(slots=True)
class RowChange:
    """What a valid row does; kept for every row of the file, hence the slots."""

    row: int
    action: str
    key: str
    changed: list[str] = field(default_factory=list)
    #: [header, old value, new value] of each changed cell, for the preview.
    values: list[list[str]] = field(default_factory=list)


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
    #: Rows refused only because the file is older than their listing.
    stale_rows: int = 0
    #: (Excel row, raw cells, messages) of every rejected row, for the error workbook.
    rejected_rows: list[tuple[int, list[Any], list[str]]] = field(default_factory=list)
    outcome: str = ImportOutcome.PREVIEWED
    message: str = ""
    record: ImportRecord | None = None
    #: What the import changed besides its own rows (e.g. products flagged for review).
    notices: list[str] = field(default_factory=list)
    #: The file as a whole was refused (size, type, encoding): no row was read.
    file_refused: bool = False
    #: Whether the record has its outcome (a real import's is written with its rows).
    finished: bool = False
    #: The file as a whole was refused (size, type, encoding): no row was read.
    file_refused: bool = False

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

    @property
    def only_stale_rows(self) -> bool:
        """Every error is a row older than the database's: the user may overwrite."""
        return bool(self.stale_rows) and len(self.errors) == self.stale_rows


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
    record: ImportRecord | None = None,
    before_finish: Callable[[ImportResult], None] | None = None,
    photos: bytes | None = None,
    overwrite_stale: bool = False,
) -> ImportResult:
    """Check, validate and (unless ``dry_run`` or invalid) write a whole file.

    ``record`` is the job's claimed record; without one the run makes its own.
    ``before_finish`` gets the result of a run that wrote nothing just before its
    record says finished, so what it keeps (a preview's findings) is there by the
    time a page sees the record done.
    ``photos`` is the ZIP uploaded beside a listings sheet, whose photos column
    names its files. Every run goes to the security log; ``request`` (when there is
    one) gives the client's address and path. ``overwrite_stale`` writes rows whose
    version is older than the database's instead of refusing them; a job's run
    takes the choice from its record (stored when the user confirmed).
    """
    result = ImportResult(
        resource=resource,
        file_name=file_name,
        sha256=hashlib.sha256(data).hexdigest(),
        dry_run=dry_run,
    )
    if record is None:
        record = _start_record(result, user, wholesaler, overwrite_stale)
    result.record = record
    try:
        with leases.Heartbeat(record) as heartbeat:
            _run(
                result,
                data,
                photos,
                user,
                wholesaler,
                request,
                heartbeat,
                progress,
                overwrite_stale=record.overwrite_stale,
            )
            if not result.finished:
                if before_finish is not None:
                    before_finish(result)
                _finish(result)
    except BaseException as error:
        _finish_failed(record, error)
        raise
    security_log.import_recorded(record, request=request)
    return result


def _run(
    result,
    data,
    photos,
    user,
    wholesaler,
    request,
    heartbeat,
    progress,
    *,
    overwrite_stale=False,
):
    def report(stage: str, done: int, total: int) -> None:
        heartbeat.report(stage, done, total)
        if progress is not None:
            progress(stage, done, total)

    try:
        archive = None if photos is None else PhotoArchive(photos)
        table = read_table(
            result.file_name,
            data,
            progress=lambda done, total: report("reading", done, total),
        )
    except (FileRejected, ArchiveRejected) as rejected:
        result.file_refused = True
        result.errors.append(RowError(None, "", str(rejected.message)))
        security_log.upload_rejected(
            request,
            file_name=result.file_name,
            reason=str(rejected.message),
            size=len(data),
            user=user if request is None else security_log.FROM_REQUEST,
        )
    else:
        scope = Scope(
            user=user,
            wholesaler=wholesaler,
            importing=True,
            photos=archive,
            overwrite_stale=overwrite_stale,
        )
        _import_table(result, table, scope, report)
    if result.outcome != ImportOutcome.FAILED:
        result.outcome = _outcome(result)
    if result.errors and not result.message:
        result.message = result.errors[0].message


def _import_table(result: ImportResult, table: Table, scope: Scope, report) -> None:
    """Validate the rows slice by slice and, for a real import, write each valid one.

    A real import runs in one transaction: a slice is written once validated, and
    the first invalid row anywhere stops the writing and rolls everything back, so
    nothing is written unless every row is valid. Slices keep memory flat: only one
    slice's cells, parsed values, current database state and model instances are
    held at a time (100,000 rows at once took more than 500 MB).
    """
    result.file_format, result.encoding = table.file_format, table.encoding
    result.headers = table.headers
    result.rows_total = len(table.rows)
    report("read", result.rows_total, result.rows_total)
    spec = SPECS[result.resource](scope)
    mapping, header_errors = match_headers(
        spec.columns, table.headers, optional=spec.optional_columns()
    )
    result.errors += [RowError(1, "", message) for message in header_errors]
    mapped = {column.key for column in mapping.values()}
    optional = spec.optional_columns()
    if any(
        column.required and column.key not in mapped and column.key not in optional
        for column in spec.columns
    ):
        # Without a required column no row can be judged; an unknown or repeated
        # column is left out and the rows are still checked, all in one pass.
        return
    rows = _RowChecker(spec, mapping, table.headers, result)
    user = (
        scope.user if scope.user is not None and scope.user.is_authenticated else None
    )
    writing = not result.dry_run
    stage = "import" if writing else "validate"
    reason = gettext("Spreadsheet import of %(file)s") % {"file": result.file_name}
    spec.start()
    try:
        with transaction.atomic() if writing else nullcontext():
            for done, candidates in rows.check_in_slices(table):
                if writing and not result.errors:
                    spec.write(
                        [c for c in candidates if c.action != UNCHANGED],
                        user.pk if user else None,
                        reason,
                    )
                report(stage, done, result.rows_total)
            result.stale_rows = len(getattr(spec, "stale_rows", ()))
            if result.errors:
                if result.rejected_rows:
                    result.message = str(
                        MSG_NOTHING_WRITTEN % {"count": len(result.rejected_rows)}
                    )
                else:
                    result.message = result.errors[0].message
                if writing:
                    transaction.set_rollback(True)
            elif writing:
                result.notices = spec.after_write(user)
                # Whatever the file held (even reference data), cached pages retire.
                catalogue_changed()
                result.outcome = ImportOutcome.IMPORTED
                if not _finish(result):
                    raise ClaimLost
    except ClaimLost:
        spec.discard()
        result.finished = True
        result.outcome = ImportOutcome.FAILED
        result.message = str(leases.MSG_INTERRUPTED)
        result.errors.append(RowError(None, "", result.message))
    except DatabaseError as error:
        spec.discard()
        if not writing:
            raise
        result.outcome = ImportOutcome.FAILED
        result.message = str(MSG_WRITE_FAILED % {"error": error})
        result.errors.append(RowError(None, "", result.message))
    except BaseException:
        spec.discard()
        raise


def _outcome(result: ImportResult) -> str:
    if result.errors:
        return ImportOutcome.REJECTED
    return ImportOutcome.PREVIEWED if result.dry_run else ImportOutcome.IMPORTED


class _RowChecker:
    """Parses and validates rows like a form would, remembering keys across slices."""

    def __init__(self, spec, mapping, headers: list[str], result: ImportResult):
        self.spec, self.mapping, self.result = spec, mapping, result
        self.width = len(headers)
        self.header_of = {
            column.key: headers[index] for index, column in mapping.items()
        }
        self.present = set(self.header_of)
        self.key_columns = [spec.column_of.get(name, name) for name in spec.key_fields]
        self.key_label = " + ".join(
            self.header_of.get(key, key) for key in self.key_columns
        )
        #: First row of each natural key, to reject repeats anywhere in the file.
        self.seen: dict[tuple, int] = {}

    def check_in_slices(self, table: Table) -> Iterator[tuple[int, list[Candidate]]]:
        """Yield (rows done, valid candidates) per slice, letting go of each slice's cells."""
        rows, table.rows = table.rows, []
        rows.reverse()
        size, done = _slice_rows(), 0
        while rows:
            batch = [rows.pop() for _ in range(min(size, len(rows)))]
            done += len(batch)
            yield done, self.check(batch)

    def check(self, batch: list[tuple[int, list[Any]]]) -> list[Candidate]:
        parsed = [(number, cells, *self.parse(cells)) for number, cells in batch]
        # Rows with cells that did not parse are built too (without those cells),
        # so that an unknown code or an empty cell beside a bad number is reported
        # in the same preview, not after the number is fixed.
        self.spec.prepare([values for _n, _c, values, _errors in parsed])
        candidates = []
        for row_number, cells, values, errors in parsed:
            failed = set(errors) - {""}
            try:
                candidate = self.spec.build(row_number, values, self.present, failed)
            except RowInvalid as invalid:
                for column_key, messages in invalid.errors.items():
                    errors.setdefault(column_key, []).extend(messages)
            else:
                errors = errors or self.repeated(candidate)
            if errors:
                self.reject(row_number, cells, errors)
            else:
                candidates.append(candidate)
                self.result.changes.append(self.change(candidate, values))
        return candidates

    def parse(self, cells: list[Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
        values: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        for index, column in self.mapping.items():
            raw = cells[index] if index < len(cells) else None
            try:
                values[column.key] = column.parse(raw)
            except ValidationError as error:
                errors.setdefault(column.key, []).extend(error.messages)
        for index in range(self.width, len(cells)):
            if cells[index] not in (None, ""):
                errors.setdefault("", []).append(
                    str(MSG_EMPTY_HEADER % {"letter": column_letter(index)})
                )
                break
        return values, errors

    def repeated(self, candidate: Candidate) -> dict[str, list[str]]:
        first = self.seen.setdefault(candidate.key, candidate.row)
        if first == candidate.row:
            return {}
        return {"": [str(MSG_DUPLICATE_ROW % {"row": first, "key": self.key_label})]}

    def change(self, candidate: Candidate, values: dict[str, Any]) -> RowChange:
        key_text = " / ".join(
            str(values.get(key, "")) for key in self.key_columns if key in values
        )
        changed = [self.header_of.get(key, key) for key in candidate.changed]
        diffs = [
            [self.header_of.get(key, key), old, new]
            for key, old, new in candidate.diffs
        ]
        return RowChange(candidate.row, candidate.action, key_text, changed, diffs)

    def reject(self, row_number: int, cells: list[Any], errors: dict) -> None:
        messages = []
        for column_key, column_messages in errors.items():
            header = self.header_of.get(column_key, "")
            for message in column_messages:
                self.result.errors.append(RowError(row_number, header, str(message)))
                messages.append(f"{header}: {message}" if header else str(message))
        self.result.rejected_rows.append((row_number, cells, messages))


def _start_record(
    result: ImportResult, user, wholesaler, overwrite_stale: bool = False
) -> ImportRecord:
    """A record for a run that no job claimed for it (the command line, tests)."""
    now = timezone.now()
    return ImportRecord.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        resource=result.resource,
        wholesaler=wholesaler,
        file_name=result.file_name[:255],
        sha256=result.sha256,
        dry_run=result.dry_run,
        overwrite_stale=overwrite_stale,
        state=ImportState.READING,
        attempts=1,
        worker=leases.worker_name(),
        heartbeat_at=now,
        started_at=now,
    )


def _finish(result: ImportResult) -> bool:
    """Write the outcome to the record, if this run's claim still holds it."""
    record = result.record
    now = timezone.now()
    fields = {
        "state": (
            ImportState.FAILED
            if result.outcome == ImportOutcome.FAILED
            else ImportState.DONE
        ),
        "file_format": result.file_format,
        "encoding": result.encoding,
        "rows_total": result.rows_total,
        "rows_done": result.rows_total,
        "rows_new": result.rows_new,
        "rows_updated": result.rows_updated,
        "rows_unchanged": result.rows_unchanged,
        "rows_invalid": result.rows_invalid,
        "outcome": result.outcome,
        # An import's notices (products flagged for review) stay for its result page.
        "message": (result.message or "\n".join(result.notices))[:2000],
        "heartbeat_at": now,
        "finished_at": now,
    }
    updated = leases.mine(record).update(**fields)
    if updated:
        for name, value in fields.items():
            setattr(record, name, value)
    result.finished = True
    return bool(updated)


def _finish_failed(record: ImportRecord, error: BaseException) -> None:
    """A run that raised (a bug, a lost database) leaves a failed record, not a
    running one; a killed process gets here never, and the lease handles it."""
    message = str(MSG_CRASHED % {"error": type(error).__name__})
    try:
        if leases.mine(record).update(
            state=ImportState.FAILED,
            outcome=ImportOutcome.FAILED,
            message=message,
            finished_at=timezone.now(),
        ):
            record.state, record.outcome = ImportState.FAILED, ImportOutcome.FAILED
            record.message = message
    except DatabaseError:
        pass
