"""The project's URLs plus the minimal text view that measures the ceiling."""

from django.http import HttpResponse
from django.urls import include, path


def ping(_request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/ping/", ping),
    path("", include("yiwu_catalog.urls")),
]
