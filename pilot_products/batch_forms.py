"""Portal forms of import batches: the batch, and its lines as a formset.

A line names the listings it supplies by SKU (as a wholesaler knows them and as a
spreadsheet would carry them); only the wholesaler's own SKUs are found.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pilot_products import access
from pilot_products.filters import sort_country_choices
from pilot_products.models import ImportBatch, ImportBatchLine, TariffLine, Wholesaler
from pilot_products.models.batches import batch_line_listing_errors, batch_lines_errors
from pilot_products.services.batches import LineData

MSG_UNKNOWN_SKUS = _("You have no listing with the SKU %(skus)s.")
SKU_SEPARATORS = re.compile(r"[\s,;，；、]+")
#: Lines one batch form takes (a declaration lists at most 50 goods items; the
#: margin is for corrections); longer ones go in by spreadsheet.
MAX_LINES = 100


class ImportBatchForm(forms.ModelForm):
    required_css_class = "required"

    class Meta:
        model = ImportBatch
        fields = [
            "declaration_number",
            "declared_on",
            "supervision_mode",
            "transport_mode",
            "route",
            "origin_country",
            "dispatch_country",
        ]
        widgets = {
            "declaration_number": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off"}
            ),
            # A date input shows only ISO dates, whatever the page's language.
            "declared_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, wholesaler: Wholesaler, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.wholesaler = wholesaler
        sort_country_choices(self.fields["origin_country"])
        sort_country_choices(self.fields["dispatch_country"])


class TariffLineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} {obj.display_name}"


class ImportBatchLineForm(forms.ModelForm):
    required_css_class = "required"
    skus = forms.CharField(
        label=_("Listings supplied (SKUs)"),
        required=False,
        help_text=_("Separated by commas or spaces."),
    )

    class Meta:
        model = ImportBatchLine
        fields = ["tariff_line", "quantity", "unit", "value_cny"]
        field_classes = {"tariff_line": TariffLineChoiceField}
        widgets = {
            "value_cny": forms.NumberInput(attrs={"step": "0.01", "min": "0.01"})
        }

    def __init__(self, *args, wholesaler: Wholesaler, **kwargs):
        super().__init__(*args, **kwargs)
        self.wholesaler = wholesaler
        self.fields["tariff_line"].queryset = TariffLine.objects.order_by("code")
        if self.instance.pk:
            self.initial["skus"] = ", ".join(
                self.instance.listings.order_by("sku").values_list("sku", flat=True)
            )

    def clean_skus(self):
        wanted = [sku for sku in SKU_SEPARATORS.split(self.cleaned_data["skus"]) if sku]
        found = {
            listing.sku: listing
            for listing in access.own_listings(self.wholesaler).filter(sku__in=wanted)
        }
        unknown = [sku for sku in wanted if sku not in found]
        if unknown:
            raise ValidationError(
                MSG_UNKNOWN_SKUS % {"skus": ", ".join(unknown)}, code="unknown_sku"
            )
        return [found[sku] for sku in dict.fromkeys(wanted)]

    def clean(self):
        cleaned = super().clean()
        line = cleaned.get("tariff_line")
        listings = cleaned.get("skus") or []
        for error in batch_line_listing_errors(
            wholesaler_id=self.wholesaler.pk,
            tariff_line_code=line.code if line else "",
            listings=listings,
        ):
            self.add_error("skus", error)
        return cleaned

    def line_data(self) -> LineData:
        data = self.cleaned_data
        return LineData(
            tariff_line=data["tariff_line"],
            quantity=data["quantity"],
            unit=data["unit"],
            value_cny=data["value_cny"],
            listings=data.get("skus") or [],
        )


class BatchLinesRuleMixin:
    """The rule of a batch's lines as a whole, on the lines the formset keeps (the
    portal's formset and the admin's inline)."""

    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        codes = [
            form.cleaned_data["tariff_line"].code
            for form in kept
            if form.cleaned_data.get("tariff_line")
        ]
        if kept and not codes:
            return  # each kept line already says what is wrong with it
        errors = batch_lines_errors(tariff_line_codes=codes)
        if errors:
            raise ValidationError(errors)


class BaseImportBatchLineFormSet(BatchLinesRuleMixin, forms.BaseInlineFormSet):
    def __init__(self, *args, wholesaler: Wholesaler, **kwargs):
        self.wholesaler = wholesaler
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return super().get_form_kwargs(index) | {"wholesaler": self.wholesaler}

    def lines(self) -> list[LineData]:
        return [
            form.line_data()
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


ImportBatchLineFormSet = forms.inlineformset_factory(
    ImportBatch,
    ImportBatchLine,
    form=ImportBatchLineForm,
    formset=BaseImportBatchLineFormSet,
    extra=2,
    max_num=MAX_LINES,
    validate_max=True,
    can_delete=True,
)
