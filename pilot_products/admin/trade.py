"""Admin for Mall operators: wholesalers, their users, booths and listings."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from pilot_products.admin.spreadsheets import SpreadsheetAdminMixin
from pilot_products.models import (
    Booth,
    Listing,
    PriceTier,
    Wholesaler,
    WholesalerMember,
    WholesalerStatus,
)
from pilot_products.resources import BoothResource, ListingResource, WholesalerResource
from pilot_products.services import accounts


class WholesalerMemberInline(admin.TabularInline):
    model = WholesalerMember
    extra = 0
    autocomplete_fields = ["user"]


class BoothInline(admin.TabularInline):
    model = Booth
    fields = ["district", "gate", "floor", "street", "number", "pavilion_zh"]
    extra = 0
    show_change_link = True


@admin.register(Wholesaler)
class WholesalerAdmin(SpreadsheetAdminMixin, SimpleHistoryAdmin):
    resource_classes = [WholesalerResource]
    list_display = ["name_zh", "name_en", "credit_code", "status", "contact_phone"]
    list_filter = ["status"]
    search_fields = ["name_zh", "name_en", "credit_code", "contact_name"]
    inlines = [WholesalerMemberInline, BoothInline]
    actions = ["suspend_selected", "reactivate_selected"]

    def save_model(self, request, obj, form, change):
        # A status change goes through the services, which end the users' sessions.
        if change and "status" in form.changed_data:
            if obj.status == WholesalerStatus.SUSPENDED:
                accounts.wholesaler_suspend(wholesaler=obj, by=request.user)
                return
            accounts.wholesaler_reactivate(wholesaler=obj, by=request.user)
            return
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Suspend selected wholesalers"), permissions=["change"])
    def suspend_selected(self, request, queryset):
        for wholesaler in queryset.active():
            accounts.wholesaler_suspend(wholesaler=wholesaler, by=request.user)

    @admin.action(
        description=_("Reactivate selected wholesalers"), permissions=["change"]
    )
    def reactivate_selected(self, request, queryset):
        for wholesaler in queryset.filter(status=WholesalerStatus.SUSPENDED):
            accounts.wholesaler_reactivate(wholesaler=wholesaler, by=request.user)


@admin.register(Booth)
class BoothAdmin(SpreadsheetAdminMixin, SimpleHistoryAdmin):
    resource_classes = [BoothResource]
    list_display = ["address", "pavilion_zh", "wholesaler", "lease_start", "lease_end"]
    list_filter = ["district", "floor", "pavilion_zh"]
    search_fields = [
        "number",
        "wholesaler__name_zh",
        "wholesaler__name_en",
        "pavilion_zh",
    ]
    list_select_related = ["wholesaler"]
    autocomplete_fields = ["wholesaler"]


class PriceTierInline(admin.TabularInline):
    model = PriceTier
    extra = 0


@admin.register(Listing)
class ListingAdmin(SpreadsheetAdminMixin, SimpleHistoryAdmin):
    resource_classes = [ListingResource]
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


@admin.register(WholesalerMember)
class WholesalerMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "wholesaler"]
    search_fields = ["user__username", "wholesaler__name_zh", "wholesaler__credit_code"]
    list_select_related = ["user", "wholesaler"]
    autocomplete_fields = ["user", "wholesaler"]
