"""Who holds a running import record, and how a dead holder is noticed.

A worker claims a queued record with one conditional UPDATE (queued -> reading,
attempts + 1), so two workers never run the same job: the second one's UPDATE
matches no row. While it runs, a heartbeat thread renews ``heartbeat_at`` and
carries the progress on its own database connection, outside the import's
transaction (which must stay invisible until it commits). Every later write of the
holder is conditional on its claim (same attempt, still running), so a worker that
was declared dead cannot overwrite what replaced it.

A record is abandoned when its holder is gone: on the holder's own machine, when
its process has ended; from any other machine, when its heartbeat is older than
the lease (the machine may have stopped). Its transaction died with it, so nothing
of it was written; ``reap_abandoned`` marks it interrupted. The process check comes
first where it can be made because SQLite blocks every other writer, the heartbeat
included, while an import writes: a long write there looks silent. For the same
reason the heartbeat also publishes its progress in the shared cache
(``published_progress``), which the status page reads: on SQLite the rows done then
move through the write phase too, when the record itself cannot be written.
"""

import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilot_products.models import ImportRecord, ImportState
from pilot_products.models.imports import RETRY_STATES, RUNNING_STATES

MSG_INTERRUPTED = _(
    "The import stopped before it finished (its worker ended), so nothing was "
    "written. Retry it to import the stored file again."
)

#: The engine's progress stages and the record state each one means.
STAGE_STATES = {
    "reading": ImportState.READING,
    "read": ImportState.CHECKING,
    "validate": ImportState.CHECKING,
    "import": ImportState.WRITING,
}


def _progress_key(record: ImportRecord) -> str:
    return f"import-progress:{record.pk}:{record.attempts}"


def publish_progress(record: ImportRecord, state: str, done: int, total: int) -> None:
    """Keep the claim's latest progress where every process sees it, at once."""
    cache.set(_progress_key(record), (state, done, total), timeout=_progress_timeout())


def published_progress(record: ImportRecord) -> tuple[str, int, int] | None:
    """The latest progress the record's current claim published, if any."""
    return cache.get(_progress_key(record))


def _progress_timeout() -> int:
    return max(int(settings.IMPORT_LEASE_SECONDS) * 2, 10)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def lease() -> timedelta:
    return timedelta(seconds=settings.IMPORT_LEASE_SECONDS)


def claim(record_id: int) -> ImportRecord | None:
    """Take a queued record for this process; None if another one has it (or had)."""
    now = timezone.now()
    taken = ImportRecord.objects.filter(pk=record_id, state=ImportState.QUEUED).update(
        state=ImportState.READING,
        attempts=F("attempts") + 1,
        worker=worker_name(),
        heartbeat_at=now,
        started_at=now,
        rows_done=0,
    )
    return ImportRecord.objects.get(pk=record_id) if taken else None


def mine(record: ImportRecord):
    """The record as long as this claim holds it: the condition of every later write."""
    return ImportRecord.objects.filter(
        pk=record.pk, attempts=record.attempts, state__in=RUNNING_STATES
    )


def requeue(record: ImportRecord) -> bool:
    """Put an interrupted or failed record back in the queue (once, however often asked)."""
    return bool(
        ImportRecord.objects.filter(pk=record.pk, state__in=RETRY_STATES).update(
            state=ImportState.QUEUED, message="", outcome="", rows_done=0
        )
    )


class Heartbeat:
    """Renews the claim and publishes progress every ``IMPORT_HEARTBEAT_SECONDS``.

    ``report`` is the engine's progress callback; it only remembers the latest
    stage, so the database sees at most one write per interval however often the
    engine reports.
    """

    def __init__(self, record: ImportRecord):
        self.record = record
        self.latest: tuple[str, int, int] | None = None
        self.interval = max(settings.IMPORT_HEARTBEAT_SECONDS, 0.05)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def report(self, stage: str, done: int, total: int) -> None:
        if stage in ("reading", "read"):
            # Rows read are not rows checked: the page's bar starts at checking.
            done = 0
        self.latest = (STAGE_STATES.get(stage, ImportState.CHECKING), done, total)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                self.beat()
        finally:
            close_thread_connection()

    def beat(self) -> None:
        fields = {"heartbeat_at": timezone.now()}
        if self.latest is not None:
            state, done, total = self.latest
            fields.update(state=state, rows_done=done, rows_total=total)
            publish_progress(self.record, state, done, total)
            if state == ImportState.WRITING and connection.vendor == "sqlite":
                # The import holds SQLite's only write lock until it commits: the
                # update would only wait for it. The process id keeps the claim.
                return
        try:
            mine(self.record).update(**fields)
        except DatabaseError:
            # SQLite: an import is writing and holds the only write lock. The next
            # beat tries again; the process id keeps the claim alive meanwhile.
            connection.close()


def close_thread_connection() -> None:
    """Close this thread's database connection, for real, before the thread ends.

    Django's ``close()`` keeps an in-memory SQLite connection open (the test
    database lives in it). Left to the garbage collector, that connection would be
    closed at some later moment in whichever thread collects it, possibly inside a
    SQLite callback of the main thread on the same shared cache, which holds the
    mutex the close waits for: the process hangs.
    """
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        if connection.connection is not None:
            connection.connection.close()
            connection.connection = None
        return
    connection.close()


def _same_host(worker: str) -> bool:
    return worker.rpartition(":")[0] == socket.gethostname()


def _process_alive(worker: str) -> bool:
    pid = worker.rpartition(":")[2]
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_abandoned(record: ImportRecord, now=None) -> bool:
    """Whether the record's holder is gone: on this machine its process has ended;
    elsewhere its heartbeat is older than the lease."""
    if record.state not in RUNNING_STATES:
        return False
    if _same_host(record.worker):
        return not _process_alive(record.worker)
    if record.heartbeat_at is None:
        return True
    return record.heartbeat_at < (now or timezone.now()) - lease()


def mark_interrupted(record: ImportRecord) -> bool:
    """Interrupt ``record`` if it is still held by the same (dead) claim."""
    updated = mine(record).update(
        state=ImportState.INTERRUPTED,
        message=str(MSG_INTERRUPTED),
        finished_at=timezone.now(),
    )
    if updated:
        record.state, record.message = ImportState.INTERRUPTED, str(MSG_INTERRUPTED)
    return bool(updated)


def reap_abandoned() -> int:
    """Mark every abandoned record interrupted; return how many. Every job, the
    command line and the status page call it, so a dead holder is noticed by the
    next one to look."""
    now = timezone.now()
    return sum(
        mark_interrupted(record)
        for record in ImportRecord.objects.running()
        if is_abandoned(record, now)
    )
