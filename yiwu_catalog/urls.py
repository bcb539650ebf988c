"""URL configuration: admin, accounts, language switch and the app's pages."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from pilot_products.views import health

admin.site.site_header = _("Yiwu import pilot catalogue")
admin.site.site_title = _("Yiwu import pilot")
admin.site.index_title = _("Pilot administration")

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Log in and out only: no mail is configured, so there is no password reset, and
    # passwords change in the portal or the admin, where the lockout guards them.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("pilot_products.urls")),
]

handler400 = "pilot_products.views.errors.bad_request"
handler403 = "pilot_products.views.errors.permission_denied"
handler404 = "pilot_products.views.errors.page_not_found"
handler500 = "pilot_products.views.errors.server_error"
