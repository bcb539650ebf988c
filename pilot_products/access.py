"""Who may see what: the one place that scopes portal lookups to a wholesaler.

Every portal lookup goes through the functions here and ``WholesalerPortalMixin``;
an object of another wholesaler is simply not in the user's querysets, so asking for
it by id answers 404, never 403, and the attempt is written to the security log.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.cache import patch_cache_control

from pilot_products import security_log
from pilot_products.models import Booth, Listing, Wholesaler, WholesalerMember


def wholesaler_for(user) -> Wholesaler | None:
    """Return the wholesaler a portal user works for, or None (staff, anonymous)."""
    if not user.is_authenticated or not user.is_active:
        return None
    membership = (
        WholesalerMember.objects.select_related("wholesaler").filter(user=user).first()
    )
    return membership.wholesaler if membership else None


def own_listings(wholesaler: Wholesaler) -> QuerySet[Listing]:
    return Listing.objects.filter(wholesaler=wholesaler)


def own_booths(wholesaler: Wholesaler) -> QuerySet[Booth]:
    return Booth.objects.filter(wholesaler=wholesaler)


def get_for_wholesaler_or_404(
    request: HttpRequest,
    queryset,
    *,
    wholesaler,
    wholesaler_field: str = "wholesaler",
    **lookup,
):
    """Get one of ``wholesaler``'s objects, or 404; log it when it is someone else's."""
    try:
        return queryset.filter(**{wholesaler_field: wholesaler}).get(**lookup)
    except queryset.model.DoesNotExist:
        if queryset.model._default_manager.filter(**lookup).exists():
            security_log.cross_wholesaler_attempt(
                request, queryset.model, next(iter(lookup.values()), "")
            )
        raise Http404 from None


def log_if_foreign_booth(request: HttpRequest, wholesaler, booth_id: str) -> bool:
    """Log a posted booth id that belongs to another wholesaler; say whether it did."""
    if not booth_id.isdigit():
        return False
    foreign = Booth.objects.filter(pk=booth_id).exclude(wholesaler=wholesaler).exists()
    if foreign:
        security_log.cross_wholesaler_attempt(request, Booth, booth_id)
    return foreign


class WholesalerPortalMixin(LoginRequiredMixin):
    """Require a logged-in wholesaler user and expose ``self.wholesaler``.

    Every answer is ``Cache-Control: private, no-store``: a portal page or download
    is one wholesaler's data, never to be kept by a shared or browser cache.
    """

    wholesaler: Wholesaler

    def dispatch(self, request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        wholesaler = wholesaler_for(request.user)
        if wholesaler is None:
            raise PermissionDenied("Only wholesaler users have a portal.")
        self.wholesaler = wholesaler
        response = super().dispatch(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response
