"""The review workflow of pilot products, used by every entry point.

``draft -> submitted -> approved | rejected``, ``submitted -> draft`` (the editor
withdraws it before a decision), ``rejected -> draft``, ``approved -> retired``. Each transition locks the product row first, so two
reviewers acting at the same moment produce exactly one transition; the other one is
told who decided first. Every write records its user and reason in the history.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_update_with_history

from pilot_products import rules, validators
from pilot_products.catalogue_sync import catalogue_changed
from pilot_products.eligibility import failed_checks, pilot_product_eligibility
from pilot_products.models import (
    CbecListEdition,
    Listing,
    ListingStatus,
    PilotProduct,
    ReviewStatus,
    TariffLine,
)

PERM_SUBMIT = "pilot_products.submit_pilotproduct"
PERM_REVIEW = "pilot_products.review_pilotproduct"
PERM_ADD = "pilot_products.add_pilotproduct"
PERM_CHANGE = "pilot_products.change_pilotproduct"

SUBMIT = "submit"
APPROVE = "approve"
REJECT = "reject"
RETIRE = "retire"
REOPEN = "reopen"
WITHDRAW = "withdraw"
CLEAR_FLAG = "clear_flag"

#: Transitions that need a written reason.
REASON_REQUIRED = frozenset({REJECT, RETIRE, CLEAR_FLAG})
#: The one list of states in which content changes (``rules.pilot_product_edit_error``).
EDITABLE_STATUSES = rules.EDITABLE_PRODUCT_STATUSES
DECIDED_STATUSES = frozenset(
    {ReviewStatus.APPROVED, ReviewStatus.REJECTED, ReviewStatus.RETIRED}
)
#: Fields only the workflow writes; an edit form never changes them.
WORKFLOW_FIELDS = (
    "status",
    "status_reason",
    "created_by",
    "submitted_by",
    "submitted_at",
    "decided_by",
    "decided_at",
    "needs_review",
    "needs_review_note",
)
#: Fields an earlier version of a draft can be restored to.
RESTORABLE_FIELDS = (
    "name_zh",
    "name_en",
    "pilot_category",
    "requirements",
    "requirements_zh",
)

MSG_SUBMIT_NOT_ALLOWED = _("Only catalogue editors can submit pilot products.")
MSG_REOPEN_NOT_ALLOWED = _("Only catalogue editors can reopen a rejected product.")
MSG_WITHDRAW_NOT_ALLOWED = _(
    "Only catalogue editors can withdraw a product from review."
)
MSG_REVIEW_NOT_ALLOWED = _(
    "Only pilot reviewers can approve, reject or retire pilot products."
)
MSG_EDIT_NOT_ALLOWED = _("You do not have permission to edit pilot products.")
MSG_FOUR_EYES = _(
    "You submitted %(product)s yourself: another reviewer must decide on it "
    "(four-eyes rule)."
)
MSG_SUBMIT_WRONG_STATUS = _(
    "Only a draft can be submitted for review; %(product)s is %(status)s."
)
MSG_DECIDE_WRONG_STATUS = _(
    "Only a submitted product can be approved or rejected; %(product)s is %(status)s."
)
MSG_RETIRE_WRONG_STATUS = _(
    "Only an approved product can be retired; %(product)s is %(status)s."
)
MSG_REOPEN_WRONG_STATUS = _(
    "Only a rejected product can be reopened as a draft; %(product)s is %(status)s."
)
MSG_WITHDRAW_WRONG_STATUS = _(
    "Only a submitted product can be withdrawn from review; %(product)s is %(status)s."
)
MSG_CLEAR_FLAG_WRONG_STATUS = _(
    "%(product)s is not flagged for review: there is nothing to confirm."
)
MSG_ALREADY_DECIDED = _(
    "%(product)s was already decided by %(user)s at %(time)s: it is now %(status)s."
)
MSG_ALREADY_SUBMITTED = _("%(product)s was already submitted by %(user)s at %(time)s.")
MSG_REASON_REQUIRED = validators.MSG_REASON_REQUIRED
MSG_NOT_ELIGIBLE = _("%(product)s does not pass its eligibility checks: %(checks)s")
MSG_STALE_REVISION = _(
    "%(product)s was saved by %(user)s while you were editing it. Your changes were "
    "not saved: reload the page to see the current version, then make them again."
)
MSG_RESTORE_NOT_DRAFT = _(
    "Only a draft or rejected product can be restored to an earlier version."
)
MSG_RESTORE_UNKNOWN_VERSION = _("This version does not belong to %(product)s.")

MSG_CREATED = _("Created as a draft")
MSG_EDITED = _("Edited")
MSG_SUBMITTED = _("%(product)s was submitted for review.")
MSG_APPROVED = _("%(product)s was approved.")
MSG_REJECTED = _("%(product)s was rejected.")
MSG_RETIRED = _("%(product)s was retired; %(count)s active listing(s) were paused.")
MSG_REOPENED = _("%(product)s was reopened as a draft.")
MSG_WITHDRAWN = _(
    "%(product)s was withdrawn from review: it is a draft again and can be changed."
)
MSG_FLAG_CLEARED = _("%(product)s stays approved; the review flag was cleared.")
MSG_RESTORED = _("Restored the version of %(time)s")
MSG_LISTING_PAUSED = _("Pilot product %(product)s retired: %(reason)s")
MSG_FLAGGED = _("CBEC list edition %(edition)s no longer has tariff line(s) %(lines)s.")

HISTORY_SUBMITTED = _("Submitted for review")
HISTORY_APPROVED = _("Approved")
HISTORY_APPROVED_WITH_NOTE = _("Approved: %(note)s")
HISTORY_REJECTED = _("Rejected: %(reason)s")
HISTORY_RETIRED = _("Retired: %(reason)s")
HISTORY_REOPENED = _("Reopened as a draft")
HISTORY_WITHDRAWN = _("Withdrawn from review")
HISTORY_FLAG_CLEARED = _("Review flag cleared: %(reason)s")


_DECISIONS = frozenset({APPROVE, REJECT, RETIRE, CLEAR_FLAG})
#: Transitions a reviewer's decision makes moot: the refusal names the decision.
_AFTER_DECISION_REFUSED = _DECISIONS | {WITHDRAW}
_FROM_STATUS = {
    SUBMIT: ReviewStatus.DRAFT,
    APPROVE: ReviewStatus.SUBMITTED,
    REJECT: ReviewStatus.SUBMITTED,
    RETIRE: ReviewStatus.APPROVED,
    REOPEN: ReviewStatus.REJECTED,
    WITHDRAW: ReviewStatus.SUBMITTED,
    CLEAR_FLAG: ReviewStatus.APPROVED,
}
_WRONG_STATUS = {
    SUBMIT: MSG_SUBMIT_WRONG_STATUS,
    APPROVE: MSG_DECIDE_WRONG_STATUS,
    REJECT: MSG_DECIDE_WRONG_STATUS,
    RETIRE: MSG_RETIRE_WRONG_STATUS,
    REOPEN: MSG_REOPEN_WRONG_STATUS,
    WITHDRAW: MSG_WITHDRAW_WRONG_STATUS,
    CLEAR_FLAG: MSG_CLEAR_FLAG_WRONG_STATUS,
}
_PERMISSION = {
    SUBMIT: (PERM_SUBMIT, MSG_SUBMIT_NOT_ALLOWED),
    APPROVE: (PERM_REVIEW, MSG_REVIEW_NOT_ALLOWED),
    REJECT: (PERM_REVIEW, MSG_REVIEW_NOT_ALLOWED),
    RETIRE: (PERM_REVIEW, MSG_REVIEW_NOT_ALLOWED),
    REOPEN: (PERM_SUBMIT, MSG_REOPEN_NOT_ALLOWED),
    WITHDRAW: (PERM_SUBMIT, MSG_WITHDRAW_NOT_ALLOWED),
    CLEAR_FLAG: (PERM_REVIEW, MSG_REVIEW_NOT_ALLOWED),
}


@dataclass(frozen=True)
class TransitionResult:
    product: PilotProduct
    message: str


def user_label(user) -> str:
    if user is None:
        return "-"
    return user.get_full_name() or user.get_username()


def _time_label(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


def _refuse(message, code: str, **params) -> None:
    raise ValidationError(message, code=code, params=params or None)


def _lock(product: PilotProduct) -> PilotProduct:
    return PilotProduct.objects.select_for_update().get(pk=product.pk)


def _require_perm(user, perm: str, message) -> None:
    if not (user.is_active and user.has_perm(perm)):
        _refuse(message, "not_allowed")


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        _refuse(MSG_REASON_REQUIRED, "reason_required")
    return reason


def _require_status(product: PilotProduct, action: str) -> None:
    """Refuse a transition the product's current state does not allow."""
    if product.status == _FROM_STATUS[action]:
        return
    params = {"product": product.code, "status": product.get_status_display()}
    if (
        action in _AFTER_DECISION_REFUSED
        and product.status in DECIDED_STATUSES
        and product.decided_by_id
    ):
        _refuse(
            MSG_ALREADY_DECIDED,
            "already_decided",
            user=user_label(product.decided_by),
            time=_time_label(product.decided_at),
            **params,
        )
    if action == SUBMIT and product.status == ReviewStatus.SUBMITTED:
        _refuse(
            MSG_ALREADY_SUBMITTED,
            "already_submitted",
            product=product.code,
            user=user_label(product.submitted_by),
            time=_time_label(product.submitted_at),
        )
    _refuse(_WRONG_STATUS[action], "wrong_status", **params)


def _require_eligible(product: PilotProduct) -> None:
    failed = failed_checks(pilot_product_eligibility(product))
    if failed:
        _refuse(
            MSG_NOT_ELIGIBLE,
            "not_eligible",
            product=product.code,
            checks=" ".join(f"{check.label}: {check.reason}" for check in failed),
        )


def _require_other_reviewer(product: PilotProduct, user) -> None:
    if product.submitted_by_id is not None and product.submitted_by_id == user.pk:
        _refuse(MSG_FOUR_EYES, "four_eyes", product=product.code)


def _save(product: PilotProduct, *, user, reason: str) -> None:
    product.revision += 1
    product.full_clean()
    product._history_user = user
    product._change_reason = str(reason)
    product.save()


def allowed_transitions(product: PilotProduct, user) -> list[str]:
    """Return the transitions ``user`` may perform on ``product`` right now."""
    allowed = []
    for action, from_status in _FROM_STATUS.items():
        perm, _message = _PERMISSION[action]
        if product.status != from_status or not user.has_perm(perm):
            continue
        if action in (APPROVE, REJECT) and product.submitted_by_id == user.pk:
            continue
        if action == CLEAR_FLAG and not product.needs_review:
            continue
        allowed.append(action)
    return allowed


@transaction.atomic
def pilot_product_save(
    *,
    product: PilotProduct,
    user,
    expected_revision: int | None = None,
    tariff_lines: Iterable[TariffLine] | None = None,
) -> PilotProduct:
    """Create a draft, or save an edit unless someone saved the product meanwhile."""
    if product.pk is None:
        _require_perm(user, PERM_ADD, MSG_EDIT_NOT_ALLOWED)
        product.status = ReviewStatus.DRAFT
        product.created_by = user
        product.revision = 0
        reason = MSG_CREATED
    else:
        _require_perm(user, PERM_CHANGE, MSG_EDIT_NOT_ALLOWED)
        current = _lock(product)
        locked = rules.pilot_product_edit_error(
            code=current.code, status=current.status
        )
        if locked is not None:
            raise locked
        if expected_revision is not None and expected_revision != current.revision:
            last = current.history.select_related("history_user").first()
            _refuse(
                MSG_STALE_REVISION,
                "stale_revision",
                product=current.code,
                user=user_label(last.history_user if last else None),
            )
        for name in WORKFLOW_FIELDS:
            setattr(product, name, getattr(current, name))
        product.revision = current.revision
        reason = MSG_EDITED
    _save(product, user=user, reason=reason)
    if tariff_lines is not None:
        product.tariff_lines.set(list(tariff_lines))
    catalogue_changed(product_ids=[product.pk])
    return product


@transaction.atomic
def pilot_product_submit(*, product: PilotProduct, user) -> TransitionResult:
    """Send a draft to the reviewers."""
    _require_perm(user, *_PERMISSION[SUBMIT])
    product = _lock(product)
    _require_status(product, SUBMIT)
    _require_eligible(product)
    product.status = ReviewStatus.SUBMITTED
    product.status_reason = ""
    product.submitted_by = user
    product.submitted_at = timezone.now()
    product.decided_by = None
    product.decided_at = None
    _save(product, user=user, reason=HISTORY_SUBMITTED)
    catalogue_changed(product_ids=[product.pk])
    return TransitionResult(product, MSG_SUBMITTED % {"product": product.code})


@transaction.atomic
def pilot_product_approve(
    *, product: PilotProduct, user, note: str = ""
) -> TransitionResult:
    """Approve a submitted product (never one the reviewer submitted)."""
    _require_perm(user, *_PERMISSION[APPROVE])
    product = _lock(product)
    _require_status(product, APPROVE)
    _require_other_reviewer(product, user)
    _require_eligible(product)
    note = note.strip()
    _decide(product, user=user, status=ReviewStatus.APPROVED, reason=note)
    history_reason = (
        HISTORY_APPROVED_WITH_NOTE % {"note": note} if note else HISTORY_APPROVED
    )
    _save(product, user=user, reason=history_reason)
    catalogue_changed(product_ids=[product.pk])
    return TransitionResult(product, MSG_APPROVED % {"product": product.code})


@transaction.atomic
def pilot_product_reject(
    *, product: PilotProduct, user, reason: str
) -> TransitionResult:
    """Send a submitted product back with the reason it cannot be approved."""
    _require_perm(user, *_PERMISSION[REJECT])
    reason = _require_reason(reason)
    product = _lock(product)
    _require_status(product, REJECT)
    _require_other_reviewer(product, user)
    _decide(product, user=user, status=ReviewStatus.REJECTED, reason=reason)
    _save(product, user=user, reason=HISTORY_REJECTED % {"reason": reason})
    catalogue_changed(product_ids=[product.pk])
    return TransitionResult(product, MSG_REJECTED % {"product": product.code})


@transaction.atomic
def pilot_product_retire(
    *, product: PilotProduct, user, reason: str
) -> TransitionResult:
    """Take an approved product out of the pilot and pause its active listings."""
    _require_perm(user, *_PERMISSION[RETIRE])
    reason = _require_reason(reason)
    product = _lock(product)
    _require_status(product, RETIRE)
    _decide(product, user=user, status=ReviewStatus.RETIRED, reason=reason)
    product.needs_review = False
    _save(product, user=user, reason=HISTORY_RETIRED % {"reason": reason})
    paused = _pause_active_listings(product, user=user, reason=reason)
    catalogue_changed(product_ids=[product.pk])
    return TransitionResult(
        product, MSG_RETIRED % {"product": product.code, "count": paused}
    )


@transaction.atomic
def pilot_product_reopen(*, product: PilotProduct, user) -> TransitionResult:
    """Turn a rejected product back into a draft the editor can revise."""
    _require_perm(user, *_PERMISSION[REOPEN])
    product = _lock(product)
    _require_status(product, REOPEN)
    # The rejection reason stays visible to the editor while they revise the draft.
    product.status = ReviewStatus.DRAFT
    _save(product, user=user, reason=HISTORY_REOPENED)
    catalogue_changed(product_ids=[product.pk])
    return TransitionResult(product, MSG_REOPENED % {"product": product.code})


@transaction.atomic
def pilot_product_withdraw(*, product: PilotProduct, user) -> TransitionResult:
    """Take a submitted product back to draft before any reviewer decides on it."""
    _require_perm(user, *_PERMISSION[WITHDRAW])
    product = _lock(product)
    _require_status(product, WITHDRAW)
    product.status = ReviewStatus.DRAFT
    # A draft has no submitter: the next submission names its own (four-eyes rule).
    product.submitted_by = None
    product.submitted_at = None
    _save(product, user=user, reason=HISTORY_WITHDRAWN)
    catalogue_changed(product_ids=[product.pk])
    return TransitionResult(product, MSG_WITHDRAWN % {"product": product.code})


@transaction.atomic
def pilot_product_clear_flag(
    *, product: PilotProduct, user, reason: str
) -> TransitionResult:
    """Keep a flagged approved product approved, saying why."""
    _require_perm(user, *_PERMISSION[CLEAR_FLAG])
    reason = _require_reason(reason)
    product = _lock(product)
    _require_status(product, CLEAR_FLAG)
    if not product.needs_review:
        _refuse(MSG_CLEAR_FLAG_WRONG_STATUS, "not_flagged", product=product.code)
    product.needs_review = False
    product.needs_review_note = ""
    _save(product, user=user, reason=HISTORY_FLAG_CLEARED % {"reason": reason})
    catalogue_changed(product_ids=[product.pk])
    return TransitionResult(product, MSG_FLAG_CLEARED % {"product": product.code})


def _decide(product: PilotProduct, *, user, status: str, reason: str) -> None:
    product.status = status
    product.status_reason = reason
    product.decided_by = user
    product.decided_at = timezone.now()


def _pause_active_listings(product: PilotProduct, *, user, reason: str) -> int:
    listings = list(
        Listing.objects.select_for_update().filter(
            pilot_product=product, status=ListingStatus.ACTIVE
        )
    )
    now = timezone.now()
    for listing in listings:
        listing.status = ListingStatus.PAUSED
        listing.updated_at = now
    bulk_update_with_history(
        listings,
        Listing,
        ["status", "updated_at"],
        batch_size=1_000,
        default_user=user,
        default_change_reason=str(
            MSG_LISTING_PAUSED % {"product": product.code, "reason": reason}
        ),
        default_date=now,
    )
    catalogue_changed(listing_ids=[listing.pk for listing in listings])
    return len(listings)


TRANSITIONS = {
    SUBMIT: pilot_product_submit,
    APPROVE: pilot_product_approve,
    REJECT: pilot_product_reject,
    RETIRE: pilot_product_retire,
    REOPEN: pilot_product_reopen,
    WITHDRAW: pilot_product_withdraw,
    CLEAR_FLAG: pilot_product_clear_flag,
}


def pilot_product_transition(
    *, action: str, product: PilotProduct, user, reason: str = ""
) -> TransitionResult:
    """Run one transition by name: the single door used by buttons and bulk actions."""
    service = TRANSITIONS[action]
    if action in REASON_REQUIRED:
        return service(product=product, user=user, reason=reason)
    if action == APPROVE:
        return service(product=product, user=user, note=reason)
    return service(product=product, user=user)


@transaction.atomic
def pilot_product_restore(
    *, product: PilotProduct, user, history_id: int
) -> PilotProduct:
    """Put an earlier version's content back into a draft, as a new version."""
    _require_perm(user, PERM_CHANGE, MSG_EDIT_NOT_ALLOWED)
    product = _lock(product)
    if product.status not in EDITABLE_STATUSES:
        _refuse(MSG_RESTORE_NOT_DRAFT, "not_editable")
    record = product.history.filter(history_id=history_id).first()
    if record is None:
        _refuse(MSG_RESTORE_UNKNOWN_VERSION, "unknown_version", product=product.code)
    for name in RESTORABLE_FIELDS:
        setattr(product, name, getattr(record, name))
    line_ids = record.tariff_lines.values_list("tariffline_id", flat=True)
    _save(
        product,
        user=user,
        reason=MSG_RESTORED % {"time": _time_label(record.history_date)},
    )
    product.tariff_lines.set(TariffLine.objects.filter(pk__in=list(line_ids)))
    catalogue_changed(product_ids=[product.pk])
    return product


@transaction.atomic
def cbec_edition_flag_products(
    *, edition: CbecListEdition, user=None
) -> list[PilotProduct]:
    """Flag every approved product with a tariff line missing from ``edition``."""
    on_edition = set(edition.entries.values_list("tariff_line__code", flat=True))
    flagged = []
    products = (
        PilotProduct.objects.approved()
        .select_for_update()
        .prefetch_related("tariff_lines")
        .order_by("code")
    )
    for product in products:
        missing = sorted(
            line.code
            for line in product.tariff_lines.all()
            if line.code not in on_edition
        )
        if not missing:
            continue
        note = str(MSG_FLAGGED % {"edition": edition.code, "lines": ", ".join(missing)})
        if product.needs_review and product.needs_review_note == note:
            continue
        product.needs_review = True
        product.needs_review_note = note
        _save(product, user=user, reason=note)
        flagged.append(product)
    catalogue_changed(product_ids=[product.pk for product in flagged])
    return flagged
