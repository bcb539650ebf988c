"""The pilot progress page's batch totals at 1,000,000 batch lines, against a peer.

Usage: python bench/progress.py [--lines 1000000] [--databases sqlite,postgres]
Each database gets a schema of its own (SQLite: a file under the temporary folder;
PostgreSQL: BENCH_PROGRESS_DATABASE_URL, default yiwu_progress_bench, created if
missing), the reference data and one wholesaler, then ``--lines`` batch lines
spread over 2,000 batches with every transport mode and 12 countries of origin
(written once, kept for the next run). Cases, interleaved over 3 rounds, median:

- ``ours``: ``pilot_progress.batch_totals``, one grouped query summing whole fen;
- ``peer``: the straightforward exact way, every line's value read into Python and
  added as ``Decimal`` (what the page did before);
- ``page``: a request for ``/progress/`` right after a catalogue change (nothing
  cached: the figures, the offers per product and the batch totals all read anew).
Both sums are compared: the benchmark fails if they differ by a fen.
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.gettempdir()) / "yiwu-bench-progress"
POSTGRES_URL = os.environ.get(
    "BENCH_PROGRESS_DATABASE_URL",
    "postgres://postgres@127.0.0.1:5432/yiwu_progress_bench",
)
COUNTRIES = ["DE", "FR", "IT", "ES", "PL", "RU", "JP", "KR", "AU", "US", "TH", "MY"]
BATCHES = 2000


def database_url(name: str) -> str:
    return (
        f"sqlite:///{WORK / 'progress.sqlite3'}" if name == "sqlite" else POSTGRES_URL
    )


def run_case(name: str, lines: int) -> None:
    """Runs in a child process with DATABASE_URL set: seed once, then time."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwu_catalog.settings")
    django.setup()
    from datetime import date
    from decimal import Decimal

    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from pilot_products import pilot_progress
    from pilot_products.catalogue_sync import catalogue_changed
    from pilot_products.models import (
        ImportBatch,
        ImportBatchLine,
        TariffLine,
        Wholesaler,
    )
    from pilot_products.models.batches import TransportMode
    from tests import factories

    call_command("migrate", verbosity=0)
    if ImportBatchLine.objects.count() != lines:
        ImportBatchLine.objects.all().delete()
        ImportBatch.objects.all().delete()
        if not TariffLine.objects.exists():
            call_command("load_reference_data", stdout=io.StringIO())
        wholesaler = Wholesaler.objects.first() or factories.make_wholesaler()
        modes = list(TransportMode.values)
        batches = ImportBatch.objects.bulk_create(
            ImportBatch(
                wholesaler=wholesaler,
                declaration_number=f"2920{n:014d}",
                declared_on=date(2025, 1 + n % 12, 1 + n % 28),
                supervision_mode="bonded_centre",
                transport_mode=modes[n % len(modes)],
                origin_country=COUNTRIES[n % len(COUNTRIES)],
                dispatch_country=COUNTRIES[n % len(COUNTRIES)],
            )
            for n in range(BATCHES)
        )
        tariff_line = TariffLine.objects.first()
        chunk = 50_000
        for start in range(0, lines, chunk):
            ImportBatchLine.objects.bulk_create(
                ImportBatchLine(
                    batch=batches[n % BATCHES],
                    tariff_line=tariff_line,
                    quantity=1 + n % 500,
                    unit="piece",
                    value_cny=Decimal(n % 9_999_999 + 1) / 100,
                )
                for n in range(start, min(start + chunk, lines))
            )
        print(f"  {name}: seeded {lines:,} lines", flush=True)

    def peer():
        total = Decimal(0)
        for value in ImportBatchLine.objects.values_list(
            "value_cny", flat=True
        ).iterator(chunk_size=5000):
            total += value
        return total

    client = Client(HTTP_HOST="127.0.0.1")

    def page():
        catalogue_changed()
        cache.clear()
        response = client.get("/progress/", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, response.status_code
        return None

    cases = {"ours": lambda: pilot_progress.batch_totals().total, "peer": peer}
    cases["page"] = page
    timings: dict[str, list[float]] = {case: [] for case in cases}
    sums = {}
    for _round in range(3):
        for case, work in cases.items():
            started = time.perf_counter()
            result = work()
            timings[case].append(time.perf_counter() - started)
            if result is not None:
                sums[case] = result
    assert sums["ours"] == sums["peer"], sums
    ours, peer_s = (
        statistics.median(timings["ours"]),
        statistics.median(timings["peer"]),
    )
    print(
        f"| {name} | batch totals, ours | {lines:,} | {ours * 1000:,.0f} | {ours / peer_s:.2f}x |"
    )
    print(f"| {name} | batch totals, peer | {lines:,} | {peer_s * 1000:,.0f} | 1.00x |")
    page_s = statistics.median(timings["page"])
    print(
        f"| {name} | /progress/ after a change | {lines:,} | {page_s * 1000:,.0f} | |"
    )
    print(f"  {name}: total {sums['ours']} CNY, the same in both", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        run_case(args.case, args.lines)
        return
    WORK.mkdir(parents=True, exist_ok=True)
    print("| database | case | lines | ms (median of 3) | vs peer |")
    print("| --- | --- | ---: | ---: | ---: |", flush=True)
    for name in args.databases.split(","):
        if name == "postgres":
            database = POSTGRES_URL.rsplit("/", 1)[1]
            subprocess.run(
                ["createdb", "-h", "127.0.0.1", "-U", "postgres", database],
                capture_output=True,
            )
        env = {
            **os.environ,
            "DATABASE_URL": database_url(name),
            "CATALOGUE_PAGE_CACHE_SECONDS": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        subprocess.run(
            [sys.executable, __file__, "--case", name, "--lines", str(args.lines)],
            cwd=ROOT,
            env=env,
            check=True,
        )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
