"""The one rule for text that does not show what it holds, applied at every door.

Text a user types or uploads is refused (never silently changed) when it holds:

- a control character (Unicode category Cc) other than tab, line feed and carriage
  return: BEL, ESC, VT, DEL, the C1 controls... They cannot be shown, and a
  spreadsheet cell cannot hold most of them, so one such title would break every
  workbook it is written to;
- a format character (Cf): bidi overrides, embeddings and isolates (U+202A-U+202E,
  U+2066-U+2069), marks (U+200E, U+200F, U+061C), zero-width characters (U+200B-U+200D,
  U+2060, U+FEFF), the soft hyphen... They make text read differently from what it
  holds: a right-to-left override turns ``abc`` into ``cba`` on the page, a zero-width
  space makes two equal-looking SKUs differ;
- a line or paragraph separator (U+2028, U+2029) or a lone surrogate.

Refusing rather than stripping keeps the rule honest: what is stored is what the user
sent, and the message names the character and its place so they can find it. Model
fields carry ``validate_plain_text`` (so forms, the admin and ``full_clean`` apply
it) and the spreadsheet cell parsers call it for every text cell.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MSG_CONTROL_CHARACTER = _(
    "The text contains an invisible control character (%(char)s) at position "
    "%(position)s: retype the text or paste it as plain text."
)
MSG_INVISIBLE_CHARACTER = _(
    "The text contains an invisible formatting character (%(char)s) at position "
    "%(position)s, which makes it read differently from what it holds: retype the "
    "text or paste it as plain text."
)

#: Control characters that plain text may hold.
ALLOWED_CONTROLS = frozenset("\t\n\r")
_REFUSED_FORMAT = frozenset({"Cf", "Zl", "Zp", "Cs"})


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    code = f"U+{ord(char):04X}"
    return f"{code} {name}" if name else code


def first_hidden_character(value: str) -> tuple[int, str, str] | None:
    """Return (1-based position, character, code) of the first refused one, or None."""
    if value.isprintable():
        # Fast path: every refused character is non-printable for Python.
        return None
    for position, char in enumerate(value, start=1):
        if char.isprintable() or char in ALLOWED_CONTROLS:
            continue
        category = unicodedata.category(char)
        if category == "Cc":
            return position, char, "control_character"
        if category in _REFUSED_FORMAT:
            return position, char, "invisible_character"
    return None


def validate_plain_text(value) -> None:
    """Refuse control and invisible formatting characters (see the module docstring)."""
    if value is None:
        return
    found = first_hidden_character(str(value))
    if found is None:
        return
    position, char, code = found
    message = (
        MSG_CONTROL_CHARACTER
        if code == "control_character"
        else MSG_INVISIBLE_CHARACTER
    )
    raise ValidationError(
        message, code=code, params={"char": _describe(char), "position": position}
    )


def reveal_hidden_characters(value: str) -> str:
    """Write every refused character as ``[U+202E]``: for showing a rejected value back
    (the rejected-rows workbook), never for what is saved."""
    if first_hidden_character(value) is None:
        return value
    return "".join(
        f"[U+{ord(char):04X}]"
        if not (char.isprintable() or char in ALLOWED_CONTROLS)
        and (
            unicodedata.category(char) == "Cc"
            or unicodedata.category(char) in _REFUSED_FORMAT
        )
        else char
        for char in value
    )
