"""Admin of import batches (Mall operators; reviewers may look).

The change form, its line inline and the history revert page save through
``services.batches.batch_save``, a line on its own through ``batch_line_save``; the
forms call the rules of ``models.batches`` first (the ones the portal form and the
spreadsheet specs call), so a refused change is a message on the form.
"""

from django import forms
from django.contrib import admin
from django.urls import path

from pilot_products.admin import dashboard
from pilot_products.admin.inlines import LabelledTabularInline
from pilot_products.admin.spreadsheets import SpreadsheetAdminMixin
from pilot_products.admin.trade import ServiceHistoryAdmin
from pilot_products.batch_forms import BatchLinesRuleMixin
from pilot_products.models import ImportBatch, ImportBatchLine
from pilot_products.models.batches import (
    batch_line_listing_errors,
    batch_lines_errors,
    batch_wholesaler_errors,
)
from pilot_products.resources import ImportBatchLineResource, ImportBatchResource
from pilot_products.services.batches import (
    LineData,
    batch_line_save,
    batch_save,
    recorded_wholesaler_id,
)

#: Prefix of the line inline's formset in a batch's change form.
LINES_PREFIX = "lines"


class ImportBatchAdminForm(forms.ModelForm):
    class Meta:
        model = ImportBatch
        fields = [
            "wholesaler",
            "declaration_number",
            "declared_on",
            "supervision_mode",
            "transport_mode",
            "route",
            "origin_country",
            "dispatch_country",
        ]

    def clean(self):
        cleaned = super().clean()
        wholesaler = cleaned.get("wholesaler")
        if wholesaler is not None:
            for error in batch_wholesaler_errors(
                declaration_number=cleaned.get("declaration_number")
                or self.instance.declaration_number,
                recorded_wholesaler_id=recorded_wholesaler_id(self.instance),
                wholesaler_id=wholesaler.pk,
            ):
                self.add_error("wholesaler", error)
        return cleaned

    def posts_lines(self) -> bool:
        return f"{LINES_PREFIX}-TOTAL_FORMS" in self.data


class ImportBatchLineAdminForm(forms.ModelForm):
    class Meta:
        model = ImportBatchLine
        fields = ["tariff_line", "quantity", "unit", "value_cny", "listings"]

    def __init__(self, *args, batch=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.batch = batch

    def clean(self):
        cleaned = super().clean()
        # The batch as the change form filled it (a new one has no id yet), the one
        # chosen on a line's own form, or the one a recorded line stays on.
        batch = self.batch or cleaned.get("batch")
        if batch is None and self.instance.batch_id:
            batch = self.instance.batch
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

    def line_data(self) -> LineData:
        data = self.cleaned_data
        return LineData(
            tariff_line=data["tariff_line"],
            quantity=data["quantity"],
            unit=data["unit"],
            value_cny=data["value_cny"],
            listings=list(data.get("listings") or []),
        )


class ImportBatchLineStandaloneForm(ImportBatchLineAdminForm):
    class Meta(ImportBatchLineAdminForm.Meta):
        fields = ["batch", *ImportBatchLineAdminForm.Meta.fields]

    def clean(self):
        cleaned = super().clean()
        batch = cleaned.get("batch") or (
            self.instance.batch if self.instance.batch_id else None
        )
        line = cleaned.get("tariff_line")
        if batch is not None and line is not None:
            others = (
                ImportBatchLine.objects.filter(batch=batch)
                .exclude(pk=self.instance.pk)
                .values_list("tariff_line__code", flat=True)
            )
            for error in batch_lines_errors(tariff_line_codes=[*others, line.code]):
                self.add_error("tariff_line", error)
        return cleaned


class ImportBatchLineAdminFormSet(BatchLinesRuleMixin, forms.BaseInlineFormSet):
    def get_form_kwargs(self, index):
        return super().get_form_kwargs(index) | {"batch": self.instance}

    def lines(self) -> list[LineData]:
        return [
            form.line_data()
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


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
    form = ImportBatchAdminForm

    def get_urls(self):
        view = self.admin_site.admin_view(
            lambda request: dashboard.dashboard_view(request, self)
        )
        return [
            path("dashboard/", view, name="pilot_products_importbatch_dashboard"),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        if form.posts_lines():
            # The change form: saved with its lines in save_related, in one call.
            return
        # The history revert page: the batch's fields, its lines kept.
        batch_save(batch=obj, lines=None, by=request.user)

    def save_related(self, request, form, formsets, change):
        line_formsets = [f for f in formsets if f.model is ImportBatchLine]
        if form.posts_lines() and line_formsets:
            batch_save(
                batch=form.instance, lines=line_formsets[0].lines(), by=request.user
            )
        for formset in line_formsets:
            # The service replaced the lines; the change message reads these.
            formset.new_objects, formset.changed_objects = [], []
            formset.deleted_objects = []


@admin.register(ImportBatchLine)
class ImportBatchLineAdmin(SpreadsheetAdminMixin, ServiceHistoryAdmin):
    """The lines on their own: for their spreadsheet import and export."""

    resource_classes = [ImportBatchLineResource]
    form = ImportBatchLineStandaloneForm
    list_display = ["batch", "tariff_line", "quantity", "unit", "value_cny"]
    list_select_related = ["batch", "tariff_line"]
    search_fields = ["batch__declaration_number", "tariff_line__code"]
    autocomplete_fields = ["batch", "tariff_line", "listings"]

    def get_readonly_fields(self, request, obj=None):
        # A line stays on its batch: moving it could leave the old one without lines.
        return ["batch"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        # Lines are deleted in their batch's change form, which keeps at least one.
        return False

    def save_model(self, request, obj, form, change):
        batch_line_save(
            line=obj,
            listings=list(form.cleaned_data.get("listings") or []),
            by=request.user,
        )

    def save_related(self, request, form, formsets, change):
        """The service set the listings (``save_model``)."""
