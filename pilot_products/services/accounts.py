"""Writes of wholesalers and accounts: saving a wholesaler, suspending one (which
ends its users' sessions at once), deactivating users. The admin form, its actions,
its history revert and the spreadsheet import all end here.
"""

from collections.abc import Iterable

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from pilot_products import security_log
from pilot_products.catalogue_sync import catalogue_changed
from pilot_products.models import Wholesaler, WholesalerMember, WholesalerStatus


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


def wholesalers_suspended(*, wholesaler_ids: Iterable[int], by=None) -> int:
    """What follows a suspension, however it was written: log the users out.

    Called inside the writing transaction by ``wholesaler_suspend`` and by the
    spreadsheet import of wholesalers; returns how many sessions ended.
    """
    ids = list(wholesaler_ids)
    if not ids:
        return 0
    ended = sessions_end_for_users(
        user_ids=WholesalerMember.objects.filter(wholesaler_id__in=ids).values_list(
            "user_id", flat=True
        )
    )
    for credit_code in Wholesaler.objects.filter(pk__in=ids).values_list(
        "credit_code", flat=True
    ):
        security_log.event(
            "wholesaler_suspended",
            user=by,
            wholesaler=credit_code,
            sessions_ended=ended,
        )
    return ended


@transaction.atomic
def wholesaler_save(*, wholesaler: Wholesaler, by=None) -> Wholesaler:
    """Create or change a wholesaler; a status change goes through the transitions."""
    old_status = (
        None
        if wholesaler.pk is None
        else Wholesaler.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=wholesaler.pk)
    )
    if old_status is not None and wholesaler.status != old_status:
        if wholesaler.status == WholesalerStatus.SUSPENDED:
            return wholesaler_suspend(wholesaler=wholesaler, by=by)
        return wholesaler_reactivate(wholesaler=wholesaler, by=by)
    wholesaler.full_clean()
    if by is not None:
        wholesaler._history_user = by
    wholesaler.save()
    catalogue_changed(wholesaler_ids=[wholesaler.pk])
    return wholesaler


@transaction.atomic
def wholesaler_suspend(*, wholesaler: Wholesaler, by=None) -> Wholesaler:
    """Suspend ``wholesaler`` (its listings leave the catalogue) and log its users out."""
    wholesaler.status = WholesalerStatus.SUSPENDED
    wholesaler.full_clean()
    if by is not None:
        wholesaler._history_user = by
    wholesaler.save()
    wholesalers_suspended(wholesaler_ids=[wholesaler.pk], by=by)
    catalogue_changed(wholesaler_ids=[wholesaler.pk])
    return wholesaler


@transaction.atomic
def wholesaler_reactivate(*, wholesaler: Wholesaler, by=None) -> Wholesaler:
    """Make a suspended wholesaler active again."""
    wholesaler.status = WholesalerStatus.ACTIVE
    wholesaler.full_clean()
    if by is not None:
        wholesaler._history_user = by
    wholesaler.save()
    security_log.event(
        "wholesaler_reactivated", user=by, wholesaler=wholesaler.credit_code
    )
    catalogue_changed(wholesaler_ids=[wholesaler.pk])
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
