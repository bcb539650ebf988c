"""Spreadsheet import/export benchmark: ours against the references, per database.

Usage: python bench/spreadsheets.py [--rows 100000] [--databases sqlite,postgres]
[--cases read,ours-new,...] (a subset of the cases; setup always runs first).
Each measurement runs in a fresh process so its peak memory (ru_maxrss) is its own.
"""

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.gettempdir()) / "yiwu-bench-spreadsheets"
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/yiwu_bench4"
)
IIE_ROWS = 10_000


def _django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwu_catalog.settings")
    import django

    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _clear_listings():
    from django.db import connection

    from pilot_products.models import Listing, PriceTier

    # Every table that points at a listing (price tiers, search documents, batch
    # lines, photos) is emptied first, so the foreign keys hold.
    tables = [PriceTier._meta.db_table]
    for relation in Listing._meta.related_objects:
        if relation.many_to_many:
            tables.append(relation.through._meta.db_table)
        elif relation.related_model._meta.db_table not in tables:
            tables.append(relation.related_model._meta.db_table)
    tables += [Listing.history.model._meta.db_table, Listing._meta.db_table]
    with connection.cursor() as cursor:
        for table in dict.fromkeys(tables):
            cursor.execute(f"DELETE FROM {table}")


# Cases (run in a child process) ---------------------------------------------------


def case_setup(rows: int) -> dict:
    from django.core.management import call_command

    from pilot_products.demo_data import seed_demo
    from pilot_products.reference_data import load_reference_data
    from pilot_products.spreadsheets.exporting import export_file
    from pilot_products.spreadsheets.specs import ListingsSpec

    call_command("flush", "--no-input", verbosity=0)
    call_command("migrate", "--no-input", verbosity=0)
    load_reference_data()
    seed_demo(wholesalers=max(rows // 200, 2), listings=rows, seed=4)
    from pilot_products.models import Listing

    # ours-new imports the export into an empty table, and a new listing cannot
    # start paused (only an active one pauses) nor active under a suspended
    # wholesaler: the seeded paused ones are active, and those drafts.
    Listing.objects.filter(status="paused").update(status="active")
    Listing.objects.filter(status="active").exclude(wholesaler__status="active").update(
        status="draft"
    )
    WORK.mkdir(exist_ok=True)
    with (WORK / "base.csv").open("wb") as target:
        export_file(ListingsSpec(), target, "csv")
    with (WORK / "base.xlsx").open("wb") as target:
        export_file(ListingsSpec(), target, "xlsx")
    # The "changed" file: every stock figure differs, so every row is an update.
    table = list(csv.reader(io.StringIO((WORK / "base.csv").read_text("utf-8-sig"))))
    stock = next(i for i, h in enumerate(table[0]) if h.endswith("(stock)"))
    # Its version column is blank: ours-new rewrites every listing (new versions)
    # before the dry run and the update read it, which would make every row stale.
    version = next(i for i, h in enumerate(table[0]) if h.endswith("(version)"))
    for row in table[1:]:
        row[stock] = str(int(row[stock]) + 1)
        row[version] = ""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(table)
    (WORK / "changed.csv").write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode())
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("listings")
    for row in table:
        sheet.append(row)
    workbook.save(WORK / "changed.xlsx")
    head = table[: IIE_ROWS + 1]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(head)
    (WORK / "head.csv").write_text(buffer.getvalue())
    return {"rows": len(table) - 1}


def _read_rows(path: Path):
    if path.suffix == ".csv":
        reader = csv.reader(io.StringIO(path.read_text("utf-8-sig")))
        next(reader)
        return list(reader)
    from openpyxl import load_workbook

    sheet = load_workbook(path, read_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    next(rows)
    return [list(row) for row in rows]


def case_reference(file_format: str) -> dict:
    """A hand-written bulk_create loop with dictionary lookups: no validation."""
    from decimal import Decimal

    from django.db import transaction

    from pilot_products.models import (
        Booth,
        Listing,
        PilotProduct,
        PriceTier,
        Wholesaler,
    )

    _clear_listings()
    started = time.perf_counter()
    rows = _read_rows(WORK / f"base.{file_format}")
    wholesalers = dict(Wholesaler.objects.values_list("credit_code", "pk"))
    products = dict(PilotProduct.objects.values_list("code", "pk"))
    booths = {
        f"{d}区 {g}门 {f}楼 {s}街 {n}": pk
        for pk, d, g, f, s, n in Booth.objects.values_list(
            "pk", "district", "gate", "floor", "street", "number"
        )
    }
    with transaction.atomic():
        listings = [
            Listing(
                wholesaler_id=wholesalers[r[0]], sku=r[1], pilot_product_id=products[r[2]],
                customs_code=r[3], title_zh=r[4], title_en=r[5] or "", brand=r[6] or "",
                country_of_origin=r[7], unit=r[8], unit_price=Decimal(str(r[9])),
                moq=int(r[10]), stock=int(r[11]), booth_id=booths.get(r[12]), status=r[13],
            )
            for r in rows
        ]  # fmt: skip
        Listing.objects.bulk_create(listings, batch_size=2000)
        ids = {
            (w, s): pk for w, s, pk in Listing.objects.values_list("wholesaler_id", "sku", "pk")
        }  # fmt: skip
        tiers = [
            PriceTier(
                listing_id=ids[(wholesalers[r[0]], r[1])],
                # Tiers are written 100=9.50 (see docs/architecture.md, Spreadsheets).
                min_quantity=int(part.split("=")[0]),
                unit_price=Decimal(part.split("=")[1]),
            )
            for r in rows
            if r[14]
            for part in str(r[14]).split(";")
        ]
        PriceTier.objects.bulk_create(tiers, batch_size=2000)
    return {"seconds": time.perf_counter() - started, "rows": len(rows)}


def _ours(name: str, dry_run: bool, clear: bool) -> dict:
    from pilot_products.spreadsheets.engine import run_import

    if clear:
        _clear_listings()
    data = (WORK / name).read_bytes()
    started = time.perf_counter()
    result = run_import("listings", file_name=name, data=data, dry_run=dry_run)
    seconds = time.perf_counter() - started
    assert result.is_valid, result.errors[:5]
    return {
        "seconds": seconds,
        "rows": result.rows_total,
        "new": result.rows_new,
        "updated": result.rows_updated,
        "unchanged": result.rows_unchanged,
    }


def case_read(file_format):
    """Only the reader (``read_table``): the part of an import the XLSX library
    decides, CSV and XLSX of the same rows in the same run."""
    from pilot_products.spreadsheets.reading import read_table

    name = f"base.{file_format}"
    data = (WORK / name).read_bytes()
    started = time.perf_counter()
    table = read_table(name, data)
    return {"seconds": time.perf_counter() - started, "rows": len(table.rows)}


def case_ours_new(file_format):
    return _ours(f"base.{file_format}", dry_run=False, clear=True)


def case_ours_dry_run(file_format):
    return _ours(f"changed.{file_format}", dry_run=True, clear=False)


def case_ours_update(file_format):
    return _ours(f"changed.{file_format}", dry_run=False, clear=False)


def case_iie_default(_file_format):
    """django-import-export's default ModelResource.import_data, natural keys."""
    import tablib
    from import_export import fields, resources, widgets

    from pilot_products.models import Listing, PilotProduct, Wholesaler

    class ListingResource(resources.ModelResource):
        wholesaler = fields.Field(
            attribute="wholesaler",
            column_name="wholesaler",
            widget=widgets.ForeignKeyWidget(Wholesaler, "credit_code"),
        )
        pilot_product = fields.Field(
            attribute="pilot_product",
            column_name="pilot_product",
            widget=widgets.ForeignKeyWidget(PilotProduct, "code"),
        )

        class Meta:
            model = Listing
            import_id_fields = ("wholesaler", "sku")
            fields = (
                "wholesaler", "sku", "pilot_product", "customs_code", "title_zh",
                "title_en", "brand", "country_of_origin", "unit", "unit_price", "moq",
                "stock", "status",
            )  # fmt: skip
            clean_model_instances = True
            skip_unchanged = True
            use_transactions = True

    _clear_listings()
    text = (WORK / "head.csv").read_text()
    table = list(csv.reader(io.StringIO(text)))
    headers = [h.split("(")[-1].rstrip(")") for h in table[0]]
    keep = [i for i, h in enumerate(headers) if h not in ("booth", "tiers")]
    dataset = tablib.Dataset(
        *[[row[i] for i in keep] for row in table[1:]],
        headers=[headers[i] for i in keep],
    )
    started = time.perf_counter()
    result = ListingResource().import_data(dataset, dry_run=False, raise_errors=True)
    seconds = time.perf_counter() - started
    assert not result.has_errors()
    return {"seconds": seconds, "rows": len(dataset)}


def _export(file_format: str, limit: int | None, baseline: bool) -> dict:
    from pilot_products.models import Listing
    from pilot_products.spreadsheets.exporting import export_file
    from pilot_products.spreadsheets.specs import ListingsSpec
    from pilot_products.spreadsheets.specs.trade import LISTING_EXPORT_VALUES

    queryset = Listing.objects.all()
    if limit:
        last = Listing.objects.order_by("pk").values_list("pk", flat=True)[limit - 1]
        queryset = queryset.filter(pk__lte=last)
    target = WORK / f"export-{file_format}-{limit}-{baseline}.out"
    started = time.perf_counter()
    with target.open("wb") as out:
        if baseline:
            text = io.TextIOWrapper(out, encoding="utf-8", newline="")
            writer = csv.writer(text)
            for row in queryset.values_list(*LISTING_EXPORT_VALUES).iterator(2000):
                writer.writerow(row)
            text.flush()
            text.detach()
        else:
            export_file(ListingsSpec(), out, file_format, queryset=queryset)
    return {"seconds": time.perf_counter() - started, "rows": queryset.count()}


def case_export(spec: str):
    file_format, limit, baseline = spec.split("-")
    return _export(file_format, int(limit) or None, baseline == "baseline")


CASES = {
    "setup": lambda arg: case_setup(int(arg)),
    "read": case_read,
    "reference": case_reference,
    "ours-new": case_ours_new,
    "ours-dry-run": case_ours_dry_run,
    "ours-update": case_ours_update,
    "iie-default": case_iie_default,
    "export": case_export,
}


def run_child(database_url: str, case: str, arg: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_LOG_LEVEL": "WARNING"}
    output = subprocess.run(
        [sys.executable, __file__, "--child", case, arg],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def ensure_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as db:
        exists = db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not exists.fetchone():
            db.execute(f'CREATE DATABASE "{name}"')


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def summary(database: str, results: dict, rows: int, small: int) -> list[str]:
    """Ratios against the issue's targets, from one database's results."""

    def seconds(key):
        return results[key]["seconds"]

    def per_row(key):
        return seconds(key) / results[key]["rows"]

    lines = [f"**{database}**", ""]
    for file_format in ("csv", "xlsx"):
        reference = seconds(("reference", file_format))
        new, update = (
            seconds(("ours-new", file_format)),
            seconds(("ours-update", file_format)),
        )
        dry = seconds(("ours-dry-run", file_format))
        peak = max(
            results[(case, file_format)]["peak_mb"]
            for case in ("ours-new", "ours-dry-run", "ours-update")
        )
        lines.append(
            f"- {file_format.upper()} import: new {new / reference:.2f}x and all-updates "
            f"{update / reference:.2f}x the bulk_create reference (target <= 3x); "
            f"dry run {dry:.1f} s vs real update {update:.1f} s (target: dry <= real); "
            f"peak {peak} MB (target < 500 MB)."
        )
    iie = per_row(("iie-default", "csv"))
    ours = per_row(("ours-new", "csv"))
    lines.append(
        f"- django-import-export default: {iie * 1000:.2f} ms/row vs ours "
        f"{ours * 1000:.3f} ms/row: ours is {iie / ours:.0f}x faster per row "
        "(target >= 10x)."
    )
    full_base = seconds(("export", "csv-0-baseline"))
    full_ours = seconds(("export", "csv-0-ours"))
    small_peak = results[("export", f"csv-{small}-ours")]["peak_mb"]
    full_peak = results[("export", "csv-0-ours")]["peak_mb"]
    xlsx_small = results[("export", f"xlsx-{small}-ours")]["peak_mb"]
    xlsx_full = results[("export", "xlsx-0-ours")]["peak_mb"]
    lines.append(
        f"- CSV export of {rows:,}: {full_ours:.2f} s vs csv.writer {full_base:.2f} s "
        f"= {full_ours / full_base:.2f}x (target <= 2x); peak {full_peak} MB vs "
        f"{small_peak} MB at {small:,} = {full_peak / small_peak:.2f}x (target <= 1.5x)."
    )
    lines.append(
        f"- XLSX export of {rows:,}: {seconds(('export', 'xlsx-0-ours')):.2f} s; peak "
        f"{xlsx_full} MB vs {xlsx_small} MB at {small:,} = "
        f"{xlsx_full / xlsx_small:.2f}x."
    )
    return lines + [""]


def _xlsx_ratios(database: str, results: dict) -> list[str]:
    """XLSX against CSV of the same rows, same run (the machine may be shared)."""
    lines = []
    for case in ("read", "ours-new", "ours-dry-run", "ours-update"):
        if (case, "csv") in results and (case, "xlsx") in results:
            csv_s = results[(case, "csv")]["seconds"]
            xlsx_s = results[(case, "xlsx")]["seconds"]
            lines.append(
                f"- {database} {case}: XLSX {xlsx_s:.2f} s / CSV {csv_s:.2f} s = "
                f"{xlsx_s / csv_s:.2f}x; peak {results[(case, 'xlsx')]['peak_mb']} MB "
                f"(XLSX), {results[(case, 'csv')]['peak_mb']} MB (CSV)."
            )
    return lines + [""] if lines else []


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument(
        "--export-repeat",
        type=int,
        default=3,
        help="rounds of the (cheap) export cases, interleaved; the median is shown",
    )
    parser.add_argument(
        "--cases",
        default="",
        help="comma-separated subset of the cases (e.g. read,ours-new); default all",
    )
    parser.add_argument("--child", nargs=2)
    options = parser.parse_args()
    if options.child:
        _django()
        case, arg = options.child
        result = CASES[case](arg)
        result["peak_mb"] = round(_peak_mb(), 1)
        print(json.dumps(result))
        return
    small = max(options.rows // 10, 1)
    started = time.strftime("%Y-%m-%d %H:%M %Z")
    lines = [
        f"Started {started}. Rows: {options.rows:,}; django-import-export default on "
        f"{min(IIE_ROWS, options.rows):,} rows, scaled per row. Export cases: median "
        f"of {options.export_repeat} interleaved rounds (peak MB: the largest).",
        "",
        "| database | case | rows | seconds | s per 100k rows | peak MB |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    summaries: list[str] = []
    for database in options.databases.split(","):
        if database == "postgres":
            ensure_postgres_database(POSTGRES_URL)
            url = POSTGRES_URL
        else:
            url = f"sqlite:///{WORK / 'bench.sqlite3'}"
            WORK.mkdir(exist_ok=True)
            (WORK / "bench.sqlite3").unlink(missing_ok=True)
        plan = [("setup", str(options.rows))]
        for file_format in ("csv", "xlsx"):
            plan += [
                ("read", file_format),
                ("reference", file_format),
                ("ours-new", file_format),
                ("ours-dry-run", file_format),
                ("ours-update", file_format),
            ]
        # The iie case empties the table; ours-new refills it for the exports.
        plan += [("iie-default", "csv"), ("ours-new", "csv")]
        exports = [
            f"{file_format}-{limit}-{kind}"
            for limit in (0, small)
            for file_format, kind in (("csv", "baseline"), ("csv", "ours"), ("xlsx", "ours"))
        ]  # fmt: skip
        plan += [
            ("export", arg) for _ in range(options.export_repeat) for arg in exports
        ]
        if options.cases:
            chosen = {"setup", *options.cases.split(",")}
            if "iie-default" not in chosen:  # nor its refill of the table
                iie = plan.index(("iie-default", "csv"))
                del plan[iie : iie + 2]
            plan = [(case, arg) for case, arg in plan if case in chosen]
        runs: dict[tuple, list[dict]] = {}
        for case, arg in plan:
            result = run_child(url, case, arg)
            print(f"{database} {case} {arg}: {json.dumps(result)}", flush=True)
            runs.setdefault((case, arg), []).append(result)
        results = {}
        for (case, arg), found in runs.items():
            if case == "ours-new" and arg == "csv":
                found = found[:1]  # the refill after iie is not a measurement
            result = dict(found[-1])
            result["seconds"] = _median([r.get("seconds", 0.0) for r in found])
            result["peak_mb"] = max(r["peak_mb"] for r in found)
            results[(case, arg)] = result
            rows = result.get("rows", 0)
            seconds = result["seconds"]
            per_100k = seconds * 100_000 / rows if rows and seconds else 0.0
            lines.append(
                f"| {database} | {case} {arg} | {rows:,} | {seconds:.2f} | "
                f"{per_100k:.1f} | {result['peak_mb']} |"
            )
        if not options.cases:
            summaries += summary(database, results, options.rows, small)
        summaries += _xlsx_ratios(database, results)
    lines += ["", f"Finished {time.strftime('%Y-%m-%d %H:%M %Z')}.", "", *summaries]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
