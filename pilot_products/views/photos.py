"""Listing photos: the portal's photo page and the one view that serves photo files.

The portal page adds, replaces, orders and removes the photos of one of the user's
own listings (another wholesaler's listing or photo is a 404); every write goes
through ``services.photos``, which checks the upload first.
"""

import re

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView, View

from pilot_products import access
from pilot_products.models import ListingPhoto
from pilot_products.photos.rules import CONTENT_TYPES
from pilot_products.photos.storage import photo_storage
from pilot_products.services import photos as photo_services
from pilot_products.views.portal import PortalPage

MSG_PHOTO_ADDED = _("Photo added to listing %(sku)s.")
MSG_PHOTO_REPLACED = _("Photo replaced.")
MSG_PHOTO_REMOVED = _("Photo removed.")
MSG_PHOTO_MOVED = _("Photo moved.")
MSG_PHOTO_MAIN = _("Main photo chosen.")

#: Stored photo names as ``clean_photo`` makes them; nothing else is ever served.
PHOTO_NAME = re.compile(r"[0-9a-f]{32}(?:-card|-large)?\.(jpg|png|webp)")
#: A stored photo never changes (a replacement gets a new name): kept for a year.
PHOTO_CACHE_CONTROL = "public, max-age=31536000, immutable"


class PhotoUploadForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        help_text=_("JPEG, PNG or WebP, e.g. a photo taken with a phone."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp"}
        ),
    )


class ListingPhotosView(PortalPage, TemplateView):
    """The photos of one own listing, with a form to add one (POST)."""

    template_name = "pilot_products/portal/listing_photos.html"

    def post(self, request, pk: int):
        listing = self.own_listing(pk)
        form = PhotoUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                photo_services.photo_add(
                    listing=listing, upload=form.cleaned_data["image"], by=request.user
                )
            except ValidationError as error:
                form.add_error("image", error)
            else:
                messages.success(request, MSG_PHOTO_ADDED % {"sku": listing.sku})
                return HttpResponseRedirect(request.path)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        listing = self.own_listing(self.kwargs["pk"])
        context.update(
            listing=listing,
            photos=list(listing.photos.order_by("position", "pk")),
            form=kwargs.get("form") or PhotoUploadForm(),
            photo_limit=settings.PHOTO_MAX_PER_LISTING,
        )
        return context


class PhotoActionView(PortalPage, View):
    """Replace, remove, move or mark as main one photo of an own listing (POST)."""

    http_method_names = ["post"]
    actions = ("replace", "remove", "up", "down", "main")

    def post(self, request, pk: int, photo_pk: int, action: str):
        if action not in self.actions:
            raise Http404
        listing = self.own_listing(pk)
        photo = access.get_for_wholesaler_or_404(
            request,
            ListingPhoto.objects.select_related("listing"),
            wholesaler=self.wholesaler,
            wholesaler_field="listing__wholesaler",
            pk=photo_pk,
            listing=listing,
        )
        target = reverse("pilot_products:portal-listing-photos", args=[listing.pk])
        try:
            message = self.run(action, photo)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, message)
        return HttpResponseRedirect(target)

    def run(self, action: str, photo: ListingPhoto):
        by = self.request.user
        if action == "replace":
            form = PhotoUploadForm(self.request.POST, self.request.FILES)
            if not form.is_valid():
                raise ValidationError(form.errors["image"])
            upload = form.cleaned_data["image"]
            photo_services.photo_replace(photo=photo, upload=upload, by=by)
            return MSG_PHOTO_REPLACED
        if action == "remove":
            photo_services.photo_remove(photo=photo, by=by)
            return MSG_PHOTO_REMOVED
        if action == "main":
            photo_services.photo_set_main(photo=photo, by=by)
            return MSG_PHOTO_MAIN
        step = -1 if action == "up" else 1
        photo_services.photo_move(photo=photo, step=step, by=by)
        return MSG_PHOTO_MOVED


@require_GET
def photo_file(request, name: str):
    """Serve a stored photo as the image it is, never as anything a browser runs."""
    match = PHOTO_NAME.fullmatch(name)
    if match is None or not photo_storage.exists(name):
        raise Http404
    response = FileResponse(
        photo_storage.open(name, "rb"), content_type=CONTENT_TYPES[match.group(1)]
    )
    response["Cache-Control"] = PHOTO_CACHE_CONTROL
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = "inline"
    return response
