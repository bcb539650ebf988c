"""Two app servers behind one address agree on everything a visitor sees.

Two gunicorn processes, each with its own local media folder, share one database
(the suite's kind: a SQLite file, or a PostgreSQL database of their own), one Redis
(``REDIS_URL``, default redis://127.0.0.1:6379/0) and one S3-compatible bucket (moto
in server mode). A preview made on A is confirmed on B, B serves the rejected rows of
a file uploaded to A, a price changed through A is on B's catalogue at the next
request, and a photo uploaded through A is served by B. The steps wait for pages the way a person does, so they keep passing when
the preview and the confirm run as background jobs.

The last test checks the same catalogue promise with nothing installed: two servers
of one machine sharing the file cache, as ``make serve`` runs.
"""

import io
import os
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from tests.operations_support import database_url
from tests.photos.images import image_bytes
from tests.servers.stack import (
    AppServer,
    Bucket,
    Visitor,
    base_env,
    delete_redis_keys,
    disk_bytes,
    form_with,
    memory_kib,
    migrate_and_seed,
    post_large_file,
    redis_url,
    unique_prefix,
    wait_for,
)
from tests.spreadsheet_helpers import LISTING_HEADERS, csv_bytes

pytestmark = pytest.mark.servers

MB = 1024 * 1024
#: The servers' IMPORT_MAX_FILE_BYTES; the oversized upload is twelve times that.
UPLOAD_CAP = 5 * MB

ENGINE = (
    "postgres"
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    else "sqlite"
)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The shared database, seeded once: a wholesaler, its listing and a session."""
    folder = tmp_path_factory.mktemp("two-servers")
    with database_url(ENGINE, folder, "two_servers") as url:
        seeded = migrate_and_seed(base_env(url, folder / "setup"))
        yield {"database_url": url, "folder": folder, **seeded}


@pytest.fixture(scope="module")
def bucket(world):
    bucket = Bucket(world["folder"] / "moto.log")
    yield bucket
    bucket.stop()


@pytest.fixture(scope="module")
def servers(world, bucket):
    """Servers A and B, sharing the database, Redis and the bucket."""
    prefix = unique_prefix()
    shared = bucket.env() | {
        "REDIS_URL": redis_url(),
        "DJANGO_CACHE_KEY_PREFIX": prefix,
        "IMPORT_MAX_FILE_BYTES": str(UPLOAD_CAP),
    }
    started = []
    try:
        for name in ("a", "b"):
            folder = world["folder"] / f"server-{name}"
            env = base_env(world["database_url"], folder) | shared
            started.append(AppServer(name, env, folder))
        yield started
    finally:
        for server in started:
            server.stop()
        delete_redis_keys(prefix)


def listing_file(world, *, sku: str, price: str) -> bytes:
    cells = {
        "wholesaler": world["credit_code"],
        "sku": sku,
        "pilot_product": world["product"],
        "customs_code": world["customs_code"],
        "title_zh": "双服务器积木",
        "title_en": f"Blocks {sku}",
        "brand": "Sakura",
        "country_of_origin": "JP",
        "unit": "piece",
        "unit_price": price,
        "moq": "1",
        "stock": "100",
        "booth": world["booth"],
        "status": "active",
        "tiers": "",
        "version": "",  # a new listing has no version yet
    }
    return csv_bytes([LISTING_HEADERS, [cells[key] for key in LISTING_HEADERS]])


def upload(visitor, server, name: str, data: bytes) -> str:
    """Upload on ``server``; return the preview page's path."""
    response = visitor.post(
        server,
        reverse("pilot_products:spreadsheets"),
        files={"file": (name, io.BytesIO(data), "text/csv")},
    )
    assert response.status_code == 302, response.text[:2000]
    return response.headers["Location"]


def finished_preview(visitor, server, path: str) -> str:
    """The preview page once its findings are there (at once, or when a job ends)."""

    def ready():
        page = visitor.get(server, path)
        assert page.status_code == 200, (page.status_code, server.log())
        done = 'name="confirm"' in page.text or "import-errors-intro" in page.text
        return page.text if done else None

    return wait_for(ready, f"the preview on server {server.name}")


def catalogue_shows(server, path: str, text: str) -> bool:
    return text in Visitor().get(server, path).text


def test_a_preview_made_on_a_is_confirmed_on_b(world, servers, bucket):
    a, b = servers
    owner = Visitor(world["session"])
    data = listing_file(world, sku="TWO-NEW", price="4.44")

    preview = upload(owner, a, "new.csv", data)
    page_on_b = finished_preview(owner, b, preview)

    assert "Every row is valid" in page_on_b
    assert any(key.endswith("/upload.bin") for key in bucket.object_keys())
    assert not list((a.folder / "media").rglob("*.bin"))
    token = form_with(page_on_b, "preview")["preview"]
    confirmed = owner.post(
        b, reverse("pilot_products:spreadsheet-confirm"), {"preview": token}
    )
    assert confirmed.status_code == 302, confirmed.text[:2000]
    assert "expired" not in owner.get(b, confirmed.headers["Location"]).text
    browse = reverse("pilot_products:catalogue") + "?q=TWO-NEW"
    wait_for(lambda: catalogue_shows(a, browse, "Blocks TWO-NEW"), "the import on A")
    assert catalogue_shows(b, browse, "Blocks TWO-NEW")


def test_b_serves_the_rejected_rows_of_a_file_uploaded_to_a(world, servers):
    a, b = servers
    owner = Visitor(world["session"])
    data = listing_file(world, sku="TWO-BAD", price="-5")

    preview = upload(owner, a, "bad.csv", data)
    finished_preview(owner, a, preview)
    download = owner.get(b, preview + "?download=errors")

    assert download.status_code == 200, download.text[:500]
    assert "attachment" in download.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(download.content)).active.values)
    assert any("TWO-BAD" in [str(cell) for cell in row] for row in rows[1:])


def change_price_through(server, world, price: str) -> None:
    owner = Visitor(world["session"])
    edit = reverse("pilot_products:portal-listing-edit", args=[world["listing"]])
    form = form_with(owner.get(server, edit).text, "unit_price")
    form["unit_price"] = price
    saved = owner.post(server, edit, form)
    assert saved.status_code == 302, saved.text[:3000]


def test_a_price_changed_through_a_is_on_bs_catalogue_at_the_next_request(
    world, servers
):
    a, b = servers
    product_page = reverse("pilot_products:pilot-product", args=[world["product"]])
    browse = reverse("pilot_products:catalogue") + "?q=TWO-1"
    for page in (product_page, browse):
        assert catalogue_shows(b, page, "1.11")
        assert catalogue_shows(b, page, "1.11")  # cached on B now

    change_price_through(a, world, "3.07")

    for page in (product_page, browse):
        assert catalogue_shows(b, page, "3.07")
        assert not catalogue_shows(b, page, "1.11")
    change_price_through(a, world, "1.11")  # as the other tests expect


def test_an_oversized_upload_is_refused_before_it_is_stored_memory_and_disk_flat(
    world, servers, bucket
):
    """60 MB posted to a 5 MB cap: the worker's memory and the disk do not follow."""
    a, _b = servers
    owner = Visitor(world["session"])
    worker = a.worker_pid()
    owner.get(a, reverse("pilot_products:spreadsheets"))  # the page is warm
    before = memory_kib(worker)
    keys_before = set(bucket.object_keys())
    seen = {}

    def midway():
        seen["memory"] = memory_kib(worker)
        seen["disk"] = disk_bytes(a.folder / "upload-tmp") + disk_bytes(
            a.folder / "media"
        )

    status, page = post_large_file(
        a, reverse("pilot_products:spreadsheets"), owner, size=60 * MB, midway=midway
    )

    after = memory_kib(worker)
    assert status == 200, page[:2000]
    assert "The file is larger than 5 MB" in page
    assert seen["disk"] == 0
    assert set(bucket.object_keys()) == keys_before
    # The peak resident memory of the worker grew by far less than the file.
    assert after["VmHWM"] - before["VmHWM"] < 15 * 1024, (before, seen, after)
    assert seen["memory"]["VmRSS"] - before["VmRSS"] < 15 * 1024


def test_two_servers_of_one_machine_share_the_file_cache(world, tmp_path):
    """``make serve`` with nothing installed: the file cache joins its workers."""
    shared_cache = {"DJANGO_CACHE_DIR": str(tmp_path / "cache")}
    started = []
    try:
        for name in ("a", "b"):
            env = base_env(world["database_url"], tmp_path / name) | shared_cache
            started.append(AppServer(name, env, tmp_path / name))
        a, b = started
        page = reverse("pilot_products:pilot-product", args=[world["product"]])
        assert catalogue_shows(b, page, "1.11")
        assert catalogue_shows(b, page, "1.11")

        change_price_through(a, world, "2.22")

        assert catalogue_shows(b, page, "2.22")
        assert not catalogue_shows(b, page, "1.11")
        change_price_through(a, world, "1.11")
    finally:
        for server in started:
            server.stop()


def test_a_photo_uploaded_through_a_is_served_by_b(world, servers, bucket):
    """Photos live in the shared storage: B serves, and shows, what A stored."""
    a, b = servers
    owner = Visitor(world["session"])
    photos = reverse("pilot_products:portal-listing-photos", args=[world["listing"]])
    photo = image_bytes("JPEG", (1000, 750))
    added = owner.post(
        a, photos, files={"image": ("phone.jpg", io.BytesIO(photo), "image/jpeg")}
    )
    assert added.status_code == 302, added.text[:2000]

    page_on_b = owner.get(b, photos).text
    card = re.search(r'src="(/media/photos/([0-9a-f]{32})-card\.jpg)"', page_on_b)
    assert card, page_on_b[:3000]
    served = Visitor().get(b, card.group(1))
    assert served.status_code == 200, served.text[:500]
    assert served.headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(served.content)).size == (400, 300)
    large = Visitor().get(b, card.group(1).replace("-card", "-large"))
    assert Image.open(io.BytesIO(large.content)).size == (1000, 750)
    # In the bucket, not on either machine's own disk.
    assert any(key.endswith(f"{card.group(2)}.jpg") for key in bucket.object_keys())
    for server in (a, b):
        assert not list((server.folder / "media").rglob("*.jpg"))
    product_page = reverse("pilot_products:pilot-product", args=[world["product"]])
    wait_for(
        lambda: catalogue_shows(b, product_page, card.group(1)),
        "the photo on B's product page",
    )
