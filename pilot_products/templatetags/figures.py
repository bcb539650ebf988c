"""Official figures written the way each language writes large numbers and periods.

Chinese counts large money in 亿 (10^8) yuan, English in billions or millions of
CNY; periods read 2025年1–5月 or Jan–May 2025.
"""

import calendar
from decimal import Decimal

from django import template
from django.utils import numberformat
from django.utils.translation import get_language

from pilot_products.models import FigureUnit, PeriodKind

register = template.Library()

YI = Decimal(10) ** 8
BILLION = Decimal(10) ** 9
MILLION = Decimal(10) ** 6


def _chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def _number(value: Decimal, places: int) -> str:
    text = numberformat.format(
        value,
        decimal_sep=".",
        decimal_pos=places,
        grouping=3,
        thousand_sep=",",
        force_grouping=True,
    )
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_amount(value: Decimal, unit: str) -> str:
    """``77210000000`` CNY -> ``772.1 亿元`` / ``CNY 77.21 bn``; trains and TEU counted."""
    if unit == FigureUnit.CNY:
        if _chinese():
            if value >= YI:
                return f"{_number(value / YI, 2)} 亿元"
            return f"{_number(value, 2)} 元"
        if value >= BILLION:
            return f"CNY {_number(value / BILLION, 3)} bn"
        if value >= MILLION:
            return f"CNY {_number(value / MILLION, 2)} m"
        return f"CNY {_number(value, 2)}"
    count = _number(value, 0)
    if unit == FigureUnit.TRAINS:
        return f"{count} 列" if _chinese() else f"{count} trains"
    return f"{count} 标箱" if _chinese() else f"{count} TEU"


def format_period(period_kind: str, year: int, month: int | None) -> str:
    """``ytd 2025 5`` -> ``2025年1–5月`` / ``Jan–May 2025``."""
    if period_kind == PeriodKind.YEAR or month is None:
        return f"{year}年" if _chinese() else str(year)
    if _chinese():
        months = (
            f"1–{month}月" if period_kind == PeriodKind.YEAR_TO_DATE else f"{month}月"
        )
        if period_kind == PeriodKind.YEAR_TO_DATE and month == 1:
            months = "1月"
        return f"{year}年{months}"
    name = calendar.month_abbr[month]
    if period_kind == PeriodKind.YEAR_TO_DATE and month > 1:
        return f"Jan–{name} {year}"
    return f"{name} {year}"


@register.filter
def amount(figure) -> str:
    return format_amount(figure.value, figure.unit)


@register.filter
def cny_amount(value: Decimal) -> str:
    return format_amount(value, FigureUnit.CNY)


@register.filter
def period(figure) -> str:
    return format_period(figure.period_kind, figure.year, figure.month)


@register.filter
def signed_percent(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return f"{'+' if value > 0 else ''}{_number(Decimal(value), 1)}%"
