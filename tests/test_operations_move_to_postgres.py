"""Moving from SQLite to PostgreSQL, exactly as docs/operations.md tells the operator."""

import json

from tests.operations_support import Site, database_url

#: The steps of docs/operations.md, "Moving from SQLite to PostgreSQL".
DUMP_ARGS = [
    "dumpdata",
    "--natural-foreign",
    "--natural-primary",
    "--exclude",
    "contenttypes",
    "--exclude",
    "auth.permission",
    "--exclude",
    "sessions",
]


def test_sqlite_data_moves_to_postgres_with_same_counts_and_natural_keys(tmp_path):
    with database_url("sqlite", tmp_path, "old") as old_url:
        old = Site(old_url, tmp_path / "old")
        old.seed()
        # Admin history and a changed object, so every kind of row travels.
        old.python(
            "from pilot_products.models import Listing\n"
            "listing = Listing.objects.order_by('pk').first()\n"
            "listing.stock = 7\n"
            "listing.save()\n"
        )
        dump = tmp_path / "move.json.gz"
        old.manage(*DUMP_ARGS, "--output", str(dump))
        summary_old = json.loads(old.manage("data_summary", "--natural-keys").stdout)

    with database_url("postgresql", tmp_path, "new") as new_url:
        new = Site(new_url, tmp_path / "new")
        new.manage("migrate", "--no-input", "-v0")
        # The dump already holds the history: loading must not write more of it.
        new.env["DJANGO_HISTORY_ENABLED"] = "0"
        loaded = new.manage("loaddata", str(dump)).stdout
        del new.env["DJANGO_HISTORY_ENABLED"]
        summary_new = json.loads(new.manage("data_summary", "--natural-keys").stdout)
        # Sequences were reset: new rows get fresh ids.
        new.python(
            "from pilot_products.models import CbecCategory\n"
            "CbecCategory.objects.create(code='after_move', name_zh='迁移后')"
        )

    assert "Installed" in loaded
    assert summary_old["pilot_products.Listing"]["count"] > 0
    assert summary_old["pilot_products.HistoricalListing"]["count"] > 0
    moved = {
        label: entry
        for label, entry in summary_old.items()
        if label not in {"contenttypes.ContentType", "auth.Permission"}
        and label != "sessions.Session"
    }
    assert {label: summary_new[label] for label in moved} == moved
