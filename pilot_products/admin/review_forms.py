"""Forms of the review workflow in the admin: edits, reasons, list versions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pilot_products.models import PilotList, PilotProduct, ReviewStatus
from pilot_products.services import pilot_lists, review
from pilot_products.text_rules import validate_plain_text

MSG_VERSION_TAKEN = _("Version %(version)s already exists: choose another one.")


class PilotProductForm(forms.ModelForm):
    """Edit a draft; refuse the save when someone saved the product meanwhile."""

    class Meta:
        model = PilotProduct
        fields = [
            "code",
            "name_zh",
            "name_en",
            "pilot_category",
            "tariff_lines",
            "requirements_zh",
            "requirements",
            "is_illustrative",
            "revision",
        ]
        widgets = {"revision": forms.HiddenInput}

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None or "revision" not in cleaned_data:
            return cleaned_data
        # The admin runs the whole request in one transaction: the row stays locked
        # until this save commits, so a concurrent save waits and then sees the new
        # revision.
        current = PilotProduct.objects.select_for_update().get(pk=self.instance.pk)
        if cleaned_data["revision"] != current.revision:
            last = current.history.select_related("history_user").first()
            raise forms.ValidationError(
                review.MSG_STALE_REVISION,
                code="stale_revision",
                params={
                    "product": current.code,
                    "user": review.user_label(last.history_user if last else None),
                },
            )
        return cleaned_data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        validators=[validate_plain_text],
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_(
            "Recorded in the history and shown to the editor, e.g. “Tariff line "
            "85098090 is not on the 2022 edition of the CBEC list.”"
        ),
    )


class PilotListForm(forms.ModelForm):
    class Meta:
        model = PilotList
        fields = [
            "version",
            "name_zh",
            "name_en",
            "issued_on",
            "source_note",
            "is_illustrative",
            "products",
        ]

    def clean_products(self):
        products = self.cleaned_data["products"]
        unusable = [
            product
            for product in products
            if product.status in (ReviewStatus.RETIRED, ReviewStatus.REJECTED)
        ]
        if unusable:
            raise forms.ValidationError(
                pilot_lists.MSG_RETIRED_PRODUCTS,
                code="product_not_usable",
                params={"products": ", ".join(p.code for p in unusable)},
            )
        return products


class PilotListCopyForm(forms.Form):
    version = forms.SlugField(
        label=_("New version"), max_length=20, help_text=_("e.g. 2025-06.")
    )
    name_zh = forms.CharField(
        label=_("Chinese name"), max_length=200, validators=[validate_plain_text]
    )
    name_en = forms.CharField(
        label=_("English name"), max_length=200, validators=[validate_plain_text]
    )

    def clean_version(self):
        version = self.cleaned_data["version"]
        if PilotList.objects.filter(version=version).exists():
            raise forms.ValidationError(
                MSG_VERSION_TAKEN, code="version_taken", params={"version": version}
            )
        return version


class PilotListPublishForm(forms.Form):
    effective_on = forms.DateField(
        label=_("In force from"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day the new version takes effect, e.g. 2025-06-01."),
    )


class PilotListCompareForm(forms.Form):
    old = forms.ModelChoiceField(
        label=_("Earlier version"), queryset=PilotList.objects.all()
    )
    new = forms.ModelChoiceField(
        label=_("Later version"), queryset=PilotList.objects.all()
    )
