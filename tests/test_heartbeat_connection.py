"""A heartbeat thread closes its own database connection before it ends.

Left open, an in-memory SQLite connection is closed later by the garbage collector
in whichever thread collects it, possibly inside a SQLite callback of the main
thread on the same shared cache: the test run hung there (a regex lookup in the
admin, a deadlock on SQLite's mutex) in random order.
"""

import sqlite3

import pytest
from django.db import connection

from pilot_products.jobs import leases
from pilot_products.models import ImportRecord


def _is_closed(raw) -> bool:
    if isinstance(raw, sqlite3.Connection):
        try:
            raw.execute("SELECT 1")
        except sqlite3.ProgrammingError:
            return True
        return False
    return bool(raw.closed)


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_closes_its_connection(monkeypatch, settings):
    settings.IMPORT_HEARTBEAT_SECONDS = 0.05
    record = ImportRecord.objects.create(
        resource="listings", file_name="a.csv", sha256="0" * 64, file_format="csv"
    )
    seen = []
    beat = leases.Heartbeat.beat

    def beat_and_remember(self):
        beat(self)
        seen.append(connection.connection)

    monkeypatch.setattr(leases.Heartbeat, "beat", beat_and_remember)
    heartbeat = leases.Heartbeat(record)
    with heartbeat:
        while not seen:
            heartbeat._stop.wait(0.01)
    raw = seen[-1]
    assert raw is not None and raw is not connection.connection
    assert _is_closed(raw)
