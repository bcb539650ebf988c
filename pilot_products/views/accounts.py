"""The site's login: each role lands where its work is, and a refusal says why.

Staff work in the admin, wholesalers' users in the portal; the site's one "Log in"
link serves both, so the landing page follows the account, not the link. A user
of a suspended wholesaler is told so on the login form instead of being logged in
and logged out again by ``SessionSecurityMiddleware``.
"""

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pilot_products.middleware import SESSION_ENDED_KEY
from pilot_products.models import WholesalerMember, WholesalerStatus

MSG_SESSION_IDLE = _(
    "You were logged out after a while without activity: log in again to go on."
)
MSG_SESSION_SUSPENDED = _(
    "You were logged out because your company was suspended by the Mall operator."
)
#: Why the last session ended (``SessionSecurityMiddleware``), as the login page says it.
SESSION_ENDED_MESSAGES = {
    "idle": MSG_SESSION_IDLE,
    "wholesaler_suspended": MSG_SESSION_SUSPENDED,
}
MSG_WHOLESALER_SUSPENDED = _(
    "Your company %(wholesaler)s is suspended by the Mall operator, so its portal "
    "is closed for now. Ask the Mall management office when it will be reactivated."
)


def suspended_wholesaler_of(user):
    """Return the suspended wholesaler ``user`` works for, or None."""
    membership = (
        WholesalerMember.objects.select_related("wholesaler")
        .filter(user=user, wholesaler__status=WholesalerStatus.SUSPENDED)
        .first()
    )
    return membership.wholesaler if membership else None


class SiteAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing the users of a suspended wholesaler."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        wholesaler = suspended_wholesaler_of(user)
        if wholesaler is not None:
            raise ValidationError(
                MSG_WHOLESALER_SUSPENDED,
                code="wholesaler_suspended",
                params={"wholesaler": str(wholesaler)},
            )


def landing_url(user) -> str:
    """Where a user goes after logging in without asking for a page."""
    if user.is_staff:
        return reverse("admin:index")
    return reverse("pilot_products:portal-dashboard")


class LoginView(auth_views.LoginView):
    form_class = SiteAuthenticationForm

    def get_default_redirect_url(self):
        return landing_url(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reason = self.request.session.pop(SESSION_ENDED_KEY, None)
        context["session_ended"] = SESSION_ENDED_MESSAGES.get(reason, "")
        return context

    def get_success_url(self):
        url = super().get_success_url()
        portal = reverse("pilot_products:portal-dashboard")
        if self.request.user.is_staff and url.startswith(portal):
            # A portal link followed by staff: their work is in the admin.
            return landing_url(self.request.user)
        return url
