"""Official figures of the pilot by spreadsheet: one row per scope and period."""

from decimal import Decimal
from typing import Any

from pilot_products.models.statistics import (
    UNIT_OF_SCOPE,
    FigureScope,
    FigureUnit,
    OfficialFigure,
    PeriodKind,
    figure_errors,
)

from .. import cells
from ..columns import Column
from .base import Spec, add_error


def percent(value: Any) -> Decimal | None:
    """A growth rate in percent: ``49.2``, ``49.2%``, ``-3.5 %`` or ``+149.7%``."""
    if isinstance(value, str):
        value = value.strip().removesuffix("%").removesuffix("％").strip()
    return cells.money(value)


class OfficialFiguresSpec(Spec):
    name = "official-figures"
    model = OfficialFigure
    key_fields = ("scope", "period_kind", "year", "month")
    columns = (
        Column("scope", "统计口径", cells.choice(FigureScope), "scope", required=True,
               example="bonded_centre_imports"),
        Column("period_kind", "期间类型", cells.choice(PeriodKind), "period_kind",
               required=True, example="month"),
        Column("year", "年份", cells.integer, "year", required=True, example=2025),
        Column("month", "月份", cells.integer, "month", example=5),
        Column("value", "数值", cells.money, "value", required=True,
               example="2480000000.00"),
        Column("unit", "单位", cells.choice(FigureUnit), "unit", example="cny"),
        Column("yoy_growth_percent", "同比增长（%）", percent, "yoy_growth_percent",
               example="149.7"),
        Column("source_title", "来源标题", cells.text, "source_title", required=True,
               example="Yiwu's imports grow"),
        Column("publisher_zh", "发布者中文名", cells.text, "publisher_zh",
               required=True, example="中国国际贸易促进委员会"),
        Column("publisher_en", "发布者英文名", cells.text, "publisher_en",
               required=True, example="CCPIT"),
        Column("published_on", "发布日期", cells.date_value, "published_on",
               example="2025-10-30"),
        Column("source_url", "来源网址", cells.text, "source_url",
               example="https://en.ccpit.org/"),
        Column("note", "备注", cells.text, "note"),
    )  # fmt: skip

    def start(self):
        self.existing = {
            (s["scope"], s["period_kind"], s["year"], s["month"]): s
            for s in OfficialFigure.objects.values()
        }

    def key_of(self, fields):
        # A whole year's figure has no month: None is part of its key.
        key = tuple(fields.get(name) for name in self.key_fields)
        return None if any(part in ("", None) for part in key[:3]) else key

    def resolve(self, values, fields, errors):
        if not fields.get("unit") and fields.get("scope") in UNIT_OF_SCOPE:
            fields["unit"] = UNIT_OF_SCOPE[fields["scope"]]

    def check_rules(self, instance, row, existing, errors):
        found = figure_errors(
            scope=instance.scope,
            period_kind=instance.period_kind,
            year=instance.year,
            month=instance.month,
            unit=instance.unit,
        )
        for field_name, messages in found.items():
            for message in messages:
                add_error(errors, self.column_of.get(field_name, field_name), message)

    def export_rows(self, queryset):
        for figure in queryset.iterator(chunk_size=2000):
            yield [
                figure.scope,
                figure.period_kind,
                figure.year,
                figure.month,
                figure.value,
                figure.unit,
                figure.yoy_growth_percent,
                figure.source_title,
                figure.publisher_zh,
                figure.publisher_en,
                figure.published_on,
                figure.source_url,
                figure.note,
            ]
