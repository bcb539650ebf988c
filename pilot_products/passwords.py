"""Password change with the old password checked like a login, so it can be locked out.

Django's own forms compare the old password directly, so a stolen session could try
passwords without limit. Here the check goes through ``authenticate()``: django-axes
counts each wrong old password against the username and IP address, exactly as a wrong
login, and refuses every check (the right password too) during the cool-off.
"""

from django.contrib.admin.forms import AdminPasswordChangeForm
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest


class OldPasswordThrottleMixin:
    """Form mixin: ``clean_old_password`` through the login lockout."""

    def __init__(self, user, *args, request: HttpRequest, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        checked = authenticate(
            self.request, username=self.user.get_username(), password=old_password
        )
        if checked is None or checked.pk != self.user.pk:
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class ThrottledPasswordChangeForm(OldPasswordThrottleMixin, PasswordChangeForm):
    pass


class ThrottledAdminPasswordChangeForm(
    OldPasswordThrottleMixin, AdminPasswordChangeForm
):
    pass


class ThrottledPasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change view, handing the request to the throttled form."""

    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"request": self.request}
