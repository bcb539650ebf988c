"""Printable QR codes: a booth's A4 poster and a listing's label.

The portal prints a wholesaler's own booths and listings (another's is a 404); the
admin prints any, for staff who may view them. Both render the same print-styled
page; the code encodes the public natural-key address (``qr_codes``).
"""

from django.contrib import admin
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.views.generic import View

from pilot_products import access, qr_codes
from pilot_products.models import Booth, Listing
from pilot_products.views.portal import PortalPage

POSTER_TEMPLATE = "pilot_products/print/booth_poster.html"
LABEL_TEMPLATE = "pilot_products/print/listing_label.html"


def poster_response(request, booth: Booth):
    address, svg = qr_codes.booth_code(request, booth)
    context = {"booth": booth, "address": address, "qr": svg}
    return TemplateResponse(request, POSTER_TEMPLATE, context)


def label_response(request, listing: Listing):
    address, svg = qr_codes.listing_code(request, listing)
    context = {"listing": listing, "address": address, "qr": svg}
    return TemplateResponse(request, LABEL_TEMPLATE, context)


class BoothPosterView(PortalPage, View):
    http_method_names = ["get"]

    def get(self, request, pk: int):
        booth = access.get_for_wholesaler_or_404(
            request,
            Booth.objects.select_related("wholesaler"),
            wholesaler=self.wholesaler,
            pk=pk,
        )
        return poster_response(request, booth)


class ListingLabelView(PortalPage, View):
    http_method_names = ["get"]

    def get(self, request, pk: int):
        return label_response(request, self.own_listing(pk))


def _admin_object(model, pk: str):
    return get_object_or_404(model.objects.select_related("wholesaler"), pk=pk)


@permission_required("pilot_products.view_booth", raise_exception=True)
def admin_booth_poster(request, object_id: str):
    return poster_response(request, _admin_object(Booth, object_id))


@permission_required("pilot_products.view_listing", raise_exception=True)
def admin_listing_label(request, object_id: str):
    return label_response(request, _admin_object(Listing, object_id))


def admin_urls(model_admin: admin.ModelAdmin, view, suffix: str):
    """The admin URL of a print page, behind the admin's login."""
    info = model_admin.model._meta.app_label, model_admin.model._meta.model_name
    return [
        path(
            f"<path:object_id>/{suffix}/",
            model_admin.admin_site.admin_view(view),
            name="{}_{}_{}".format(*info, suffix),
        )
    ]
