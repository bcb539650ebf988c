"""Admin for Mall operators: wholesalers, their users, booths and listings.

Every save goes through the services (``accounts``, ``booths``, ``listings``,
``memberships``): the change form, its inlines, the actions and the history revert
page alike. The forms call the same rule functions first, so a refused change is a
message on the form, never an error page.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from pilot_products import rules
from pilot_products.admin.inlines import LabelledTabularInline
from pilot_products.admin.list_filters import PavilionFilter
from pilot_products.admin.spreadsheets import SpreadsheetAdminMixin
from pilot_products.forms import BasePriceTierFormSet
from pilot_products.models import (
    Booth,
    Listing,
    PriceTier,
    Wholesaler,
    WholesalerMember,
    WholesalerStatus,
)
from pilot_products.resources import BoothResource, ListingResource, WholesalerResource
from pilot_products.services import accounts, booths, memberships
from pilot_products.services import listings as listing_services
from pilot_products.validators import (
    MAX_PRICE_TIERS,
    MSG_MOQ_REQUIRED,
    validate_price_tiers,
)
from pilot_products.views import qr_codes as qr_views

MSG_SUSPENDED = _(
    "%(count)s wholesaler(s) suspended, their users logged out and their listings "
    "hidden: %(names)s."
)
MSG_ALREADY_SUSPENDED = _(
    "%(count)s wholesaler(s) skipped, already suspended: %(names)s."
)
MSG_REACTIVATED = _(
    "%(count)s wholesaler(s) reactivated; their active listings show again: %(names)s."
)
MSG_ALREADY_ACTIVE = _("%(count)s wholesaler(s) skipped, already active: %(names)s.")

#: Prefix of the price tier inline's formset in a listing's change form.
TIERS_PREFIX = "price_tiers"


class ServiceHistoryAdmin(SimpleHistoryAdmin):
    """History whose revert page changes data only for users who may change it.

    django-simple-history saves a posted revert form with the view permission
    alone; here the POST needs the change permission, and it saves through the
    admin's ``save_model``, which calls the service.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, object_id)
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        if not self.has_change_permission(request, obj):
            return True
        return super().revert_disabled(request, obj)


class WholesalerMemberInline(LabelledTabularInline):
    model = WholesalerMember
    extra = 0
    autocomplete_fields = ["user"]


class BoothInline(LabelledTabularInline):
    model = Booth
    fields = ["district", "gate", "floor", "street", "number", "pavilion_zh"]
    extra = 0
    show_change_link = True
    # Booths hold listings (protected): they are moved to another tenant, not deleted.
    can_delete = False


@admin.register(Wholesaler)
class WholesalerAdmin(SpreadsheetAdminMixin, ServiceHistoryAdmin):
    resource_classes = [WholesalerResource]
    list_display = ["name_zh", "name_en", "credit_code", "status", "contact_phone"]
    list_filter = ["status"]
    search_fields = ["name_zh", "name_en", "credit_code", "contact_name"]
    inlines = [WholesalerMemberInline, BoothInline]
    actions = ["suspend_selected", "reactivate_selected"]

    def save_model(self, request, obj, form, change):
        # A status change goes through the services, which end the users' sessions.
        accounts.wholesaler_save(wholesaler=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        save_inline_formset(request, formset)

    @admin.action(description=_("Suspend selected wholesalers"), permissions=["change"])
    def suspend_selected(self, request, queryset):
        selected = list(queryset)
        done = [w for w in selected if w.status == WholesalerStatus.ACTIVE]
        for wholesaler in done:
            accounts.wholesaler_suspend(wholesaler=wholesaler, by=request.user)
        self._report(request, selected, done, MSG_SUSPENDED, MSG_ALREADY_SUSPENDED)

    @admin.action(
        description=_("Reactivate selected wholesalers"), permissions=["change"]
    )
    def reactivate_selected(self, request, queryset):
        selected = list(queryset)
        done = [w for w in selected if w.status == WholesalerStatus.SUSPENDED]
        for wholesaler in done:
            accounts.wholesaler_reactivate(wholesaler=wholesaler, by=request.user)
        self._report(request, selected, done, MSG_REACTIVATED, MSG_ALREADY_ACTIVE)

    def _report(self, request, selected, done, done_message, skipped_message):
        """Say what a bulk action did and skipped; green only if nothing was skipped."""
        skipped = [w for w in selected if w not in done]
        if done:
            names = ", ".join(str(w) for w in done)
            self.message_user(
                request,
                done_message % {"count": len(done), "names": names},
                messages.SUCCESS,
            )
        if skipped:
            names = ", ".join(str(w) for w in skipped)
            self.message_user(
                request,
                skipped_message % {"count": len(skipped), "names": names},
                messages.WARNING if done else messages.ERROR,
            )


def save_inline_formset(request, formset) -> None:
    """Save a wholesaler's member or booth inline through the services."""
    instances = formset.save(commit=False)
    if formset.model is WholesalerMember:
        for member in formset.deleted_objects:
            memberships.membership_delete(member=member, by=request.user)
        for member in instances:
            memberships.membership_save(member=member, by=request.user)
    else:
        for booth in instances:
            booths.booth_save(booth=booth, by=request.user)


@admin.register(Booth)
class BoothAdmin(SpreadsheetAdminMixin, ServiceHistoryAdmin):
    resource_classes = [BoothResource]
    list_display = ["address", "pavilion_zh", "wholesaler", "lease_start", "lease_end"]
    list_filter = ["district", "floor", PavilionFilter]
    search_fields = [
        "number",
        "wholesaler__name_zh",
        "wholesaler__name_en",
        "pavilion_zh",
    ]
    list_select_related = ["wholesaler"]
    autocomplete_fields = ["wholesaler"]
    readonly_fields = ["poster"]

    def get_urls(self):
        return qr_views.admin_urls(self, qr_views.admin_booth_poster, "poster") + (
            super().get_urls()
        )

    @admin.display(description=_("QR poster"))
    def poster(self, obj) -> str:
        if obj is None or obj.pk is None:
            return "-"
        url = reverse("admin:pilot_products_booth_poster", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Print the booth's poster"))

    def save_model(self, request, obj, form, change):
        booths.booth_save(booth=obj, by=request.user)


class PriceTierInline(LabelledTabularInline):
    """Tiers checked together against the listing's MOQ and price, as in the portal."""

    model = PriceTier
    formset = BasePriceTierFormSet
    extra = 0
    max_num = MAX_PRICE_TIERS


class ListingAdminForm(forms.ModelForm):
    """The operator's listing form: the state machine and tiers as at every door."""

    class Meta:
        model = Listing
        fields = listing_services.ADMIN_FIELDS
        error_messages = {"moq": {"required": MSG_MOQ_REQUIRED}}

    def clean(self):
        cleaned_data = super().clean()
        wholesaler = cleaned_data.get("wholesaler")
        status = cleaned_data.get("status")
        if wholesaler is not None and status:
            old_status = (
                Listing.objects.values_list("status", flat=True).get(
                    pk=self.instance.pk
                )
                if self.instance.pk
                else None
            )
            error = rules.listing_transition_error(
                old_status=old_status,
                new_status=status,
                wholesaler_status=wholesaler.status,
                wholesaler_name=str(wholesaler),
            )
            if error is not None:
                self.add_error("status", error)
        if self.instance.pk and not self.posts_tiers():
            # No tier formset (the history revert page): the current tiers must fit
            # the MOQ and price being saved.
            moq, price = cleaned_data.get("moq"), cleaned_data.get("unit_price")
            if moq is not None and price is not None:
                tiers = list(
                    self.instance.price_tiers.values_list("min_quantity", "unit_price")
                )
                try:
                    validate_price_tiers(moq=moq, unit_price=price, tiers=tiers)
                except ValidationError as error:
                    self.add_error(None, error)
        return cleaned_data

    def posts_tiers(self) -> bool:
        return f"{TIERS_PREFIX}-TOTAL_FORMS" in self.data


@admin.register(Listing)
class ListingAdmin(SpreadsheetAdminMixin, ServiceHistoryAdmin):
    resource_classes = [ListingResource]
    form = ListingAdminForm
    list_display = [
        "sku",
        "title_zh",
        "wholesaler",
        "pilot_product",
        "unit_price",
        "moq",
        "stock",
        "status",
    ]
    list_filter = ["status", "pilot_product__pilot_category", "country_of_origin"]
    search_fields = ["sku", "title_zh", "title_en", "brand", "customs_code"]
    list_select_related = ["wholesaler", "pilot_product"]
    autocomplete_fields = ["wholesaler", "pilot_product", "booth"]
    show_full_result_count = False
    inlines = [PriceTierInline]

    readonly_fields = ["label", "photo_previews"]

    def get_urls(self):
        return qr_views.admin_urls(self, qr_views.admin_listing_label, "label") + (
            super().get_urls()
        )

    @admin.display(description=_("QR label"))
    def label(self, obj) -> str:
        if obj is None or obj.pk is None:
            return "-"
        url = reverse("admin:pilot_products_listing_label", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Print the listing's label"))

    @admin.display(description=_("Photos"))
    def photo_previews(self, obj) -> str:
        """The listing's photos as the wholesaler ordered them (changed in the portal)."""
        if obj is None or obj.pk is None:
            return "-"
        refs = [photo.ref for photo in obj.photos.order_by("position", "pk")]
        if not refs:
            return "-"
        return format_html_join(
            " ",
            '<img src="{}" width="{}" height="{}" alt="{}" loading="lazy">',
            (
                (ref.card_url, ref.card_width // 2, ref.card_height // 2, obj.title)
                for ref in refs
            ),
        )

    def save_model(self, request, obj, form, change):
        if form.posts_tiers():
            # The change form: saved with its tiers in save_related, in one call.
            return
        self._save(request, obj, form, tiers=None)

    def save_related(self, request, form, formsets, change):
        tier_formsets = [f for f in formsets if f.model is PriceTier]
        if form.posts_tiers():
            tiers = tier_formsets[0].tiers() if tier_formsets else None
            self._save(request, form.instance, form, tiers=tiers)
        for formset in tier_formsets:
            # The service replaced the tiers; the change message reads these.
            formset.new_objects, formset.changed_objects = [], []
            formset.deleted_objects = []
        form.save_m2m()

    def _save(self, request, obj, form, *, tiers):
        fields = {
            name: form.cleaned_data[name]
            for name in listing_services.ADMIN_FIELDS
            if name in form.cleaned_data
        }
        listing_services.listing_save(
            listing=obj,
            fields=fields,
            allowed=listing_services.ADMIN_FIELDS,
            tiers=tiers,
            by=request.user,
        )


@admin.register(WholesalerMember)
class WholesalerMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "wholesaler"]
    search_fields = ["user__username", "wholesaler__name_zh", "wholesaler__credit_code"]
    list_select_related = ["user", "wholesaler"]
    autocomplete_fields = ["user", "wholesaler"]

    def save_model(self, request, obj, form, change):
        memberships.membership_save(member=obj, by=request.user)

    def delete_model(self, request, obj):
        memberships.membership_delete(member=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for member in queryset.select_related("user", "wholesaler"):
            memberships.membership_delete(member=member, by=request.user)
