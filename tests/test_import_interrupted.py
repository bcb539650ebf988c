"""``manage.py catalogue_import`` killed (SIGKILL) while writing leaves the database
exactly as it was, on SQLite and PostgreSQL: the real import path, not a stand-in.
Its record (made when the run started) is marked interrupted by the next run."""

import csv
import io
import re
import signal
import subprocess
import sys

import pytest

from tests.operations_support import ROOT, Site, database_url
from tests.spreadsheet_helpers import LISTING_HEADERS

NEW_ROWS = 15_000  # more than one slice (10,000 rows) of the file
PROGRESS = re.compile(r"(\w+)\s+\[[#-]+\]\s+(\d+)/(\d+)")


def _big_listing_file(site: Site, tmp_path) -> tuple:
    """Every existing listing with a new price, then ``NEW_ROWS`` new listings."""
    exported = tmp_path / "exported.csv"
    site.manage("catalogue_export", "listings", str(exported), "--format", "csv")
    header, *rows = list(csv.reader(io.StringIO(exported.read_text("utf-8-sig"))))
    assert len(header) == len(LISTING_HEADERS)
    sku, price = LISTING_HEADERS.index("sku"), LISTING_HEADERS.index("unit_price")
    tiers = LISTING_HEADERS.index("tiers")
    changed = []
    for row in rows:
        row = list(row)
        row[price] = f"{float(row[price]) + 1:.2f}"
        # The first tier is at the unit price: every tier moves with it.
        row[tiers] = ";".join(
            f"{quantity}={float(tier_price) + 1:.2f}"
            for quantity, tier_price in (
                pair.split("=") for pair in row[tiers].split(";") if pair
            )
        )
        changed.append(row)
    template = rows[0]
    status = LISTING_HEADERS.index("status")
    new = []
    for index in range(NEW_ROWS):
        row = list(template)
        row[sku] = f"KILLED-{index:06d}"
        row[tiers] = ""
        row[LISTING_HEADERS.index("version")] = ""  # new: no version yet
        # A new listing starts as a draft (a paused one cannot be created).
        row[status] = "draft"
        new.append(row)
    path = tmp_path / "listings.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *changed, *new])
    return path, len(changed)


def _kill_while_writing(site: Site, path) -> list[str]:
    """Run the import, SIGKILL it once a slice is written, short of the end."""
    child = subprocess.Popen(
        [sys.executable, "manage.py", "catalogue_import", "listings", str(path)],
        cwd=ROOT,
        env=site.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: list[str] = []
    try:
        piece = ""
        while True:
            char = child.stderr.read(1)
            if not char:
                break
            if char not in "\r\n":
                piece += char
                continue
            match = PROGRESS.search(piece)
            piece = ""
            if match is None:
                continue
            stage, done, total = match[1], int(match[2]), int(match[3])
            seen.append(stage)
            if stage == "import" and 0 < done < total:
                child.send_signal(signal.SIGKILL)
                break
        assert child.wait(timeout=60) == -signal.SIGKILL, (seen, child.stdout.read())
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        child.stderr.close()
    return seen


def _count(site: Site, code: str) -> str:
    return site.python(f"from pilot_products.models import *\nprint({code})").strip()


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_killed_catalogue_import_leaves_the_database_as_it_was(engine, tmp_path):
    with database_url(engine, tmp_path, "import_killed") as url:
        site = Site(url, tmp_path)
        site.seed()
        path, existing = _big_listing_file(site, tmp_path)
        before = site.fingerprint(exclude=("pilot_products.importrecord",))

        stages = _kill_while_writing(site, path)

        # Read the whole file (saying so as it went), then died with its first
        # slice validated and written.
        assert list(dict.fromkeys(stages)) == ["reading", "read", "import"]
        assert site.fingerprint(exclude=("pilot_products.importrecord",)) == before
        if engine == "sqlite":
            check = site.python(
                "from django.db import connection\n"
                "print(connection.cursor().execute('PRAGMA integrity_check')"
                ".fetchone()[0])"
            )
            assert check == "ok\n"
        # The same file imports cleanly afterwards: nothing half-written is in the way.
        finished = site.manage("catalogue_import", "listings", str(path))
        assert f"new {NEW_ROWS}, updated {existing}" in finished.stdout
        assert _count(site, "Listing.objects.filter(sku__startswith='KILLED-')"
                      ".count()") == str(NEW_ROWS)  # fmt: skip
        # The killed run's record, marked interrupted by the next run, and the next.
        states = _count(site, "sorted(ImportRecord.objects.values_list('state', "
                        "'outcome'))")  # fmt: skip
        assert states == "[('done', 'imported'), ('interrupted', '')]"
