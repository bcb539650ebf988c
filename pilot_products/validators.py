"""One validator per business rule, shared by forms, admin, services and imports.

Each raises ``ValidationError`` with a ``code`` and a message kept as a module
constant, so tests can assert the exact text users see.
"""

import re
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ASCII_DIGITS = re.compile(r"[0-9]+")
FULL_WIDTH_DIGITS = re.compile(r"[\uff10-\uff19]")
EXCEL_FLOAT = re.compile(r"[0-9]+\.0+")
SCIENTIFIC = re.compile(r"[0-9.]+[eE][+-]?[0-9]+")

MSG_CODE_FULL_WIDTH = _(
    "Use ASCII digits 0-9, not full-width digits (０-９): retype the code in "
    "half-width mode."
)
MSG_CODE_EXCEL_FLOAT = _(
    "The code was stored as a number (it ends in “.0”). In Excel, format the column "
    "as Text and type the code again."
)
MSG_CODE_SCIENTIFIC = _(
    "The code was turned into scientific notation by Excel. Format the column as "
    "Text and type the code again."
)
MSG_CODE_SPACES = _("Remove the spaces or separators inside the code.")
MSG_TARIFF_LINE = _(
    "A tariff line has exactly 8 digits, e.g. 04011000 (keep the leading zero)."
)
MSG_CUSTOMS_CODE = _(
    "A customs commodity code has exactly 10 digits, e.g. 9503006000 (keep the "
    "leading zero)."
)
MSG_CREDIT_CODE_FORMAT = _(
    "A unified social credit code has 18 characters: digits and capital letters "
    "except I, O, S, V and Z, e.g. 91330782MA2EXAMPLA."
)
MSG_CREDIT_CODE_CHECK = _(
    "The last character of this unified social credit code does not match its check "
    "character: check the code for a typing mistake."
)
MSG_TIERS_FIRST_AT_MOQ = _(
    "The first price tier must start at the minimum order quantity."
)
MSG_TIERS_QUANTITY_ORDER = _(
    "Each price tier must start at a higher quantity than the one before."
)
MSG_TIERS_PRICE_ORDER = _(
    "A price tier for a larger quantity cannot have a higher unit price."
)
MSG_TIERS_ABOVE_UNIT_PRICE = _(
    "A price tier cannot be higher than the listing's unit price."
)
MSG_PRICE_POSITIVE = _("The price must be greater than zero.")
MSG_CUSTOMS_CODE_NOT_COVERED = _(
    "The first 8 digits of the customs code must be one of the pilot product's tariff "
    "lines: %(lines)s."
)

#: GB 32100-2015 alphabet: digits and capitals without I, O, S, V, Z.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_SHAPE = re.compile(
    r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{9}[0-9A-HJ-NPQRTUWXY]"
)


def _reject_mangled_code(value: str) -> None:
    """Explain the usual ways Excel and IMEs break a digit code."""
    if FULL_WIDTH_DIGITS.search(value):
        raise ValidationError(MSG_CODE_FULL_WIDTH, code="full_width")
    if SCIENTIFIC.fullmatch(value):
        raise ValidationError(MSG_CODE_SCIENTIFIC, code="scientific")
    if EXCEL_FLOAT.fullmatch(value):
        raise ValidationError(MSG_CODE_EXCEL_FLOAT, code="excel_float")
    if re.search(r"[\s.\-_/]", value) and ASCII_DIGITS.search(value):
        raise ValidationError(MSG_CODE_SPACES, code="separators")


def validate_tariff_line(value: str) -> None:
    """Accept an 8-digit national tariff line written in ASCII digits."""
    value = str(value)
    _reject_mangled_code(value)
    if not (len(value) == 8 and ASCII_DIGITS.fullmatch(value)):
        raise ValidationError(MSG_TARIFF_LINE, code="tariff_line")


def validate_customs_code(value: str) -> None:
    """Accept a 10-digit customs commodity code written in ASCII digits."""
    value = str(value)
    _reject_mangled_code(value)
    if not (len(value) == 10 and ASCII_DIGITS.fullmatch(value)):
        raise ValidationError(MSG_CUSTOMS_CODE, code="customs_code")


def credit_code_check_character(first_17: str) -> str:
    """Return the GB 32100-2015 check character for the first 17 characters."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first_17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Accept an 18-character unified social credit code with a correct check character."""
    value = str(value)
    if not CREDIT_CODE_SHAPE.fullmatch(value):
        raise ValidationError(MSG_CREDIT_CODE_FORMAT, code="credit_code_format")
    if credit_code_check_character(value[:17]) != value[17]:
        raise ValidationError(MSG_CREDIT_CODE_CHECK, code="credit_code_check")


def validate_positive_price(value: Decimal) -> None:
    if value is not None and value <= 0:
        raise ValidationError(MSG_PRICE_POSITIVE, code="price_positive")


def validate_price_tiers(
    *, moq: int, unit_price: Decimal, tiers: Sequence[tuple[int, Decimal]]
) -> None:
    """Check quantity breaks: start at the MOQ, quantities rise, prices never rise."""
    if not tiers:
        return
    ordered = list(tiers)
    if ordered[0][0] != moq:
        raise ValidationError(MSG_TIERS_FIRST_AT_MOQ, code="tiers_first_at_moq")
    for (quantity, price), (next_quantity, next_price) in zip(
        ordered, ordered[1:], strict=False
    ):
        if next_quantity <= quantity:
            raise ValidationError(MSG_TIERS_QUANTITY_ORDER, code="tiers_quantity_order")
        if next_price > price:
            raise ValidationError(MSG_TIERS_PRICE_ORDER, code="tiers_price_order")
    for _quantity, price in ordered:
        if price <= 0:
            raise ValidationError(MSG_PRICE_POSITIVE, code="price_positive")
        if unit_price is not None and price > unit_price:
            raise ValidationError(
                MSG_TIERS_ABOVE_UNIT_PRICE, code="tiers_above_unit_price"
            )


def validate_customs_code_covered(
    customs_code: str, tariff_lines: Sequence[str]
) -> None:
    """Require the customs code's first 8 digits to be one of the given tariff lines."""
    if customs_code[:8] not in set(tariff_lines):
        raise ValidationError(
            MSG_CUSTOMS_CODE_NOT_COVERED,
            code="customs_code_not_covered",
            params={"lines": ", ".join(sorted(tariff_lines)) or "-"},
        )
