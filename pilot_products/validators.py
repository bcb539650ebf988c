"""One validator per business rule, shared by forms, admin, services and imports.

Each raises ``ValidationError`` with a ``code`` and a message kept as a module
constant, so tests can assert the exact text users see.
"""

import re
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import (
    DecimalValidator,
    MaxValueValidator,
    MinValueValidator,
)
from django.utils.translation import gettext_lazy as _

from pilot_products.text_rules import validate_plain_text

__all__ = ["validate_plain_text"]  # re-exported: the text rule lives in text_rules

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
MSG_TIERS_TOO_MANY = _(
    "A listing has at most %(max)s price tiers; this one has %(count)s."
)
MSG_UNIT_PRICE_ABOVE_FIRST_TIER = _(
    "The unit price (%(price)s) is the price at the minimum order quantity, where "
    "the first price tier starts, so it cannot be higher than that tier's price "
    "(%(tier_price)s)."
)
MSG_TIER_PRICE_DIGITS = _(
    "A price tier's price has at most 10 digits before the decimal point and 2 after."
)
MSG_TIER_QUANTITY_MIN = _("A price tier starts at a quantity of at least 1.")
MSG_PRICE_POSITIVE = _("The price must be greater than zero.")
MSG_MOQ_AT_LEAST_ONE = _("The minimum order quantity must be at least 1.")
MSG_MOQ_REQUIRED = _(
    "Enter the minimum order quantity, e.g. 10: it is never assumed to be 1."
)
MSG_STOCK_NOT_NEGATIVE = _("The stock cannot be negative.")
MSG_NUMBER_TOO_LARGE = _("Enter a number no larger than %(limit_value)s.")
MSG_SKU_TAKEN = _("You already have a listing with this SKU.")
MSG_SKU_REQUIRED = _("Enter the SKU, the wholesaler's own article number.")
MSG_BOOTH_NUMBER = _("A booth number is 1 to 10 digits, e.g. 12345.")
MSG_BOOTH_TAKEN = _(
    "A booth with this district, floor, street and number already exists."
)
MSG_LEASE_ORDER = _("The lease must end on or after the day it starts.")
MSG_PRODUCT_CODE = _("A pilot product code is P followed by 2 to 6 digits, e.g. P07.")
MSG_REASON_REQUIRED = _(
    "Give a reason: it is recorded in the history and shown to the editor."
)
MSG_ENTRY_LINE_TAKEN = _("This tariff line is already on this edition of the list.")
MSG_ENTRY_ROW_TAKEN = _(
    "Another tariff line of this edition already has row number %(row)s."
)
MSG_PUBLISHED_NEEDS_DATE = _("A published version needs the date it takes effect.")
MSG_CUSTOMS_CODE_NOT_COVERED = _(
    "The first 8 digits of the customs code must be one of the pilot product's tariff "
    "lines: %(lines)s."
)

#: GB 32100-2015 alphabet: digits and capitals without I, O, S, V, Z.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
#: Largest values the integer columns hold on every supported database: PostgreSQL's
#: integer and smallint (SQLite would take up to 2**63 - 1, so the same file would
#: pass there and fail on PostgreSQL).
INT4_MAX = 2_147_483_647
INT2_MAX = 32_767
#: Price tiers one listing may have: what the portal form offers, at every door.
MAX_PRICE_TIERS = 10
PRODUCT_CODE = re.compile(r"P[0-9]{2,6}")
BOOTH_NUMBER = re.compile(r"[0-9]{1,10}")
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


class AtMost(MaxValueValidator):
    """The portable upper bound of an integer column (``INT4_MAX``, ``INT2_MAX``).

    Being a MaxValueValidator at the column's own limit, it also keeps Django from
    adding its backend-dependent bound, so both databases give the same message.
    """

    message = MSG_NUMBER_TOO_LARGE
    code = "number_too_large"


class MinimumOrderQuantity(MinValueValidator):
    message = MSG_MOQ_AT_LEAST_ONE
    code = "moq_min"


class NotNegativeStock(MinValueValidator):
    message = MSG_STOCK_NOT_NEGATIVE
    code = "stock_not_negative"


def validate_positive_price(value: Decimal) -> None:
    if value is not None and value <= 0:
        raise ValidationError(MSG_PRICE_POSITIVE, code="price_positive")


#: MOQ >= 1, stock >= 0, both within the integer column of both databases. As
#: Min/MaxValueValidators they replace Django's own range checks on these fields.
MOQ_VALIDATORS = (MinimumOrderQuantity(1), AtMost(INT4_MAX))
STOCK_VALIDATORS = (NotNegativeStock(0), AtMost(INT4_MAX))


def validate_moq(value: int) -> None:
    for validator in MOQ_VALIDATORS:
        validator(value)


def validate_stock(value: int) -> None:
    for validator in STOCK_VALIDATORS:
        validator(value)


def validate_pilot_product_code(value: str) -> None:
    if not PRODUCT_CODE.fullmatch(str(value)):
        raise ValidationError(MSG_PRODUCT_CODE, code="product_code")


def validate_booth_number(value: str) -> None:
    if not BOOTH_NUMBER.fullmatch(str(value)):
        raise ValidationError(MSG_BOOTH_NUMBER, code="booth_number")


def validate_lease_dates(lease_start, lease_end) -> None:
    """A lease ends on or after the day it starts (either date may be open)."""
    if lease_start and lease_end and lease_end < lease_start:
        raise ValidationError(
            {"lease_end": ValidationError(MSG_LEASE_ORDER, code="lease_order")}
        )


def validate_price_tiers(
    *, moq: int, unit_price: Decimal, tiers: Sequence[tuple[int, Decimal]]
) -> None:
    """Check quantity breaks: at most ``MAX_PRICE_TIERS``, the first at the MOQ and at
    the unit price's level, quantities rise, prices never rise, every value storable.
    """
    if not tiers:
        return
    ordered = list(tiers)
    if len(ordered) > MAX_PRICE_TIERS:
        raise ValidationError(
            MSG_TIERS_TOO_MANY,
            code="too_many_tiers",
            params={"max": MAX_PRICE_TIERS, "count": len(ordered)},
        )
    for quantity, price in ordered:
        # ``quantity`` names the tier, so a form can show the error in its row.
        at = {"quantity": quantity}
        if quantity < 1:
            raise ValidationError(
                MSG_TIER_QUANTITY_MIN, code="tier_quantity_min", params=at
            )
        AtMost(INT4_MAX)(quantity)
        if price <= 0:
            raise ValidationError(MSG_PRICE_POSITIVE, code="price_positive", params=at)
        try:
            DecimalValidator(12, 2)(price)
        except ValidationError as error:
            raise ValidationError(
                MSG_TIER_PRICE_DIGITS, code="tier_price_digits", params=at
            ) from error
    if ordered[0][0] != moq:
        raise ValidationError(
            MSG_TIERS_FIRST_AT_MOQ,
            code="tiers_first_at_moq",
            params={"quantity": ordered[0][0]},
        )
    for (quantity, price), (next_quantity, next_price) in zip(
        ordered, ordered[1:], strict=False
    ):
        at = {"quantity": next_quantity}
        if next_quantity <= quantity:
            raise ValidationError(
                MSG_TIERS_QUANTITY_ORDER, code="tiers_quantity_order", params=at
            )
        if next_price > price:
            raise ValidationError(
                MSG_TIERS_PRICE_ORDER, code="tiers_price_order", params=at
            )
    if unit_price is None:
        return
    for quantity, price in ordered:
        if price > unit_price:
            raise ValidationError(
                MSG_TIERS_ABOVE_UNIT_PRICE,
                code="tiers_above_unit_price",
                params={"quantity": quantity},
            )
    first_price = ordered[0][1]
    if unit_price > first_price:
        raise ValidationError(
            MSG_UNIT_PRICE_ABOVE_FIRST_TIER,
            code="unit_price_above_first_tier",
            params={
                "price": unit_price,
                "tier_price": first_price,
                "quantity": ordered[0][0],
            },
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
