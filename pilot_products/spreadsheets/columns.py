"""Columns of a spreadsheet resource and how user-written headers map onto them."""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

MSG_UNKNOWN_COLUMN = _(
    "Unknown column “%(header)s”: remove it or rename it to one of: %(known)s."
)
MSG_MISSING_COLUMN = _("The required column “%(header)s” is missing.")
MSG_DUPLICATE_COLUMN = _("The column “%(header)s” appears twice.")
MSG_EMPTY_HEADER = _("Column %(letter)s has data but no header.")


@dataclass(frozen=True)
class Column:
    """One column: its English key (also the header), Chinese header and parser."""

    key: str
    header_zh: str
    parse: Callable[[Any], Any]
    #: Model attname the parsed value goes to; None when the spec resolves it itself.
    field: str | None = None
    required: bool = False
    aliases: tuple[str, ...] = ()
    #: Cells are codes: the template formats the column as Text.
    is_code: bool = False
    example: Any = ""
    #: Exported for reference, ignored on import (e.g. a review status).
    read_only: bool = False
    choices: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        """The bilingual header written by exports and templates: 货号 (sku)."""
        return f"{self.header_zh} ({self.key})"

    def accepted_headers(self) -> set[str]:
        """Key, Chinese header and aliases, alone or bilingual as exports write them
        (so a file exported under an older Chinese header still reads back)."""
        names = {self.key, self.header_zh, *self.aliases}
        names |= {f"{name} ({self.key})" for name in names}
        return {normalize_header(name) for name in names}


def normalize_header(header: str) -> str:
    """Fold full-width forms, case, spaces and a required-marker star."""
    folded = unicodedata.normalize("NFKC", str(header)).strip().lower().rstrip("*")
    folded = " ".join(folded.split())
    return folded.replace(" (", "(").replace("( ", "(").replace(" )", ")")


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def match_headers(
    columns: tuple[Column, ...], headers: list[str], *, optional: set[str] = frozenset()
) -> tuple[dict[int, Column], list[str]]:
    """Map header positions to columns; return (mapping, header-level error messages)."""
    by_name: dict[str, Column] = {}
    for column in columns:
        for name in column.accepted_headers():
            by_name[name] = column
    mapping: dict[int, Column] = {}
    errors: list[str] = []
    seen: set[str] = set()
    known = ", ".join(column.key for column in columns)
    for index, header in enumerate(headers):
        if not header:
            continue
        column = by_name.get(normalize_header(header))
        if column is None:
            errors.append(str(MSG_UNKNOWN_COLUMN % {"header": header, "known": known}))
            continue
        if column.key in seen:
            errors.append(str(MSG_DUPLICATE_COLUMN % {"header": header}))
            continue
        seen.add(column.key)
        mapping[index] = column
    for column in columns:
        if column.required and column.key not in seen and column.key not in optional:
            errors.append(str(MSG_MISSING_COLUMN % {"header": column.header}))
    return mapping, errors
