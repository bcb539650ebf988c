"""Photos of a listing, stored through the shared photo storage, re-encoded."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pilot_products.photos.renditions import PhotoRef
from pilot_products.photos.rules import MSG_PHOTO_ONE_MAIN
from pilot_products.photos.storage import get_photo_storage

from .trade import Listing


class ListingPhotoQuerySet(models.QuerySet):
    def main_first(self):
        return self.order_by("-is_main", "position", "pk")


class ListingPhoto(models.Model):
    """One photo of a listing; the one marked main leads on cards and pages."""

    listing = models.ForeignKey(
        Listing,
        verbose_name=_("listing"),
        on_delete=models.CASCADE,
        related_name="photos",
    )
    #: Order on the listing's page, from 1; the main photo is shown first anyway.
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    is_main = models.BooleanField(_("main photo"), default=False)
    #: A generated name (``<hex>.jpg``), never the uploader's file name.
    image = models.FileField(
        _("image"), storage=get_photo_storage, max_length=100, editable=False
    )
    width = models.PositiveIntegerField(_("width"), editable=False)
    height = models.PositiveIntegerField(_("height"), editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ListingPhotoQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["listing", "position", "pk"]
        verbose_name = _("listing photo")
        verbose_name_plural = _("listing photos")
        constraints = [
            models.UniqueConstraint(
                fields=["listing"],
                condition=Q(is_main=True),
                name="listing_photo_one_main",
                violation_error_code="photo_one_main",
                violation_error_message=MSG_PHOTO_ONE_MAIN,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.listing_id} #{self.position}"

    @property
    def url(self) -> str:
        """The address the site serves the file at (``views.photos.photo_file``)."""
        return reverse("pilot_products:photo-file", args=[self.image.name])

    @property
    def ref(self) -> PhotoRef:
        return PhotoRef(self.image.name, self.width, self.height)
