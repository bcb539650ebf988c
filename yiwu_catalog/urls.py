"""URL configuration: admin, accounts, language switch and the app's pages."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Yiwu import pilot catalogue")
admin.site.site_title = _("Yiwu import pilot")
admin.site.index_title = _("Pilot administration")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("pilot_products.urls")),
]
