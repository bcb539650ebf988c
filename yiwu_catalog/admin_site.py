"""The admin site: Django's own, with a password change that the login lockout guards."""

from django.contrib import admin
from django.urls import reverse

from pilot_products.passwords import (
    ThrottledAdminPasswordChangeForm,
    ThrottledPasswordChangeView,
)


class PilotAdminSite(admin.AdminSite):
    def password_change(self, request, extra_context=None):
        """Django's view with the throttled form (``pilot_products.passwords``)."""
        request.current_app = self.name
        return ThrottledPasswordChangeView.as_view(
            form_class=ThrottledAdminPasswordChangeForm,
            success_url=reverse("admin:password_change_done", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})},
        )(request)
