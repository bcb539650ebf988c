"""Reference models: the CBEC retail import list and the pilot list built from it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pilot_products import validators as v
from pilot_products.photos.renditions import PhotoRef
from pilot_products.photos.storage import get_photo_storage
from pilot_products.validators import (
    INT2_MAX,
    INT4_MAX,
    AtMost,
    validate_pilot_product_code,
    validate_plain_text,
    validate_tariff_line,
)

from .i18n import BilingualNameMixin, pick_language
from .permissions import IMPORT_EXPORT_PERMISSIONS

#: Text users type: no control or invisible formatting characters (text_rules).
PLAIN = [validate_plain_text]


class CbecCategoryQuerySet(models.QuerySet):
    def roots(self):
        return self.filter(parent__isnull=True)


class CbecCategoryManager(models.Manager.from_queryset(CbecCategoryQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class CbecCategory(BilingualNameMixin, models.Model):
    """Our own grouping of the CBEC list, which has no category column."""

    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Stable identifier used in spreadsheets, e.g. toys_games."),
    )
    name_zh = models.CharField(_("Chinese name"), max_length=100, validators=PLAIN)
    name_en = models.CharField(_("English name"), max_length=100, validators=PLAIN)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
    )
    sort_order = models.PositiveSmallIntegerField(
        _("sort order"), default=0, validators=[AtMost(INT2_MAX)]
    )

    objects = CbecCategoryManager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("CBEC category")
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        verbose_name_plural = _("CBEC categories")

    def __str__(self) -> str:
        return self.display_name

    def natural_key(self):
        return (self.code,)


class TariffLineQuerySet(models.QuerySet):
    def on_list_in_force(self, today=None):
        edition = CbecListEdition.objects.in_force(today)
        if edition is None:
            return self.none()
        return self.filter(cbec_entries__edition=edition).distinct()


class TariffLineManager(models.Manager.from_queryset(TariffLineQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class TariffLine(BilingualNameMixin, models.Model):
    """An 8-digit line of China's national tariff (税则号列)."""

    #: Text, never a number: 04011000 keeps its leading zero.
    code = models.CharField(
        _("tariff line"),
        max_length=8,
        unique=True,
        validators=[validate_tariff_line],
        help_text=_("8 digits, e.g. 95030060 (puzzles) or 04011000 (milk)."),
    )
    name_zh = models.CharField(_("Chinese name"), max_length=255, validators=PLAIN)
    name_en = models.CharField(
        _("English name"), max_length=255, blank=True, validators=PLAIN
    )
    category = models.ForeignKey(
        CbecCategory,
        verbose_name=_("CBEC category"),
        on_delete=models.PROTECT,
        related_name="tariff_lines",
    )

    objects = TariffLineManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("tariff line")
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        verbose_name_plural = _("tariff lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{8}$"),
                name="tariff_line_code_8_digits",
                violation_error_code="tariff_line",
                violation_error_message=v.MSG_TARIFF_LINE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    def natural_key(self):
        return (self.code,)


class CbecListEditionQuerySet(models.QuerySet):
    def in_force(self, today=None):
        """Return the edition whose effective date is the latest one not in the future.

        Two editions on the same dates leave the one recorded first in force: without
        a tie-breaker PostgreSQL answered either of them, and SQLite the first.
        """
        today = today or timezone.localdate()
        return (
            self.filter(effective_on__lte=today)
            .order_by("-effective_on", "-issued_on", "pk")
            .first()
        )


class CbecListEditionManager(models.Manager.from_queryset(CbecListEditionQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class CbecListEdition(BilingualNameMixin, models.Model):
    """One published version of the CBEC retail import list (跨境电子商务零售进口商品清单)."""

    code = models.SlugField(
        _("code"), max_length=20, unique=True, help_text=_("e.g. 2016-1, 2019, 2022.")
    )
    name_zh = models.CharField(_("Chinese name"), max_length=200, validators=PLAIN)
    name_en = models.CharField(_("English name"), max_length=200, validators=PLAIN)
    announcement = models.CharField(
        _("announcement"),
        max_length=200,
        blank=True,
        validators=PLAIN,
        help_text=_("Issuing announcement, e.g. MOF Announcement No. 157 of 2018."),
    )
    issued_on = models.DateField(_("issued on"))
    effective_on = models.DateField(_("in force from"))
    #: Number of tariff lines in the official edition; the database may hold fewer.
    official_line_count = models.PositiveIntegerField(
        _("official line count"), validators=[AtMost(INT4_MAX)]
    )
    source = models.TextField(_("source"), blank=True, validators=PLAIN)

    objects = CbecListEditionManager()

    class Meta:
        ordering = ["effective_on", "code"]
        verbose_name = _("CBEC list edition")
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        verbose_name_plural = _("CBEC list editions")

    def __str__(self) -> str:
        return self.display_name

    def natural_key(self):
        return (self.code,)


class Restriction(models.TextChoices):
    NONE = "none", _("none")
    EXCLUSION = "exclusion", _("exclusion")
    BONDED_ONLY = "bonded_only", _("bonded online shopping (1210) only")
    NAMED_GOODS_ONLY = "named_goods_only", _("named goods only")
    QUANTITY_CAP = "quantity_cap", _("quantity cap")


class CbecListEntryManager(models.Manager):
    def get_by_natural_key(self, edition_code, tariff_line_code):
        return self.get(edition__code=edition_code, tariff_line__code=tariff_line_code)


class CbecListEntry(models.Model):
    """One row of a CBEC list edition."""

    edition = models.ForeignKey(
        CbecListEdition,
        verbose_name=_("edition"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    tariff_line = models.ForeignKey(
        TariffLine,
        verbose_name=_("tariff line"),
        on_delete=models.PROTECT,
        related_name="cbec_entries",
    )
    row_number = models.PositiveIntegerField(
        _("row number (序号)"), validators=[AtMost(INT4_MAX)]
    )
    remark = models.TextField(_("remark (备注)"), blank=True, validators=PLAIN)
    restriction = models.CharField(
        _("restriction"),
        max_length=20,
        choices=Restriction.choices,
        default=Restriction.NONE,
    )
    #: True when the line was seen in a published copy of this edition.
    verified = models.BooleanField(
        _("verified"),
        default=False,
        help_text=_(
            "Ticked when the row was checked against a published copy of the list."
        ),
    )

    objects = CbecListEntryManager()

    class Meta:
        ordering = ["edition__effective_on", "row_number"]
        verbose_name = _("CBEC list entry")
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        verbose_name_plural = _("CBEC list entries")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "tariff_line"],
                name="cbec_entry_unique_line_per_edition",
                violation_error_code="entry_line_taken",
                violation_error_message=v.MSG_ENTRY_LINE_TAKEN,
            ),
            models.UniqueConstraint(
                fields=["edition", "row_number"],
                name="cbec_entry_unique_row_per_edition",
                violation_error_code="entry_row_taken",
                violation_error_message=v.MSG_ENTRY_ROW_TAKEN,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition.code} #{self.row_number} {self.tariff_line.code}"

    def natural_key(self):
        return (self.edition.code, self.tariff_line.code)

    natural_key.dependencies = [
        "pilot_products.cbeclistedition",
        "pilot_products.tariffline",
    ]


class PilotListStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class PilotListQuerySet(models.QuerySet):
    def current(self, today=None):
        """Return the published version whose effective date is the latest one reached."""
        today = today or timezone.localdate()
        return (
            self.filter(status=PilotListStatus.PUBLISHED, effective_on__lte=today)
            .order_by("-effective_on", "-version")
            .first()
        )


class PilotListManager(models.Manager.from_queryset(PilotListQuerySet)):
    def get_by_natural_key(self, version):
        return self.get(version=version)


class PilotList(BilingualNameMixin, models.Model):
    """A published (or draft) version of the pilot list."""

    version = models.SlugField(
        _("version"), max_length=20, unique=True, help_text=_("e.g. 2024-12.")
    )
    name_zh = models.CharField(_("Chinese name"), max_length=200, validators=PLAIN)
    name_en = models.CharField(_("English name"), max_length=200, validators=PLAIN)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PilotListStatus.choices,
        default=PilotListStatus.DRAFT,
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    effective_on = models.DateField(_("in force from"), null=True, blank=True)
    #: Where the list comes from; says "illustrative" until the official list is loaded.
    source_note = models.TextField(_("source note"), blank=True, validators=PLAIN)
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Ticked for demonstration data that is not the official list."),
    )
    products = models.ManyToManyField(
        "PilotProduct",
        verbose_name=_("product types"),
        related_name="pilot_lists",
        blank=True,
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = PilotListManager()
    history = HistoricalRecords(m2m_fields=[products])

    class Meta:
        ordering = ["-effective_on", "-version"]
        verbose_name = _("pilot list version")
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        verbose_name_plural = _("pilot list versions")
        permissions = [("publish_pilotlist", _("Can publish pilot list versions"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=PilotListStatus.DRAFT)
                | Q(effective_on__isnull=False),
                name="pilot_list_published_has_effective_date",
                violation_error_code="published_needs_date",
                violation_error_message=v.MSG_PUBLISHED_NEEDS_DATE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.display_name}"

    def natural_key(self):
        return (self.version,)


class PilotCategory(models.TextChoices):
    CHILDRENS_TOYS = "childrens_toys", _("children's toys")
    DAILY_NECESSITIES = "daily_necessities", _("daily necessities")
    HOUSEHOLD_APPLIANCES = "household_appliances", _("household appliances")
    MATERNAL_INFANT = "maternal_infant", _("maternal and infant goods")
    PERSONAL_CARE = "personal_care", _("personal care")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    RETIRED = "retired", _("retired")


class PilotProductQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=ReviewStatus.APPROVED)

    def waiting_for_review(self):
        return self.filter(status=ReviewStatus.SUBMITTED)

    def waiting_for_reviewer(self, user):
        """Submitted by someone else (four-eyes rule), or approved and flagged."""
        return self.filter(
            Q(status=ReviewStatus.SUBMITTED) & ~Q(submitted_by=user)
            | Q(status=ReviewStatus.APPROVED, needs_review=True)
        )


class PilotProductManager(models.Manager.from_queryset(PilotProductQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class PilotProduct(BilingualNameMixin, models.Model):
    """One product type of the pilot, covering one or more CBEC tariff lines."""

    code = models.CharField(
        _("code"),
        max_length=8,
        unique=True,
        help_text=_("P followed by two or more digits, e.g. P07."),
        validators=[validate_pilot_product_code],
    )
    name_zh = models.CharField(_("Chinese name"), max_length=200, validators=PLAIN)
    name_en = models.CharField(_("English name"), max_length=200, validators=PLAIN)
    pilot_category = models.CharField(
        _("pilot category"), max_length=30, choices=PilotCategory.choices
    )
    tariff_lines = models.ManyToManyField(
        TariffLine,
        verbose_name=_("tariff lines"),
        related_name="pilot_products",
        blank=True,
    )
    requirements = models.TextField(
        _("requirements (English)"),
        blank=True,
        validators=PLAIN,
        help_text=_("Conditions for import and sale, e.g. CCC certification (3C)."),
    )
    requirements_zh = models.TextField(
        _("requirements (Chinese)"),
        blank=True,
        validators=PLAIN,
        help_text=_("The same conditions in Chinese, e.g. CCC 认证（3C）；中文标签."),
    )
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    status = models.CharField(
        _("review status"),
        max_length=10,
        choices=ReviewStatus.choices,
        default=ReviewStatus.DRAFT,
        db_index=True,
    )
    #: Reason given with the last rejection or retirement.
    status_reason = models.TextField(_("reason"), blank=True, validators=PLAIN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    #: Set when a new CBEC edition drops one of the product's tariff lines.
    needs_review = models.BooleanField(_("needs review"), default=False, db_index=True)
    needs_review_note = models.TextField(
        _("needs review because"), blank=True, validators=PLAIN
    )
    #: Reference photo set by staff (``services.product_photos``): a generated name
    #: (``<hex>.jpg``) in the photo storage, shown on the product's page and on cards
    #: of listings that have no photo of their own.
    photo = models.FileField(
        _("reference photo"),
        storage=get_photo_storage,
        max_length=100,
        blank=True,
        editable=False,
    )
    photo_width = models.PositiveIntegerField(
        _("photo width"),
        null=True,
        blank=True,
        editable=False,
        validators=[AtMost(INT4_MAX)],
    )
    photo_height = models.PositiveIntegerField(
        _("photo height"),
        null=True,
        blank=True,
        editable=False,
        validators=[AtMost(INT4_MAX)],
    )
    #: Optimistic lock: a save based on an older revision is refused.
    revision = models.PositiveIntegerField(_("revision"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PilotProductManager()
    history = HistoricalRecords(m2m_fields=[tariff_lines])

    class Meta:
        ordering = ["code"]
        verbose_name = _("pilot product")
        default_permissions = IMPORT_EXPORT_PERMISSIONS
        verbose_name_plural = _("pilot products")
        permissions = [
            ("review_pilotproduct", _("Can approve, reject and retire pilot products")),
            ("submit_pilotproduct", _("Can submit pilot products for review")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^P[0-9]{2,6}$"),
                name="pilot_product_code_format",
                violation_error_code="product_code",
                violation_error_message=v.MSG_PRODUCT_CODE,
            ),
            models.CheckConstraint(
                condition=~Q(status=ReviewStatus.REJECTED) | ~Q(status_reason=""),
                name="pilot_product_rejection_has_reason",
                violation_error_code="reason_required",
                violation_error_message=v.MSG_REASON_REQUIRED,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    def natural_key(self):
        return (self.code,)

    @property
    def requirements_text(self) -> str:
        """The requirements in the page's language (the other one when it is blank)."""
        return pick_language(self.requirements_zh, self.requirements)

    @property
    def photo_ref(self) -> PhotoRef | None:
        """The reference photo as pages need it, or ``None`` when there is none."""
        if not self.photo:
            return None
        return PhotoRef(self.photo.name, self.photo_width, self.photo_height)
