import pytest
from django.core.exceptions import ValidationError

from pilot_products import validators as v


def _code(callable_, value):
    with pytest.raises(ValidationError) as caught:
        callable_(value)
    return caught.value.code


@pytest.mark.parametrize("value", ["04011000", "95030060", "85166030"])
def test_tariff_line_accepts_eight_ascii_digits(value):
    v.validate_tariff_line(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("4011000", "tariff_line"),  # leading zero dropped by Excel
        ("040110001", "tariff_line"),
        ("０４０１１０００", "full_width"),
        ("0401１000", "full_width"),
        ("4011000.0", "excel_float"),
        ("95030060.0", "excel_float"),
        ("9.503006E+07", "scientific"),
        ("9.5e7", "scientific"),
        ("0401 1000", "separators"),
        ("0401.10.00", "separators"),
        ("abcdefgh", "tariff_line"),
        ("", "tariff_line"),
    ],
)
def test_tariff_line_rejects_mangled_values(value, code):
    assert _code(v.validate_tariff_line, value) == code


def test_tariff_line_messages_are_exact():
    with pytest.raises(ValidationError) as caught:
        v.validate_tariff_line("95030060.0")
    assert caught.value.messages == [str(v.MSG_CODE_EXCEL_FLOAT)]


@pytest.mark.parametrize("value", ["9503006000", "0401100000", "3304990099"])
def test_customs_code_accepts_ten_ascii_digits(value):
    v.validate_customs_code(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("3304990000.0", "excel_float"),
        ("3.30499E+09", "scientific"),
        ("95030060", "customs_code"),
        ("９５０３００６０００", "full_width"),
        ("9503 006000", "separators"),
    ],
)
def test_customs_code_rejects_mangled_values(value, code):
    assert _code(v.validate_customs_code, value) == code


@pytest.mark.parametrize("value", ["91350100M000100Y43", "91330782MA2EXAMPLA"])
def test_credit_code_accepts_real_codes(value):
    v.validate_credit_code(value)


def test_credit_code_rejects_wrong_check_character():
    assert _code(v.validate_credit_code, "91350100M000100Y44") == "credit_code_check"


@pytest.mark.parametrize(
    "value",
    [
        "91350100M000100Y4",
        "91350100M000100Y433",
        "91350100I000100Y43",
        "9135O100M000100Y43",
    ],
)
def test_credit_code_rejects_bad_shape(value):
    assert _code(v.validate_credit_code, value) == "credit_code_format"


def test_check_character_matches_gb32100_example():
    assert v.credit_code_check_character("91350100M000100Y4") == "3"


def test_price_tiers_accept_falling_prices_from_moq():
    from decimal import Decimal as D

    v.validate_price_tiers(
        moq=10,
        unit_price=D("9.50"),
        tiers=[(10, D("9.50")), (100, D("9.00")), (500, D("8.80"))],
    )


@pytest.mark.parametrize(
    ("tiers", "code"),
    [
        ([(20, "9.50")], "tiers_first_at_moq"),
        ([(10, "9.50"), (10, "9.00")], "tiers_quantity_order"),
        ([(10, "9.50"), (5, "9.00")], "tiers_quantity_order"),
        ([(10, "9.00"), (100, "9.20")], "tiers_price_order"),
        ([(10, "9.80")], "tiers_above_unit_price"),
        ([(10, "0")], "price_positive"),
    ],
)
def test_price_tiers_reject_inconsistent_breaks(tiers, code):
    from decimal import Decimal as D

    with pytest.raises(ValidationError) as caught:
        v.validate_price_tiers(
            moq=10, unit_price=D("9.50"), tiers=[(q, D(p)) for q, p in tiers]
        )
    assert caught.value.code == code


def test_customs_code_must_start_with_a_product_line():
    v.validate_customs_code_covered("9503006000", ["95030060", "95030089"])
    with pytest.raises(ValidationError) as caught:
        v.validate_customs_code_covered("9503008900", ["95030060"])
    assert caught.value.code == "customs_code_not_covered"
    assert "95030060" in caught.value.messages[0]
