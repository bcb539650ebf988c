"""Portal forms: a listing and its price tiers, validated by the shared rules."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from pilot_products.filters import PilotProductChoiceField
from pilot_products.models import (
    Booth,
    Listing,
    PilotProduct,
    PriceTier,
    Wholesaler,
)
from pilot_products.services.listings import EDITABLE_FIELDS, MSG_SKU_TAKEN
from pilot_products.validators import validate_positive_price, validate_price_tiers


class ListingForm(forms.ModelForm):
    """A wholesaler's listing; the wholesaler comes from the login, never the form."""

    class Meta:
        model = Listing
        fields = EDITABLE_FIELDS
        field_classes = {"pilot_product": PilotProductChoiceField}
        widgets = {
            "customs_code": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off"}
            ),
            "unit_price": forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
        }

    def __init__(self, *args, wholesaler: Wholesaler, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.wholesaler = wholesaler
        self.wholesaler = wholesaler
        products = PilotProduct.objects.approved()
        if self.instance.pilot_product_id:
            products = (
                PilotProduct.objects.filter(pk=self.instance.pilot_product_id)
                | products
            )
        self.fields["pilot_product"].queryset = products.order_by("code")
        self.fields["booth"].queryset = Booth.objects.for_wholesaler(wholesaler)
        self.fields["booth"].empty_label = _("No booth")
        self.fields["unit_price"].validators.append(validate_positive_price)

    def clean_sku(self) -> str:
        sku = self.cleaned_data["sku"].strip()
        taken = Listing.objects.for_wholesaler(self.wholesaler).filter(sku=sku)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(MSG_SKU_TAKEN, code="sku_taken")
        return sku


class BasePriceTierFormSet(BaseInlineFormSet):
    """Price tiers checked together against the listing's MOQ and unit price."""

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        form.fields["unit_price"].validators.append(validate_positive_price)

    def tiers(self) -> list[tuple[int, object]]:
        return sorted(
            (form.cleaned_data["min_quantity"], form.cleaned_data["unit_price"])
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("min_quantity") is not None
            and form.cleaned_data.get("unit_price") is not None
        )

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        listing = self.instance
        if listing.moq is None or listing.unit_price is None:
            return
        validate_price_tiers(
            moq=listing.moq, unit_price=listing.unit_price, tiers=self.tiers()
        )


PriceTierFormSet = inlineformset_factory(
    Listing,
    PriceTier,
    formset=BasePriceTierFormSet,
    fields=("min_quantity", "unit_price"),
    extra=3,
    max_num=10,
    can_delete=True,
    widgets={
        "min_quantity": forms.NumberInput(attrs={"min": "1", "inputmode": "numeric"}),
        "unit_price": forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
    },
)
