"""Playwright driving Debian's Chromium, headless, against pytest-django's live server."""

import os
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from pilot_products import roles
from pilot_products.reference_data import load_reference_data
from tests import factories

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts")) / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session", autouse=True)
def _allow_sync_orm_in_playwright_loop():
    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls
    # from a thread with a running loop unless told the code is deliberately synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium package."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page, request):
    """Save a screenshot named after the test and the step."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(step: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def jobs_run_at_once(settings):
    """Import jobs run inside the request that queues them (the Tasks API's
    immediate backend, same task functions): the live server has no worker.
    tests/browser/test_import_job_browser.py runs a real one."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }


def log_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")


@pytest.fixture
def portal_company(db):
    """Reference data and a wholesaler with one booth and the user ``wholesaler-a``."""
    load_reference_data()
    # A transactional test before this one may have flushed the migration's groups.
    Group.objects.get_or_create(name=roles.WHOLESALER_USER)
    company = factories.make_wholesaler(
        name_zh="义乌环球进口贸易有限公司", name_en="Yiwu Global Import Trading"
    )
    factories.make_booth(company, gate="7", street=12, number="12345")
    factories.make_wholesaler_user("wholesaler-a", company)
    return company
