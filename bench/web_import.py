"""A 100,000-row listing import through the web against the same file through
``manage.py catalogue_import``, and the catalogue's p95 while the job runs.

Usage: python bench/web_import.py [--rows 100000] [--database sqlite|postgres]
The web run is what an operator does: log in to the admin, upload the file (the
request stores it and queues the preview job), wait for the preview, confirm (the
import job), wait for it to finish; gunicorn and one ``db_worker`` serve it. The
time is from the upload's first byte to the finished record. PostgreSQL at
BENCH_WEB_DATABASE_URL (default yiwu_jobs_bench, created and seeded if missing), or
SQLite in a file of its own under the temporary folder (``--database sqlite``).
"""

import argparse
import csv
import http.cookiejar
import io
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.gettempdir()) / "yiwu-bench-web-import"
POSTGRES_URL = os.environ.get(
    "BENCH_WEB_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yiwu_jobs_bench"
)
SQLITE_URL = f"sqlite:///{WORK / 'bench.sqlite3'}"
DATABASE_URL = POSTGRES_URL
IMPORT_URL = "/admin/pilot_products/listing/import/"
PROCESS_URL = "/admin/pilot_products/listing/process_import/"


def _env() -> dict:
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_MEDIA_ROOT": str(WORK / "media"),
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def manage(*args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_env(),
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def prepare(rows: int) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    from spreadsheets import ensure_postgres_database

    WORK.mkdir(parents=True, exist_ok=True)
    if DATABASE_URL.startswith("postgres"):
        ensure_postgres_database(DATABASE_URL)
    manage("migrate", "--no-input", "-v0")
    manage("load_reference_data")
    manage("seed_demo", "--wholesalers", "200", "--listings", "2000", "--seed", "6",
           "--if-empty")  # fmt: skip
    manage("create_demo_accounts")
    WORK.mkdir(parents=True, exist_ok=True)
    exported = WORK / "exported.csv"
    manage("catalogue_export", "listings", str(exported), "--format", "csv")
    header, *existing = list(csv.reader(io.StringIO(exported.read_text("utf-8-sig"))))
    column = {name.rsplit("(", 1)[-1].rstrip(")"): i for i, name in enumerate(header)}
    path = WORK / f"new-{rows}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for index in range(rows):
            row = list(existing[index % len(existing)])
            row[column["sku"]] = f"BENCH-{index:06d}"
            row[column["tiers"]] = ""
            row[column["status"]] = "draft"
            writer.writerow(row)
    return path


def clear_bench_listings() -> None:
    manage("shell", "-c", (
        "from pilot_products.models import Listing\n"
        "Listing.history.filter(sku__startswith='BENCH-').delete()\n"
        "Listing.objects.filter(sku__startswith='BENCH-').delete()"
    ))  # fmt: skip


class Client:
    """A browser's part, with urllib: cookies, CSRF token, multipart upload."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def request(self, path: str, data: bytes | None = None, headers=None):
        request = urllib.request.Request(
            self.base + path, data=data, headers={"Referer": self.base + "/",
                                                   **(headers or {})})  # fmt: skip
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            if error.code in (301, 302):
                return error.code, error.headers.get("Location"), b""
            raise
        return response.status, None, response.read()

    def post(self, path: str, fields: dict) -> str:
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.csrf()})
        status, location, _ = self.request(
            path,
            body.encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 302, status
        return location

    def upload(self, path: str, file: Path) -> str:
        boundary = secrets.token_hex(16)
        body = (
            (
                f"--{boundary}\r\nContent-Disposition: form-data; "
                f'name="csrfmiddlewaretoken"\r\n\r\n{self.csrf()}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{file.name}"\r\nContent-Type: text/csv\r\n\r\n'
            ).encode()
            + file.read_bytes()
            + f"\r\n--{boundary}--\r\n".encode()
        )
        status, location, _ = self.request(
            path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        assert status == 302, status
        return location


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def log_in(client: Client) -> None:
    client.request("/admin/login/")
    client.post("/admin/login/", {"username": "operator", "password": "yiwu-demo",
                                  "next": "/admin/"})  # fmt: skip


def wait_for(client: Client, token: str) -> dict:
    while True:
        _, _, body = client.request(f"{IMPORT_URL}?preview={token}&status=1")
        status = json.loads(body)
        if status["finished"]:
            return status
        time.sleep(0.5)


#: Catalogue requests that failed while the benchmark ran, with their seconds.
FAILED: list[float] = []


def catalogue_latencies(base: str, stop: threading.Event, out: list) -> None:
    """Sequential catalogue requests (pages 1-20 in turn) until ``stop``."""
    page = 0
    while not stop.is_set():
        page = page % 20 + 1
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(f"{base}/catalogue/?page={page}", timeout=60):
                pass
        except OSError:
            # Counted as failed (a reset, a timeout, a 5xx): the p95 leaves it out.
            FAILED.append(time.perf_counter() - started)
            continue
        out.append(time.perf_counter() - started)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] * 1000 if len(values) > 20 else 0


def run(rows: int) -> list[str]:
    path = prepare(rows)
    clear_bench_listings()
    started = time.perf_counter()
    summary = manage("catalogue_import", "listings", str(path))
    cli = time.perf_counter() - started
    # The command's own figure: the import without the process's start-up.
    cli_import = float(re.search(r" in ([\d.]+) s", summary)[1])
    clear_bench_listings()

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "yiwu_catalog.wsgi", "--bind",
             f"127.0.0.1:{port}", "--workers", "2", "--timeout", "30"],
            cwd=ROOT, env=_env(), start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval",
             "0.5"],
            cwd=ROOT, env=_env(), start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
    ]  # fmt: skip
    try:
        for _ in range(300):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        idle, busy, stop = [], [], threading.Event()
        probe = threading.Thread(target=catalogue_latencies, args=(base, stop, idle))
        probe.start()
        time.sleep(20)
        stop.set()
        probe.join()

        client = Client(base)
        log_in(client)
        stop = threading.Event()
        probe = threading.Thread(target=catalogue_latencies, args=(base, stop, busy))
        started = time.perf_counter()
        probe.start()
        token = re.search(r"preview=([\w-]+)", client.upload(IMPORT_URL, path))[1]
        preview = wait_for(client, token)
        checked = time.perf_counter() - started
        client.post(PROCESS_URL, {"preview": token})
        done = wait_for(client, token)
        web = time.perf_counter() - started
        stop.set()
        probe.join()
        assert preview["state"] == done["state"] == "done", (preview, done)
    finally:
        for process in servers:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait()
    clear_bench_listings()
    return [
        f"Rows: {rows:,} new listings (CSV, {path.stat().st_size / 1e6:.1f} MB), "
        f"{'SQLite' if DATABASE_URL.startswith('sqlite') else 'PostgreSQL'}.",
        "",
        "| case | seconds | vs CLI |",
        "| --- | ---: | ---: |",
        f"| `catalogue_import` (CLI, whole process) | {cli:.1f} | 1.00x |",
        f"| `catalogue_import`, its own import time | {cli_import:.1f} | |",
        f"| web: upload + preview job | {checked:.1f} | |",
        f"| web: confirm job alone | {web - checked:.1f} | |",
        f"| web: upload + preview job + confirm job | {web:.1f} | {web / cli:.2f}x |",
        "",
        "| catalogue `/catalogue/?page=1..20`, sequential | requests | p95 ms |",
        "| --- | ---: | ---: |",
        f"| idle (20 s) | {len(idle)} | {p95(idle):.0f} |",
        f"| while the web import runs | {len(busy)} | {p95(busy):.0f} |",
        f"| failed requests (reset, timeout, error) | {len(FAILED)} | |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--database", choices=["sqlite", "postgres"], default="postgres"
    )
    args = parser.parse_args()
    global DATABASE_URL
    DATABASE_URL = SQLITE_URL if args.database == "sqlite" else POSTGRES_URL
    print(f"Started {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.")
    print("\n".join(run(args.rows)))


if __name__ == "__main__":
    main()
