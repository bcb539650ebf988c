"""The admin's page for a pilot product's reference photo: upload, replace, remove.

Its own page rather than a field of the change form, because the change form is
read-only once a product is submitted or approved, and the photo may be set in any
review state by whoever may edit pilot products (``services.product_photos``).
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pilot_products.services import product_photos
from pilot_products.services.review import PERM_CHANGE

MSG_PHOTO_SET = _("The reference photo of %(product)s was saved.")
MSG_PHOTO_REMOVED = _("The reference photo of %(product)s was removed.")
MSG_PHOTO_NOTHING = _("Choose a photo to upload, or tick “Remove the photo”.")


class ReferencePhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, e.g. a photo of a typical item of this type."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp"}
        ),
    )
    remove = forms.BooleanField(label=_("Remove the photo"), required=False)

    def clean(self):
        cleaned_data = super().clean()
        if not cleaned_data.get("image") and not cleaned_data.get("remove"):
            raise forms.ValidationError(MSG_PHOTO_NOTHING, code="photo_nothing")
        return cleaned_data


class ReferencePhotoAdminMixin:
    """Adds ``<id>/photo/`` and a read-only preview with a link to it."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/photo/",
                self.admin_site.admin_view(self.photo_view),
                name="pilot_products_pilotproduct_photo",
            ),
            *super().get_urls(),
        ]

    def has_photo_permission(self, request) -> bool:
        return request.user.has_perm(PERM_CHANGE)

    @admin.display(description=_("reference photo"))
    def reference_photo(self, product):
        ref = product.photo_ref
        if ref is None:
            return _("No reference photo yet.")
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}">',
            ref.card_url,
            ref.card_width,
            ref.card_height,
            product.display_name,
        )

    def photo_link(self, request, product) -> dict | None:
        """The object-tools button to the photo page, for those who may use it."""
        if not self.has_photo_permission(request):
            return None
        return {
            "url": reverse(
                "admin:pilot_products_pilotproduct_photo", args=[product.pk]
            ),
            "label": _("Reference photo"),
        }

    def photo_view(self, request, object_id):
        product = self.get_object(request, unquote(object_id))
        if product is None:
            raise Http404
        if not self.has_photo_permission(request):
            raise PermissionDenied
        form = ReferencePhotoForm()
        if request.method == "POST":
            form = ReferencePhotoForm(request.POST, request.FILES)
            if form.is_valid() and self._save_photo(request, product, form):
                return HttpResponseRedirect(
                    reverse(
                        "admin:pilot_products_pilotproduct_change", args=[product.pk]
                    )
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reference photo of %(product)s") % {"product": product.code},
            "opts": self.model._meta,
            "product": product,
            "photo": product.photo_ref,
            "form": form,
            "media": self.media,
        }
        return TemplateResponse(
            request,
            "admin/pilot_products/pilotproduct/photo_form.html",
            context,
            status=400 if form.errors else 200,
        )

    def _save_photo(self, request, product, form) -> bool:
        try:
            if form.cleaned_data["image"]:
                product_photos.pilot_product_photo_set(
                    product=product,
                    upload=form.cleaned_data["image"],
                    user=request.user,
                )
                message = MSG_PHOTO_SET
            else:
                product_photos.pilot_product_photo_remove(
                    product=product, user=request.user
                )
                message = MSG_PHOTO_REMOVED
        except ValidationError as error:
            form.add_error("image", error)
            return False
        self.message_user(request, message % {"product": product.code})
        return True
