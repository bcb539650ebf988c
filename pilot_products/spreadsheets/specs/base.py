"""What every resource spec shares: building, validating and diffing one row.

A spec holds configuration (its columns, the scope) and the lookups it fetched for
the file (``start``) and for the current slice (``prepare``); it keeps nothing about
a row. Each row goes through one stateless lifecycle, like pretix's ImportColumn:

1. ``resolve``: natural keys to ids, returning the row's own context (what later
   stages need about this row: its tiers, its product's state...);
2. clean: the model's field rules (``clean_fields``), then ``check_rules`` with the
   row's context and the row's current state in the database, calling the same
   rule functions as the forms and services;
3. assign: the instance and what it changes, then ``check_change`` for rules that
   only apply to a change (a reviewed product is not changed, a delisted listing
   stays delisted).
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pilot_products.models import Wholesaler

from ..columns import Column
from ..writing import write_instances

MSG_UNKNOWN = _("No %(what)s with the code “%(code)s” exists.")
MSG_REQUIRED = _("This cell must not be empty.")

NEW = "new"
UPDATED = "updated"
UNCHANGED = "unchanged"


@dataclass
class Scope:
    """Who imports or exports, and for which wholesaler (portal) if any."""

    user: Any = None
    wholesaler: Wholesaler | None = None
    #: An import run (not an export or a template): import-only columns apply.
    importing: bool = False
    #: The photos ZIP uploaded beside the sheet (``photos.archive.PhotoArchive``).
    photos: Any = None
    #: The user chose to write rows older than the database's (``ImportRecord``).
    overwrite_stale: bool = False


@dataclass
class Candidate:
    """A valid row, ready to be written."""

    row: int
    key: tuple
    instance: models.Model
    action: str
    changed: list[str] = field(default_factory=list)
    extra: Any = None
    #: (column key, old value, new value) as the user reads them, per changed cell.
    diffs: list[tuple[str, str, str]] = field(default_factory=list)


class RowInvalid(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def add_error(errors: dict[str, list[str]], column: str, message) -> None:
    errors.setdefault(column, []).append(str(message))


def messages_of(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


class Spec:
    """One importable, exportable resource (subclasses fill in the details)."""

    name: ClassVar[str]
    model: ClassVar[type[models.Model]]
    columns: ClassVar[tuple[Column, ...]]
    #: Attnames of the natural key in the database, e.g. ("wholesaler_id", "sku").
    key_fields: ClassVar[tuple[str, ...]]
    #: Attnames filled from lookups, mapped to the column they come from.
    lookup_columns: ClassVar[dict[str, str]] = {}
    #: Attnames filled from a code -> id dict the spec keeps (its attribute named
    #: here), so that a preview shows the code, not the id: {"category_id": "categories"}.
    lookup_codes: ClassVar[dict[str, str]] = {}
    #: Model fields checked by lookups instead of clean_fields (no query per row).
    clean_exclude: ClassVar[tuple[str, ...]] = ()

    def __init__(self, scope: Scope | None = None):
        self.scope = scope or Scope()
        #: Rows already in the database by natural key: a dict of attnames, or (to
        #: save memory on large tables) a tuple in ``existing_attnames`` order.
        self.existing: dict[tuple, dict[str, Any] | tuple] = {}
        self.existing_attnames: list[str] = []
        self._codes_by_id: dict[str, dict] = {}
        self.column_order = {c.key: i for i, c in enumerate(self.columns)}
        self.column_of = {c.field: c.key for c in self.columns if c.field}
        self.column_of.update(self.lookup_columns)
        self.defaults = {
            f.attname: f.get_default()
            for f in self.model._meta.concrete_fields
            if f.has_default() and f.get_default() not in ("", None)
        }

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    # Hooks -----------------------------------------------------------------------

    def optional_columns(self) -> set[str]:
        """Required columns that this scope may leave out."""
        return set()

    def example(self, column: Column) -> Any:
        """The value a blank template shows for ``column`` to this scope."""
        return column.example

    def list_values(self, column: Column) -> list[str] | None:
        """The values a template offers as ``column``'s drop-down (from the
        database, for this scope), or None for no drop-down."""
        return None

    def start(self) -> None:
        """Fetch, once per file, what validation needs whatever the rows are."""

    def prepare(self, records: list[dict[str, Any]]) -> None:
        """Fetch what one slice of rows needs (lookups, existing rows) at once.

        ``records`` are the parsed values of the slice's rows that parsed cleanly.
        """

    def resolve(
        self, values: dict[str, Any], fields: dict[str, Any], errors: dict
    ) -> Any:
        """Turn natural keys into ids in ``fields``; return the row's extra data."""
        return None

    def key_of(self, fields: dict[str, Any]) -> tuple | None:
        try:
            key = tuple(fields[name] for name in self.key_fields)
        except KeyError:
            return None
        return None if any(part in ("", None) for part in key) else key

    def check_rules(
        self, instance, row: Any, existing: dict[str, Any] | None, errors: dict
    ) -> None:
        """Cross-field and cross-model rules, with data fetched in ``prepare``.

        ``row`` is what ``resolve`` returned for this row, ``existing`` the row's
        current state in the database (None for a new row).
        """

    def check_change(
        self, candidate: Candidate, row: Any, existing: dict[str, Any], errors: dict
    ) -> None:
        """Rules for a row that changes an existing object (after the diff)."""

    def extra_of(self, row: Any) -> Any:
        """The part of ``row`` written beside the model's fields (tiers, lines...)."""
        return row

    def existing_extra(self, state: dict[str, Any]) -> Any:
        return None

    def display(self, attname: str, value: Any) -> str:
        """A stored value as the preview shows it (ids as the codes users type)."""
        if value is None:
            return ""
        if attname in self.lookup_codes:
            codes = self._codes_by_id.get(attname)
            if codes is None:
                codes = {
                    pk: code
                    for code, pk in getattr(self, self.lookup_codes[attname]).items()
                }
                self._codes_by_id[attname] = codes
            return str(codes.get(value, value))
        if isinstance(value, bool):
            return gettext("yes") if value else gettext("no")
        return str(value)

    def display_extra(self, extra: Any) -> str:
        return "" if extra is None else str(extra)

    def write(self, candidates: list[Candidate], user_id, reason: str) -> None:
        """Create the new rows and update the changed ones in bulk, with history.

        Called once per slice of the file, inside the import's transaction.
        """
        write_instances(
            self.model,
            creates=[c.instance for c in candidates if c.action == NEW],
            updates=[
                c.instance for c in candidates if c.action not in (NEW, UNCHANGED)
            ],
            key_fields=self.key_fields,
            user_id=user_id,
            reason=reason,
        )

    def after_write(self, user) -> list[str]:
        """Follow-up writes once every slice is written, in the import's transaction.

        Return messages for the user (e.g. which products were flagged for review).
        """
        return []

    def discard(self) -> None:
        """Undo what a rolled-back import left outside the database (stored files)."""

    def export_queryset(self, queryset=None) -> models.QuerySet:
        """The rows to export: ``queryset`` (e.g. a filtered changelist) or all."""
        return self.model._default_manager.all() if queryset is None else queryset

    def export_rows(self, queryset) -> Iterator[list[Any]]:
        raise NotImplementedError

    # Shared behaviour ------------------------------------------------------------

    def build(
        self,
        row: int,
        values: dict[str, Any],
        present: set[str],
        failed: set[str] = frozenset(),
    ) -> Candidate:
        """Validate one parsed row like a form would; raise RowInvalid with reasons.

        ``failed`` are the columns whose cells did not parse (their messages are
        the caller's): the rest of the row is still checked, so that every mistake
        of the row is reported at once, but the cross-field rules, which need every
        value, wait until the row parses.
        """
        errors: dict[str, list[str]] = {}
        fields: dict[str, Any] = {}
        present = present - failed
        for column in self.columns:
            if column.field and column.key in present and not column.read_only:
                fields[column.field] = values[column.key]
        optional = self.optional_columns()
        for column in self.columns:
            if (
                column.required
                and column.key in present
                and column.key not in optional
                and values[column.key] in ("", None, ())
            ):
                add_error(errors, column.key, MSG_REQUIRED)
        row_context = self.resolve(values, fields, errors)
        extra = self.extra_of(row_context)
        key = self.key_of(fields)
        if key is None:
            raise RowInvalid(errors or ({} if failed else {"": [str(MSG_REQUIRED)]}))
        existing = self.existing.get(key)
        if isinstance(existing, tuple):
            existing = dict(zip(self.existing_attnames, existing, strict=True))
        state = dict(existing) if existing else {}
        for attname, value in fields.items():
            if value in ("", None) and attname in self.defaults:
                if existing:
                    continue
                value = self.defaults[attname]
            state[attname] = value
        instance = self.model(**state)
        try:
            instance.clean_fields(exclude=self.clean_exclude)
        except ValidationError as error:
            for attname, field_errors in error.error_dict.items():
                column = self.column_of.get(attname) or self.column_of.get(
                    f"{attname}_id", ""
                )
                if column in failed or str(MSG_REQUIRED) in errors.get(column, ()):
                    # The cell's own message says it already ("must not be empty").
                    continue
                for message in field_errors:
                    add_error(errors, column, " ".join(messages_of(message)))
        if not errors and not failed:
            self.check_rules(instance, row_context, existing, errors)
        if errors or failed:
            raise RowInvalid(errors)
        if existing is None:
            return Candidate(row, key, instance, NEW, extra=extra)
        changed, diffs = [], []
        for attname in fields:
            new_value, old_value = vars(instance).get(attname), existing.get(attname)
            if new_value != old_value:
                column = self.column_of.get(attname, attname)
                changed.append(column)
                diffs.append(
                    (
                        column,
                        self.display(attname, old_value),
                        self.display(attname, new_value),
                    )
                )
        if extra is not None and extra != self.existing_extra(existing):
            changed.append(self.extra_column)
            diffs.append(
                (
                    self.extra_column,
                    self.display_extra(self.existing_extra(existing)),
                    self.display_extra(extra),
                )
            )
        if len(diffs) > 1:  # in the file's column order, as the user reads the row
            diffs.sort(key=lambda diff: self.column_order.get(diff[0], 0))
            changed = [column for column, _old, _new in diffs]
        candidate = Candidate(
            row, key, instance, UPDATED if changed else UNCHANGED, changed, extra, diffs
        )
        if changed:
            self.check_change(candidate, row_context, existing, errors)
            if errors:
                raise RowInvalid(errors)
        return candidate

    extra_column = ""

    def add_rule_error(self, errors: dict, attname: str, error: ValidationError):
        """Put a rule's error under the column of ``attname`` ("" for the row)."""
        self.map_rule_errors(errors, {attname: [error]})

    def map_rule_errors(self, errors: dict, rule_errors: dict) -> None:
        for attname, field_errors in rule_errors.items():
            column = self.column_of.get(f"{attname}_id") or self.column_of.get(
                attname, ""
            )
            if attname == NON_FIELD_ERRORS:
                column = ""
            for error in field_errors:
                for message in messages_of(error):
                    add_error(errors, column, message)
