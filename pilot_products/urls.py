"""URLs of the app's own pages (the admin is wired in yiwu_catalog.urls)."""

from django.urls import include, path

from pilot_products.views import catalogue, portal, progress

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
        "catalogue/wholesalers/<int:pk>/",
        catalogue.wholesaler,
        name="wholesaler",
    ),
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
        "portal/listings/<int:pk>/<slug:action>/",
        portal.ListingActionView.as_view(),
        name="portal-listing-action",
    ),
    path(
        "portal/password/",
        portal.PasswordChangeView.as_view(),
        name="portal-password-change",
    ),
    path("portal/spreadsheets/", include("pilot_products.urls_spreadsheets")),
]
