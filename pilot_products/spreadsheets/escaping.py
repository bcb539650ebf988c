"""Formula escaping: a cell that Excel would run as a formula is exported as text.

Every export path (admin, command line, portal, templates, error workbooks) writes
cells through ``escape_formula``; imports undo it with ``unescape_formula`` so that an
exported file imports back unchanged.
"""

from typing import Any

#: Characters that make Excel, LibreOffice or WPS treat a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE_PREFIX = "'"
#: The same characters as a set, for a fast test of a text's first character.
FORMULA_FIRST = frozenset(FORMULA_STARTS)


def escape_formula(value: Any) -> Any:
    """Prefix a text cell that starts like a formula with an apostrophe."""
    if isinstance(value, str) and value[:1] in FORMULA_FIRST:
        return ESCAPE_PREFIX + value
    return value


def unescape_formula(value: str) -> str:
    """Remove the apostrophe ``escape_formula`` added."""
    if value.startswith(ESCAPE_PREFIX) and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
