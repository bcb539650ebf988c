"""Uploaded files kept between preview and confirm, with the preview's findings.

The confirm step imports the stored bytes again from scratch, so rows are validated
against the data as it is then, not as it was at preview time.
"""

import json
import secrets
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _

from .engine import ImportResult
from .workbooks import error_workbook

TOKEN_BYTES = 18
MAX_AGE_SECONDS = 24 * 60 * 60
#: Errors and changes shown per page of a preview.
PAGE_SIZE = 100

MSG_IMPORTED = _(
    "Imported %(file)s: %(new)s new, %(updated)s updated, %(unchanged)s unchanged."
)
MSG_PREVIEW_GONE = _("That preview has expired: upload the file again.")


def preview_root() -> Path:
    return Path(
        getattr(settings, "IMPORT_PREVIEW_DIR", settings.MEDIA_ROOT / "import-previews")
    )


@dataclass
class StoredPreview:
    token: str
    meta: dict[str, Any]
    directory: Path

    @property
    def data(self) -> bytes:
        return (self.directory / "upload.bin").read_bytes()

    @property
    def error_workbook_path(self) -> Path:
        return self.directory / "errors.xlsx"


def save_preview(result: ImportResult, data: bytes, *, user, wholesaler=None) -> str:
    """Keep the upload and what its dry run found; return the token naming them."""
    _remove_old()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    directory = preview_root() / token
    directory.mkdir(parents=True)
    (directory / "upload.bin").write_bytes(data)
    if result.rejected_rows:
        (directory / "errors.xlsx").write_bytes(
            error_workbook(result.headers, result.rejected_rows)
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
        "message": result.message,
        "errors": [asdict(error) for error in result.errors],
        "changes": [
            asdict(change) for change in result.changes if change.action != "unchanged"
        ],
    }
    (directory / "meta.json").write_text(json.dumps(meta, ensure_ascii=False))
    return token


def _read_meta(token: str) -> dict[str, Any] | None:
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return None
    try:
        return json.loads((preview_root() / token / "meta.json").read_text())
    except (OSError, ValueError):
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
    directory = preview_root() / token
    if meta["user_id"] != user.pk:
        return None
    if meta["wholesaler_id"] != (wholesaler.pk if wholesaler else None):
        return None
    return StoredPreview(token, meta, directory)


def discard_preview(preview: StoredPreview) -> None:
    shutil.rmtree(preview.directory, ignore_errors=True)


def _remove_old() -> None:
    root = preview_root()
    if not root.is_dir():
        return
    cutoff = time.time() - MAX_AGE_SECONDS
    for directory in root.iterdir():
        if directory.is_dir() and directory.stat().st_mtime < cutoff:
            shutil.rmtree(directory, ignore_errors=True)


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
    if not preview.error_workbook_path.exists():
        raise Http404
    return FileResponse(
        preview.error_workbook_path.open("rb"), as_attachment=True, filename=filename
    )


def imported_message(result: ImportResult) -> str:
    return MSG_IMPORTED % {
        "file": result.file_name,
        "new": result.rows_new,
        "updated": result.rows_updated,
        "unchanged": result.rows_unchanged,
    }
