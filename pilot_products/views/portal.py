"""The wholesaler portal: every lookup is scoped to the user's own wholesaler."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from pilot_products import access, selectors
from pilot_products.access import WholesalerPortalMixin
from pilot_products.filters import PortalListingFilter
from pilot_products.forms import ListingForm, PriceTierFormSet
from pilot_products.models import Listing
from pilot_products.passwords import ThrottledPasswordChangeView
from pilot_products.services import listings as listing_services
from pilot_products.views.catalogue import page_size, paginate, query_without

MSG_CREATED = _("Listing %(sku)s created as a draft: activate it to show it to buyers.")
MSG_SAVED = _("Listing %(sku)s saved.")
MSG_PASSWORD_CHANGED = _("Your password has been changed.")

#: Actions asked about on a page of their own before they run.
CONFIRMED_ACTIONS = frozenset({"delist"})
#: Status actions: URL slug -> (service, success message).
ACTIONS = {
    "pause": (listing_services.listing_pause, _("Listing %(sku)s paused.")),
    "activate": (listing_services.listing_activate, _("Listing %(sku)s activated.")),
    "delist": (listing_services.listing_delist, _("Listing %(sku)s delisted.")),
    "relist": (
        listing_services.listing_relist,
        _("Listing %(sku)s relisted: buyers see it again."),
    ),
    "confirm-stock": (
        listing_services.listing_confirm_stock,
        _("Stock of listing %(sku)s confirmed."),
    ),
}


class PortalPage(WholesalerPortalMixin):
    """Context every portal page shares: the wholesaler and the portal links."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["wholesaler"] = self.wholesaler
        return context

    def own_listings(self):
        return access.own_listings(self.wholesaler)

    def own_listing(self, pk: int) -> Listing:
        """Return one of the user's own listings; any other id is a 404 (logged)."""
        return access.get_for_wholesaler_or_404(
            self.request,
            Listing.objects.select_related("pilot_product", "wholesaler"),
            wholesaler=self.wholesaler,
            pk=pk,
        )


class DashboardView(PortalPage, TemplateView):
    template_name = "pilot_products/portal/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        low_stock = selectors.low_stock_listings(self.wholesaler)
        unconfirmed = selectors.unconfirmed_stock_listings(self.wholesaler)
        context.update(
            status_counts=selectors.status_counts(self.wholesaler),
            low_stock=low_stock[:10],
            low_stock_count=low_stock.count(),
            unconfirmed=unconfirmed[:10],
            unconfirmed_count=unconfirmed.count(),
            recent_changes=selectors.recent_listing_changes(self.wholesaler),
            low_stock_threshold=selectors.LOW_STOCK_THRESHOLD,
            booths=access.own_booths(self.wholesaler).order_by(
                "district", "floor", "street", "number"
            ),
        )
        return context


class ListingListView(PortalPage, TemplateView):
    template_name = "pilot_products/portal/listing_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = PortalListingFilter(
            self.request.GET,
            queryset=self.own_listings()
            .select_related("pilot_product", "booth")
            .order_by("sku", "pk"),
        )
        page = paginate(self.request, filterset.qs, page_size(self.request))
        context.update(
            filter=filterset,
            page_obj=page,
            listings=page.object_list,
            page_query=query_without(self.request.GET),
            export_query=query_without(self.request.GET, "page", "per_page"),
            actions_next=self.request.get_full_path(),
        )
        return context


class ListingEditView(PortalPage, TemplateView):
    """Create (no ``pk``) or edit one listing and its price tiers."""

    template_name = "pilot_products/portal/listing_form.html"

    def get_listing(self) -> Listing:
        if "pk" in self.kwargs:
            return self.own_listing(self.kwargs["pk"])
        return Listing(wholesaler=self.wholesaler)

    def get(self, request, *args, **kwargs):
        listing = self.get_listing()
        form = ListingForm(instance=listing, wholesaler=self.wholesaler)
        tiers = PriceTierFormSet(instance=form.instance, prefix="tiers")
        return self.render_to_response(self.get_context_data(form=form, tiers=tiers))

    def post(self, request, *args, **kwargs):
        listing = self.get_listing()
        creating = listing.pk is None
        form = ListingForm(request.POST, instance=listing, wholesaler=self.wholesaler)
        tiers = PriceTierFormSet(request.POST, instance=form.instance, prefix="tiers")
        if form.is_valid() and tiers.is_valid():
            try:
                with transaction.atomic():
                    saved = self.save(form, tiers, creating=creating)
            except ValidationError as error:
                self.show_service_errors(form, tiers, error)
            else:
                message = MSG_CREATED if creating else MSG_SAVED
                messages.success(request, message % {"sku": saved.sku})
                if creating:
                    # The new draft's own page, where its Activate button is.
                    return HttpResponseRedirect(
                        reverse("pilot_products:portal-listing-edit", args=[saved.pk])
                    )
                return HttpResponseRedirect(reverse("pilot_products:portal-listings"))
        self.log_foreign_booth(form)
        return self.render_to_response(self.get_context_data(form=form, tiers=tiers))

    def log_foreign_booth(self, form) -> None:
        """Log a posted booth id of another wholesaler (the form refuses it)."""
        if "booth" in form.errors:
            access.log_if_foreign_booth(
                self.request, self.wholesaler, form.data.get("booth", "")
            )

    def save(self, form, tiers, *, creating: bool) -> Listing:
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if creating:
            return listing_services.listing_create(
                wholesaler=self.wholesaler,
                fields=fields,
                tiers=tiers.tiers(),
                by=self.request.user,
            )
        return listing_services.listing_update(
            listing=form.instance,
            fields=fields,
            tiers=tiers.tiers(),
            by=self.request.user,
        )

    def show_service_errors(self, form, tiers, error: ValidationError) -> None:
        for field, field_errors in error.update_error_dict({}).items():
            if field == "price_tiers":
                tiers._non_form_errors = tiers.error_class(field_errors)
            elif field in form.fields:
                form.add_error(field, field_errors)
            else:
                form.add_error(None, field_errors)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["creating"] = "pk" not in self.kwargs
        return context


class ListingActionView(PortalPage, View):
    """Pause, activate, delist, relist or confirm the stock of a listing (POST only).

    Delisting asks first: the button posts without ``confirm`` and gets the question.
    """

    http_method_names = ["post"]

    def post(self, request, pk: int, action: str):
        if action not in ACTIONS:
            raise Http404
        listing = self.own_listing(pk)
        if action in CONFIRMED_ACTIONS and request.POST.get("confirm") != "1":
            return TemplateResponse(
                request,
                "pilot_products/portal/listing_confirm.html",
                {
                    "listing": listing,
                    "wholesaler": self.wholesaler,
                    "next": self.next_url(),
                },
            )
        service, success = ACTIONS[action]
        try:
            service(listing=listing, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, success % {"sku": listing.sku})
        return HttpResponseRedirect(self.next_url())

    def next_url(self) -> str:
        target = self.request.POST.get("next", "")
        if target.startswith("/portal/") and not target.startswith("//"):
            return target
        return reverse("pilot_products:portal-listings")


class PasswordChangeView(PortalPage, ThrottledPasswordChangeView):
    template_name = "pilot_products/portal/password_change.html"
    success_url = reverse_lazy("pilot_products:portal-dashboard")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, MSG_PASSWORD_CHANGED)
        return response
