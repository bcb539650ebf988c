"""Exports as background jobs once they are too large to answer in the request.

``export_or_queue`` is the one door every export page calls: up to
``EXPORT_INLINE_MAX_ROWS`` rows it answers the download at once (streamed); above
that it keeps the chosen rows' ids in the shared import storage, makes a queued
ExportRecord and enqueues ``export_file_job``. The job writes the file through the
same exporter (formula escaping included) into the same storage, counting rows as
it goes, so any server serves the download. The files expire with the uploads
(``stored_files.remove_expired``, run by the hourly housekeeping job).
"""

import json
import tempfile
import time
from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.db import DatabaseError, connection, transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.http import FileResponse, Http404, JsonResponse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from pilot_products.models import ExportRecord, ExportState
from pilot_products.spreadsheets import stored_files
from pilot_products.spreadsheets.exporting import (
    code_positions,
    csv_chunks,
    export_response,
    export_table,
    write_xlsx,
)
from pilot_products.spreadsheets.progress import rows_text
from pilot_products.spreadsheets.specs import SPECS, Scope, Spec

from . import leases
from .tasks_api import task

IDS = "ids.json"
#: Rows read per query of a job: bounded SQL parameters and memory.
ID_CHUNK = 2000

MSG_EXPORT_FAILED = _("The export failed, so no file was made. (%(error)s)")
MSG_EXPORT_INTERRUPTED = _(
    "The export stopped before it finished (its worker ended). Export again."
)
MSG_EXPORT_EXPIRED = _("This export's file has expired: export the data again.")


def inline_max_rows() -> int:
    return int(getattr(settings, "EXPORT_INLINE_MAX_ROWS", 10_000))


def export_or_queue(
    spec: Spec,
    file_format: str,
    filename: str,
    *,
    user,
    wholesaler=None,
    queryset=None,
    keys: Sequence[str] | None = None,
):
    """The download itself for a small export; a queued ExportRecord for a large one."""
    rows = spec.export_queryset(queryset)
    if rows.count() <= inline_max_rows():
        return export_response(spec, file_format, filename, queryset=rows, keys=keys)
    ids = list(rows.values_list("pk", flat=True))
    token = stored_files.save_data(json.dumps(ids).encode(), IDS)
    with transaction.atomic():
        record = ExportRecord.objects.create(
            user=user,
            wholesaler=wholesaler,
            resource=spec.name,
            file_format=file_format,
            file_name=f"{filename}.{file_format}",
            columns=list(keys or []),
            token=token,
            rows_total=len(ids),
            language=translation.get_language() or "",
        )
        export_file_job.enqueue(record.pk)
    return record


@task()
def export_file_job(record_id: int) -> str:
    """Write the export file of a queued record into the import storage."""
    reap_abandoned()
    record = _claim(record_id)
    if record is None:
        return "not claimed"
    with translation.override(record.language or settings.LANGUAGE_CODE):
        try:
            _write(record)
        except Exception as error:
            _mine(record).update(
                state=ExportState.FAILED,
                message=str(MSG_EXPORT_FAILED % {"error": type(error).__name__}),
                finished_at=timezone.now(),
            )
            raise
    return ExportState.DONE


def _claim(record_id: int) -> ExportRecord | None:
    now = timezone.now()
    taken = ExportRecord.objects.filter(pk=record_id, state=ExportState.QUEUED).update(
        state=ExportState.WRITING,
        attempts=F("attempts") + 1,
        worker=leases.worker_name(),
        heartbeat_at=now,
        started_at=now,
        rows_done=0,
    )
    return ExportRecord.objects.get(pk=record_id) if taken else None


def _mine(record: ExportRecord):
    """The record while this claim holds it: the condition of every later write."""
    return ExportRecord.objects.filter(
        pk=record.pk, attempts=record.attempts, state=ExportState.WRITING
    )


def _write(record: ExportRecord) -> None:
    spec = SPECS[record.resource](Scope(user=record.user, wholesaler=record.wholesaler))
    ids = json.loads(stored_files.read_file(record.token, IDS) or b"[]")
    keys = record.columns or None
    headers = export_table(spec, spec.model._default_manager.none(), keys)[0]
    rows = _counted(record, _rows(spec, ids, keys))
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spooled:
        if record.file_format == "csv":
            for chunk in csv_chunks(headers, rows):
                spooled.write(chunk)
        else:
            write_xlsx(headers, rows, spooled, code_positions(spec, keys), spec.name)
        spooled.seek(0)
        stored_files.save_stream(record.token, record.file_name, File(spooled))
    now = timezone.now()
    _mine(record).update(
        state=ExportState.DONE,
        rows_done=record.rows_done,
        heartbeat_at=now,
        finished_at=now,
    )


def _rows(spec: Spec, ids: list[int], keys) -> Iterator[list[Any]]:
    """The rows of ``ids`` in their order, a bounded number of ids per query."""
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start : start + ID_CHUNK]
        order = Case(
            *(When(pk=pk, then=Value(n)) for n, pk in enumerate(chunk)),
            output_field=IntegerField(),
        )
        queryset = spec.export_queryset(
            spec.model._default_manager.filter(pk__in=chunk).order_by(order)
        )
        yield from export_table(spec, queryset, keys)[1]


def _counted(record: ExportRecord, rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
    """Pass the rows on, publishing rows done and the heartbeat about once a second."""
    interval = max(settings.IMPORT_HEARTBEAT_SECONDS, 0.05)
    next_beat = time.monotonic() + interval
    for row in rows:
        record.rows_done += 1
        yield row
        if time.monotonic() >= next_beat:
            _beat(record)
            next_beat = time.monotonic() + interval


def _progress_key(record: ExportRecord) -> str:
    return f"export-progress:{record.pk}:{record.attempts}"


def _beat(record: ExportRecord) -> None:
    """Rows done in the shared cache at once, and in the record when it can be
    written: on SQLite an import's write holds the only write lock for a while."""
    cache.set(_progress_key(record), record.rows_done, timeout=600)
    try:
        _mine(record).update(rows_done=record.rows_done, heartbeat_at=timezone.now())
    except DatabaseError:
        connection.close()


def reap_abandoned() -> int:
    """Mark every running export whose worker is gone interrupted; return how many."""
    now = timezone.now()
    return sum(
        _interrupt(record)
        for record in ExportRecord.objects.running()
        if leases.is_abandoned(record, now)
    )


def _interrupt(record: ExportRecord) -> bool:
    updated = _mine(record).update(
        state=ExportState.INTERRUPTED,
        message=str(MSG_EXPORT_INTERRUPTED),
        finished_at=timezone.now(),
    )
    if updated:
        record.state = ExportState.INTERRUPTED
        record.message = str(MSG_EXPORT_INTERRUPTED)
    return bool(updated)


# What the export's page shows, the same for the admin and the portal -------------


def own_export(token: str, *, user, wholesaler=None) -> ExportRecord:
    """The user's own export ``token``; anyone else's is a 404."""
    record = (
        ExportRecord.objects.for_owner(user, wholesaler).filter(token=token).first()
        if stored_files.is_token(token)
        else None
    )
    if record is None:
        raise Http404
    if leases.is_abandoned(record):
        _interrupt(record)
    return record


def belongs_elsewhere(token: str, wholesaler) -> bool:
    """Whether ``token`` names another wholesaler's export (for the security log)."""
    return (
        ExportRecord.objects.filter(token=token).exclude(wholesaler=wholesaler).exists()
    )


def has_file(record: ExportRecord) -> bool:
    return record.state == ExportState.DONE and stored_files.has_file(
        record.token, record.file_name
    )


def download(record: ExportRecord) -> FileResponse:
    """The finished file, for its owner; a 404 before it is done or once expired."""
    if not has_file(record):
        raise Http404
    stored = stored_files.open_file(record.token, record.file_name)
    response = FileResponse(stored, as_attachment=True, filename=record.file_name)
    response["Cache-Control"] = "private, no-store"
    return response


def recent_exports(*, user, wholesaler=None, count: int = 10):
    return ExportRecord.objects.for_owner(user, wholesaler).order_by("-pk")[:count]


def export_status(record: ExportRecord) -> JsonResponse:
    """The small answer the export page's script polls (as an import's)."""
    if record.is_running:
        published = cache.get(_progress_key(record))
        record.rows_done = max(record.rows_done, published or 0)
    response = JsonResponse(
        {
            "state": record.state,
            "label": str(record.get_state_display()),
            "rows_done": record.rows_done,
            "rows_total": record.rows_total,
            "rows_text": rows_text(record),
            "finished": record.is_finished,
        }
    )
    response["Cache-Control"] = "no-store"
    # A poll, not the user's activity: it writes no session (see SessionMiddleware).
    response.leaves_session = True
    return response


def export_page(record: ExportRecord, *, status_url: str, download_url: str) -> dict:
    """Template context of an export's page."""
    return {
        "export": record,
        "rows_text": rows_text(record),
        "status_url": status_url,
        "download_url": download_url if has_file(record) else "",
        "expired": record.state == ExportState.DONE and not has_file(record),
        "expired_message": MSG_EXPORT_EXPIRED,
    }
