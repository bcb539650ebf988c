"""Imports in the security log, and CBEC list imports flagging approved products."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from pilot_products.models import (
    CbecListEntry,
    ImportOutcome,
    ImportRecord,
    PilotProduct,
)
from pilot_products.services import review
from pilot_products.spreadsheets.engine import run_import
from pilot_products.spreadsheets.reading import MSG_NOT_XLSX, MSG_TOO_LARGE
from pilot_products.spreadsheets.specs.catalogue import MSG_FLAGGED_AFTER_IMPORT
from tests import factories
from tests.jobs_helpers import run_queued_jobs
from tests.review_helpers import make_approved
from tests.spreadsheet_helpers import LISTING_HEADERS, csv_bytes, listing_row

pytestmark = pytest.mark.django_db

ENTRY_HEADERS = ["edition", "tariff_line", "row_number"]


def _upload(data: bytes, name: str) -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_admin_preview_and_confirm_each_log_an_import(
    client, operator, security_events
):
    wholesaler = factories.make_wholesaler()
    product = factories.make_pilot_product()
    data = csv_bytes([LISTING_HEADERS, listing_row(wholesaler, product)])
    client.force_login(operator)
    preview = client.post(
        "/admin/pilot_products/listing/import/",
        {"file": _upload(data, "new.csv")},
        REMOTE_ADDR="10.1.2.3",
    )
    run_queued_jobs()
    token = preview["Location"].split("preview=")[1]
    client.post(
        "/admin/pilot_products/listing/process_import/",
        {"preview": token},
        REMOTE_ADDR="10.1.2.3",
    )
    run_queued_jobs()

    # The request that queued each job says who and from where; the job says what.
    asked_dry, asked_real = security_events.named("import_queued")
    dry, real = security_events.named("import")
    records = list(ImportRecord.objects.order_by("pk"))
    assert [dry["import_record_id"], real["import_record_id"]] == [
        record.pk for record in records
    ]
    assert (dry["dry_run"], real["dry_run"]) == (True, False)
    assert (dry["outcome"], real["outcome"]) == (
        ImportOutcome.PREVIEWED,
        ImportOutcome.IMPORTED,
    )
    assert [asked_dry["import_record_id"], asked_real["import_record_id"]] == [
        record.pk for record in records
    ]
    assert real["user"] == asked_real["user"] == operator.username
    assert asked_real["ip"] == "10.1.2.3"
    assert asked_real["path"] == "/admin/pilot_products/listing/process_import/"
    assert real["resource"] == "listings"
    assert real["file_name"] == "new.csv"
    assert real["sha256"] == records[1].sha256
    assert (real["rows_total"], real["rows_new"], real["rows_invalid"]) == (1, 1, 0)
    assert security_events.named("upload_rejected") == []


def test_portal_upload_refused_before_parsing_is_logged(
    client, user_a, wholesaler_a, settings, security_events
):
    settings.IMPORT_MAX_FILE_BYTES = 1024 * 1024
    client.force_login(user_a)
    big = b"sku\r\n" + b"x" * (1024 * 1024)
    client.post(
        reverse("pilot_products:spreadsheets"), {"file": _upload(big, "big.csv")}
    )

    (rejected,) = security_events.named("upload_rejected")
    assert rejected["user"] == user_a.username
    assert rejected["path"] == reverse("pilot_products:spreadsheets")
    assert rejected["reason"] == str(MSG_TOO_LARGE % {"limit": 1})
    assert rejected["size"] == len(big)
    assert rejected["file_name"] == "big.csv"
    # Refused by the upload form, before the file is stored: no job was queued.
    assert security_events.named("import_queued") == []
    assert security_events.named("import") == []
    assert run_queued_jobs() == 0


def test_command_line_rejection_is_logged_without_a_request(tmp_path, security_events):
    fake = tmp_path / "listings.xlsx"
    fake.write_bytes(b"sku,title\r\nA,B\r\n")
    with pytest.raises(Exception, match="rejected"):
        call_command("catalogue_import", "listings", str(fake), stderr=io.StringIO())

    (rejected,) = security_events.named("upload_rejected")
    assert rejected["reason"] == str(MSG_NOT_XLSX)
    assert rejected["size"] == fake.stat().st_size
    assert (rejected["user"], rejected["ip"], rejected["path"]) == (None, None, None)
    assert security_events.named("import")[0]["outcome"] == ImportOutcome.REJECTED


def test_rows_invalid_is_no_upload_rejection(security_events):
    data = csv_bytes([LISTING_HEADERS, ["x"] * len(LISTING_HEADERS)])
    result = run_import("listings", file_name="bad.csv", data=data)
    assert result.outcome == ImportOutcome.REJECTED
    assert security_events.named("upload_rejected") == []
    (recorded,) = security_events.named("import")
    assert recorded["rows_invalid"] == 1


@pytest.fixture
def new_edition(editor, reviewer):
    """An older edition, the newest one (being loaded), and two approved products.

    ``affected`` has a tariff line that the newest edition's file will not list.
    """
    old = factories.make_edition(code="2019", effective_on=date(2020, 1, 1))
    new = factories.make_edition(code="2031", effective_on=date(2031, 1, 1))
    kept = factories.make_tariff_line("42021100", edition=old)
    dropped = factories.make_tariff_line("42021200", edition=old)
    affected = make_approved(editor, reviewer, kept)
    affected.tariff_lines.add(dropped)
    untouched = make_approved(editor, reviewer, kept)
    return old, new, affected, untouched


def test_cbec_entries_import_flags_products_off_the_newest_edition(
    operator, new_edition
):
    old, new, affected, untouched = new_edition
    data = csv_bytes([ENTRY_HEADERS, ["2031", "42021100", "1"]])

    preview = run_import("cbec-entries", file_name="2031.csv", data=data, dry_run=True)
    assert preview.notices == []
    assert not PilotProduct.objects.filter(needs_review=True).exists()

    result = run_import("cbec-entries", file_name="2031.csv", data=data, user=operator)

    assert result.outcome == ImportOutcome.IMPORTED
    assert CbecListEntry.objects.filter(edition=new).count() == 1
    affected.refresh_from_db()
    untouched.refresh_from_db()
    assert affected.needs_review
    assert affected.needs_review_note == review.MSG_FLAGGED % {
        "edition": "2031",
        "lines": "42021200",
    }
    assert affected.history.first().history_user == operator
    assert not untouched.needs_review
    assert result.notices == [
        MSG_FLAGGED_AFTER_IMPORT % {"edition": "2031", "codes": affected.code}
    ]


def test_cbec_entries_import_of_an_older_edition_flags_nothing(new_edition):
    old, new, affected, untouched = new_edition
    CbecListEntry.objects.create(
        edition=new, tariff_line=affected.tariff_lines.get(code="42021100"),
        row_number=1,
    )  # fmt: skip
    data = csv_bytes([ENTRY_HEADERS, ["2019", "42021100", "77"]])

    result = run_import("cbec-entries", file_name="2019.csv", data=data)

    assert result.outcome == ImportOutcome.IMPORTED
    assert result.notices == []
    assert not PilotProduct.objects.filter(needs_review=True).exists()


def test_command_line_prints_the_flagged_products(tmp_path, new_edition):
    *_, affected, _untouched = new_edition
    path = tmp_path / "2031.csv"
    path.write_bytes(csv_bytes([ENTRY_HEADERS, ["2031", "42021100", "1"]]))
    out = io.StringIO()
    call_command(
        "catalogue_import", "cbec-entries", str(path), stdout=out, stderr=io.StringIO()
    )
    assert (
        str(MSG_FLAGGED_AFTER_IMPORT % {"edition": "2031", "codes": affected.code})
        in out.getvalue()
    )
