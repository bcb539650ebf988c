"""Account writes that end access at once: suspending wholesalers, deactivating users."""

from collections.abc import Iterable

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from pilot_products import security_log
from pilot_products.models import Wholesaler, WholesalerStatus


def sessions_end_for_users(*, user_ids: Iterable[int]) -> int:
    """Delete every open database session of these users; return how many ended."""
    wanted = {str(user_id) for user_id in user_ids}
    if not wanted:
        return 0
    doomed = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(
            chunk_size=2_000
        )
        if str(session.get_decoded().get(SESSION_KEY)) in wanted
    ]
    Session.objects.filter(session_key__in=doomed).delete()
    return len(doomed)


@transaction.atomic
def wholesaler_suspend(*, wholesaler: Wholesaler, by=None) -> Wholesaler:
    """Suspend ``wholesaler`` (its listings leave the catalogue) and log its users out."""
    wholesaler.status = WholesalerStatus.SUSPENDED
    wholesaler.full_clean()
    wholesaler.save()
    ended = sessions_end_for_users(
        user_ids=wholesaler.members.values_list("user_id", flat=True)
    )
    security_log.event(
        "wholesaler_suspended",
        user=by,
        wholesaler=wholesaler.credit_code,
        sessions_ended=ended,
    )
    return wholesaler


@transaction.atomic
def wholesaler_reactivate(*, wholesaler: Wholesaler, by=None) -> Wholesaler:
    """Make a suspended wholesaler active again."""
    wholesaler.status = WholesalerStatus.ACTIVE
    wholesaler.full_clean()
    wholesaler.save()
    security_log.event(
        "wholesaler_reactivated", user=by, wholesaler=wholesaler.credit_code
    )
    return wholesaler


@transaction.atomic
def user_deactivate(*, user, by=None):
    """Deactivate ``user`` so they can no longer log in, and end their sessions."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = sessions_end_for_users(user_ids=[user.pk])
    security_log.event(
        "user_deactivated",
        user=by,
        target_user=user.get_username(),
        sessions_ended=ended,
    )
    return user
