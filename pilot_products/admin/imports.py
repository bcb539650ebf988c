"""Admin for the audit trail of spreadsheet imports (read only)."""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

from pilot_products.models import ImportRecord

# The queue's own rows are plumbing: an import's state, progress and retry live in
# its ImportRecord, which is what operators see.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
