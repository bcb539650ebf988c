"""Business rules that span several fields or models, shared by every door.

Each rule is a plain function over values, so the model's ``clean()``, the portal and
admin forms, the services and the spreadsheet specs (with lookups fetched once per
slice) all call the same code and say the same sentence with the same ``code``.
Single-value rules live in ``validators.py``; the text rule in ``text_rules.py``.
"""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pilot_products.validators import MSG_SKU_TAKEN, validate_customs_code_covered

MSG_BOOTH_NOT_OWN = _("The booth must be one of this wholesaler's booths.")
MSG_PRODUCT_NOT_APPROVED = _(
    "The pilot product %(product)s is %(status)s, not approved: only listings of "
    "approved products can be active. Keep the listing as a draft or paused, or "
    "choose an approved product."
)
MSG_WHOLESALER_SUSPENDED = _(
    "The wholesaler %(wholesaler)s is suspended: its listings cannot be activated "
    "until it is reactivated."
)
MSG_SKU_TAKEN_BY_DELISTED = _(
    "Your delisted listing %(sku)s already has this SKU: relist it (it keeps its "
    "history and its tiers) instead of creating a new one, or choose another SKU."
)
MSG_CANNOT_PAUSE = _("Only an active listing can be paused.")
MSG_CANNOT_REDRAFT = _(
    "A listing that has left the draft state cannot go back to draft: pause it instead."
)
MSG_ALREADY_ACTIVE = _("This listing is already active.")
MSG_ALREADY_PAUSED = _("This listing is already paused.")
MSG_ALREADY_DELISTED = _("This listing is already delisted.")

MSG_MEMBER_INACTIVE = _(
    "%(user)s is not active: only active accounts can work for a wholesaler."
)
MSG_MEMBER_STAFF = _(
    "%(user)s is a staff account: staff work in the admin, and only portal accounts "
    "(not staff, not superuser) can work for a wholesaler."
)
MSG_MEMBER_TAKEN = _(
    "%(user)s already works for %(wholesaler)s: remove that link first."
)

MSG_PRODUCT_SUBMITTED_LOCKED = _(
    "%(product)s is submitted and waits for a reviewer's decision, so it cannot be "
    "changed now. Remove this row; if the product is rejected, it can be changed "
    "again (in the admin or by importing the row)."
)
MSG_PRODUCT_APPROVED_LOCKED = _(
    "%(product)s is approved: a reviewer's decision is never changed by an edit. "
    "Remove this row, or open %(product)s in the admin to see its decision; to "
    "change an approved product, a pilot reviewer retires it and the change comes "
    "in as a new draft under a new code."
)
MSG_PRODUCT_RETIRED_LOCKED = _(
    "%(product)s is retired and can no longer be changed. Remove this row, or "
    "bring the change in as a new draft under a new code."
)

# Status values as plain strings: rules are over values, and the models import this
# module (ListingStatus and ReviewStatus hold the same values).
DRAFT, ACTIVE, PAUSED, DELISTED = "draft", "active", "paused", "delisted"
APPROVED, SUBMITTED, RETIRED = "approved", "submitted", "retired"
WHOLESALER_ACTIVE = "active"
#: Review states in which a pilot product's content may change.
EDITABLE_PRODUCT_STATUSES = frozenset({"draft", "rejected"})
_LOCKED_PRODUCT_MESSAGES = {
    SUBMITTED: MSG_PRODUCT_SUBMITTED_LOCKED,
    APPROVED: MSG_PRODUCT_APPROVED_LOCKED,
    RETIRED: MSG_PRODUCT_RETIRED_LOCKED,
}


def _add(errors: dict, field: str, error: ValidationError) -> None:
    errors.setdefault(field, []).append(error)


def listing_rule_errors(
    *,
    customs_code: str,
    product_tariff_lines: Iterable[str],
    wholesaler_id: int | None,
    booth_wholesaler_id: int | None,
    has_booth: bool,
    status: str | None = None,
    product_code: str = "",
    product_status: str | None = None,
    product_status_label: str = "",
) -> dict[str, list[ValidationError]]:
    """Return the field errors of a listing's cross-model rules (empty when valid).

    Beside the code and booth rules: an active listing is one of an approved product,
    whichever door sets the status or changes the product.
    """
    errors: dict[str, list[ValidationError]] = {}
    if customs_code and len(customs_code) == 10 and customs_code.isascii():
        try:
            validate_customs_code_covered(customs_code, list(product_tariff_lines))
        except ValidationError as error:
            _add(errors, "customs_code", error)
    if has_booth and booth_wholesaler_id != wholesaler_id:
        _add(errors, "booth", ValidationError(MSG_BOOTH_NOT_OWN, code="booth_not_own"))
    if status == ACTIVE and product_status is not None and product_status != APPROVED:
        _add(
            errors,
            "pilot_product",
            ValidationError(
                MSG_PRODUCT_NOT_APPROVED,
                code="product_not_approved",
                params={
                    "product": product_code,
                    "status": product_status_label or product_status,
                },
            ),
        )
    return errors


def listing_transition_error(
    *,
    old_status: str | None,
    new_status: str,
    wholesaler_status: str,
    wholesaler_name: str = "",
) -> ValidationError | None:
    """The listing state machine, for buttons, the admin and imports alike.

    ``draft -> active | delisted``, ``active <-> paused``, anything -> ``delisted``,
    and ``delisted -> active`` (relisting). A delisted listing keeps its SKU, so
    the way back to that SKU is relisting the listing, never a second listing.
    A new listing (``old_status`` None) starts as a draft. Turning a listing active
    (activating or relisting) needs an active wholesaler (and an approved product:
    ``listing_rule_errors``). Staying in a state is no change.
    """
    old = old_status or DRAFT
    if new_status == old:
        return None
    if new_status == DRAFT:
        return ValidationError(MSG_CANNOT_REDRAFT, code="cannot_redraft")
    if new_status == PAUSED and old != ACTIVE:
        return ValidationError(MSG_CANNOT_PAUSE, code="cannot_pause")
    if new_status == ACTIVE and wholesaler_status != WHOLESALER_ACTIVE:
        return ValidationError(
            MSG_WHOLESALER_SUSPENDED,
            code="wholesaler_suspended",
            params={"wholesaler": wholesaler_name},
        )
    return None


def sku_taken_error(*, sku: str, taken_status: str) -> ValidationError:
    """The refusal of a SKU the wholesaler already uses; a delisted one is relisted."""
    if taken_status == DELISTED:
        return ValidationError(
            MSG_SKU_TAKEN_BY_DELISTED, code="sku_taken", params={"sku": sku}
        )
    return ValidationError(MSG_SKU_TAKEN, code="sku_taken")


def listing_stock_confirmed_at(
    *,
    creating: bool,
    old_stock: int | None,
    new_stock: int | None,
    confirmed_at: datetime | None,
    now: datetime,
) -> datetime | None:
    """Typing a stock figure is confirming it: a new listing's, or a changed one."""
    if creating or (new_stock is not None and new_stock != old_stock):
        return now
    return confirmed_at


def membership_errors(
    *,
    username: str,
    is_active: bool,
    is_staff: bool,
    is_superuser: bool,
    other_wholesaler: str | None,
) -> list[ValidationError]:
    """Who may be linked to a wholesaler: an active portal account linked to no other.

    Suspending a wholesaler ends its users' sessions, so a staff account or the
    superuser linked to one could be locked out by a Mall operator.
    """
    errors = []
    params = {"user": username}
    if not is_active:
        errors.append(
            ValidationError(MSG_MEMBER_INACTIVE, code="member_inactive", params=params)
        )
    if is_staff or is_superuser:
        errors.append(
            ValidationError(MSG_MEMBER_STAFF, code="member_staff", params=params)
        )
    if other_wholesaler is not None:
        errors.append(
            ValidationError(
                MSG_MEMBER_TAKEN,
                code="member_taken",
                params={**params, "wholesaler": other_wholesaler},
            )
        )
    return errors


def pilot_product_edit_error(*, code: str, status: str) -> ValidationError | None:
    """Only drafts and rejected products change; a reviewer's decision never silently.

    Called by ``pilot_product_save`` (admin form), the import of pilot products for
    each row that would change a product, and the admin's read-only rule.
    """
    if status in EDITABLE_PRODUCT_STATUSES:
        return None
    message = _LOCKED_PRODUCT_MESSAGES.get(status, MSG_PRODUCT_RETIRED_LOCKED)
    return ValidationError(message, code="not_editable", params={"product": code})
