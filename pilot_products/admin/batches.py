"""Admin of import batches (Mall operators; reviewers may look).

The inline checks each line's listings with ``batch_line_listing_errors``, the rule
the portal form and ``services.batches.batch_save`` call.
"""

from django import forms
from django.contrib import admin

from pilot_products.admin.inlines import LabelledTabularInline
from pilot_products.admin.spreadsheets import SpreadsheetAdminMixin
from pilot_products.admin.trade import ServiceHistoryAdmin
from pilot_products.models import ImportBatch, ImportBatchLine
from pilot_products.models.batches import batch_line_listing_errors
from pilot_products.resources import ImportBatchLineResource, ImportBatchResource


class ImportBatchLineAdminForm(forms.ModelForm):
    class Meta:
        model = ImportBatchLine
        fields = ["tariff_line", "quantity", "unit", "value_cny", "listings"]

    def __init__(self, *args, batch=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.batch = batch

    def clean(self):
        cleaned = super().clean()
        # The batch as the change form filled it (a new one has no id yet), or
        # the one chosen on a line's own form.
        batch = self.batch or cleaned.get("batch")
        if batch is None:
            return cleaned
        line = cleaned.get("tariff_line")
        for error in batch_line_listing_errors(
            wholesaler_id=batch.wholesaler_id,
            tariff_line_code=line.code if line else "",
            listings=cleaned.get("listings") or [],
        ):
            self.add_error("listings", error)
        return cleaned


class ImportBatchLineStandaloneForm(ImportBatchLineAdminForm):
    class Meta(ImportBatchLineAdminForm.Meta):
        fields = ["batch", *ImportBatchLineAdminForm.Meta.fields]


class ImportBatchLineAdminFormSet(forms.BaseInlineFormSet):
    def get_form_kwargs(self, index):
        return super().get_form_kwargs(index) | {"batch": self.instance}


class ImportBatchLineInline(LabelledTabularInline):
    model = ImportBatchLine
    form = ImportBatchLineAdminForm
    formset = ImportBatchLineAdminFormSet
    extra = 0
    autocomplete_fields = ["tariff_line", "listings"]


@admin.register(ImportBatch)
class ImportBatchAdmin(SpreadsheetAdminMixin, ServiceHistoryAdmin):
    resource_classes = [ImportBatchResource]
    inlines = [ImportBatchLineInline]
    list_display = [
        "declaration_number",
        "wholesaler",
        "declared_on",
        "supervision_mode",
        "transport_mode",
        "origin_country",
    ]
    list_filter = ["transport_mode", "supervision_mode", "declared_on"]
    search_fields = ["declaration_number", "wholesaler__name_zh", "wholesaler__name_en"]
    list_select_related = ["wholesaler"]
    autocomplete_fields = ["wholesaler"]


@admin.register(ImportBatchLine)
class ImportBatchLineAdmin(SpreadsheetAdminMixin, ServiceHistoryAdmin):
    """The lines on their own: for their spreadsheet import and export."""

    resource_classes = [ImportBatchLineResource]
    form = ImportBatchLineStandaloneForm
    list_display = ["batch", "tariff_line", "quantity", "unit", "value_cny"]
    list_select_related = ["batch", "tariff_line"]
    search_fields = ["batch__declaration_number", "tariff_line__code"]
    autocomplete_fields = ["batch", "tariff_line", "listings"]
