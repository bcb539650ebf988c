"""Official figures of the pilot, as reported, and the city's import targets.

A figure keeps its *scope* apart from every other scope: the Bonded Logistics
Centre's imports are a small part of Yiwu's import trade, and the return trains are
counted in trains and TEU, not money. The press mixes them easily; the dashboard
never adds or compares figures of different scopes.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from pilot_products.validators import validate_plain_text

from .i18n import pick_language
from .permissions import IMPORT_EXPORT_PERMISSIONS

PLAIN = [validate_plain_text]

MSG_PERIOD_TAKEN = _("A figure for this scope and period is already recorded.")
MSG_NOT_NEGATIVE = _("A figure is never negative.")
MSG_FUTURE_PERIOD = _("The period %(period)s has not ended yet: report it afterwards.")
MSG_UNIT_OF_SCOPE = _("Figures of “%(scope)s” are in %(unit)s.")
MSG_MONTH_REQUIRED = _("A monthly or year-to-date figure needs its month (1-12).")
MSG_NO_MONTH_FOR_YEAR = _("A figure for a whole year has no month.")


class FigureUnit(models.TextChoices):
    CNY = "cny", pgettext_lazy("figure unit", "CNY")
    TRAINS = "trains", pgettext_lazy("figure unit", "trains")
    TEU = "teu", pgettext_lazy("figure unit", "TEU")


class FigureScope(models.TextChoices):
    BONDED_CENTRE_IMPORTS = (
        "bonded_centre_imports",
        _("Yiwu Bonded Logistics Centre imports"),
    )
    YIWU_IMPORTS = "yiwu_imports", _("Yiwu import trade (all goods)")
    RETURN_TRAINS = "return_trains", _("China–Europe Railway Express return trains")
    RETURN_TEU = "return_teu", _("China–Europe Railway Express return containers")
    PILOT_IMPORTS = "pilot_imports", _("Imports of pilot products (pilot office)")


#: The one unit each scope is counted in.
UNIT_OF_SCOPE = {
    FigureScope.BONDED_CENTRE_IMPORTS: FigureUnit.CNY,
    FigureScope.YIWU_IMPORTS: FigureUnit.CNY,
    FigureScope.RETURN_TRAINS: FigureUnit.TRAINS,
    FigureScope.RETURN_TEU: FigureUnit.TEU,
    FigureScope.PILOT_IMPORTS: FigureUnit.CNY,
}


class PeriodKind(models.TextChoices):
    MONTH = "month", _("month")
    YEAR_TO_DATE = "ytd", _("year to date")
    YEAR = "year", _("whole year")


class Sourced(models.Model):
    """Where a figure or a target was published: every one names its source."""

    source_title = models.CharField(_("source title"), max_length=300, validators=PLAIN)
    publisher_zh = models.CharField(
        _("publisher (Chinese)"), max_length=200, validators=PLAIN
    )
    publisher_en = models.CharField(
        _("publisher (English)"), max_length=200, validators=PLAIN
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)

    class Meta:
        abstract = True

    @property
    def publisher(self) -> str:
        return pick_language(self.publisher_zh, self.publisher_en)


class OfficialFigure(Sourced):
    """One reported figure: a scope, a period, a value, its growth and its source."""

    scope = models.CharField(_("scope"), max_length=40, choices=FigureScope.choices)
    period_kind = models.CharField(
        _("period"), max_length=10, choices=PeriodKind.choices
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    #: The month itself (MONTH) or the last month counted (YEAR_TO_DATE); null for YEAR.
    month = models.PositiveSmallIntegerField(
        _("month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    #: Money in yuan with fen (exact: summed as Decimal), or a count of trains or TEU.
    value = models.DecimalField(
        _("value"),
        max_digits=18,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    unit = models.CharField(_("unit"), max_length=10, choices=FigureUnit.choices)
    yoy_growth_percent = models.DecimalField(
        _("reported year-on-year growth (%)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-100"))],
    )
    note = models.CharField(_("note"), max_length=300, blank=True, validators=PLAIN)

    history = HistoricalRecords()

    class Meta:
        ordering = ["scope", "year", "month", "period_kind"]
        verbose_name = _("official figure")
        verbose_name_plural = _("official figures")
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        constraints = [
            # Two partial indexes: NULL months are distinct in a plain one.
            models.UniqueConstraint(
                fields=["scope", "period_kind", "year", "month"],
                condition=Q(month__isnull=False),
                name="figure_one_per_month",
                violation_error_code="figure_period_taken",
                violation_error_message=MSG_PERIOD_TAKEN,
            ),
            models.UniqueConstraint(
                fields=["scope", "period_kind", "year"],
                condition=Q(month__isnull=True),
                name="figure_one_per_year",
                violation_error_code="figure_period_taken",
                violation_error_message=MSG_PERIOD_TAKEN,
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="figure_value_not_negative",
                violation_error_code="figure_not_negative",
                violation_error_message=MSG_NOT_NEGATIVE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.period_label}"

    @property
    def period_label(self) -> str:
        if self.period_kind == PeriodKind.YEAR or self.month is None:
            return str(self.year)
        if self.period_kind == PeriodKind.YEAR_TO_DATE:
            return f"{self.year}-01..{self.month:02d}"
        return f"{self.year}-{self.month:02d}"

    def clean(self):
        errors = figure_errors(
            scope=self.scope,
            period_kind=self.period_kind,
            year=self.year,
            month=self.month,
            unit=self.unit,
        )
        if errors:
            raise ValidationError(errors)


def figure_errors(*, scope, period_kind, year, month, unit, today=None) -> dict:
    """The rules of one figure, by field: every door (admin, sheet) calls this."""
    errors: dict[str, list] = {}
    if scope in UNIT_OF_SCOPE and unit and unit != UNIT_OF_SCOPE[scope]:
        expected = UNIT_OF_SCOPE[FigureScope(scope)]
        errors["unit"] = [
            MSG_UNIT_OF_SCOPE
            % {"scope": FigureScope(scope).label, "unit": expected.label}
        ]
    if period_kind == PeriodKind.YEAR and month is not None:
        errors["month"] = [MSG_NO_MONTH_FOR_YEAR]
    if period_kind in (PeriodKind.MONTH, PeriodKind.YEAR_TO_DATE) and month is None:
        errors["month"] = [MSG_MONTH_REQUIRED]
    if year and "month" not in errors and _not_over(year, month, today):
        errors["year"] = [
            MSG_FUTURE_PERIOD
            % {"period": f"{year}-{month:02d}" if month else str(year)}
        ]
    return errors


def _not_over(year: int, month: int | None, today=None) -> bool:
    """Whether the period that ends with ``year``/``month`` is still running."""
    today = today or timezone.localdate()
    last_month = month or 12
    return (year, last_month) >= (today.year, today.month)


class ImportTarget(Sourced):
    """The import trade the city aims at by a year (all of Yiwu's imports)."""

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    value = models.DecimalField(
        _("target (CNY)"),
        max_digits=18,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    #: "above 300 bn" is a floor, "100 bn" a point: the page says which.
    is_minimum = models.BooleanField(_("at least"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        verbose_name = _("import target")
        verbose_name_plural = _("import targets")
        default_permissions = IMPORT_EXPORT_PERMISSIONS

    def __str__(self) -> str:
        return str(self.year)
