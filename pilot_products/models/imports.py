"""The record every spreadsheet import leaves behind, which is also its job's record.

A web import runs as a background job (``pilot_products.jobs``): its record is
created queued when the upload is accepted, then a worker moves it through reading,
checking and writing to done or failed, updating the rows done as it goes. A worker
renews ``heartbeat_at`` while it runs; a record whose heartbeat stopped (the worker
was killed, the machine restarted) is marked interrupted and may be retried.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportOutcome(models.TextChoices):
    PREVIEWED = "previewed", _("previewed (dry run)")
    IMPORTED = "imported", _("imported")
    REJECTED = "rejected", _("rejected")
    FAILED = "failed", _("failed")


class ImportState(models.TextChoices):
    QUEUED = "queued", _("waiting for a worker")
    READING = "reading", _("reading the file")
    CHECKING = "checking", _("checking the rows")
    WRITING = "writing", _("writing")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")
    INTERRUPTED = "interrupted", _("interrupted")


#: States in which a worker holds the record (and must keep its heartbeat going).
RUNNING_STATES = (ImportState.READING, ImportState.CHECKING, ImportState.WRITING)
#: States a user may retry from: the stored file is imported again from scratch.
RETRY_STATES = (ImportState.INTERRUPTED, ImportState.FAILED)


class ImportRecordQuerySet(models.QuerySet):
    def running(self):
        return self.filter(state__in=RUNNING_STATES)

    def unfinished(self):
        return self.filter(state__in=(ImportState.QUEUED, *RUNNING_STATES))

    def for_owner(self, user, wholesaler=None):
        """The records ``user`` started (for the portal: as ``wholesaler``)."""
        return self.filter(user=user, wholesaler=wholesaler)


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
    overwrite_stale = models.BooleanField(
        _("overwrite stale rows"),
        default=False,
        help_text=_(
            "Chosen at confirm time: rows from a file exported before the listing's "
            "last change are written anyway (by default they are refused)."
        ),
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_new = models.PositiveIntegerField(_("new"), default=0)
    rows_updated = models.PositiveIntegerField(_("updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rows_invalid = models.PositiveIntegerField(_("invalid"), default=0)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=ImportOutcome.choices, blank=True
    )
    message = models.TextField(_("message"), blank=True)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=ImportState.choices,
        default=ImportState.DONE,
        db_index=True,
    )
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    #: Names the stored upload (``spreadsheets.stored_files``) a job reads and retries.
    upload_token = models.CharField(_("upload"), max_length=64, blank=True)
    #: Claims so far: a worker's writes only count while its claim is the latest.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    worker = models.CharField(
        _("worker"), max_length=200, blank=True, help_text=_("host:process id.")
    )
    #: The uploader's language: the job writes its messages in it.
    language = models.CharField(_("language"), max_length=10, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ImportRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import record")
        verbose_name_plural = _("import records")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.resource} {self.file_name}"

    @property
    def is_running(self) -> bool:
        return self.state in RUNNING_STATES

    @property
    def is_finished(self) -> bool:
        return self.state not in (ImportState.QUEUED, *RUNNING_STATES)

    @property
    def can_retry(self) -> bool:
        return self.state in RETRY_STATES and bool(self.upload_token)
