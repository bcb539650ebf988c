"""Admin for the CBEC list and the pilot list."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from pilot_products.admin.spreadsheets import SpreadsheetAdminMixin
from pilot_products.models import (
    CbecCategory,
    CbecListEdition,
    CbecListEntry,
    PilotList,
    PilotProduct,
    TariffLine,
)
from pilot_products.resources import (
    CategoryResource,
    CbecEntryResource,
    PilotProductResource,
    TariffLineResource,
)


@admin.register(CbecCategory)
class CbecCategoryAdmin(SpreadsheetAdminMixin, admin.ModelAdmin):
    resource_classes = [CategoryResource]
    list_display = ["code", "name_zh", "name_en", "parent", "sort_order"]
    list_filter = ["parent"]
    search_fields = ["code", "name_zh", "name_en"]
    list_select_related = ["parent"]


class CbecListEntryInline(admin.TabularInline):
    model = CbecListEntry
    fields = ["edition", "row_number", "restriction", "remark", "verified"]
    extra = 0
    autocomplete_fields = ["edition"]


@admin.register(TariffLine)
class TariffLineAdmin(SpreadsheetAdminMixin, admin.ModelAdmin):
    resource_classes = [TariffLineResource]
    list_display = ["code", "name_zh", "name_en", "category"]
    list_filter = ["category", "cbec_entries__edition"]
    search_fields = ["code", "name_zh", "name_en"]
    list_select_related = ["category"]
    autocomplete_fields = ["category"]
    inlines = [CbecListEntryInline]


@admin.register(CbecListEdition)
class CbecListEditionAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_zh",
        "name_en",
        "issued_on",
        "effective_on",
        "official_line_count",
        "entry_count",
    ]
    search_fields = ["code", "name_zh", "name_en", "announcement"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(_entry_count=Count("entries"))

    @admin.display(description=_("lines held"), ordering="_entry_count")
    def entry_count(self, edition):
        return edition._entry_count


@admin.register(CbecListEntry)
class CbecListEntryAdmin(SpreadsheetAdminMixin, admin.ModelAdmin):
    resource_classes = [CbecEntryResource]
    list_display = [
        "edition",
        "row_number",
        "tariff_line",
        "restriction",
        "remark",
        "verified",
    ]
    list_filter = ["edition", "restriction", "verified", "tariff_line__category"]
    search_fields = [
        "tariff_line__code",
        "tariff_line__name_zh",
        "tariff_line__name_en",
        "remark",
    ]
    list_select_related = ["edition", "tariff_line"]
    autocomplete_fields = ["edition", "tariff_line"]


@admin.register(PilotList)
class PilotListAdmin(admin.ModelAdmin):
    list_display = ["version", "name_zh", "status", "effective_on", "is_illustrative"]
    list_filter = ["status", "is_illustrative"]
    search_fields = ["version", "name_zh", "name_en"]
    filter_horizontal = ["products"]


@admin.register(PilotProduct)
class PilotProductAdmin(SpreadsheetAdminMixin, SimpleHistoryAdmin):
    resource_classes = [PilotProductResource]
    list_display = [
        "code",
        "name_zh",
        "name_en",
        "pilot_category",
        "status",
        "needs_review",
    ]
    list_filter = [
        "status",
        "pilot_category",
        "needs_review",
        "pilot_lists",
        "is_illustrative",
    ]
    search_fields = ["code", "name_zh", "name_en", "tariff_lines__code"]
    autocomplete_fields = ["tariff_lines"]
    readonly_fields = [
        "status",
        "status_reason",
        "created_by",
        "submitted_by",
        "submitted_at",
        "decided_by",
        "decided_at",
        "needs_review",
        "needs_review_note",
        "revision",
        "updated_at",
    ]
