"""Restore rehearsal: back up, change and delete, restore, and all is as it was."""

import pytest

from tests.operations_support import Site, database_url

ENGINES = ["sqlite", "postgresql"]

CHANGE_EVERYTHING = """
from decimal import Decimal
from pilot_products.models import CbecCategory, Listing, PriceTier, Wholesaler
Listing.objects.filter(pk__in=Listing.objects.order_by("pk")[:10].values("pk")).update(
    unit_price=Decimal("0.01")
)
doomed = Listing.objects.order_by("pk")[:5].values("pk")
PriceTier.objects.filter(listing__in=doomed).delete()
Listing.objects.filter(pk__in=doomed).delete()
Wholesaler.objects.filter(pk=Wholesaler.objects.order_by("pk")[0].pk).update(
    name_en="Renamed after backup"
)
CbecCategory.objects.create(code="after_backup", name_zh="备份后", name_en="After")
print(Listing.objects.count())
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_restore_brings_back_exactly_the_data_and_files_at_backup_time(
    engine, tmp_path
):
    with database_url(engine, tmp_path, "rehearsal") as url:
        site = Site(url, tmp_path)
        site.seed()
        (site.media_root / "imports").mkdir(parents=True)
        (site.media_root / "imports" / "listings.csv").write_bytes(b"sku,price\nA,1\n")
        (site.media_root / "logo.png").write_bytes(bytes(range(256)))
        data_at_backup = site.fingerprint()
        files_at_backup = site.media_files()
        archive = tmp_path / "backups" / "rehearsal.tar.gz"

        output = site.manage("backup", "--output", str(archive)).stdout
        assert archive.is_file()
        assert f"Backup written to {archive}" in output
        assert "2 uploaded files" in output

        site.python(CHANGE_EVERYTHING)
        (site.media_root / "logo.png").write_bytes(b"changed")
        (site.media_root / "imports" / "listings.csv").unlink()
        (site.media_root / "new-upload.xlsx").write_bytes(b"new")
        changed = site.fingerprint()
        assert changed != data_at_backup
        assert len(changed) < len(data_at_backup)

        site.manage("restore", str(archive), "--no-input")

        assert site.fingerprint() == data_at_backup
        assert site.media_files() == files_at_backup
        # The restored site works: it accepts writes again.
        site.python(
            "from pilot_products.models import CbecCategory;"
            "CbecCategory.objects.create(code='after_restore', name_zh='恢复后')"
        )


def test_restore_refuses_a_backup_of_another_engine(tmp_path):
    with database_url("sqlite", tmp_path, "source") as url:
        source = Site(url, tmp_path)
        source.manage("migrate", "--no-input", "-v0")
        archive = tmp_path / "sqlite-backup.tar.gz"
        source.manage("backup", "--output", str(archive))
    with database_url("postgresql", tmp_path, "target") as url:
        target = Site(url, tmp_path)
        target.manage("migrate", "--no-input", "-v0")
        result = target.manage("restore", str(archive), "--no-input", check=False)
    assert result.returncode != 0
    assert "was made from a sqlite database" in result.stderr
    assert "docs/operations.md" in result.stderr


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    with database_url("sqlite", tmp_path, "site") as url:
        site = Site(url, tmp_path)
        bogus = tmp_path / "bogus.tar.gz"
        bogus.write_bytes(b"not an archive")
        result = site.manage("restore", str(bogus), "--no-input", check=False)
    assert result.returncode != 0
    assert "Not a backup archive of this application" in result.stderr
