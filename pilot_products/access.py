"""Who may see what: the one place that decides a portal user's wholesaler.

Every portal lookup goes through ``wholesaler_for`` and ``WholesalerPortalMixin``;
an object of another wholesaler is simply not in the user's querysets, so asking for
it by id answers 404, never 403.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from pilot_products.models import Wholesaler, WholesalerMember


def wholesaler_for(user) -> Wholesaler | None:
    """Return the wholesaler a portal user works for, or None (staff, anonymous)."""
    if not user.is_authenticated or not user.is_active:
        return None
    membership = (
        WholesalerMember.objects.select_related("wholesaler").filter(user=user).first()
    )
    return membership.wholesaler if membership else None


class WholesalerPortalMixin(LoginRequiredMixin):
    """Require a logged-in wholesaler user and expose ``self.wholesaler``."""

    wholesaler: Wholesaler

    def dispatch(self, request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        wholesaler = wholesaler_for(request.user)
        if wholesaler is None:
            raise PermissionDenied("Only wholesaler users have a portal.")
        self.wholesaler = wholesaler
        return super().dispatch(request, *args, **kwargs)
