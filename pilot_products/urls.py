"""URLs of the app's own pages (the admin is wired in yiwu_catalog.urls)."""

from django.urls import include, path

from pilot_products.views import pages

app_name = "pilot_products"

urlpatterns = [
    path("", pages.home, name="home"),
    path("portal/spreadsheets/", include("pilot_products.urls_spreadsheets")),
]
