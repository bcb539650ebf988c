"""Admin for the audit trail of spreadsheet imports and exports (read only)."""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

from pilot_products.models import ExportRecord, ImportRecord

# The queue's own rows are plumbing: an import's state, progress and retry live in
# its ImportRecord, which is what operators see.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


class ReadOnlyAudit(admin.ModelAdmin):
    """An audit trail: staff read it; only the jobs write it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportRecord)
class ImportRecordAdmin(ReadOnlyAudit):
    list_display = [
        "created_at",
        "user",
        "resource",
        "file_name",
        "dry_run",
        "state",
        "rows_done",
        "rows_total",
        "outcome",
        "rows_new",
        "rows_updated",
        "rows_unchanged",
        "rows_invalid",
    ]
    list_filter = ["state", "outcome", "dry_run", "resource", "file_format"]
    search_fields = ["file_name", "sha256", "user__username"]
    list_select_related = ["user"]


@admin.register(ExportRecord)
class ExportRecordAdmin(ReadOnlyAudit):
    """Who downloaded which data, and how far each large export's job got."""

    list_display = [
        "created_at",
        "user",
        "wholesaler",
        "resource",
        "file_name",
        "state",
        "rows_done",
        "rows_total",
        "finished_at",
    ]
    list_filter = ["state", "resource", "file_format"]
    search_fields = ["file_name", "user__username", "wholesaler__name_zh"]
    list_select_related = ["user", "wholesaler"]
    # The token names the stored file: whoever sees it could not download it (the
    # download checks the owner), but it is nobody's business either.
    exclude = ["token"]
