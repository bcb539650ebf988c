"""Spreadsheet imports as background jobs: the preview (a dry run) and the confirm
(the real import) of an upload that the request already checked and stored.

The request makes a queued ImportRecord and enqueues one of these tasks with its id;
whichever worker claims the record runs the engine on the stored file. Only the
Tasks API is used (``@task``, ``enqueue``), so the queue's backend is a setting.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from pilot_products import security_log
from pilot_products.models import ImportOutcome, ImportRecord, ImportState
from pilot_products.spreadsheets import stored_files
from pilot_products.spreadsheets.engine import ImportResult, run_import

from . import leases
from .tasks_api import task

logger = logging.getLogger(__name__)

MSG_UPLOAD_GONE = _("The uploaded file has expired: upload it again.")


def import_enqueue(
    *,
    request=None,
    resource: str,
    token: str,
    file_name: str,
    sha256: str,
    user,
    wholesaler=None,
    dry_run: bool,
    overwrite_stale: bool = False,
) -> ImportRecord:
    """Queue the preview (``dry_run``) or the import of the stored upload ``token``."""
    with transaction.atomic():
        record = ImportRecord.objects.create(
            user=user if user is not None and user.is_authenticated else None,
            resource=resource,
            wholesaler=wholesaler,
            file_name=file_name[:255],
            sha256=sha256,
            dry_run=dry_run,
            overwrite_stale=overwrite_stale,
            state=ImportState.QUEUED,
            upload_token=token,
            language=translation.get_language() or "",
        )
        _task_for(record).enqueue(record.pk)
    security_log.import_queued(record, request=request)
    return record


def import_retry(record: ImportRecord, *, request=None) -> bool:
    """Queue an interrupted or failed record again; False if it is not retryable."""
    if not record.can_retry or not stored_files.has_upload(record.upload_token):
        return False
    with transaction.atomic():
        if not leases.requeue(record):
            return False
        _task_for(record).enqueue(record.pk)
    record.refresh_from_db()
    security_log.import_queued(record, request=request)
    return True


def _task_for(record: ImportRecord):
    return preview_upload if record.dry_run else import_upload


@task()
def preview_upload(record_id: int) -> str:
    """Check every row of the stored upload and keep the findings for its preview."""
    return _run_job(record_id)


@task()
def import_upload(record_id: int) -> str:
    """Import the stored upload, all or nothing; keep the findings if it is refused."""
    return _run_job(record_id)


def _run_job(record_id: int) -> str:
    leases.reap_abandoned()
    record = leases.claim(record_id)
    if record is None:
        return "not claimed"
    with translation.override(record.language or settings.LANGUAGE_CODE):
        return _import(record)


def _import(record: ImportRecord) -> str:
    try:
        data = stored_files.read_upload(record.upload_token)
    except FileNotFoundError:
        leases.mine(record).update(
            state=ImportState.FAILED,
            outcome=ImportOutcome.FAILED,
            message=str(MSG_UPLOAD_GONE),
        )
        return ImportState.FAILED
    result = run_import(
        record.resource,
        file_name=record.file_name,
        data=data,
        # The ZIP beside the sheet, through the storage API like the sheet itself.
        photos=stored_files.read_file(record.upload_token, stored_files.PHOTOS),
        user=record.user,
        wholesaler=record.wholesaler,
        dry_run=record.dry_run,
        record=record,
        progress=_log_progress(record),
        before_finish=lambda result: _keep_findings(result, record),
    )
    if result.outcome == ImportOutcome.IMPORTED:
        # Imported: the upload is done with.
        stored_files.delete_all(record.upload_token)
    return record.state


def _log_progress(record: ImportRecord):
    """The worker's log shows each slice, as the command line's bar does."""

    def log(stage: str, done: int, total: int) -> None:
        logger.info("import %s: %s %s/%s rows", record.pk, stage, done, total)

    return log


def _keep_findings(result: ImportResult, record: ImportRecord) -> None:
    """A preview's findings (and a refused import's) go where the preview page
    reads them; a failed write keeps the earlier preview, to be retried."""
    # Imported late: the preview pages import this module to start jobs.
    from pilot_products.spreadsheets.previews import save_preview

    if result.outcome != ImportOutcome.FAILED:
        save_preview(
            result, record.upload_token, user=record.user, wholesaler=record.wholesaler
        )
