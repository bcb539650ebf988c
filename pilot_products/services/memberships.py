"""Links between portal users and wholesalers, through one door.

Only an active account that is neither staff nor superuser, and works for no other
wholesaler, may be linked (``rules.membership_errors``, called by the model's
``clean``): suspending a wholesaler ends its users' sessions, so a staff account
linked to one could be locked out by a Mall operator.
"""

from django.db import transaction

from pilot_products import security_log
from pilot_products.models import WholesalerMember


@transaction.atomic
def membership_save(*, member: WholesalerMember, by=None) -> WholesalerMember:
    """Link a user to a wholesaler (or move the link), after the membership rule."""
    member.full_clean()
    member.save()
    security_log.event(
        "membership_saved",
        user=by,
        member=member.user.get_username(),
        wholesaler=member.wholesaler.credit_code,
    )
    return member


@transaction.atomic
def membership_delete(*, member: WholesalerMember, by=None) -> None:
    """Unlink a user: from the next request on, they have no portal."""
    security_log.event(
        "membership_deleted",
        user=by,
        member=member.user.get_username(),
        wholesaler=member.wholesaler.credit_code,
    )
    member.delete()
