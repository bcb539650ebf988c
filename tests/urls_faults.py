"""The project's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from yiwu_catalog.urls import (  # noqa: F401 - the handlers are looked up here
    handler400,
    handler403,
    handler404,
    handler500,
)
from yiwu_catalog.urls import urlpatterns as project_urlpatterns


def crash(request):
    raise RuntimeError("secret detail /srv/app/settings.py password=hunter2")


def forbidden(request):
    raise PermissionDenied("not for you")


urlpatterns = [
    path("test-crash/", crash),
    path("test-forbidden/", forbidden),
    *project_urlpatterns,
]
