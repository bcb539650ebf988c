"""The audit record every spreadsheet import leaves behind."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportOutcome(models.TextChoices):
    PREVIEWED = "previewed", _("previewed (dry run)")
    IMPORTED = "imported", _("imported")
    REJECTED = "rejected", _("rejected")
    FAILED = "failed", _("failed")


class ImportRecord(models.Model):
    """Who imported which file, when, and what it did (dry runs included)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    resource = models.CharField(_("data"), max_length=40, help_text=_("e.g. listings."))
    wholesaler = models.ForeignKey(
        "pilot_products.Wholesaler",
        verbose_name=_("wholesaler"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    file_name = models.CharField(_("file name"), max_length=255)
    #: SHA-256 of the uploaded bytes, to tell two uploads of the same file apart.
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file_format = models.CharField(_("format"), max_length=10)
    encoding = models.CharField(_("detected encoding"), max_length=30, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_new = models.PositiveIntegerField(_("new"), default=0)
    rows_updated = models.PositiveIntegerField(_("updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rows_invalid = models.PositiveIntegerField(_("invalid"), default=0)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=ImportOutcome.choices
    )
    message = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import record")
        verbose_name_plural = _("import records")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.resource} {self.file_name}"
