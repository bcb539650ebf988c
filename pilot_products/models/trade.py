"""Trade models: wholesalers at the Imported Commodities Mall, their booths and listings."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from pilot_products import validators as v
from pilot_products.photos.renditions import PhotoRef
from pilot_products.rules import listing_rule_errors, membership_errors
from pilot_products.validators import (
    INT2_MAX,
    INT4_MAX,
    AtMost,
    validate_booth_number,
    validate_credit_code,
    validate_customs_code,
    validate_lease_dates,
    validate_plain_text,
    validate_positive_price,
)

from .catalogue import PilotProduct, ReviewStatus
from .i18n import BilingualNameMixin, pick_language
from .permissions import IMPORT_EXPORT_PERMISSIONS


class WholesalerStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")


class WholesalerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=WholesalerStatus.ACTIVE)


class WholesalerManager(models.Manager.from_queryset(WholesalerQuerySet)):
    def get_by_natural_key(self, credit_code):
        return self.get(credit_code=credit_code)


class Wholesaler(BilingualNameMixin, models.Model):
    """A trading company with one or more booths in the Mall."""

    name_zh = models.CharField(
        _("Chinese name"), max_length=200, validators=[validate_plain_text]
    )
    name_en = models.CharField(
        _("English name"),
        max_length=200,
        blank=True,
        validators=[validate_plain_text],
    )
    #: 统一社会信用代码, 18 characters with a GB 32100-2015 check character.
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        help_text=_("18 characters, e.g. 91350100M000100Y43."),
    )
    contact_name = models.CharField(
        _("contact person"),
        max_length=100,
        blank=True,
        validators=[validate_plain_text],
    )
    contact_phone = models.CharField(
        _("contact phone"),
        max_length=40,
        blank=True,
        validators=[validate_plain_text],
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=WholesalerStatus.choices,
        default=WholesalerStatus.ACTIVE,
        db_index=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = WholesalerManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("wholesaler")
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        verbose_name_plural = _("wholesalers")
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_code__regex=r"^[0-9A-HJ-NPQRTUWXY]{18}$"),
                name="wholesaler_credit_code_format",
                violation_error_code="credit_code_format",
                violation_error_message=v.MSG_CREDIT_CODE_FORMAT,
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def natural_key(self):
        return (self.credit_code,)


class WholesalerMember(models.Model):
    """Links a portal user to the one wholesaler they work for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="wholesaler_membership",
    )
    wholesaler = models.ForeignKey(
        Wholesaler,
        verbose_name=_("wholesaler"),
        on_delete=models.CASCADE,
        related_name="members",
    )

    class Meta:
        ordering = ["wholesaler", "user"]
        verbose_name = _("wholesaler user")
        verbose_name_plural = _("wholesaler users")

    def __str__(self) -> str:
        return f"{self.user} → {self.wholesaler}"

    def clean(self) -> None:
        if not self.user_id:
            return
        user = self.user
        other = (
            WholesalerMember.objects.filter(user_id=self.user_id)
            .exclude(pk=self.pk)
            .select_related("wholesaler")
            .first()
        )
        errors = membership_errors(
            username=user.get_username(),
            is_active=user.is_active,
            is_staff=user.is_staff,
            is_superuser=user.is_superuser,
            other_wholesaler=str(other.wholesaler) if other else None,
        )
        if errors:
            raise ValidationError({"user": errors})


class BoothQuerySet(models.QuerySet):
    def for_wholesaler(self, wholesaler):
        return self.filter(wholesaler=wholesaler)


class BoothManager(models.Manager.from_queryset(BoothQuerySet)):
    def get_by_natural_key(self, district, floor, street, number):
        return self.get(district=district, floor=floor, street=street, number=number)


def booth_address(district, gate, floor, street, number) -> str:
    """Write a booth the way people in Yiwu do: 5区 7门 1楼 12街 12345."""
    gate_part = f"{gate}门 " if gate else ""
    return f"{district}区 {gate_part}{floor}楼 {street}街 {number}"


def booth_address_en(district, gate, floor, street, number) -> str:
    """The same booth in English: District 5, Gate 7, Floor 1, Street 12, No. 12345."""
    gate_part = f"Gate {gate}, " if gate else ""
    return (
        f"District {district}, {gate_part}Floor {floor}, Street {street}, No. {number}"
    )


class Booth(models.Model):
    """A stall in Yiwu International Trade City, written like 5区 1楼 12街 12345."""

    district = models.PositiveSmallIntegerField(
        _("district"),
        default=5,
        validators=[AtMost(INT2_MAX)],
        help_text=_("District of the Trade City; imports are in 5."),
    )
    gate = models.CharField(
        _("gate"),
        max_length=10,
        blank=True,
        help_text=_("e.g. 7."),
        validators=[validate_plain_text],
    )
    floor = models.PositiveSmallIntegerField(
        _("floor"), default=1, validators=[AtMost(INT2_MAX)]
    )
    street = models.PositiveSmallIntegerField(
        _("street"), help_text=_("e.g. 12."), validators=[AtMost(INT2_MAX)]
    )
    number = models.CharField(
        _("booth number"),
        max_length=10,
        validators=[validate_booth_number],
        help_text=_("Digits as on the booth, e.g. 12345."),
    )
    pavilion_zh = models.CharField(
        _("country pavilion (Chinese)"),
        max_length=100,
        blank=True,
        validators=[validate_plain_text],
    )
    pavilion_en = models.CharField(
        _("country pavilion (English)"),
        max_length=100,
        blank=True,
        validators=[validate_plain_text],
    )
    wholesaler = models.ForeignKey(
        Wholesaler,
        verbose_name=_("tenant"),
        on_delete=models.PROTECT,
        related_name="booths",
        null=True,
        blank=True,
    )
    lease_start = models.DateField(_("lease start"), null=True, blank=True)
    lease_end = models.DateField(_("lease end"), null=True, blank=True)

    objects = BoothManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["district", "floor", "street", "number"]
        verbose_name = _("booth")
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        verbose_name_plural = _("booths")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "floor", "street", "number"],
                name="booth_unique_location",
                violation_error_code="booth_taken",
                violation_error_message=v.MSG_BOOTH_TAKEN,
            ),
            models.CheckConstraint(
                condition=Q(number__regex=r"^[0-9]{1,10}$"),
                name="booth_number_digits",
                violation_error_code="booth_number",
                violation_error_message=v.MSG_BOOTH_NUMBER,
            ),
            models.CheckConstraint(
                condition=Q(lease_end__isnull=True)
                | Q(lease_start__isnull=True)
                | Q(lease_end__gte=F("lease_start")),
                name="booth_lease_ends_after_start",
                violation_error_code="lease_order",
                violation_error_message=v.MSG_LEASE_ORDER,
            ),
        ]

    def __str__(self) -> str:
        return self.address

    @property
    def address(self) -> str:
        return booth_address(
            self.district, self.gate, self.floor, self.street, self.number
        )

    @property
    def address_en(self) -> str:
        return booth_address_en(
            self.district, self.gate, self.floor, self.street, self.number
        )

    @property
    def pavilion(self) -> str:
        return pick_language(self.pavilion_zh, self.pavilion_en)

    def natural_key(self):
        return (self.district, self.floor, self.street, self.number)

    def clean(self) -> None:
        validate_lease_dates(self.lease_start, self.lease_end)


class ListingStatus(models.TextChoices):
    """A listing's states, named as Chinese e-commerce names them (docs/architecture.md).

    下架 ("off the shelf") is reversible there, so it names pausing; a delisted
    listing has stopped selling (停售) and can still be relisted.
    """

    DRAFT = "draft", pgettext_lazy("listing status", "Draft")
    ACTIVE = "active", pgettext_lazy("listing status", "Active")
    PAUSED = "paused", pgettext_lazy("listing status", "Paused")
    DELISTED = "delisted", pgettext_lazy("listing status", "Delisted")


class Unit(models.TextChoices):
    PIECE = "piece", _("piece")
    SET = "set", _("set")
    PAIR = "pair", _("pair")
    BOX = "box", _("box")
    CARTON = "carton", _("carton")
    BOTTLE = "bottle", _("bottle")
    PACK = "pack", _("pack")
    KG = "kg", _("kilogram")


def visibility_rule() -> Q:
    """Active listings of active wholesalers for approved pilot products.

    The rule spans three tables, which no index can serve; ``catalogue_sync`` writes
    its outcome on the listing as ``is_public`` whenever one of the three changes.
    """
    return Q(
        status=ListingStatus.ACTIVE,
        wholesaler__status=WholesalerStatus.ACTIVE,
        pilot_product__status=ReviewStatus.APPROVED,
    )


class ListingQuerySet(models.QuerySet):
    def visible_to_buyers(self):
        """Listings buyers may see (the ``is_public`` flag, see ``visibility_rule``)."""
        return self.filter(is_public=True)

    def breaking_visibility_rule(self):
        """Listings whose ``is_public`` flag disagrees with the rule (should be none)."""
        return self.filter(
            Q(is_public=True) & ~visibility_rule()
            | Q(is_public=False) & visibility_rule()
        )

    def for_wholesaler(self, wholesaler):
        return self.filter(wholesaler=wholesaler)


class ListingManager(models.Manager.from_queryset(ListingQuerySet)):
    def get_by_natural_key(self, credit_code, sku):
        return self.get(wholesaler__credit_code=credit_code, sku=sku)


class Listing(models.Model):
    """One wholesaler's offer of one pilot product."""

    wholesaler = models.ForeignKey(
        Wholesaler,
        verbose_name=_("wholesaler"),
        on_delete=models.PROTECT,
        related_name="listings",
    )
    pilot_product = models.ForeignKey(
        PilotProduct,
        verbose_name=_("pilot product"),
        on_delete=models.PROTECT,
        related_name="listings",
    )
    sku = models.CharField(
        _("SKU"),
        max_length=64,
        validators=[validate_plain_text],
        help_text=_("The wholesaler's own article number, e.g. TOY-0001."),
    )
    #: 10-digit customs code; its first 8 digits are one of the product's tariff lines.
    customs_code = models.CharField(
        _("customs code"),
        max_length=10,
        validators=[validate_customs_code],
        help_text=_("10 digits, e.g. 9503006000."),
    )
    title_zh = models.CharField(
        _("Chinese title"), max_length=200, validators=[validate_plain_text]
    )
    title_en = models.CharField(
        _("English title"),
        max_length=200,
        blank=True,
        validators=[validate_plain_text],
    )
    brand = models.CharField(
        _("brand"), max_length=100, blank=True, validators=[validate_plain_text]
    )
    country_of_origin = CountryField(_("country of origin"))
    unit = models.CharField(
        _("unit"), max_length=10, choices=Unit.choices, default=Unit.PIECE
    )
    #: Price in CNY for one unit at the minimum order quantity.
    unit_price = models.DecimalField(
        _("unit price (CNY)"),
        max_digits=12,
        decimal_places=2,
        help_text=_("e.g. 12.50."),
        validators=[validate_positive_price],
    )
    #: Minimum order quantity (起批量), in units; never assumed: every door asks for it.
    moq = models.PositiveIntegerField(
        _("minimum order quantity"),
        validators=list(v.MOQ_VALIDATORS),
        help_text=_("At least 1, e.g. 10."),
        # A blank MOQ is refused with the same sentence at every door (forms use
        # it as their "required" message).
        error_messages={"null": v.MSG_MOQ_REQUIRED, "blank": v.MSG_MOQ_REQUIRED},
    )
    stock = models.PositiveIntegerField(
        _("stock"), default=0, validators=list(v.STOCK_VALIDATORS)
    )
    booth = models.ForeignKey(
        Booth,
        verbose_name=_("booth"),
        on_delete=models.PROTECT,
        related_name="listings",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ListingStatus.choices,
        default=ListingStatus.DRAFT,
    )
    stock_confirmed_at = models.DateTimeField(
        _("stock confirmed at"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    #: Shown in the public catalogue: ``visibility_rule`` as data, written by
    #: ``catalogue_sync`` in the transaction that changes any of its three parts.
    is_public = models.BooleanField(
        _("shown in the catalogue"), default=False, db_default=False, editable=False
    )
    #: Every word the listing is found by, separated by single spaces (titles, brand,
    #: pilot product, categories, codes, origin: see search_documents). Derived like
    #: ``is_public`` and written by ``catalogue_sync``; PostgreSQL indexes it with a
    #: GIN index over public listings, SQLite with an FTS5 table (migration 0019).
    search_terms = models.TextField(
        _("search terms"), default="", db_default="", editable=False
    )
    #: The terms of the listing's own title and brand, with a space at both ends, so
    #: ``LIKE '% word %'`` tells a title match (ranked first) on SQLite.
    search_title_terms = models.TextField(
        _("title terms"), default="", db_default="", editable=False
    )

    objects = ListingManager()
    #: Derived columns stay out of the history: they follow the fields that are in it.
    history = HistoricalRecords(
        excluded_fields=["is_public", "search_terms", "search_title_terms"]
    )

    class Meta:
        ordering = ["wholesaler", "sku"]
        verbose_name = _("listing")
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        verbose_name_plural = _("listings")
        constraints = [
            models.UniqueConstraint(
                fields=["wholesaler", "sku"],
                name="listing_unique_sku",
                violation_error_code="sku_taken",
                violation_error_message=v.MSG_SKU_TAKEN,
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gt=0),
                name="listing_price_positive",
                violation_error_code="price_positive",
                violation_error_message=v.MSG_PRICE_POSITIVE,
            ),
            models.CheckConstraint(
                condition=Q(moq__gte=1),
                name="listing_moq_at_least_one",
                violation_error_code="moq_min",
                violation_error_message=v.MSG_MOQ_AT_LEAST_ONE,
            ),
            models.CheckConstraint(
                condition=Q(stock__gte=0),
                name="listing_stock_not_negative",
                violation_error_code="stock_not_negative",
                violation_error_message=v.MSG_STOCK_NOT_NEGATIVE,
            ),
            models.CheckConstraint(
                condition=Q(customs_code__regex=r"^[0-9]{10}$"),
                name="listing_customs_code_10_digits",
                violation_error_code="customs_code",
                violation_error_message=v.MSG_CUSTOMS_CODE,
            ),
            models.CheckConstraint(
                condition=~Q(sku=""),
                name="listing_sku_not_empty",
                violation_error_code="sku_required",
                violation_error_message=v.MSG_SKU_REQUIRED,
            ),
        ]
        indexes = [
            models.Index(fields=["status", "pilot_product", "unit_price"]),
            models.Index(fields=["status", "unit_price"]),
            models.Index(fields=["status", "moq"]),
            models.Index(fields=["country_of_origin"]),
            # Catalogue: newest first, and country of origin sorted by price.
            models.Index(
                fields=["status", "-created_at"], name="listing_status_newest_idx"
            ),
            models.Index(
                fields=["status", "country_of_origin", "unit_price"],
                name="listing_status_country_idx",
            ),
            # The public catalogue's orders, each ending on the id that breaks ties,
            # over public listings only: a page is read in index order and stops.
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(is_public=True),
                name="listing_public_newest_idx",
            ),
            models.Index(
                fields=["unit_price", "id"],
                condition=Q(is_public=True),
                name="listing_public_price_idx",
            ),
            models.Index(
                fields=["moq", "unit_price", "id"],
                condition=Q(is_public=True),
                name="listing_public_moq_idx",
            ),
            models.Index(
                fields=["pilot_product", "unit_price", "id"],
                condition=Q(is_public=True),
                name="listing_public_product_idx",
            ),
            models.Index(
                fields=["country_of_origin", "unit_price", "id"],
                condition=Q(is_public=True),
                name="listing_public_country_idx",
            ),
            # The facet summary (facets.py) groups public listings by these three.
            models.Index(
                fields=["pilot_product", "country_of_origin", "booth"],
                condition=Q(is_public=True),
                name="listing_public_facet_idx",
            ),
            models.Index(
                fields=["wholesaler", "pilot_product", "unit_price", "id"],
                condition=Q(is_public=True),
                name="listing_public_wholesaler_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.title}"

    def get_absolute_url(self) -> str:
        """The public address by natural keys (credit code and SKU), never the id."""
        return reverse(
            "pilot_products:offer", args=[self.wholesaler.credit_code, self.sku]
        )

    @property
    def title(self) -> str:
        return pick_language(self.title_zh, self.title_en)

    @property
    def main_photo(self) -> PhotoRef | None:
        """The main photo read with the listing (``selectors.with_main_photo``)."""
        name = getattr(self, "main_photo_name", None)
        if not name:
            return None
        return PhotoRef(name, self.main_photo_width, self.main_photo_height)

    def natural_key(self):
        return (self.wholesaler.credit_code, self.sku)

    def clean(self) -> None:
        if not (self.pilot_product_id and self.wholesaler_id):
            return
        product = self.pilot_product
        errors = listing_rule_errors(
            customs_code=self.customs_code,
            product_tariff_lines=product.tariff_lines.values_list("code", flat=True),
            wholesaler_id=self.wholesaler_id,
            booth_wholesaler_id=self.booth.wholesaler_id if self.booth_id else None,
            has_booth=bool(self.booth_id),
            status=self.status,
            product_code=product.code,
            product_status=product.status,
            product_status_label=str(product.get_status_display()),
        )
        if errors:
            raise ValidationError(errors)

    natural_key.dependencies = ["pilot_products.wholesaler"]


class PriceTier(models.Model):
    """A quantity break: from ``min_quantity`` units on, each unit costs ``unit_price``."""

    listing = models.ForeignKey(
        Listing,
        verbose_name=_("listing"),
        on_delete=models.CASCADE,
        related_name="price_tiers",
    )
    min_quantity = models.PositiveIntegerField(
        _("from quantity"), validators=[AtMost(INT4_MAX)]
    )
    unit_price = models.DecimalField(
        _("unit price (CNY)"),
        max_digits=12,
        decimal_places=2,
        validators=[validate_positive_price],
    )

    class Meta:
        ordering = ["listing", "min_quantity"]
        verbose_name = _("price tier")
        verbose_name_plural = _("price tiers")
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "min_quantity"],
                name="price_tier_unique_quantity",
                violation_error_code="tiers_quantity_order",
                violation_error_message=v.MSG_TIERS_QUANTITY_ORDER,
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gt=0),
                name="price_tier_price_positive",
                violation_error_code="price_positive",
                violation_error_message=v.MSG_PRICE_POSITIVE,
            ),
            models.CheckConstraint(
                condition=Q(min_quantity__gte=1),
                name="price_tier_quantity_at_least_one",
                violation_error_code="tier_quantity_min",
                violation_error_message=v.MSG_TIER_QUANTITY_MIN,
            ),
        ]

    def __str__(self) -> str:
        return f"≥{self.min_quantity}: ¥{self.unit_price}"
