"""django-import-export's ``manage.py import`` and ``export`` run through our engine:
the same checks as every other door, and no other model is offered."""

import io

import pytest
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError

from pilot_products import validators as v
from pilot_products.models import Listing
from tests.spreadsheet_helpers import LISTING_HEADERS, csv_bytes, listing_row

pytestmark = pytest.mark.django_db


def test_the_commands_are_ours_not_the_librarys():
    commands = get_commands()
    assert commands["import"] == "pilot_products"
    assert commands["export"] == "pilot_products"


@pytest.mark.parametrize(
    "resource",
    ["listings", "pilot_products.resources.ListingResource", "pilot_products.Listing"],
)
def test_import_refuses_an_invalid_row_like_catalogue_import(resource, world, tmp_path):
    listing = world["listing"]
    row = listing_row(
        listing.wholesaler,
        listing.pilot_product,
        listing.booth,
        sku="CMD-1",
        customs_code=listing.customs_code,
        moq="0",
    )
    path = tmp_path / "cmd.csv"
    path.write_bytes(csv_bytes([LISTING_HEADERS, row]))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", resource, str(path), interactive=False, stderr=err)
    assert str(v.MSG_MOQ_AT_LEAST_ONE) in err.getvalue()
    assert not Listing.objects.filter(sku="CMD-1").exists()


def test_import_writes_a_valid_file(world, tmp_path):
    listing = world["listing"]
    row = listing_row(
        listing.wholesaler,
        listing.pilot_product,
        listing.booth,
        sku="CMD-2",
        customs_code=listing.customs_code,
        status="draft",
    )
    path = tmp_path / "cmd.csv"
    path.write_bytes(csv_bytes([LISTING_HEADERS, row]))
    call_command(
        "import", "listings", str(path), interactive=False, stdout=io.StringIO()
    )
    assert Listing.objects.filter(sku="CMD-2").exists()


@pytest.mark.parametrize("resource", ["auth.User", "axes.AccessAttempt", "nothing"])
def test_other_models_are_refused(resource, tmp_path):
    path = tmp_path / "users.csv"
    path.write_bytes(b"username,password\nintruder,x\n")
    with pytest.raises(CommandError, match="cannot be imported or exported here"):
        call_command("import", resource, str(path), interactive=False)
    with pytest.raises(CommandError, match="cannot be imported or exported here"):
        call_command("export", "csv", resource)


def test_export_writes_our_escaped_csv(world, tmp_path):
    listing = world["listing"]
    Listing.objects.filter(pk=listing.pk).update(title_en="=cmd|' /C calc'!A0")
    out = io.StringIO()
    call_command("export", "CSV", "pilot_products.Listing", stdout=out)
    text = out.getvalue()
    assert "货号 (sku)" in text
    assert "'=cmd|' /C calc'!A0" in text
    target = tmp_path / "listings.xlsx"
    call_command("export", "xlsx", "listings", output=str(target))
    assert target.read_bytes()[:2] == b"PK"


def test_a_dry_run_reports_what_would_change_and_writes_nothing(world, tmp_path, capfd):
    listing = world["listing"]
    changed = listing_row(
        listing.wholesaler,
        listing.pilot_product,
        listing.booth,
        sku=listing.sku,
        customs_code=listing.customs_code,
        title_zh=listing.title_zh,
        title_en=listing.title_en,
        brand=listing.brand,
        unit_price=str(listing.unit_price),
        moq=str(listing.moq),
        stock=str(listing.stock + 5),
        status=listing.status,
        tiers="10:12.50;100:11.00",
    )
    path = tmp_path / "dry.csv"
    path.write_bytes(csv_bytes([LISTING_HEADERS, changed]))
    before = list(Listing.objects.values_list("pk", "stock"))
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "catalogue_import", "listings", str(path), "--dry-run", stdout=out, stderr=err
    )
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("previewed: 1 rows")
    assert lines[1] == "Would change (dry run, nothing written):"
    assert lines[2].startswith("  row 2: updated ")
    assert lines[2].endswith(f"/ {listing.sku}: stock")
    assert list(Listing.objects.values_list("pk", "stock")) == before
    # The security log's JSON line goes to the log, never into the report.
    assert '"event"' not in out.getvalue() + capfd.readouterr().out
