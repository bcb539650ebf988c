"""Import batches: the customs declarations behind a wholesaler's listings.

A batch is one import declaration (报关单) of a wholesaler; each of its lines is a
tariff line with a quantity and a value, and supplies one or more of the same
wholesaler's listings. Money is in yuan with fen (``Decimal``), never a float.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from pilot_products.validators import INT4_MAX, AtMost, validate_plain_text

from .catalogue import TariffLine
from .permissions import IMPORT_EXPORT_PERMISSIONS
from .trade import Listing, Unit, Wholesaler

MSG_DECLARATION_NUMBER = _(
    "A customs declaration number has 18 digits, e.g. 292020251000123456."
)
MSG_DECLARED_IN_FUTURE = _("The declaration date cannot be in the future.")
MSG_LISTING_NOT_OWN = _("Listing %(sku)s is not one of this wholesaler's listings.")
MSG_NO_LINES = _("An import batch has at least one line: add the goods it brought in.")
MSG_LINE_REPEATED = _(
    "The tariff line %(line)s is on this batch twice: one line per tariff line."
)
MSG_LINE_STAYS = _(
    "A line stays on its import batch: add a new line to the other batch instead."
)
MSG_BATCH_OTHER_WHOLESALER = _(
    "The declaration %(number)s is not one of this wholesaler's import batches."
)
MSG_LISTING_OTHER_LINE = _(
    "Listing %(sku)s has the customs code %(code)s, which is not under the tariff "
    "line %(line)s of this batch line."
)

validate_declaration_number = RegexValidator(
    r"^[0-9]{18}\Z", MSG_DECLARATION_NUMBER, code="declaration_number"
)


class SupervisionMode(models.TextChoices):
    """Customs supervision modes (监管方式) pilot goods come in under."""

    BONDED_CENTRE = "bonded_centre", _("Goods from the bonded logistics centre (5034)")
    GENERAL_TRADE = "general_trade", _("General trade (0110)")
    CBEC_BONDED = "cbec_bonded", _("Cross-border e-commerce bonded import (1210)")
    OTHER = "other", _("Other supervision mode")


class TransportMode(models.TextChoices):
    RAIL = "rail", _("China–Europe Railway Express return train")
    SEA = "sea", _("Sea")
    AIR = "air", _("Air")
    ROAD = "road", _("Road")


class ImportBatch(models.Model):
    wholesaler = models.ForeignKey(
        Wholesaler,
        on_delete=models.PROTECT,
        related_name="import_batches",
        verbose_name=_("wholesaler"),
    )
    declaration_number = models.CharField(
        _("customs declaration number"),
        max_length=18,
        unique=True,
        validators=[validate_declaration_number],
    )
    declared_on = models.DateField(_("declaration date"))
    supervision_mode = models.CharField(
        _("supervision mode"), max_length=20, choices=SupervisionMode.choices
    )
    transport_mode = models.CharField(
        _("transport mode"), max_length=10, choices=TransportMode.choices
    )
    route = models.CharField(
        _("route"),
        max_length=200,
        blank=True,
        validators=[validate_plain_text],
        help_text=_("e.g. Duisburg – Yiwu"),
    )
    origin_country = CountryField(_("country of origin"))
    dispatch_country = CountryField(_("country of dispatch"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["-declared_on", "declaration_number"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        default_permissions = IMPORT_EXPORT_PERMISSIONS

    def __str__(self) -> str:
        return self.declaration_number

    def clean(self):
        if self.declared_on and self.declared_on > timezone.localdate():
            raise ValidationError(
                {
                    "declared_on": ValidationError(
                        MSG_DECLARED_IN_FUTURE, code="declared_in_future"
                    )
                }
            )


class ImportBatchLine(models.Model):
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("import batch"),
    )
    tariff_line = models.ForeignKey(
        TariffLine,
        on_delete=models.PROTECT,
        related_name="import_batch_lines",
        verbose_name=_("tariff line"),
    )
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), AtMost(INT4_MAX)]
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    value_cny = models.DecimalField(
        _("value (CNY)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    listings = models.ManyToManyField(
        Listing,
        blank=True,
        related_name="import_lines",
        verbose_name=_("listings supplied"),
    )

    history = HistoricalRecords(m2m_fields=[listings])

    class Meta:
        ordering = ["batch", "pk"]
        verbose_name = _("import batch line")
        verbose_name_plural = _("import batch lines")
        default_permissions = IMPORT_EXPORT_PERMISSIONS

    def __str__(self) -> str:
        return f"{self.batch} {self.tariff_line.code}"


def batch_line_listing_errors(*, wholesaler_id, tariff_line_code, listings) -> list:
    """The rule of a batch line's listings: the batch's own, under the line's code.

    Every door (portal form, admin inline, service) calls this with the listings it
    is about to link.
    """
    errors = []
    for listing in listings:
        if listing.wholesaler_id != wholesaler_id:
            errors.append(
                ValidationError(
                    MSG_LISTING_NOT_OWN % {"sku": listing.sku}, code="listing_not_own"
                )
            )
        elif tariff_line_code and not listing.customs_code.startswith(tariff_line_code):
            errors.append(
                ValidationError(
                    MSG_LISTING_OTHER_LINE
                    % {
                        "sku": listing.sku,
                        "code": listing.customs_code,
                        "line": tariff_line_code,
                    },
                    code="listing_other_line",
                )
            )
    return errors


def batch_wholesaler_errors(
    *, declaration_number, recorded_wholesaler_id, wholesaler_id
) -> list:
    """A recorded batch stays with its wholesaler: its lines supply that one's listings.

    Every door that changes a batch (admin form and revert page, service, spreadsheet)
    calls this with the wholesaler the batch is recorded for (None for a new one).
    """
    if recorded_wholesaler_id is None or recorded_wholesaler_id == wholesaler_id:
        return []
    return [
        ValidationError(
            MSG_BATCH_OTHER_WHOLESALER % {"number": declaration_number},
            code="batch_other_wholesaler",
        )
    ]


def batch_lines_errors(*, tariff_line_codes) -> list:
    """The rule of a batch's lines as a whole: at least one, one per tariff line.

    ``tariff_line_codes`` are the codes of the lines the batch keeps after the save
    (portal formset, admin inline, service).
    """
    if not tariff_line_codes:
        return [ValidationError(MSG_NO_LINES, code="batch_no_lines")]
    seen, errors = set(), []
    for code in tariff_line_codes:
        if code in seen:
            errors.append(
                ValidationError(
                    MSG_LINE_REPEATED % {"line": code}, code="batch_line_repeated"
                )
            )
        seen.add(code)
    return errors
