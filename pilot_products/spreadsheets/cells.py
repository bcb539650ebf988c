"""Strict cell parsing: every value a spreadsheet can hold is understood or refused.

Parsers take what the reader produced (``str`` from CSV; ``str``, ``int``, ``float``,
``bool``, ``datetime`` or ``None`` from XLSX) and return a Python value or raise
``ValidationError`` with a message that tells the user how to fix the cell in Excel.
Nothing is guessed: ``9,50`` or ``$12`` is refused, not read as something plausible.
"""

import functools
import math
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from pilot_products.text_rules import (
    MSG_CONTROL_CHARACTER as MSG_CONTROL_CHARACTER,  # re-exported for callers
)
from pilot_products.text_rules import validate_plain_text
from pilot_products.validators import (
    FULL_WIDTH_DIGITS,
    validate_customs_code,
    validate_tariff_line,
)

from .escaping import unescape_formula

MSG_CODE_NUMBER_CELL = _(
    "This cell holds a number, not a code: format the column as Text and type the "
    "code again, e.g. 04011000."
)
MSG_CODE_LEADING_ZERO = _(
    "The code is one digit short: Excel probably dropped its leading zero. Format "
    "the column as Text and type the code with the zero, e.g. 04011000."
)
MSG_TEXT_NUMBER_CELL = _(
    "This cell holds a number; an article number must be text. Format the column as "
    "Text and type it again."
)
MSG_NOT_A_NUMBER = _("Enter a number, e.g. 120.")
MSG_NOT_FINITE = _("NaN and infinity are not numbers: enter a real value.")
MSG_FULL_WIDTH_NUMBER = _(
    "Use ASCII digits 0-9, not full-width digits (０-９): retype the number in "
    "half-width mode."
)
MSG_WHOLE_NUMBER = _("Enter a whole number, e.g. 100 (not 2.5).")
MSG_THOUSANDS = _(
    "A comma is only allowed between groups of three digits, e.g. 1,000 or 1,234.50; "
    "use a point for decimals."
)
MSG_CURRENCY = _(
    "Prices are in Chinese yuan (CNY): remove the currency sign or code and enter "
    "the amount in yuan, e.g. 12.50."
)
MSG_DECIMAL_PLACES = _("Use at most two decimal places, e.g. 12.50.")
MSG_BOOLEAN = _("Enter yes or no (是 or 否).")
MSG_DATE = _(
    "Enter a date as year-month-day, e.g. 2025-03-01, or format the cell as a date."
)
MSG_CHOICE = _("Choose one of: %(choices)s.")
MSG_COUNTRY = _(
    "Enter the country as its two-letter ISO code or its name in English or Chinese, "
    "e.g. JP or Japan."
)
MSG_TIERS = _(
    "Write price tiers as quantity=price pairs separated by semicolons, e.g. "
    "100=9.50;500=8.80."
)
MSG_TIERS_TIME = _(
    "The spreadsheet program turned these price tiers into a time (it reads "
    "100:8.34 as hours and minutes). Format the column as Text and write the tiers "
    "as quantity=price, e.g. 100=9.50;500=8.80."
)
MSG_VERSION = _(
    "Leave the version cell as the export wrote it (e.g. v1764658621123456), or "
    "empty for a new row: it tells whether the row changed since the export."
)
MSG_BOOTH_ADDRESS = _(
    "Write the booth as district, floor, street and number, e.g. 5区 1楼 12街 12345."
)

THOUSANDS = re.compile(r"[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
NON_FINITE = {"nan", "inf", "-inf", "+inf", "infinity", "-infinity", "#num!"}
CNY_PREFIXES = ("¥", "￥", "CNY", "RMB")
OTHER_CURRENCIES = re.compile(r"(US\$|HK\$|[$€£₩]|USD|EUR|GBP|JPY|KRW|HKD)", re.I)
TRUE_WORDS = {"1", "true", "yes", "y", "是", "x", "✓"}
FALSE_WORDS = {"0", "false", "no", "n", "否"}
LIST_SEPARATORS = re.compile(r"[;,；，、\s]+")
TIER_SEPARATORS = re.compile(r"[;；\n]+")
#: A tier as a spreadsheet program shows it after reading it as a time: minutes
#: with a leading zero or seconds (40:08.34, 100:08:00), never a price as typed.
MANGLED_TIER = re.compile(r"[0-9]+:(0[0-9][.:][0-9]+|[0-9]{2}:[0-9]{2}([.][0-9]+)?)")
BOOTH_ADDRESS = re.compile(
    r"(?P<district>[0-9]+)区\s*(?:(?P<gate>[0-9A-Za-z]+)门\s*)?"
    r"(?P<floor>[0-9]+)楼\s*(?P<street>[0-9]+)街\s*(?P<number>[0-9]+)"
)

Parser = Callable[[Any], Any]


def _checked_text(value: str) -> str:
    """Text as typed: the one text rule of every door (``text_rules``) applies."""
    validate_plain_text(value)
    return unescape_formula(value.strip())


def text(value: Any) -> str:
    """Free text: names, titles, remarks. Numbers become their digits."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        _require_finite(value)
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return _checked_text(str(value))


def identifier(value: Any) -> str:
    """Text that users often type as digits (SKU, booth number): numbers are refused."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValidationError(MSG_TEXT_NUMBER_CELL, code="number_cell")
    return text(value)


def _number_as_code(value: int | float) -> str:
    """The digits of a numeric cell (a spreadsheet program turned a code into a
    number): an integer keeps all its digits, anything else is shown as it is."""
    if isinstance(value, float):
        _require_finite(value)
        if not value.is_integer():
            return repr(value)
        value = int(value)
    return str(value)


def _code(validator: Callable[[str], None], length: int) -> Parser:
    """A numeric code (tariff line, customs code), typed as text or saved as a number.

    A number with the code's full length is the code (LibreOffice and Excel turn a
    CSV's codes into numbers on "save as XLSX"); one digit short, the leading zero
    was dropped, and only then does the message say so.
    """

    def parse(value: Any) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            code = _number_as_code(value)
            if code.isdigit() and len(code) == length - 1:
                raise ValidationError(MSG_CODE_LEADING_ZERO, code="leading_zero")
            if not (code.isdigit() and len(code) == length):
                raise ValidationError(MSG_CODE_NUMBER_CELL, code="number_cell")
            validator(code)
            return code
        code = text(value)
        if code.isascii() and code.isdigit() and len(code) == length - 1:
            raise ValidationError(MSG_CODE_LEADING_ZERO, code="leading_zero")
        if code:
            validator(code)
        return code

    return parse


tariff_line = _code(validate_tariff_line, 8)
customs_code = _code(validate_customs_code, 10)


def _require_finite(value: float) -> None:
    if math.isnan(value) or math.isinf(value):
        raise ValidationError(MSG_NOT_FINITE, code="not_finite")


def _number_text(value: str) -> str:
    """Return the digits of a typed number, refusing anything ambiguous."""
    if FULL_WIDTH_DIGITS.search(value):
        raise ValidationError(MSG_FULL_WIDTH_NUMBER, code="full_width")
    if value.lower() in NON_FINITE:
        raise ValidationError(MSG_NOT_FINITE, code="not_finite")
    if "," in value:
        if not THOUSANDS.fullmatch(value):
            raise ValidationError(MSG_THOUSANDS, code="thousands")
        value = value.replace(",", "")
    if not PLAIN_NUMBER.fullmatch(value):
        raise ValidationError(MSG_NOT_A_NUMBER, code="not_a_number")
    return value


def integer(value: Any) -> int | None:
    """A whole number; ``2.5`` is refused, ``2.0`` and ``1,000`` are understood."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError(MSG_NOT_A_NUMBER, code="not_a_number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        _require_finite(value)
        if not value.is_integer():
            raise ValidationError(MSG_WHOLE_NUMBER, code="whole_number")
        return int(value)
    digits = _number_text(text(value))
    if not digits:
        return None
    number = Decimal(digits)
    if number != number.to_integral_value():
        raise ValidationError(MSG_WHOLE_NUMBER, code="whole_number")
    return int(number)


def money(value: Any) -> Decimal | None:
    """An amount in CNY with at most two decimals; a leading ¥, CNY or RMB is allowed."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError(MSG_NOT_A_NUMBER, code="not_a_number")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        _require_finite(value)
        amount = Decimal(repr(value))
    else:
        typed = text(value)
        for prefix in CNY_PREFIXES:
            if typed.upper().startswith(prefix):
                typed = typed[len(prefix) :].strip()
                break
        if typed.endswith("元"):
            typed = typed[:-1].strip()
        if OTHER_CURRENCIES.search(typed):
            raise ValidationError(MSG_CURRENCY, code="currency")
        digits = _number_text(typed)
        if not digits:
            return None
        try:
            amount = Decimal(digits)
        except InvalidOperation as error:  # pragma: no cover - the regex rules it out
            raise ValidationError(MSG_NOT_A_NUMBER, code="not_a_number") from error
    if amount.as_tuple().exponent < -2:
        raise ValidationError(MSG_DECIMAL_PLACES, code="decimal_places")
    return amount.quantize(Decimal("0.01"))


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise ValidationError(MSG_BOOLEAN, code="boolean")
    word = text(value).lower()
    if word == "" or word in FALSE_WORDS:
        return False
    if word in TRUE_WORDS:
        return True
    raise ValidationError(MSG_BOOLEAN, code="boolean")


def date_value(value: Any) -> date | None:
    """A date from a date cell or written year first (2025-03-01 or 2025/3/1)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    typed = text(value)
    if not typed:
        return None
    match = re.fullmatch(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})", typed)
    if not match:
        raise ValidationError(MSG_DATE, code="date")
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError as error:
        raise ValidationError(MSG_DATE, code="date") from error


def choice(choices_class, words: dict[str, str] | None = None) -> Parser:
    """Accept a choice's value or its label in English or Chinese, in any case.

    ``words`` adds what users type besides the labels (a listing's status as the
    button that sets it: 上架 / Activate), each mapped to the value.
    """
    accepted: dict[str, str] = {
        word.lower(): value for word, value in (words or {}).items()
    }
    for value, label in choices_class.choices:
        accepted[value.lower()] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                accepted.setdefault(str(label).lower(), value)

    def parse(value: Any) -> str:
        typed = text(value).lower()
        if not typed:
            return ""
        if typed not in accepted:
            raise ValidationError(
                MSG_CHOICE,
                code="choice",
                params={"choices": ", ".join(choices_class.values)},
            )
        return accepted[typed]

    parse.choices = tuple(choices_class.values)
    return parse


@functools.cache
def country_codes() -> frozenset[str]:
    """The codes CountryField accepts (its own check translates every name per call)."""
    return frozenset(countries.countries)


@functools.cache
def country_names() -> dict[str, str]:
    """Country names in English and Chinese (folded to lower case) -> ISO code."""
    names: dict[str, str] = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for code, name in countries:
                names.setdefault(str(name).lower(), code)
    return names


def country(value: Any) -> str:
    """A country as its ISO code (two or three letters) or its English or Chinese
    name: JP, JPN, Japan, 日本."""
    typed = text(value)
    code = typed.upper()
    if not code:
        return ""
    if code in country_codes():
        return code
    if len(code) == 3 and (alpha2 := countries.alpha2(code)) in country_codes():
        return alpha2
    by_name = country_names().get(" ".join(typed.lower().split()))
    if by_name is None:
        raise ValidationError(MSG_COUNTRY, code="country")
    return by_name


def case_insensitive_code(value: Any) -> str:
    """A code whose letters are capitals by rule (pilot products: P27): ``p27`` is
    the same code, so it is read in capitals."""
    return identifier(value).upper()


def code_list(item_parser: Parser) -> Parser:
    """Several codes in one cell, separated by ; or , (full-width too) or spaces."""

    def parse(value: Any) -> tuple[str, ...]:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return (item_parser(value),)
        items = [item for item in LIST_SEPARATORS.split(text(value)) if item]
        return tuple(item_parser(item) for item in items)

    return parse


def tiers(value: Any) -> tuple[tuple[int, Decimal], ...]:
    """Price tiers written ``100=9.50;500=8.80`` (full-width ＝ and ；accepted).

    The ``=`` form is what exports and templates write: no spreadsheet program
    reads it as anything but text. The older ``100:9.50`` is still read, but
    LibreOffice, Excel and WPS turn it into a time when it is typed or a CSV is
    opened; such a time (a time or date cell, or text like
    ``40:08.34``) is refused with a message that says what happened.
    """
    if isinstance(value, time | timedelta | date):
        raise ValidationError(MSG_TIERS_TIME, code="tiers_time")
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValidationError(MSG_TIERS, code="tiers")
    typed = text(value).replace("：", ":").replace("＝", "=")
    result = []
    for part in TIER_SEPARATORS.split(typed):
        part = part.strip()
        if not part:
            continue
        if MANGLED_TIER.fullmatch(part):
            raise ValidationError(MSG_TIERS_TIME, code="tiers_time")
        separator = "=" if "=" in part else ":"
        if part.count(separator) != 1 or (separator == "=" and ":" in part):
            raise ValidationError(MSG_TIERS, code="tiers")
        quantity, price = (piece.strip() for piece in part.split(separator))
        parsed_quantity, parsed_price = integer(quantity), money(price)
        if parsed_quantity is None or parsed_price is None:
            raise ValidationError(MSG_TIERS, code="tiers")
        result.append((parsed_quantity, parsed_price))
    return tuple(result)


def format_tiers(pairs) -> str:
    """Tiers as exports and templates write them (see ``tiers``)."""
    return ";".join(f"{quantity}={price}" for quantity, price in pairs)


#: Microseconds since the epoch, with a letter in front so that no spreadsheet
#: program reads the cell as a number (and rounds it) or as a date.
VERSION_PREFIX = "v"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def version_number(changed_at: datetime) -> int:
    """A last-changed timestamp as the version number it is compared by."""
    return (changed_at - EPOCH) // timedelta(microseconds=1)


def version_of(changed_at: datetime) -> str:
    """The version cell of a row last changed at ``changed_at`` (read-only column)."""
    return f"{VERSION_PREFIX}{version_number(changed_at)}"


def version(value: Any) -> int | None:
    """A version cell as exported (``v`` and microseconds), or None when empty."""
    typed = text(value)
    if not typed:
        return None
    digits = typed[len(VERSION_PREFIX) :]
    if not typed.lower().startswith(VERSION_PREFIX) or not (
        digits.isascii() and digits.isdigit()
    ):
        raise ValidationError(MSG_VERSION, code="version")
    return int(digits)


class BoothLocation(tuple):
    """A booth's natural key that remembers the address as the user typed it, so a
    message about it quotes the gate too (the key itself has no gate)."""

    typed: str

    def __new__(cls, key: tuple, typed: str):
        location = super().__new__(cls, key)
        location.typed = typed
        return location


def booth_address(value: Any) -> tuple[int, int, int, str] | None:
    """Read ``5区 7门 1楼 12街 12345`` as the booth's natural key (gate is ignored)."""
    typed = text(value)
    if not typed:
        return None
    match = BOOTH_ADDRESS.fullmatch(typed)
    if not match:
        raise ValidationError(MSG_BOOTH_ADDRESS, code="booth_address")
    key = (
        int(match["district"]),
        int(match["floor"]),
        int(match["street"]),
        match["number"],
    )
    return BoothLocation(key, typed)
