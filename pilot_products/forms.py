"""Portal forms: a listing and its price tiers, validated by the shared rules.

The field rules come from the model (its validators run in the form's model
validation); the tiers formset is shared with the admin's price tier inline.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pilot_products import access, rules
from pilot_products.filters import PilotProductChoiceField, sort_country_choices
from pilot_products.models import (
    Listing,
    PilotProduct,
    PriceTier,
    Wholesaler,
)
from pilot_products.services.listings import EDITABLE_FIELDS
from pilot_products.validators import (
    MAX_PRICE_TIERS,
    MSG_MOQ_REQUIRED,
    validate_price_tiers,
)


class BoothChoiceField(forms.ModelChoiceField):
    """Booths written in the page's language (Yiwu's own way on Chinese pages)."""

    def label_from_instance(self, obj) -> str:
        if (get_language() or "zh-hans").startswith("zh"):
            return obj.address
        return obj.address_en


class ListingForm(forms.ModelForm):
    """A wholesaler's listing; the wholesaler comes from the login, never the form."""

    #: Labels of required fields carry this class; the stylesheet marks them with *.
    required_css_class = "required"

    class Meta:
        model = Listing
        fields = EDITABLE_FIELDS
        field_classes = {
            "pilot_product": PilotProductChoiceField,
            "booth": BoothChoiceField,
        }
        error_messages = {"moq": {"required": MSG_MOQ_REQUIRED}}
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
        sort_country_choices(self.fields["country_of_origin"])
        booths = access.own_booths(wholesaler)
        self.fields["booth"].queryset = booths
        self.fields["booth"].empty_label = _("No booth")
        if self.instance.pk is None and self.initial.get("booth") is None:
            # A new listing is offered at the company's booth when it has one.
            only = list(booths.values_list("pk", flat=True)[:2])
            if len(only) == 1:
                self.initial["booth"] = only[0]

    def clean_sku(self) -> str:
        sku = self.cleaned_data["sku"].strip()
        taken = access.own_listings(self.wholesaler).filter(sku=sku)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        taken_status = taken.values_list("status", flat=True).first()
        if taken_status is not None:
            raise rules.sku_taken_error(sku=sku, taken_status=taken_status)
        return sku


class BasePriceTierFormSet(BaseInlineFormSet):
    """Price tiers checked together against the listing's MOQ and unit price.

    More tiers than ``MAX_PRICE_TIERS`` are refused by ``validate_price_tiers``
    (a crafted POST can send any number of forms), like every other door.
    """

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
        try:
            validate_price_tiers(
                moq=listing.moq, unit_price=listing.unit_price, tiers=self.tiers()
            )
        except ValidationError as error:
            row = self.row_of(error)
            if row is None:
                raise
            # Shown in the tier's own row (numbered on the page), not above the table.
            row.add_error(None, error)

    def row_of(self, error: ValidationError):
        """The tier form a tier error is about (its ``quantity``), or None."""
        quantity = (error.params or {}).get("quantity")
        if quantity is None:
            return None
        for form in self.forms:
            data = form.cleaned_data or {}
            if not data.get("DELETE") and data.get("min_quantity") == quantity:
                return form
        return None


PriceTierFormSet = inlineformset_factory(
    Listing,
    PriceTier,
    formset=BasePriceTierFormSet,
    fields=("min_quantity", "unit_price"),
    extra=3,
    max_num=MAX_PRICE_TIERS,
    can_delete=True,
    widgets={
        "min_quantity": forms.NumberInput(attrs={"min": "1", "inputmode": "numeric"}),
        "unit_price": forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
    },
)
