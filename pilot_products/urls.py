"""URLs of the app's own pages (the admin is wired in yiwu_catalog.urls)."""

from django.urls import include, path

from pilot_products.views import (
    catalogue,
    photos,
    portal,
    portal_batches,
    progress,
    qr_codes,
)

app_name = "pilot_products"

urlpatterns = [
    path("", catalogue.home, name="home"),
    path("catalogue/", catalogue.browse, name="catalogue"),
    path("progress/", progress.progress, name="pilot-progress"),
    path(
        "progress/figures.<str:file_format>",
        progress.figures_download,
        name="pilot-progress-figures",
    ),
    path(
        "catalogue/products/<str:code>/",
        catalogue.pilot_product,
        name="pilot-product",
    ),
    path(
        "catalogue/offer/<str:credit_code>/<path:sku>/",
        catalogue.offer,
        name="offer",
    ),
    path(
        "catalogue/booths/<int:district>/<int:floor>/<int:street>/<str:number>/",
        catalogue.booth,
        name="booth",
    ),
    path(
        "catalogue/wholesalers/<int:pk>/",
        catalogue.wholesaler,
        name="wholesaler",
    ),
    path("media/photos/<str:name>", photos.photo_file, name="photo-file"),
    path("portal/", portal.DashboardView.as_view(), name="portal-dashboard"),
    path("portal/listings/", portal.ListingListView.as_view(), name="portal-listings"),
    path(
        "portal/listings/new/",
        portal.ListingEditView.as_view(),
        name="portal-listing-create",
    ),
    path(
        "portal/listings/<int:pk>/",
        portal.ListingEditView.as_view(),
        name="portal-listing-edit",
    ),
    path(
        "portal/listings/<int:pk>/label/",
        qr_codes.ListingLabelView.as_view(),
        name="portal-listing-label",
    ),
    path(
        "portal/booths/<int:pk>/poster/",
        qr_codes.BoothPosterView.as_view(),
        name="portal-booth-poster",
    ),
    path(
        "portal/listings/<int:pk>/photos/",
        photos.ListingPhotosView.as_view(),
        name="portal-listing-photos",
    ),
    path(
        "portal/listings/<int:pk>/photos/<int:photo_pk>/<slug:action>/",
        photos.PhotoActionView.as_view(),
        name="portal-listing-photo-action",
    ),
    path(
        "portal/listings/<int:pk>/<slug:action>/",
        portal.ListingActionView.as_view(),
        name="portal-listing-action",
    ),
    path(
        "portal/batches/",
        portal_batches.BatchListView.as_view(),
        name="portal-batches",
    ),
    path(
        "portal/batches/new/",
        portal_batches.BatchEditView.as_view(),
        name="portal-batch-create",
    ),
    path(
        "portal/batches/<int:pk>/",
        portal_batches.BatchEditView.as_view(),
        name="portal-batch-edit",
    ),
    path(
        "portal/password/",
        portal.PasswordChangeView.as_view(),
        name="portal-password-change",
    ),
    path("portal/spreadsheets/", include("pilot_products.urls_spreadsheets")),
]
