"""Uploaded files kept between preview and confirm, with the preview's findings.

The confirm step imports the stored bytes again from scratch, so rows are validated
against the data as it is then, not as it was at preview time. Everything is kept in
the shared import storage (``stored_files``), so any app server or worker may serve
the next step.
"""

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _

from pilot_products.jobs.imports import import_enqueue

from . import stored_files
from .engine import ImportResult
from .workbooks import error_workbook

#: Errors and changes shown per page of a preview.
PAGE_SIZE = 100
META = "meta.json"
ERRORS = "errors.xlsx"

MSG_IMPORTED = _(
    "Imported %(file)s: %(new)s new, %(updated)s updated, %(unchanged)s unchanged."
)
MSG_PREVIEW_GONE = _("That preview has expired: upload the file again.")


@dataclass
class StoredPreview:
    token: str
    meta: dict[str, Any]

    @property
    def data(self) -> bytes:
        """The uploaded bytes; ``FileNotFoundError`` if the cleanup removed them."""
        return stored_files.read_upload(self.token)


def save_preview(result: ImportResult, token: str, *, user, wholesaler=None) -> None:
    """Keep what the dry run of the upload ``token`` found, for the preview pages.

    A file refused as a whole (type, encoding, size) is deleted at once: only the
    findings stay until they expire. A readable file stays for the confirm step,
    which reads it again.
    """
    if result.rejected_rows:
        stored_files.save_file(
            token, ERRORS, error_workbook(result.headers, result.rejected_rows)
        )
    meta = {
        "user_id": user.pk,
        "wholesaler_id": wholesaler.pk if wholesaler else None,
        "resource": result.resource,
        "file_name": result.file_name,
        "sha256": result.sha256,
        "file_format": result.file_format,
        "encoding": result.encoding,
        "rows_total": result.rows_total,
        "rows_new": result.rows_new,
        "rows_updated": result.rows_updated,
        "rows_unchanged": result.rows_unchanged,
        "rows_invalid": result.rows_invalid,
        "is_valid": result.is_valid,
        "stale_rows": result.stale_rows,
        "can_overwrite": result.only_stale_rows,
        "message": result.message,
        "errors": [asdict(error) for error in result.errors],
        "changes": [
            asdict(change) for change in result.changes if change.action != "unchanged"
        ],
    }
    stored_files.save_file(token, META, json.dumps(meta, ensure_ascii=False).encode())
    if result.file_refused:
        stored_files.delete_upload(token)


def _read_meta(token: str) -> dict[str, Any] | None:
    stored = stored_files.read_file(token, META)
    if stored is None:
        return None
    try:
        return json.loads(stored)
    except ValueError:
        return None


def preview_wholesaler_id(token: str) -> int | None:
    """Return the wholesaler a stored preview belongs to, or None (none, or admin's)."""
    meta = _read_meta(token)
    return meta["wholesaler_id"] if meta else None


def load_preview(token: str, *, user, wholesaler=None) -> StoredPreview | None:
    """Return the preview if ``token`` names one of this user's (and wholesaler's)."""
    meta = _read_meta(token)
    if meta is None:
        return None
    if meta["user_id"] != user.pk:
        return None
    if meta["wholesaler_id"] != (wholesaler.pk if wholesaler else None):
        return None
    return StoredPreview(token, meta)


def discard_preview(preview: StoredPreview) -> None:
    stored_files.delete_all(preview.token)


def preview_upload(
    resource: str, upload, *, user, wholesaler=None, request=None, photos=None
) -> str:
    """Store an upload the form accepted (and the photos ZIP beside it) and queue
    its check (the preview job); return the token the preview page follows it by."""
    token = stored_files.save_upload(upload)
    if photos is not None:
        photos.seek(0)
        stored_files.save_stream(token, stored_files.PHOTOS, photos)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    import_enqueue(
        resource=resource,
        token=token,
        file_name=upload.name,
        sha256=digest.hexdigest(),
        user=user,
        wholesaler=wholesaler,
        dry_run=True,
        request=request,
    )
    return token


def confirm_preview(
    preview: StoredPreview,
    *,
    user,
    wholesaler=None,
    request=None,
    overwrite_stale: bool = False,
):
    """Queue the real import of a previewed upload; None if its file is gone.

    ``overwrite_stale`` is the user's choice to write rows older than their listing
    (the preview showed them as conflicts); it is stored on the job's record.

    The job imports the stored bytes from scratch. Imported, the upload and its
    preview are removed; otherwise the preview is rewritten with what it found.
    """
    if not stored_files.has_upload(preview.token):
        return None
    return import_enqueue(
        resource=preview.meta["resource"],
        token=preview.token,
        file_name=preview.meta["file_name"],
        sha256=preview.meta["sha256"],
        user=user,
        wholesaler=wholesaler,
        dry_run=False,
        request=request,
        overwrite_stale=overwrite_stale,
    )


# The preview page and the confirm step, the same for the admin and the portal ----


def preview_pages(preview: StoredPreview, query) -> dict[str, Any]:
    """Template context: the stored findings, errors and changes a page at a time."""
    meta = preview.meta
    return {
        "preview": preview,
        "meta": meta,
        "errors": Paginator(meta["errors"], PAGE_SIZE).get_page(query.get("page")),
        "changes": Paginator(meta["changes"], PAGE_SIZE).get_page(
            query.get("changes_page")
        ),
    }


def error_workbook_response(preview: StoredPreview, filename: str) -> FileResponse:
    """The rejected rows with their messages, as the download the preview offers."""
    try:
        stored = stored_files.open_file(preview.token, ERRORS)
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(stored, as_attachment=True, filename=filename)


def imported_message(result) -> str:
    """What an import wrote, from its result or its record."""
    return MSG_IMPORTED % {
        "file": result.file_name,
        "new": result.rows_new,
        "updated": result.rows_updated,
        "unchanged": result.rows_unchanged,
    }
