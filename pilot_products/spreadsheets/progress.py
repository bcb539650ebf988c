"""What the preview and confirm pages show about an upload's background job.

The admin and the portal share it: the latest ImportRecord of an upload token is the
job the page follows (the preview's, then the confirm's). The page renders the
record's state and rows done, and its static script polls ``job_status`` until the
job has finished, then reloads to show the result.
"""

from django.http import JsonResponse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from pilot_products.jobs import leases
from pilot_products.models import ImportOutcome, ImportRecord
from pilot_products.models.imports import RETRY_STATES

MSG_ROWS = _("%(done)s of %(total)s rows")
MSG_ROWS_UNKNOWN = _("Counting the rows…")
#: How many of a user's imports the upload page lists.
RECENT = 10


def latest_record(token: str) -> ImportRecord | None:
    if not token:
        return None
    return ImportRecord.objects.filter(upload_token=token).order_by("-pk").first()


def owns(record: ImportRecord, *, user, wholesaler=None) -> bool:
    return record.user_id == user.pk and record.wholesaler_id == (
        wholesaler.pk if wholesaler else None
    )


def followed(record: ImportRecord) -> ImportRecord:
    """The record as it is now, with the progress its worker last published; one
    whose holder is gone is marked interrupted."""
    if leases.is_abandoned(record):
        leases.mark_interrupted(record)
    elif record.is_running and (published := leases.published_progress(record)):
        state, done, total = published
        if done >= record.rows_done:
            record.state, record.rows_done, record.rows_total = state, done, total
    return record


def rows_text(record: ImportRecord) -> str:
    if not record.rows_total:
        return str(MSG_ROWS_UNKNOWN)
    return str(
        MSG_ROWS
        % {
            "done": number_format(record.rows_done, force_grouping=True),
            "total": number_format(record.rows_total, force_grouping=True),
        }
    )


def job_status(record: ImportRecord) -> JsonResponse:
    """The small answer the page's script polls."""
    record = followed(record)
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


def recent_records(*, user, wholesaler=None):
    """The user's running and recent imports, newest first, one per upload."""
    records = (
        ImportRecord.objects.for_owner(user, wholesaler)
        .exclude(upload_token="")
        .order_by("-pk")[: RECENT * 2]
    )
    seen, recent = set(), []
    for record in records:
        if record.upload_token not in seen:
            seen.add(record.upload_token)
            recent.append(record)
    return recent[:RECENT]


def upload_page(record: ImportRecord, query, *, user, wholesaler=None) -> dict:
    """Template context for an upload's page: its job while it runs (or if it
    stopped), what it imported, or the preview's findings. Empty: nothing to show
    (the preview expired)."""
    # Imported late: previews starts jobs, and jobs save previews.
    from .previews import imported_message, load_preview, preview_pages

    record = followed(record)
    if not record.is_finished or record.state in RETRY_STATES:
        return {"record": record, "job": True, "rows_text": rows_text(record)}
    if record.outcome == ImportOutcome.IMPORTED:
        notices = [line for line in record.message.splitlines() if line]
        return {
            "record": record,
            "imported": imported_message(record),
            "notices": notices,
        }
    preview = load_preview(record.upload_token, user=user, wholesaler=wholesaler)
    if preview is None:
        return {}
    return {"record": record, **preview_pages(preview, query)}
