"""The upload's page follows its background job: progress while it runs (polled as
JSON by a static script), then the preview or what it imported; the user can leave
and come back; a stopped import is retried from the stored file; nobody else's job
is visible (404)."""

import io

import pytest
from django.urls import reverse
from django.utils import translation

from pilot_products.jobs import leases
from pilot_products.models import ImportOutcome, ImportRecord, ImportState, Listing
from pilot_products.spreadsheets.specs.trade import MSG_OTHER_WHOLESALER
from tests import factories
from tests.jobs_helpers import queued_jobs, run_queued_jobs
from tests.spreadsheet_helpers import LISTING_HEADERS, csv_bytes, listing_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(client, user_a, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user_a)
    return client


@pytest.fixture
def product(db):
    return factories.make_pilot_product(
        tariff_lines=[factories.make_tariff_line("04011000")]
    )


def _post(client, rows, name="jobs.csv") -> str:
    file = io.BytesIO(csv_bytes(rows))
    file.name = name
    response = client.post(reverse("pilot_products:spreadsheets"), {"file": file})
    assert response.status_code == 302
    return response["Location"]


def _good_rows(wholesaler, product, count=2):
    return [LISTING_HEADERS] + [
        listing_row(wholesaler, product, sku=f"JOB-{n}", status="draft")
        for n in range(count)
    ]


def test_the_page_shows_the_queued_job_and_its_status_until_it_has_run(
    portal, wholesaler_a, product
):
    page_url = _post(portal, _good_rows(wholesaler_a, product))

    # Queued, not run: the request only stored the file.
    assert queued_jobs() == 1
    record = ImportRecord.objects.get()
    assert (record.state, record.dry_run, record.language) == ("queued", True, "en")
    waiting = portal.get(page_url)
    html = waiting.content.decode()
    assert f'data-job-status-url="{page_url}?status=1"' in html
    assert "/static/pilot_products/js/job_progress.js" in html
    assert "<script>" not in html  # the policy allows no inline script
    assert "waiting for a worker" in html
    status = portal.get(f"{page_url}?status=1").json()
    assert status == {
        "state": "queued",
        "label": "waiting for a worker",
        "rows_done": 0,
        "rows_total": 0,
        "rows_text": "Counting the rows…",
        "finished": False,
    }

    run_queued_jobs()

    status = portal.get(f"{page_url}?status=1").json()
    assert status["finished"] is True
    assert (status["state"], status["rows_done"], status["rows_total"]) == (
        "done",
        2,
        2,
    )
    assert status["rows_text"] == "2 of 2 rows"
    preview = portal.get(page_url)
    assert preview.context["meta"]["rows_new"] == 2
    assert "data-job-status-url" not in preview.content.decode()


def test_confirm_is_followed_on_the_same_page_and_listed_on_the_upload_page(
    portal, wholesaler_a, product
):
    page_url = _post(portal, _good_rows(wholesaler_a, product), name="mine.csv")
    run_queued_jobs()
    token = page_url.rstrip("/").rsplit("/", 1)[1]

    confirm = portal.post(
        reverse("pilot_products:spreadsheet-confirm"), {"preview": token}
    )

    assert confirm["Location"] == page_url
    running = portal.get(page_url).content.decode()
    assert "Importing mine.csv" in running
    assert not Listing.objects.filter(sku__startswith="JOB-").exists()
    # Away and back: the upload page lists the import with its state.
    home = portal.get(reverse("pilot_products:spreadsheets")).content.decode()
    assert f'href="{page_url}">mine.csv</a>' in home
    assert "waiting for a worker" in home

    run_queued_jobs()

    done = portal.get(page_url).content.decode()
    assert "Imported mine.csv: 2 new, 0 updated, 0 unchanged." in done
    assert Listing.objects.filter(sku__startswith="JOB-").count() == 2
    home = portal.get(reverse("pilot_products:spreadsheets")).content.decode()
    assert "done (imported)" in home


def test_an_interrupted_import_is_retried_from_the_stored_file(
    portal, wholesaler_a, product
):
    page_url = _post(portal, _good_rows(wholesaler_a, product))
    run_queued_jobs()
    token = page_url.rstrip("/").rsplit("/", 1)[1]
    portal.post(reverse("pilot_products:spreadsheet-confirm"), {"preview": token})
    # The worker took the job and died (a process id that has ended).
    record = leases.claim(ImportRecord.objects.get(dry_run=False).pk)
    ImportRecord.objects.filter(pk=record.pk).update(
        state=ImportState.WRITING,
        worker=f"{record.worker.rpartition(':')[0]}:999999999",
    )

    page = portal.get(page_url).content.decode()

    record.refresh_from_db()
    assert record.state == ImportState.INTERRUPTED
    assert str(leases.MSG_INTERRUPTED) in page
    assert 'name="retry"' in page
    retry = portal.post(reverse("pilot_products:spreadsheet-retry"), {"retry": token})
    assert retry["Location"] == page_url
    run_queued_jobs()
    record.refresh_from_db()
    assert (record.state, record.outcome, record.attempts) == (
        ImportState.DONE,
        ImportOutcome.IMPORTED,
        2,
    )
    assert Listing.objects.filter(sku__startswith="JOB-").count() == 2
    # Done: nothing is retried twice.
    again = portal.post(reverse("pilot_products:spreadsheet-retry"), {"retry": token})
    assert again.status_code == 302 and queued_jobs() == 0


def test_another_wholesalers_job_and_status_are_404(
    client, portal, user_b, wholesaler_a, product, security_events
):
    page_url = _post(portal, _good_rows(wholesaler_a, product))
    token = page_url.rstrip("/").rsplit("/", 1)[1]
    client.force_login(user_b)

    assert client.get(page_url).status_code == 404
    assert client.get(f"{page_url}?status=1").status_code == 404
    retry = client.post(reverse("pilot_products:spreadsheet-retry"), {"retry": token})
    assert retry.status_code == 404
    attempts = security_events.named("cross_wholesaler_attempt")
    assert len(attempts) == 3


def test_the_job_writes_its_messages_in_the_uploaders_language(
    client, user_a, wholesaler_a, wholesaler_b, product, settings
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.force_login(user_a)
    rows = [LISTING_HEADERS, listing_row(wholesaler_b, product, sku="B-1")]
    page_url = _post(client, rows)

    run_queued_jobs()

    with translation.override("zh-hans"):
        expected = str(MSG_OTHER_WHOLESALER % {"code": wholesaler_b.credit_code})
    meta = client.get(page_url).context["meta"]
    assert [error["message"] for error in meta["errors"]] == [expected]
    with translation.override("en"):
        english = str(MSG_OTHER_WHOLESALER % {"code": wholesaler_b.credit_code})
    assert expected != english


def test_a_status_poll_writes_no_session(client, operator):
    """On SQLite an import holds the only write lock while it writes: a poll that
    saved the session (SESSION_SAVE_EVERY_REQUEST) would wait for it and fail."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pilot_products.models import ImportRecord, ImportState

    record = ImportRecord.objects.create(
        user=operator,
        resource="listings",
        file_name="l.csv",
        sha256="0" * 64,
        state=ImportState.QUEUED,
        upload_token="p" * 24,
    )
    client.force_login(operator)
    client.get("/admin/")
    url = (
        f"/admin/pilot_products/listing/import/?preview={record.upload_token}&status=1"
    )

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200 and response.json()["state"] == "queued"
    writes = [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]
    assert writes == []
    assert "django_session" in " ".join(q["sql"] for q in queries)  # it was read
