"""An import killed mid-way (SIGKILL) leaves the database exactly as before it."""

import signal
import subprocess
import sys

import pytest

from tests.operations_support import ROOT, Site, database_url

#: Inserts listings through the bulk path used by imports, inside one transaction,
#: and stops half-way to be killed. Prints how many rows its transaction holds.
IMPORT_THEN_HANG = """
import time

import django

django.setup()
from django.db import transaction
from django.utils import timezone

from pilot_products.bulk import insert_rows
from pilot_products.demo_data import LISTING_COLUMNS
from pilot_products.models import Listing

model = Listing.objects.order_by("pk").first()
now = timezone.now()


def rows():
    for index in range(4_000):
        if index == 2_000:
            written = Listing.objects.filter(sku__startswith="KILLED-").count()
            print(f"HALF-WAY {written}", flush=True)
            time.sleep(600)
        yield (
            model.wholesaler_id, f"KILLED-{index:05d}", model.pilot_product_id,
            model.customs_code, model.title_zh, model.title_en, model.brand,
            str(model.country_of_origin), model.unit, model.unit_price, model.moq,
            model.stock, model.booth_id, model.status, now, now, now,
        )


with transaction.atomic():
    insert_rows(Listing, LISTING_COLUMNS, rows(), batch_size=250)
print("FINISHED", flush=True)
"""


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_killed_import_leaves_the_database_as_it_was(engine, tmp_path):
    with database_url(engine, tmp_path, "killed") as url:
        site = Site(url, tmp_path)
        site.seed()
        before = site.fingerprint()

        child = subprocess.Popen(
            [sys.executable, "-c", IMPORT_THEN_HANG],
            cwd=ROOT,
            env=site.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            line = child.stdout.readline()
            assert line.strip() == "HALF-WAY 2000", child.stderr.read()
            child.send_signal(signal.SIGKILL)
            assert child.wait(timeout=30) == -signal.SIGKILL
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            child.stdout.close()
            child.stderr.close()

        assert site.fingerprint() == before
        if engine == "sqlite":
            check = site.python(
                "from django.db import connection\n"
                "print(connection.cursor().execute('PRAGMA integrity_check')"
                ".fetchone()[0])"
            )
            assert check.strip() == "ok"
        # The same rows import cleanly afterwards: nothing half-written is in the way.
        finished = subprocess.run(
            [sys.executable, "-c", IMPORT_THEN_HANG.replace("2_000", "-1")],
            cwd=ROOT,
            env=site.env,
            capture_output=True,
            text=True,
        )
        assert finished.stdout.strip() == "FINISHED", finished.stderr
        assert (
            site.python(
                "from pilot_products.models import Listing\n"
                "print(Listing.objects.filter(sku__startswith='KILLED-').count())"
            ).strip()
            == "4000"
        )
