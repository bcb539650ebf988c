"""Large exports as background jobs: above EXPORT_INLINE_MAX_ROWS the admin and the
portal queue a job, follow it on a page and offer the file to its owner only; a
small export still answers at once, through the same door."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import escape

from pilot_products import roles
from pilot_products.jobs import exports, housekeeping
from pilot_products.models import ExportRecord, ExportState, ListingStatus
from pilot_products.spreadsheets import stored_files
from pilot_products.spreadsheets.specs import ListingsSpec
from tests import factories
from tests.jobs_helpers import queued_jobs, run_queued_jobs
from tests.spreadsheet_helpers import read_xlsx

pytestmark = pytest.mark.django_db
FORMULA = '=HYPERLINK("http://evil")'
ALL_FIELDS = {f"listingsresource_{c.key}": "on" for c in ListingsSpec.columns}
SKU = [column.key for column in ListingsSpec.columns].index("sku")
ADMIN_EXPORT = "/admin/pilot_products/listing/export/"
PORTAL_EXPORT = "/portal/spreadsheets/listings.csv"


@pytest.fixture(autouse=True)
def _small_threshold(settings):
    settings.EXPORT_INLINE_MAX_ROWS = 2


@pytest.fixture
def listings(wholesaler_a, wholesaler_b):
    product = factories.make_pilot_product()
    own = [
        factories.make_listing(wholesaler_a, product, sku="A-1", title_zh=FORMULA),
        factories.make_listing(wholesaler_a, product, sku="A-2"),
        factories.make_listing(
            wholesaler_a, product, sku="A-3", status=ListingStatus.PAUSED
        ),
    ]
    factories.make_listing(wholesaler_b, product, sku="B-1")
    return own


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _status(client, url) -> dict:
    response = client.get(f"{url}?status=1")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return json.loads(response.content)


def _download(client, url) -> bytes:
    response = client.get(f"{url}?download=1")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return b"".join(response.streaming_content)


# The portal door ------------------------------------------------------------------


def test_a_large_portal_export_is_a_job_with_progress_then_the_owners_download(
    client, user_a, listings
):
    client.force_login(user_a)

    response = client.get(PORTAL_EXPORT)

    record = ExportRecord.objects.get()
    page = f"/portal/spreadsheets/exports/{record.token}/"
    assert response.status_code == 302 and response["Location"] == page
    assert (record.state, record.rows_total, record.user, record.wholesaler) == (
        ExportState.QUEUED,
        3,
        user_a,
        listings[0].wholesaler,
    )
    waiting = client.get(page)
    assert f'data-job-status-url="{page}?status=1"' in waiting.text
    assert "job_progress.js" in waiting.text
    assert client.get(f"{page}?download=1").status_code == 404
    assert _status(client, page)["finished"] is False

    assert run_queued_jobs() == 1

    status = _status(client, page)
    assert (status["state"], status["rows_done"], status["rows_total"]) == (
        ExportState.DONE,
        3,
        3,
    )
    assert status["finished"] is True
    done = client.get(page)
    assert "data-job-status-url" not in done.text
    assert f"{page}?download=1" in done.text
    rows = _csv_rows(_download(client, page))
    skus = {row[SKU] for row in rows[1:]}
    assert skus == {"A-1", "A-2", "A-3"}
    assert any(("'" + FORMULA) in row for row in rows[1:])
    assert "listings.csv" in client.get(PORTAL_EXPORT.rsplit("/", 1)[0] + "/").text


def test_another_wholesalers_export_is_a_404_and_logged(
    client, user_a, user_b, listings, security_events
):
    client.force_login(user_a)
    client.get(PORTAL_EXPORT)
    run_queued_jobs()
    record = ExportRecord.objects.get()
    page = f"/portal/spreadsheets/exports/{record.token}/"

    client.force_login(user_b)

    assert client.get(page).status_code == 404
    assert client.get(f"{page}?download=1").status_code == 404
    assert client.get(f"{page}?status=1").status_code == 404
    assert any(e["event"] == "cross_wholesaler_attempt" for e in security_events)


def test_a_small_portal_export_still_answers_at_once(
    settings, client, user_a, listings
):
    settings.EXPORT_INLINE_MAX_ROWS = 3
    client.force_login(user_a)

    response = client.get(PORTAL_EXPORT)

    assert response.status_code == 200
    assert len(_csv_rows(b"".join(response.streaming_content))) == 4
    assert not ExportRecord.objects.exists() and queued_jobs() == 0


def test_a_portal_xlsx_job_keeps_codes_as_text_and_escapes_formulas(
    client, user_a, listings
):
    client.force_login(user_a)
    client.get("/portal/spreadsheets/listings.xlsx")
    run_queued_jobs()
    record = ExportRecord.objects.get()

    rows = read_xlsx(_download(client, f"/portal/spreadsheets/exports/{record.token}/"))

    assert record.file_name == "listings.xlsx"
    assert len(rows) == 4
    assert [cell for cell in rows[1] if cell == "'" + FORMULA] == ["'" + FORMULA]


# The admin door -------------------------------------------------------------------


def test_a_large_admin_export_keeps_filters_and_is_the_owners_only(
    client, operator, listings
):
    other_operator = factories.make_staff_user("operator-2", roles.MALL_OPERATOR)
    client.force_login(operator)

    response = client.post(
        f"{ADMIN_EXPORT}?status__exact=active",
        {"format": "1", "resource": "0", **ALL_FIELDS},
    )

    record = ExportRecord.objects.get()
    page = f"/admin/pilot_products/listing/export/{record.token}/"
    assert response.status_code == 302 and response["Location"] == page
    assert record.rows_total == 3  # and B-1 are active
    assert "data-job-status-url" in client.get(page).text
    run_queued_jobs()
    rows = _csv_rows(_download(client, page))
    skus = {row[SKU] for row in rows[1:]}
    assert skus == {"A-1", "A-2", "B-1"}
    assert any(("'" + FORMULA) in row for row in rows[1:])

    client.force_login(other_operator)
    assert client.get(page).status_code == 404
    assert client.get(f"{page}?download=1").status_code == 404


def test_an_admin_export_of_chosen_columns_runs_as_a_job(client, operator, listings):
    client.force_login(operator)
    client.post(
        ADMIN_EXPORT,
        {"format": "0", "resource": "0", "listingsresource_sku": "on",
         "listingsresource_title_zh": "on"},
    )  # fmt: skip
    run_queued_jobs()
    record = ExportRecord.objects.get()

    rows = read_xlsx(
        _download(client, f"/admin/pilot_products/listing/export/{record.token}/")
    )

    assert rows[0] == ["货号 (sku)", "中文标题 (title_zh)"]
    assert ["A-1", "'" + FORMULA] in rows and [
        row[0] for row in rows if row[0] == "B-1"
    ] == ["B-1"]
    assert len(rows) == 5


def test_a_small_admin_export_still_answers_at_once(
    settings, client, operator, listings
):
    settings.EXPORT_INLINE_MAX_ROWS = 10
    client.force_login(operator)

    response = client.post(ADMIN_EXPORT, {"format": "1", "resource": "0", **ALL_FIELDS})

    assert response.status_code == 200
    assert len(_csv_rows(b"".join(response.streaming_content))) == 5
    assert not ExportRecord.objects.exists()


# Expiry and faults ----------------------------------------------------------------


def test_housekeeping_removes_an_expired_export_file_and_its_page_says_so(
    client, user_a, listings
):
    client.force_login(user_a)
    client.get(PORTAL_EXPORT)
    run_queued_jobs()
    record = ExportRecord.objects.get()
    page = f"/portal/spreadsheets/exports/{record.token}/"

    assert stored_files.remove_expired(timezone.now() + timedelta(days=2)) == 1

    assert not stored_files.has_file(record.token, record.file_name)
    assert client.get(f"{page}?download=1").status_code == 404
    assert escape(str(exports.MSG_EXPORT_EXPIRED)) in client.get(page).text


def test_an_export_whose_worker_is_gone_is_interrupted_by_housekeeping(user_a):
    record = ExportRecord.objects.create(
        user=user_a,
        resource="listings",
        file_format="csv",
        file_name="listings.csv",
        token="e" * 24,
        state=ExportState.WRITING,
        attempts=1,
        worker=f"{exports.leases.worker_name().rpartition(':')[0]}:999999999",
    )

    assert housekeeping.housekeeping_now()["interrupted_exports"] == 1

    record.refresh_from_db()
    assert record.state == ExportState.INTERRUPTED
    assert record.message == str(exports.MSG_EXPORT_INTERRUPTED)


def test_a_job_runs_once_even_if_delivered_twice(client, user_a, listings):
    client.force_login(user_a)
    client.get(PORTAL_EXPORT)
    record = ExportRecord.objects.get()
    run_queued_jobs()

    assert exports.export_file_job.call(record.pk) == "not claimed"


def test_the_page_reads_the_rows_done_the_worker_published(client, user_a, listings):
    client.force_login(user_a)
    client.get(PORTAL_EXPORT)
    record = exports._claim(ExportRecord.objects.get().pk)
    record.rows_done = 2

    exports._beat(record)

    status = _status(client, f"/portal/spreadsheets/exports/{record.token}/")
    assert (status["state"], status["rows_done"], status["rows_total"]) == (
        ExportState.WRITING,
        2,
        3,
    )
    assert status["finished"] is False
