"""Prices in CNY written the way each language writes them (CLDR): ¥12.50, CN¥12.50."""

from decimal import Decimal

from django import template
from django.utils import numberformat
from django.utils.translation import get_language

register = template.Library()


def format_cny(value: Decimal | None) -> str:
    """Return a CNY amount with two decimals and thousands grouping for the language."""
    if value is None or value == "":
        return ""
    amount = numberformat.format(
        Decimal(value),
        decimal_sep=".",
        decimal_pos=2,
        grouping=3,
        thousand_sep=",",
        force_grouping=True,
    )
    if (get_language() or "zh-hans").startswith("zh"):
        return f"¥{amount}"
    return f"CN¥{amount}"


@register.filter
def cny(value: Decimal | None) -> str:
    return format_cny(value)
