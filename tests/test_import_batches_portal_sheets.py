"""A wholesaler's import batches by spreadsheet in the portal: their own batches and
lines out and back in through the engine (preview, errors by row and column, the
import record, jobs), and nothing of another wholesaler's, ever written or shown."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from pilot_products.models import ImportBatch, ImportBatchLine, ImportRecord
from pilot_products.services.batches import LineData, batch_save
from pilot_products.spreadsheets.specs import ImportBatchesSpec, ImportBatchLinesSpec
from tests import factories
from tests.doors.helpers import _file, import_through_portal
from tests.jobs_helpers import run_queued_jobs

pytestmark = pytest.mark.django_db

BATCH_HEADERS = [c.key for c in ImportBatchesSpec.columns]
LINE_HEADERS = [c.key for c in ImportBatchLinesSpec.columns]
OWN = "292020251000000001"
FOREIGN = "292020251000000009"
NEW = "292020251000000002"
PAGE = reverse("pilot_products:spreadsheet-batches")


def _batch(wholesaler, number, tariff_line, listings, *, by=None):
    batch = ImportBatch(
        wholesaler=wholesaler, declaration_number=number,
        declared_on=date(2025, 5, 12), supervision_mode="bonded_centre",
        transport_mode="rail", route="Duisburg – Yiwu",
        origin_country="DE", dispatch_country="DE",
    )  # fmt: skip
    line = LineData(tariff_line, 100, "piece", Decimal("3000.50"), listings)
    return batch_save(batch=batch, lines=[line], by=by)


@pytest.fixture
def goods(wholesaler_a, wholesaler_b, user_a, user_b):
    puzzles = factories.make_tariff_line("95030060")
    product = factories.make_pilot_product(tariff_lines=[puzzles])
    own = factories.make_listing(
        wholesaler_a, product, sku="PUZZLE-1", customs_code="9503006000"
    )
    foreign = factories.make_listing(
        wholesaler_b, product, sku="PUZZLE-B", customs_code="9503006000"
    )
    return {
        "own_batch": _batch(wholesaler_a, OWN, puzzles, [own]),
        "foreign_batch": _batch(wholesaler_b, FOREIGN, puzzles, [foreign]),
        "a": wholesaler_a,
        "b": wholesaler_b,
        "user_a": user_a,
        "user_b": user_b,
    }


def _client(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def _export(client, resource: str, file_format: str) -> list[list]:
    url = reverse(
        "pilot_products:spreadsheet-batch-export",
        kwargs={"resource": resource, "file_format": file_format},
    )
    response = client.get(url)
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    if file_format == "csv":
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _state():
    return (
        sorted(ImportBatch.objects.values_list()),
        sorted(ImportBatchLine.objects.values_list()),
        sorted(ImportBatchLine.listings.through.objects.values_list()),
    )


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_wholesaler_downloads_only_their_own_batches_and_lines(goods, file_format):
    client = _client(goods["user_a"])
    batches = _export(client, "import-batches", file_format)
    lines = _export(client, "import-batch-lines", file_format)
    assert [row[1] for row in batches[1:]] == [OWN]
    assert [row[0] for row in lines[1:]] == [OWN]
    assert lines[1][5] == "PUZZLE-1"
    flat = str(batches + lines)
    assert FOREIGN not in flat and "PUZZLE-B" not in flat


def test_the_export_imports_back_unchanged_with_an_import_record(goods):
    client = _client(goods["user_a"])
    before = _state()
    for resource in ("import-batches", "import-batch-lines"):
        rows = _export(client, resource, "csv")
        answer = import_through_portal(client, rows, resource=resource)
        assert answer.messages == []
        record = ImportRecord.objects.filter(dry_run=False).latest("pk")
        assert (record.resource, record.wholesaler_id, record.rows_unchanged) == (
            resource,
            goods["a"].pk,
            1,
        )
    assert _state() == before


def test_a_wholesaler_records_a_batch_and_its_lines_by_spreadsheet(goods):
    client = _client(goods["user_a"])
    batch_rows = [
        [h for h in BATCH_HEADERS if h != "wholesaler"],
        [
            NEW,
            "2025-06-02",
            "bonded_centre",
            "中欧班列回程",
            "Madrid – Yiwu",
            "ES",
            "ES",
        ],
    ]
    answer = import_through_portal(client, batch_rows, resource="import-batches")
    assert answer.imported and answer.messages == []
    line_rows = [
        LINE_HEADERS,
        [NEW, "95030060", "40", "piece", "1200.00", "PUZZLE-1"],
    ]
    answer = import_through_portal(client, line_rows, resource="import-batch-lines")
    assert answer.imported and answer.messages == []
    batch = ImportBatch.objects.get(declaration_number=NEW)
    assert batch.wholesaler == goods["a"]
    line = batch.lines.get()
    assert (line.value_cny, [x.sku for x in line.listings.all()]) == (
        Decimal("1200.00"),
        ["PUZZLE-1"],
    )


def _preview_errors(client, resource: str, rows) -> set[tuple[int, str]]:
    response = client.post(PAGE, {"file": _file(rows, "f.csv"), "resource": resource})
    assert response.status_code == 302
    run_queued_jobs()
    meta = client.get(response["Location"]).context["meta"]
    return {(error["row"], error["column"]) for error in meta["errors"]}, meta


def test_another_wholesalers_declaration_or_company_is_a_row_error(goods):
    client = _client(goods["user_a"])
    before = _state()
    rows = [
        BATCH_HEADERS,
        [goods["a"].credit_code, FOREIGN, "2025-05-12", "bonded_centre", "rail",
         "hijacked", "DE", "DE"],
        [goods["b"].credit_code, NEW, "2025-05-12", "bonded_centre", "rail",
         "", "DE", "DE"],
    ]  # fmt: skip
    found, meta = _preview_errors(client, "import-batches", rows)
    assert found == {(2, "declaration_number"), (3, "wholesaler")}
    sentences = [error["message"] for error in meta["errors"]]
    assert (
        f"The declaration {FOREIGN} is not one of this wholesaler's import batches."
        in sentences
    )
    assert _state() == before


def test_another_wholesalers_batch_or_listing_in_the_lines_file_is_a_row_error(goods):
    client = _client(goods["user_a"])
    before = _state()
    rows = [
        LINE_HEADERS,
        [FOREIGN, "95030060", "1", "piece", "1.00", ""],
        [OWN, "95030060", "100", "piece", "3000.50", "PUZZLE-B"],
    ]
    found, meta = _preview_errors(client, "import-batch-lines", rows)
    assert found == {(2, "declaration_number"), (3, "listings")}
    # Another's declaration is not named as existing: it is simply not found.
    assert "batches file first" in meta["errors"][0]["message"]
    assert _state() == before


def test_another_wholesaler_cannot_open_the_preview(goods):
    owner = _client(goods["user_a"])
    rows = [LINE_HEADERS, [OWN, "95030060", "100", "piece", "3000.50", "PUZZLE-1"]]
    response = owner.post(
        PAGE, {"file": _file(rows, "f.csv"), "resource": "import-batch-lines"}
    )
    run_queued_jobs()
    other = _client(goods["user_b"])
    assert other.get(response["Location"]).status_code == 404
    assert other.get(f"{response['Location']}?download=errors").status_code == 404


def test_the_errors_workbook_is_named_for_its_file(goods):
    client = _client(goods["user_a"])
    rows = [LINE_HEADERS, [OWN, "95030060", "0", "piece", "3000.50", ""]]
    response = client.post(
        PAGE, {"file": _file(rows, "f.csv"), "resource": "import-batch-lines"}
    )
    run_queued_jobs()
    download = client.get(f"{response['Location']}?download=errors")
    assert "import-batch-lines-errors.xlsx" in download["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert "quantity" in str(list(sheet.worksheets[0].values))


@pytest.mark.parametrize(
    "url",
    [
        "/portal/spreadsheets/batches/listings.csv",
        "/portal/spreadsheets/batches/import-batches.pdf",
        "/portal/spreadsheets/batches/wholesalers-template.xlsx",
    ],
)
def test_other_files_are_not_offered_on_the_batch_page(goods, url):
    assert _client(goods["user_a"]).get(url).status_code == 404


def test_the_upload_refuses_a_resource_that_is_not_a_batch_file(goods):
    client = _client(goods["user_a"])
    rows = [["sku"], ["X"]]
    response = client.post(PAGE, {"file": _file(rows, "f.csv"), "resource": "listings"})
    assert response.status_code == 200
    assert "resource" in response.context["form"].errors
    assert not ImportRecord.objects.exists()


@pytest.mark.parametrize("resource", ["import-batches", "import-batch-lines"])
def test_the_template_carries_the_wholesalers_own_code(goods, resource):
    client = _client(goods["user_a"])
    response = client.get(
        reverse("pilot_products:spreadsheet-batch-template", args=[resource])
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert len(headers) == len(
        (
            ImportBatchesSpec if resource == "import-batches" else ImportBatchLinesSpec
        ).columns
    )
    if resource == "import-batches":
        assert sheet["A2"].value == goods["a"].credit_code


def test_the_batch_page_in_both_languages(goods):
    client = _client(goods["user_a"])
    english = client.get(PAGE).content.decode()
    assert "Import batches by spreadsheet" in english
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(PAGE).content.decode()
    assert "Import batches by spreadsheet" not in chinese
    batches = client.get(reverse("pilot_products:portal-batches")).content.decode()
    assert PAGE in batches
