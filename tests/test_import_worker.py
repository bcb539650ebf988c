"""Import jobs run by a real worker process (``manage.py db_worker``) on SQLite and
PostgreSQL: a job end to end, a worker killed (SIGKILL) while writing leaves nothing
written and an interrupted record, and the retried job then succeeds."""

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.operations_support import ROOT, Site, database_url
from tests.test_import_interrupted import NEW_ROWS, _big_listing_file

#: What the worker logs for each slice (pilot_products.jobs.imports).
SLICE_LOG = re.compile(r"import (\d+): (\w+) (\d+)/(\d+) rows")
#: Job bookkeeping, not catalogue data: compared separately.
JOB_TABLES = ("pilot_products.importrecord", "django_tasks_database")


def _enqueue(site: Site, path: Path, *, dry_run: bool = False) -> int:
    """Store the file as an upload and queue its job, as the upload page does."""
    code = f"""
import hashlib
from django.core.files import File
from pilot_products.jobs.imports import import_enqueue
from pilot_products.spreadsheets import stored_files
path = {str(path)!r}
with open(path, "rb") as handle:
    token = stored_files.save_upload(File(handle, name="upload.bin"))
with open(path, "rb") as handle:
    digest = hashlib.sha256(handle.read()).hexdigest()
record = import_enqueue(resource="listings", token=token, file_name="listings.csv",
    sha256=digest, user=None, dry_run={dry_run!r})
print(record.pk)
"""
    return int(site.python(code).strip())


def _record(site: Site, pk: int) -> dict:
    code = (
        "from pilot_products.models import ImportRecord\n"
        f"r = ImportRecord.objects.get(pk={pk})\n"
        "print(r.state, r.outcome or '-', r.attempts, r.rows_done, r.rows_total, "
        "r.rows_new, r.rows_updated)"
    )
    state, outcome, *numbers = site.python(code).split()
    keys = ["attempts", "rows_done", "rows_total", "rows_new", "rows_updated"]
    return {"state": state, "outcome": outcome} | dict(
        zip(keys, map(int, numbers), strict=True)
    )


def _worker(site: Site, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-reload",
            "--interval",
            "0.1",
            "--no-startup-delay",
            *extra,
        ],  # fmt: skip
        cwd=ROOT,
        env=site.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _run_queue(site: Site) -> None:
    """A worker that runs what is queued, then exits."""
    worker = _worker(site, "--batch")
    _out, err = worker.communicate(timeout=300)
    assert worker.returncode == 0, err


def _kill_while_writing(worker: subprocess.Popen) -> list[tuple[str, int, int]]:
    """SIGKILL the worker once it logged a written slice short of the end."""
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(
        target=lambda: [lines.put(line) for line in worker.stderr], daemon=True
    )
    reader.start()
    seen, log = [], []
    try:
        while True:
            # A job that stopped logging (failed, or never started) ends the test.
            line = lines.get(timeout=120)
            log.append(line)
            match = SLICE_LOG.search(line)
            if match is None:
                continue
            stage, done, total = match[2], int(match[3]), int(match[4])
            seen.append((stage, done, total))
            if stage == "import" and 0 < done < total:
                os.killpg(worker.pid, signal.SIGKILL)
                break
        assert worker.wait(timeout=60) == -signal.SIGKILL, seen
    except queue.Empty:
        raise AssertionError("".join(log)) from None
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        reader.join(timeout=10)
        worker.stderr.close()
    return seen


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_worker_killed_mid_write_leaves_nothing_and_the_retry_imports(engine, tmp_path):
    with database_url(engine, tmp_path, "import_job") as url:
        site = Site(url, tmp_path)
        site.seed()
        path, existing = _big_listing_file(site, tmp_path)
        before = site.fingerprint(exclude=JOB_TABLES)
        pk = _enqueue(site, path)
        assert _record(site, pk)["state"] == "queued"

        seen = _kill_while_writing(_worker(site))

        stages = [stage for stage, _done, _total in seen if stage != "reading"]
        assert stages[0] == "read" and stages[-1] == "import"
        assert site.fingerprint(exclude=JOB_TABLES) == before
        killed = _record(site, pk)
        assert killed["state"] in ("reading", "checking", "writing")
        assert killed["outcome"] == "-"
        # The next one to look (here: the next catalogue_import) marks it interrupted.
        reaped = site.python(
            "from pilot_products.jobs import leases\nprint(leases.reap_abandoned())"
        )
        assert reaped.strip() == "1"
        assert _record(site, pk)["state"] == "interrupted"

        retried = site.python(
            "from pilot_products.jobs.imports import import_retry\n"
            "from pilot_products.models import ImportRecord\n"
            f"print(import_retry(ImportRecord.objects.get(pk={pk})))"
        )
        assert retried.strip() == "True"
        _run_queue(site)

        done = _record(site, pk)
        assert done["state"] == "done" and done["outcome"] == "imported"
        assert done["attempts"] == 2
        assert (done["rows_new"], done["rows_updated"]) == (NEW_ROWS, existing)
        assert done["rows_done"] == done["rows_total"] == NEW_ROWS + existing
        count = site.python(
            "from pilot_products.models import Listing\n"
            "print(Listing.objects.filter(sku__startswith='KILLED-').count())"
        )
        assert count.strip() == str(NEW_ROWS)
        # Imported: the stored upload is gone with the job.
        assert not list((site.media_root / "imports").rglob("upload.bin"))
