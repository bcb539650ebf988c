"""Admin for the pilot's official figures and the city's import targets.

Catalogue editors (the pilot office) keep them; reviewers may look. The figure
rules (unit of the scope, a month where the period needs one, no period that has
not ended) are ``models.statistics.figure_errors``, which the model's ``clean`` and
the spreadsheet spec both call.
"""

from django.contrib import admin
from django.db import models

from pilot_products.admin.spreadsheets import SpreadsheetAdminMixin
from pilot_products.admin.trade import ServiceHistoryAdmin
from pilot_products.models import ImportTarget, OfficialFigure
from pilot_products.resources import OfficialFigureResource

#: Addresses typed without a scheme are read as https (Django 6's default).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(OfficialFigure)
class OfficialFigureAdmin(SpreadsheetAdminMixin, ServiceHistoryAdmin):
    resource_classes = [OfficialFigureResource]
    formfield_overrides = URL_FIELDS
    list_display = [
        "scope",
        "period_label",
        "value",
        "unit",
        "yoy_growth_percent",
        "publisher",
        "published_on",
    ]
    list_filter = ["scope", "period_kind", "year"]
    search_fields = ["source_title", "publisher_zh", "publisher_en", "note"]
    fieldsets = [
        (None, {"fields": ["scope", "period_kind", "year", "month"]}),
        (None, {"fields": ["value", "unit", "yoy_growth_percent"]}),
        (
            None,
            {
                "fields": [
                    "source_title",
                    "publisher_zh",
                    "publisher_en",
                    "published_on",
                    "source_url",
                ]
            },
        ),
        (None, {"fields": ["note"]}),
    ]

    @admin.display(
        description=OfficialFigure._meta.get_field("period_kind").verbose_name
    )
    def period_label(self, figure):
        return figure.period_label


@admin.register(ImportTarget)
class ImportTargetAdmin(ServiceHistoryAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["year", "value", "is_minimum", "publisher", "published_on"]
    fields = [
        "year",
        "value",
        "is_minimum",
        "source_title",
        "publisher_zh",
        "publisher_en",
        "published_on",
        "source_url",
    ]
