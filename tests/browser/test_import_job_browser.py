"""A 20,000-row upload in the portal, in Chinese, against a real server and a real
worker process: the page shows the check's progress moving, then the preview; the
confirm shows the import running, then what it wrote. Run on the suite's database
engine (SQLite, or PostgreSQL when DATABASE_URL names it)."""

import csv
import io
import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.operations_support import ROOT, Site, database_url

pytestmark = pytest.mark.browser

ROWS = 20_000
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _file_of_wholesaler_a(site: Site, tmp_path):
    """``ROWS`` new listings of wholesaler-a's company, from its own export."""
    code = site.python(
        "from pilot_products.models import WholesalerMember\n"
        "print(WholesalerMember.objects.get(user__username='wholesaler-a')"
        ".wholesaler.credit_code)"
    ).strip()
    exported = tmp_path / "exported.csv"
    site.manage("catalogue_export", "listings", str(exported), "--format", "csv")
    header, *rows = list(csv.reader(io.StringIO(exported.read_text("utf-8-sig"))))
    template = next(row for row in rows if row[0] == code)
    column = {name.rsplit("(", 1)[-1].rstrip(")"): i for i, name in enumerate(header)}
    new = []
    for index in range(ROWS):
        row = list(template)
        row[column["sku"]] = f"BROWSER-{index:05d}"
        row[column["tiers"]] = ""
        row[column["status"]] = "draft"
        new.append(row)
    path = tmp_path / "二万行.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *new])
    return path


def _start(site: Site, log, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env=site.env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGCONT)  # it may be paused by _pace_job
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_for_server(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError("the server did not come up")


def _follow_job(page, done_selector: str, shot) -> list[str]:
    """Read the progress line until the result shows; return each distinct line."""
    seen: list[str] = []
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            if page.locator(done_selector).count():
                return seen
            rows = page.locator(".job-rows")
            if rows.count():
                text = rows.inner_text(timeout=1000)
                if not seen or seen[-1] != text:
                    seen.append(text)
                    if len(seen) == 2:
                        shot()
        except Exception:  # noqa: BLE001 - the page reloads under us when it finishes
            pass
        time.sleep(0.1)
    raise AssertionError(f"the job did not finish: {seen} {page.url}")


def _pace_job(page, worker: subprocess.Popen, done_selector: str, shot) -> list[str]:
    """Let the (paused) worker run in short bursts and read the progress line after
    each, until the result shows; return each distinct line.

    How much of a job one poll of the page sees depends on the machine's speed: on a
    fast one a 20,000-row check ends between two polls. Pausing the worker between
    bursts (SIGSTOP/SIGCONT) makes what the page shows independent of that speed.
    The database is in WAL mode on SQLite, so a paused worker blocks no reader.
    """
    seen: list[str] = []
    for _ in range(200):
        os.killpg(worker.pid, signal.SIGCONT)
        time.sleep(0.25)
        os.killpg(worker.pid, signal.SIGSTOP)
        time.sleep(1.5)  # the page polls every second
        try:
            if page.locator(done_selector).count():
                os.killpg(worker.pid, signal.SIGCONT)
                return seen
            rows = page.locator(".job-rows")
            if rows.count():
                text = rows.inner_text(timeout=1000)
                if not seen or seen[-1] != text:
                    seen.append(text)
                    if len(seen) == 2:
                        shot()
        except Exception:  # noqa: BLE001 - the page reloads under us when it finishes
            pass
    os.killpg(worker.pid, signal.SIGCONT)
    raise AssertionError(f"the job did not finish: {seen} {page.url}")


def _screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"import-job-{name}.png"), full_page=True)


def test_a_20000_row_upload_shows_progress_then_the_result_in_chinese(
    browser, tmp_path
):
    engine = (
        "postgresql"
        if os.environ.get("DATABASE_URL", "").startswith("postgres")
        else "sqlite"
    )
    with database_url(engine, tmp_path, "browser_job") as url:
        site = Site(url, tmp_path)
        # Small slices: the page has several steps of progress to show.
        site.env["IMPORT_SLICE_ROWS"] = "2000"
        site.seed()
        path = _file_of_wholesaler_a(site, tmp_path)
        port = _free_port()
        log = (tmp_path / "servers.log").open("w")
        server = _start(
            site, log, "-m", "gunicorn", "yiwu_catalog.wsgi", "--bind",
            f"127.0.0.1:{port}", "--workers", "2", "--timeout", "30",
        )  # fmt: skip
        worker = _start(
            site, log, "manage.py", "db_worker", "--no-reload", "--interval", "0.2"
        )
        try:
            _wait_for_server(port)
            context = browser.new_context(
                base_url=f"http://127.0.0.1:{port}", locale="zh-CN"
            )
            page = context.new_page()
            page.set_default_timeout(30_000)
            page.set_viewport_size(DESKTOP)
            page.goto("/accounts/login/")
            page.fill("input[name=username]", "wholesaler-a")
            page.fill("input[name=password]", "yiwu-demo")
            page.click("main button[type=submit]")
            page.wait_for_url("**/portal/")
            page.goto("/portal/spreadsheets/")
            page.get_by_label("电子表格").set_input_files(path)
            os.killpg(worker.pid, signal.SIGSTOP)  # _pace_job lets it run
            page.get_by_role("button", name="检查文件").click()
            page.wait_for_url("**/portal/spreadsheets/preview/**")

            checking = _pace_job(
                page, worker, ".rows-new", lambda: _screenshot(page, "checking-zh")
            )

            # The check's progress moved through the file, then the preview showed.
            steps = [re.fullmatch(r"已处理 (\d+) 行，共 (\d+) 行", t) for t in checking]
            moving = {
                int(step[1]) for step in steps if step and int(step[2]) == ROWS
            } - {0, ROWS}
            assert len(moving) >= 2, checking
            assert page.locator("h1").inner_text() == "导入预览"
            assert page.locator(".rows-new").inner_text() == str(ROWS)
            assert page.locator(".rows-invalid").inner_text() == "0"
            _screenshot(page, "preview-zh")

            page.get_by_role("button", name="确认导入").click()
            importing = _follow_job(
                page, ".import-done", lambda: _screenshot(page, "importing-zh")
            )
            assert importing, "the import's progress was never shown"
            done = page.locator(".import-done").inner_text()
            assert "导入完成" in done
            assert f"新增 {ROWS}" in done or str(ROWS) in done
            _screenshot(page, "done-zh")
            page.set_viewport_size(PHONE)
            _screenshot(page, "done-zh-phone")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390

            # Away and back: the upload page lists the finished import.
            page.goto("/portal/spreadsheets/")
            assert "已完成" in page.locator("table.recent-imports").inner_text()
            _screenshot(page, "recent-zh-phone")
            context.close()
        finally:
            _stop(worker)
            _stop(server)
            log.close()
        count = site.python(
            "from pilot_products.models import Listing\n"
            "print(Listing.objects.filter(sku__startswith='BROWSER-').count())"
        )
        assert count.strip() == str(ROWS)
