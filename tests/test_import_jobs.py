"""The import record as a job's record: one claim per job, heartbeats, and a dead
holder noticed by the lease (in-process; tests/test_import_worker.py runs the real
worker)."""

import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from pilot_products.jobs import leases
from pilot_products.models import ImportOutcome, ImportRecord, ImportState
from tests import factories
from tests.spreadsheet_helpers import LISTING_HEADERS, csv_bytes, listing_row

pytestmark = pytest.mark.django_db


def _record(**fields) -> ImportRecord:
    defaults = {
        "resource": "listings",
        "file_name": "l.csv",
        "sha256": "0" * 64,
        "file_format": "",
        "state": ImportState.QUEUED,
        "upload_token": "t" * 24,
    }
    return ImportRecord.objects.create(**(defaults | fields))


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_queued_record_is_claimed_once():
    record = _record()

    first = leases.claim(record.pk)
    second = leases.claim(record.pk)

    assert first is not None and first.state == ImportState.READING
    assert first.attempts == 1 and first.worker == leases.worker_name()
    assert second is None


def test_a_stale_claim_cannot_write_after_a_retry_claimed_the_record():
    record = leases.claim(_record().pk)
    ImportRecord.objects.filter(pk=record.pk).update(
        state=ImportState.QUEUED, attempts=5
    )
    assert leases.mine(record).update(state=ImportState.DONE) == 0
    assert ImportRecord.objects.get(pk=record.pk).state == ImportState.QUEUED


def test_a_dead_process_on_this_machine_is_interrupted_at_once():
    host = leases.worker_name().rpartition(":")[0]
    dead = _record(
        state=ImportState.WRITING,
        attempts=1,
        worker=f"{host}:{_dead_pid()}",
        heartbeat_at=timezone.now(),
    )
    alive = _record(
        state=ImportState.WRITING,
        attempts=1,
        worker=leases.worker_name(),
        # Silent for long (SQLite blocks heartbeats while writing): still alive.
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )

    assert leases.reap_abandoned() == 1

    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.state == ImportState.INTERRUPTED
    assert dead.message == str(leases.MSG_INTERRUPTED)
    assert alive.state == ImportState.WRITING


def test_another_machine_is_trusted_for_its_lease(settings):
    settings.IMPORT_LEASE_SECONDS = 30
    now = timezone.now()
    fresh = _record(
        state=ImportState.CHECKING,
        attempts=1,
        worker="other-machine:1",
        heartbeat_at=now - timedelta(seconds=10),
    )
    stale = _record(
        state=ImportState.CHECKING,
        attempts=1,
        worker="other-machine:2",
        heartbeat_at=now - timedelta(seconds=31),
    )

    assert leases.reap_abandoned() == 1

    assert ImportRecord.objects.get(pk=fresh.pk).state == ImportState.CHECKING
    assert ImportRecord.objects.get(pk=stale.pk).state == ImportState.INTERRUPTED


def test_an_interrupted_record_is_queued_again_once():
    record = _record(state=ImportState.INTERRUPTED, attempts=1, message="stopped")

    assert leases.requeue(record) is True
    assert leases.requeue(record) is False

    record.refresh_from_db()
    assert (record.state, record.message, record.attempts) == (
        ImportState.QUEUED,
        "",
        1,
    )


def test_the_command_line_run_leaves_a_done_record_with_every_row_counted(
    trade_for_import, tmp_path
):
    wholesaler, product = trade_for_import
    rows = [LISTING_HEADERS] + [
        listing_row(wholesaler, product, sku=f"CLI-{index}", status="draft")
        for index in range(3)
    ]
    path = tmp_path / "l.csv"
    path.write_bytes(csv_bytes(rows))

    call_command("catalogue_import", "listings", str(path), stderr=None)

    record = ImportRecord.objects.get()
    assert record.state == ImportState.DONE
    assert record.outcome == ImportOutcome.IMPORTED
    assert (record.rows_done, record.rows_total, record.rows_new) == (3, 3, 3)
    assert record.attempts == 1 and record.finished_at is not None


@pytest.fixture
def trade_for_import(db):
    wholesaler = factories.make_wholesaler()
    product = factories.make_pilot_product(
        tariff_lines=[factories.make_tariff_line("04011000")]
    )
    return wholesaler, product


def test_the_status_page_sees_the_rows_written_even_when_the_record_cannot_be():
    """SQLite: the import holds the only write lock while it writes, so the
    heartbeat publishes its progress in the shared cache, where the page reads it."""
    import json

    from pilot_products.spreadsheets import progress

    record = leases.claim(_record().pk)
    heartbeat = leases.Heartbeat(record)
    heartbeat.report("import", 20_000, 50_000)

    heartbeat.beat()

    status = json.loads(progress.job_status(ImportRecord.objects.get()).content)
    assert (status["state"], status["rows_done"], status["rows_total"]) == (
        ImportState.WRITING,
        20_000,
        50_000,
    )
    assert status["rows_text"] == "20,000 of 50,000 rows"


def test_progress_of_an_earlier_claim_is_not_shown_for_a_retry():
    record = leases.claim(_record().pk)
    heartbeat = leases.Heartbeat(record)
    heartbeat.report("import", 900, 1000)
    heartbeat.beat()
    ImportRecord.objects.filter(pk=record.pk).update(state=ImportState.QUEUED)
    retried = leases.claim(record.pk)

    assert leases.published_progress(retried) is None
