"""The housekeeping job, queued and run through the Tasks API: expired uploads go,
an import whose worker is gone is marked interrupted."""

import os
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from pilot_products.jobs import leases
from pilot_products.models import ImportRecord, ImportState
from pilot_products.spreadsheets import stored_files
from tests.jobs_helpers import queued_jobs, run_queued_jobs

pytestmark = pytest.mark.django_db


def test_the_queued_housekeeping_job_removes_expired_uploads_and_stale_imports(
    settings,
):
    settings.IMPORT_LEASE_SECONDS = 30
    old = stored_files.save_upload(ContentFile(b"sku\r\n", name="old.csv"))
    new = stored_files.save_upload(ContentFile(b"sku\r\n", name="new.csv"))
    stale = ImportRecord.objects.create(
        resource="listings",
        file_name="l.csv",
        sha256="0" * 64,
        state=ImportState.WRITING,
        attempts=1,
        worker="another-machine:12",
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )

    call_command("housekeeping", "--enqueue", stdout=None)
    assert queued_jobs() == 1
    _written_days_ago(old, 2)
    run_queued_jobs()

    assert not stored_files.has_upload(old)
    assert stored_files.has_upload(new)
    stale.refresh_from_db()
    assert stale.state == ImportState.INTERRUPTED
    assert stale.message == str(leases.MSG_INTERRUPTED)


def _written_days_ago(token: str, days: int) -> None:
    """Make the upload's files look written ``days`` ago (past their 24 hours)."""
    storage = stored_files.import_storage()
    past = (timezone.now() - timedelta(days=days)).timestamp()
    for name in storage.listdir(token)[1]:
        os.utime(storage.path(f"{token}/{name}"), (past, past))
