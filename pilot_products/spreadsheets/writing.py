"""Batched writes for imports: executemany inserts and updates plus history rows.

``Model.save()`` per row costs a round trip and a history signal each; for 100,000
rows that is minutes. Here rows that were validated in full go to the database in
a few statements, and each gets its historical record written in bulk too, so the
admin's history shows imported changes like any other change.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.db import models
from django.db.models import Max
from django.utils import timezone

from pilot_products.bulk import insert_rows, update_rows

HISTORY_CREATED = "+"
HISTORY_CHANGED = "~"


def _data_fields(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def _has_history(model: type[models.Model]) -> bool:
    return hasattr(model, "history") and hasattr(model.history, "model")


def write_instances(
    model: type[models.Model],
    *,
    creates: Sequence[models.Model],
    updates: Sequence[models.Model],
    key_fields: Sequence[str],
    user_id: int | None,
    reason: str,
) -> dict[tuple, int]:
    """Insert ``creates``, update ``updates``, write history; return new pks by key.

    ``key_fields`` are the attnames of the natural key, used to find the new rows.
    """
    now = timezone.now()
    fields = _data_fields(model)
    for instance in [*creates, *updates]:
        for field in fields:
            if getattr(field, "auto_now", False) or (
                getattr(field, "auto_now_add", False)
                and getattr(instance, field.attname) is None
            ):
                setattr(instance, field.attname, now)
    attnames = [field.attname for field in fields]
    names = [field.name for field in fields]

    new_pks: dict[tuple, int] = {}
    if creates:
        newest_before = model.objects.aggregate(newest=Max("pk"))["newest"] or 0
        insert_rows(
            model, names, ([vars(obj)[name] for name in attnames] for obj in creates)
        )
        wanted = {
            tuple(getattr(obj, name) for name in key_fields): obj for obj in creates
        }
        for *key, pk in model.objects.filter(pk__gt=newest_before).values_list(
            *key_fields, "pk"
        ):
            obj = wanted.get(tuple(key))
            if obj is not None:
                obj.pk = pk
                new_pks[tuple(key)] = pk
    if updates:
        update_rows(
            model,
            names,
            ([*(vars(obj)[name] for name in attnames), obj.pk] for obj in updates),
        )
    if _has_history(model):
        write_history(model, creates, HISTORY_CREATED, user_id, reason, now)
        write_history(model, updates, HISTORY_CHANGED, user_id, reason, now)
    return new_pks


def write_history(
    model: type[models.Model],
    instances: Sequence[models.Model],
    history_type: str,
    user_id: int | None,
    reason: str,
    when,
) -> int:
    """Insert one historical record per instance, as simple_history would on save()."""
    if not instances:
        return 0
    history_model = model.history.model
    tracked = [
        field
        for field in history_model._meta.concrete_fields
        if not field.name.startswith("history_")
    ]
    names = [field.name for field in tracked] + [
        "history_date",
        "history_change_reason",
        "history_type",
        "history_user",
    ]
    attnames = [field.attname for field in tracked]
    trailer: Callable[[], list[Any]] = lambda: [when, reason, history_type, user_id]  # noqa: E731
    return insert_rows(
        history_model,
        names,
        ([*(vars(obj)[name] for name in attnames), *trailer()] for obj in instances),
    )
