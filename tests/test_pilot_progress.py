"""The pilot progress page: official figures against the city's targets."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilot_products import pilot_progress
from pilot_products.models import ImportTarget, OfficialFigure
from pilot_products.models.statistics import figure_errors
from pilot_products.reference_data import load_reference_data
from pilot_products.spreadsheets.engine import run_import
from tests import factories
from tests.spreadsheet_helpers import csv_bytes

PROGRESS = reverse("pilot_products:pilot-progress")
HEADERS = [
    "scope", "period_kind", "year", "month", "value", "unit", "yoy_growth_percent",
    "source_title", "publisher_zh", "publisher_en", "published_on", "source_url",
]  # fmt: skip


def figure(scope="yiwu_imports", kind="ytd", year=2024, month=4, value="1", **extra):
    fields = {
        "unit": "cny",
        "source_title": "Report",
        "publisher_zh": "中国日报",
        "publisher_en": "China Daily",
    }
    return OfficialFigure.objects.create(
        scope=scope,
        period_kind=kind,
        year=year,
        month=month,
        value=Decimal(value),
        **(fields | extra),
    )


def row(**values):
    base = {
        "scope": "bonded_centre_imports", "period_kind": "month", "year": "2025",
        "month": "5", "value": "2480000000", "unit": "", "yoy_growth_percent": "149.7%",
        "source_title": "Report", "publisher_zh": "中国贸促会", "publisher_en": "CCPIT",
        "published_on": "2025-06-20", "source_url": "",
    }  # fmt: skip
    base.update(values)
    return [base[key] for key in HEADERS]


@pytest.fixture
def reference(db):
    load_reference_data()


def text_of(response) -> str:
    return response.content.decode()


def test_the_page_shows_imports_against_the_targets_in_chinese(client, reference):
    page = text_of(client.get(PROGRESS, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    # Q1-Q3 2025, 77.21 bn of the 100 bn target, and the 2030 target's growth.
    assert "772.1 亿元" in page
    assert "77.2%" in page
    assert "24.6%" in page
    assert "2025年1–9月" in page
    assert "试点进展" in page
    assert "Yiwu Bonded Logistics Centre imports" not in page


def test_the_page_in_english_writes_billions(client, reference):
    page = text_of(client.get(PROGRESS, HTTP_ACCEPT_LANGUAGE="en"))
    assert "CNY 77.21 bn" in page
    assert "Jan–Sep 2025" in page
    assert "Yiwu Bonded Logistics Centre imports" in page
    assert "亿元" not in page


def test_the_growth_the_2030_target_needs():
    start = ImportTarget(year=2025, value=Decimal("100000000000"))
    end = ImportTarget(year=2030, value=Decimal("300000000000"))
    assert pilot_progress.ImpliedGrowth(start, end).annual_percent == Decimal("24.6")


def test_a_share_of_the_target_is_exact_to_the_fen(db):
    target = ImportTarget(year=2025, value=Decimal("100000000000.00"))
    reached = figure(year=2025, month=9, value="33333333333.33")
    share = pilot_progress.TargetProgress(target, reached).share_percent
    assert share == Decimal("33.3")
    assert OfficialFigure.objects.get().value == Decimal("33333333333.33")


def test_a_reported_growth_that_the_figures_do_not_give_is_marked(client, db):
    figure(year=2023, month=4, value="100")
    figure(year=2024, month=4, value="150", yoy_growth_percent=Decimal("50.0"))
    figure(year=2023, month=3, value="100")
    figure(year=2024, month=3, value="120", yoy_growth_percent=Decimal("25.0"))
    checks = {c.figure.month: c for c in pilot_progress.pilot_progress().checks}
    assert (checks[4].computed_percent, checks[4].mismatch) == (Decimal("50.0"), False)
    assert (checks[3].computed_percent, checks[3].mismatch) == (Decimal("20.0"), True)
    page = text_of(client.get(PROGRESS, HTTP_ACCEPT_LANGUAGE="en"))
    assert page.count('class="mismatch"') == 1


def test_figures_of_other_scopes_never_count_towards_the_target(db):
    ImportTarget.objects.create(
        year=2025, value=100, source_title="t", publisher_zh="z", publisher_en="e"
    )
    figure(scope="bonded_centre_imports", year=2025, month=5, value="7")
    (progress,) = pilot_progress.pilot_progress().targets
    assert progress.reached is None


def test_the_page_takes_the_same_queries_however_many_figures(client, reference):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PROGRESS).status_code == 200
        return len(captured)

    queries()  # the offers per product are read once, then kept until a write
    before = queries()
    for year in range(2010, 2020):
        figure(year=year, month=6, value="5")
    assert queries() == before


def test_a_file_with_bad_rows_is_refused_with_every_message_and_writes_nothing(
    editor, db
):
    rows = [
        HEADERS,
        row(scope="moon_imports"),
        row(value="-5"),
        row(year="2099"),
        row(period_kind="year", month="5"),
        row(month="4"),
        row(month="4"),
        row(scope="return_trains", unit="cny"),
    ]
    result = run_import(
        "official-figures", file_name="f.csv", data=csv_bytes(rows), user=editor
    )
    assert not result.is_valid
    by_row = {}
    for error in result.errors:
        by_row.setdefault(error.row, []).append((error.column, error.message))
    assert sorted(by_row) == [2, 3, 4, 5, 7, 8]
    assert by_row[2][0][0] == "scope"
    assert by_row[3][0][0] == "value"
    assert "has not ended yet" in by_row[4][0][1]
    assert by_row[5][0][0] == "month"
    assert (
        "appears" in by_row[7][0][1]
        or "twice" in by_row[7][0][1]
        or "6" in by_row[7][0][1]
    )
    assert by_row[8][0][0] == "unit"
    assert OfficialFigure.objects.count() == 0


def test_a_good_file_writes_the_figures_with_the_unit_of_their_scope(editor, db):
    rows = [
        HEADERS,
        row(),
        row(scope="return_trains", value="462", period_kind="ytd", month="4"),
    ]
    result = run_import(
        "official-figures", file_name="f.csv", data=csv_bytes(rows), user=editor
    )
    assert result.is_valid, result.errors
    trains = OfficialFigure.objects.get(scope="return_trains")
    assert (trains.unit, trains.value) == ("trains", Decimal("462.00"))
    centre = OfficialFigure.objects.get(scope="bonded_centre_imports")
    assert centre.yoy_growth_percent == Decimal("149.70")


def test_the_admin_refuses_what_the_sheet_refuses(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:pilot_products_officialfigure_add"),
        {
            "scope": "bonded_centre_imports",
            "period_kind": "month",
            "year": "2099",
            "month": "1",
            "value": "10",
            "unit": "cny",
            "source_title": "Report",
            "publisher_zh": "中国日报",
            "publisher_en": "China Daily",
        },  # fmt: skip
    )
    assert response.status_code == 200
    assert "has not ended yet" in text_of(response)
    assert OfficialFigure.objects.count() == 0


def test_a_reviewer_sees_the_figures_but_cannot_add_them(client, reviewer):
    client.force_login(reviewer)
    assert (
        client.get(
            reverse("admin:pilot_products_officialfigure_changelist")
        ).status_code
        == 200
    )
    assert (
        client.get(reverse("admin:pilot_products_officialfigure_add")).status_code
        == 403
    )


def test_the_rule_of_a_period_that_has_not_ended():
    today = date(2025, 6, 15)
    rule = {
        "scope": "yiwu_imports",
        "period_kind": "month",
        "unit": "cny",
        "today": today,
    }
    assert "year" in figure_errors(year=2025, month=6, **rule)
    assert figure_errors(year=2025, month=5, **rule) == {}


def test_the_download_escapes_formulas(client, db):
    figure(year=2024, month=4, value="1", source_title='=HYPERLINK("x")')
    response = client.get(
        reverse("pilot_products:pilot-progress-figures", args=["csv"])
    )
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in body
    assert response.status_code == 200
    missing = client.get(reverse("pilot_products:pilot-progress-figures", args=["pdf"]))
    assert missing.status_code == 404


def test_batch_values_add_up_to_the_fen_at_100000_lines(db, wholesaler_a):
    from pilot_products.models import ImportBatch, ImportBatchLine

    line = factories.make_tariff_line("95030060")
    rail = ImportBatch.objects.create(
        wholesaler=wholesaler_a, declaration_number="292020251000000001",
        declared_on=date(2025, 5, 1), supervision_mode="bonded_centre",
        transport_mode="rail", origin_country="DE", dispatch_country="DE",
    )  # fmt: skip
    sea = ImportBatch.objects.create(
        wholesaler=wholesaler_a, declaration_number="292020251000000002",
        declared_on=date(2025, 5, 1), supervision_mode="bonded_centre",
        transport_mode="sea", origin_country="JP", dispatch_country="JP",
    )  # fmt: skip
    values = [Decimal("0.10"), Decimal("1234.57"), Decimal("99999999.99")]
    ImportBatchLine.objects.bulk_create(
        [
            ImportBatchLine(
                batch=rail if index % 2 else sea,
                tariff_line=line,
                quantity=1,
                unit="piece",
                value_cny=values[index % 3],
            )
            for index in range(100_000)
        ],
        batch_size=5000,
    )
    expected = sum(values[index % 3] for index in range(100_000))
    totals = pilot_progress.batch_totals()
    assert totals.lines == 100_000
    assert totals.total == expected
    by_mode = {share.key: share.value for share in totals.by_transport}
    assert by_mode["rail"] + by_mode["sea"] == expected
    assert totals.rail_share_of_europe == Decimal("100.0")


def test_the_page_shows_the_recorded_imports_by_transport_and_origin(client, db):
    from pilot_products.demo_data import seed_demo

    load_reference_data()
    seed_demo(wholesalers=3, listings=60, seed=2)
    page = text_of(client.get(PROGRESS, HTTP_ACCEPT_LANGUAGE="en"))
    assert "declared lines of goods" in page
    assert "By transport mode" in page and "By country of origin" in page
