"""Admin for the CBEC retail import list: categories, tariff lines, editions, entries."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from pilot_products import search_documents
from pilot_products.admin.inlines import LabelledTabularInline
from pilot_products.admin.spreadsheets import SpreadsheetAdminMixin
from pilot_products.catalogue_sync import catalogue_changed
from pilot_products.models import (
    CbecCategory,
    CbecListEdition,
    CbecListEntry,
    TariffLine,
)
from pilot_products.resources import (
    CategoryResource,
    CbecEntryResource,
    TariffLineResource,
)


class CatalogueReferenceAdmin(SpreadsheetAdminMixin, admin.ModelAdmin):
    """Reference data the catalogue shows (category names, tariff lines).

    No service writes these rows, so the admin itself retires the cached catalogue
    pages (``catalogue_changed``) whenever it saves or deletes one.
    """

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        catalogue_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        catalogue_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        catalogue_changed()


@admin.register(CbecCategory)
class CbecCategoryAdmin(CatalogueReferenceAdmin):
    resource_classes = [CategoryResource]
    list_display = ["code", "name_zh", "name_en", "parent", "sort_order"]
    list_filter = ["parent"]
    search_fields = ["code", "name_zh", "name_en"]
    list_select_related = ["parent"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Category names are in the search documents and in the option lists.
        catalogue_changed(
            product_ids=search_documents.products_under_categories([obj.pk])
        )


class CbecListEntryInline(LabelledTabularInline):
    model = CbecListEntry
    fields = ["edition", "row_number", "restriction", "remark", "verified"]
    extra = 0
    autocomplete_fields = ["edition"]


@admin.register(TariffLine)
class TariffLineAdmin(CatalogueReferenceAdmin):
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
