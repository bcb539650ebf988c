"""The record of an export too large to answer in its request: a background job.

The request chooses the rows (the changelist's filters, the wholesaler's own
listings) and keeps their ids in the shared import storage under ``token``; a
worker claims the record, writes the file through the storage API beside them and
moves the record from queued through writing to done, counting the rows. Only the
user (and wholesaler) who asked may follow it and download the file, until the
hourly housekeeping removes it with the other expired files.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .imports import ImportState


class ExportState(models.TextChoices):
    QUEUED = ImportState.QUEUED.value, ImportState.QUEUED.label
    WRITING = "writing", _("writing the file")
    DONE = ImportState.DONE.value, ImportState.DONE.label
    FAILED = ImportState.FAILED.value, ImportState.FAILED.label
    INTERRUPTED = ImportState.INTERRUPTED.value, ImportState.INTERRUPTED.label


class ExportRecordQuerySet(models.QuerySet):
    def for_owner(self, user, wholesaler=None):
        """The exports ``user`` asked for (for the portal: as ``wholesaler``)."""
        return self.filter(user=user, wholesaler=wholesaler)

    def running(self):
        return self.filter(state=ExportState.WRITING)


class ExportRecord(models.Model):
    """Who exported which data, in which format, and how far its job got."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    wholesaler = models.ForeignKey(
        "pilot_products.Wholesaler",
        verbose_name=_("wholesaler"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    resource = models.CharField(_("data"), max_length=40, help_text=_("e.g. listings."))
    file_format = models.CharField(_("format"), max_length=10)
    #: The download's name, e.g. ``listings.xlsx``.
    file_name = models.CharField(_("file name"), max_length=255)
    #: Spreadsheet columns chosen on the export form; empty means all.
    columns = models.JSONField(_("columns"), default=list, blank=True)
    #: Names the folder in the import storage with the row ids and the file.
    token = models.CharField(_("file"), max_length=64, unique=True)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=ExportState.choices,
        default=ExportState.QUEUED,
        db_index=True,
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    message = models.TextField(_("message"), blank=True)
    #: The asker's language: the file's headers and messages are written in it.
    language = models.CharField(_("language"), max_length=10, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    worker = models.CharField(
        _("worker"), max_length=200, blank=True, help_text=_("host:process id.")
    )
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ExportRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export record")
        verbose_name_plural = _("export records")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.file_name}"

    @property
    def is_running(self) -> bool:
        return self.state == ExportState.WRITING

    @property
    def is_finished(self) -> bool:
        return self.state not in (ExportState.QUEUED, ExportState.WRITING)
