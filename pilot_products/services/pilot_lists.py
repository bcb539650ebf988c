"""Versions of the pilot list: draft a copy, change its products, publish, compare."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilot_products.models import (
    PilotList,
    PilotListStatus,
    PilotProduct,
    ReviewStatus,
)

PERM_ADD = "pilot_products.add_pilotlist"
PERM_CHANGE = "pilot_products.change_pilotlist"
PERM_PUBLISH = "pilot_products.publish_pilotlist"

MSG_ADD_NOT_ALLOWED = _("You do not have permission to draft pilot list versions.")
MSG_CHANGE_NOT_ALLOWED = _("You do not have permission to change pilot list versions.")
MSG_PUBLISH_NOT_ALLOWED = _("Only pilot reviewers can publish pilot list versions.")
MSG_NOT_DRAFT = _(
    "Version %(version)s is published and can no longer be changed: copy it into a "
    "new draft version instead."
)
MSG_RETIRED_PRODUCTS = _(
    "Retired or rejected products cannot be put on a version: %(products)s."
)
MSG_PUBLISH_EMPTY = _("A version without products cannot be published.")
MSG_PUBLISH_NOT_APPROVED = _(
    "Every product on a published version must be approved. Not approved: %(products)s."
)
MSG_PUBLISH_BEFORE_CURRENT = _(
    "The effective date must not be earlier than that of the version in force "
    "(%(version)s, in force from %(date)s)."
)

HISTORY_CREATED = _("Drafted")
HISTORY_EDITED = _("Edited")
HISTORY_COPIED = _("Drafted as a copy of version %(version)s")
HISTORY_PRODUCTS_CHANGED = _("Products changed: added %(added)s; removed %(removed)s")
HISTORY_PUBLISHED = _("Published, in force from %(date)s")

#: Product fields compared between two versions of the list.
COMPARED_FIELDS = (
    "name_zh",
    "name_en",
    "pilot_category",
    "requirements",
    "requirements_zh",
    "status",
)


def _refuse(message, code: str, **params) -> None:
    raise ValidationError(message, code=code, params=params or None)


def _require_perm(user, perm: str, message) -> None:
    if not (user.is_active and user.has_perm(perm)):
        _refuse(message, "not_allowed")


def _require_draft(pilot_list: PilotList) -> None:
    if pilot_list.status != PilotListStatus.DRAFT:
        _refuse(MSG_NOT_DRAFT, "not_draft", version=pilot_list.version)


def _codes(products: Iterable[PilotProduct]) -> str:
    return ", ".join(sorted(product.code for product in products)) or "-"


def _save(pilot_list: PilotList, *, user, reason) -> None:
    pilot_list.full_clean()
    pilot_list._history_user = user
    pilot_list._change_reason = str(reason)
    pilot_list.save()


@transaction.atomic
def pilot_list_save(*, pilot_list: PilotList, user) -> PilotList:
    """Create a draft version or save changes to one (products apart)."""
    if pilot_list.pk is None:
        _require_perm(user, PERM_ADD, MSG_ADD_NOT_ALLOWED)
        pilot_list.status = PilotListStatus.DRAFT
        reason = HISTORY_CREATED
    else:
        _require_perm(user, PERM_CHANGE, MSG_CHANGE_NOT_ALLOWED)
        _require_draft(PilotList.objects.select_for_update().get(pk=pilot_list.pk))
        reason = HISTORY_EDITED
    _save(pilot_list, user=user, reason=reason)
    return pilot_list


@transaction.atomic
def pilot_list_copy(
    *, source: PilotList, version: str, name_zh: str, name_en: str, user
) -> PilotList:
    """Draft a new version holding the same products as ``source``."""
    _require_perm(user, PERM_ADD, MSG_ADD_NOT_ALLOWED)
    products = list(
        source.products.exclude(
            status__in=[ReviewStatus.RETIRED, ReviewStatus.REJECTED]
        )
    )
    new_list = PilotList(
        version=version,
        name_zh=name_zh,
        name_en=name_en,
        status=PilotListStatus.DRAFT,
        is_illustrative=source.is_illustrative,
        source_note=source.source_note,
    )
    _save(new_list, user=user, reason=HISTORY_COPIED % {"version": source.version})
    new_list.products.set(products)
    return new_list


@transaction.atomic
def pilot_list_change_products(
    *,
    pilot_list: PilotList,
    user,
    add: Iterable[PilotProduct] = (),
    remove: Iterable[PilotProduct] = (),
) -> PilotList:
    """Add and remove product types on a draft version."""
    _require_perm(user, PERM_CHANGE, MSG_CHANGE_NOT_ALLOWED)
    pilot_list = PilotList.objects.select_for_update().get(pk=pilot_list.pk)
    _require_draft(pilot_list)
    add, remove = list(add), list(remove)
    unusable = [
        product
        for product in add
        if product.status in (ReviewStatus.RETIRED, ReviewStatus.REJECTED)
    ]
    if unusable:
        _refuse(MSG_RETIRED_PRODUCTS, "product_not_usable", products=_codes(unusable))
    if not (add or remove):
        return pilot_list
    pilot_list._history_user = user
    pilot_list._change_reason = str(
        HISTORY_PRODUCTS_CHANGED % {"added": _codes(add), "removed": _codes(remove)}
    )
    if remove:
        pilot_list.products.remove(*remove)
    if add:
        pilot_list.products.add(*add)
    return pilot_list


def pilot_list_set_products(
    *, pilot_list: PilotList, user, products: Iterable[PilotProduct]
) -> PilotList:
    """Make a draft version hold exactly ``products``."""
    wanted = {product.pk: product for product in products}
    held = {product.pk: product for product in pilot_list.products.all()}
    return pilot_list_change_products(
        pilot_list=pilot_list,
        user=user,
        add=[product for pk, product in wanted.items() if pk not in held],
        remove=[product for pk, product in held.items() if pk not in wanted],
    )


@transaction.atomic
def pilot_list_publish(*, pilot_list: PilotList, user, effective_on: date) -> PilotList:
    """Publish a draft version, in force from ``effective_on``."""
    _require_perm(user, PERM_PUBLISH, MSG_PUBLISH_NOT_ALLOWED)
    pilot_list = PilotList.objects.select_for_update().get(pk=pilot_list.pk)
    _require_draft(pilot_list)
    products = list(pilot_list.products.all())
    if not products:
        _refuse(MSG_PUBLISH_EMPTY, "empty")
    not_approved = [p for p in products if p.status != ReviewStatus.APPROVED]
    if not_approved:
        _refuse(MSG_PUBLISH_NOT_APPROVED, "not_approved", products=_codes(not_approved))
    latest = (
        PilotList.objects.filter(status=PilotListStatus.PUBLISHED)
        .order_by("-effective_on")
        .first()
    )
    if latest is not None and effective_on < latest.effective_on:
        _refuse(
            MSG_PUBLISH_BEFORE_CURRENT,
            "before_current",
            version=latest.version,
            date=latest.effective_on.isoformat(),
        )
    pilot_list.status = PilotListStatus.PUBLISHED
    pilot_list.effective_on = effective_on
    pilot_list.issued_on = pilot_list.issued_on or timezone.localdate()
    pilot_list.published_by = user
    pilot_list.published_at = timezone.now()
    _save(
        pilot_list,
        user=user,
        reason=HISTORY_PUBLISHED % {"date": effective_on.isoformat()},
    )
    return pilot_list


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class ProductChange:
    product: PilotProduct
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class PilotListComparison:
    old: PilotList
    new: PilotList
    added: list[PilotProduct]
    removed: list[PilotProduct]
    changed: list[ProductChange]
    unchanged: list[PilotProduct]


def _snapshot_time(pilot_list: PilotList) -> datetime:
    """When the version's content is read: when it was published, or now for a draft.

    A version loaded as published (reference data) is read as of its last recorded
    change, the moment its products were set.
    """
    if pilot_list.status == PilotListStatus.DRAFT:
        return timezone.now()
    if pilot_list.published_at is not None:
        return pilot_list.published_at
    last = pilot_list.history.order_by("-history_date").first()
    return last.history_date if last else timezone.now()


def pilot_list_compare(*, old: PilotList, new: PilotList) -> PilotListComparison:
    """Say which products ``new`` adds, removes and changes compared with ``old``."""
    old_products = {p.pk: p for p in old.products.all()}
    new_products = {p.pk: p for p in new.products.all()}
    common = sorted(
        (new_products[pk] for pk in old_products.keys() & new_products.keys()),
        key=lambda product: product.code,
    )
    states = _states_at(
        [product.pk for product in common],
        [_snapshot_time(old), _snapshot_time(new)],
    )
    changed, unchanged = [], []
    for product in common:
        before, after = states[product.pk]
        changes = _field_changes(before, after)
        if changes:
            changed.append(ProductChange(product, changes))
        else:
            unchanged.append(product)
    return PilotListComparison(
        old=old,
        new=new,
        added=sorted(
            (p for pk, p in new_products.items() if pk not in old_products),
            key=lambda product: product.code,
        ),
        removed=sorted(
            (p for pk, p in old_products.items() if pk not in new_products),
            key=lambda product: product.code,
        ),
        changed=changed,
        unchanged=unchanged,
    )


def _states_at(
    product_ids: list[int], moments: list[datetime]
) -> dict[int, list[dict | None]]:
    """Return each product's recorded state at each moment, read in two queries."""
    records = list(
        PilotProduct.history.filter(id__in=product_ids).order_by(
            "id", "history_date", "history_id"
        )
    )
    lines_by_record = defaultdict(list)
    for row in (
        apps.get_model("pilot_products", "HistoricalPilotProduct_tariff_lines")
        .objects.filter(history_id__in=[record.history_id for record in records])
        .select_related("tariffline")
    ):
        lines_by_record[row.history_id].append(row.tariffline.code)
    by_product = defaultdict(list)
    for record in records:
        record.line_codes = " ".join(sorted(lines_by_record[record.history_id]))
        by_product[record.id].append(record)
    states: dict[int, list[dict | None]] = {}
    for product_id in product_ids:
        history = by_product.get(product_id, [])
        states[product_id] = [_state(_record_at(history, moment)) for moment in moments]
    return states


def _record_at(history: list, moment: datetime):
    if not history:
        return None
    reached = [record for record in history if record.history_date <= moment]
    return reached[-1] if reached else history[0]


def _state(record) -> dict | None:
    if record is None:
        return None
    state = {name: getattr(record, name) for name in COMPARED_FIELDS}
    state["tariff_lines"] = record.line_codes
    return state


def _field_changes(before: dict | None, after: dict | None) -> list[FieldChange]:
    if before is None or after is None:
        return []
    labels = {
        name: str(PilotProduct._meta.get_field(name).verbose_name)
        for name in (*COMPARED_FIELDS, "tariff_lines")
    }
    displays = {
        "pilot_category": dict(PilotProduct._meta.get_field("pilot_category").choices),
        "status": dict(PilotProduct._meta.get_field("status").choices),
    }
    changes = []
    for name, label in labels.items():
        if before[name] != after[name]:
            display = displays.get(name, {})
            changes.append(
                FieldChange(
                    label,
                    str(display.get(before[name], before[name])),
                    str(display.get(after[name], after[name])),
                )
            )
    return changes
