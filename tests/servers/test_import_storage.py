"""Uploads, previews and rejected-rows workbooks live in the shared import storage.

They go through the ``imports`` entry of ``STORAGES`` (never a local path), a file
refused as a whole is deleted at once, a file over the size cap is refused by the
upload form before a byte of it is kept, and the cleanup removes expired uploads.
"""

import io
import os
import time

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from pilot_products.models import ImportRecord, Listing
from pilot_products.spreadsheets import stored_files
from pilot_products.spreadsheets.reading import MSG_NOT_XLSX, MSG_TOO_LARGE
from pilot_products.spreadsheets.uploads import OversizedUpload
from tests import factories
from tests.jobs_helpers import run_queued_jobs
from tests.spreadsheet_helpers import LISTING_HEADERS, csv_bytes, listing_row

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture
def portal(client, user_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user_a)
    return client


@pytest.fixture
def good_file(wholesaler_a):
    product = factories.make_pilot_product()
    booth = factories.make_booth(wholesaler_a)
    return csv_bytes(
        [LISTING_HEADERS, listing_row(wholesaler_a, product, booth, sku="NEW-1")]
    )


def stored() -> set[str]:
    """Every file in the import storage, as ``token/name``."""
    storage = storages["imports"]
    try:
        folders, _files = storage.listdir("")
    except FileNotFoundError:
        return set()
    return {
        f"{folder}/{name}" for folder in folders for name in storage.listdir(folder)[1]
    }


def post_file(client, url, name: str, data: bytes):
    file = io.BytesIO(data)
    file.name = name
    return client.post(url, {"file": file})


def preview_token(response) -> str:
    """The upload's token, once its preview job has run."""
    assert response.status_code == 302, response.content.decode()[:300]
    run_queued_jobs()
    return response["Location"].rstrip("/").rsplit("/", 1)[1]


def test_preview_and_confirm_keep_the_upload_in_the_import_storage(
    portal, good_file, settings
):
    token = preview_token(
        post_file(portal, reverse("pilot_products:spreadsheets"), "l.csv", good_file)
    )

    assert stored() == {f"{token}/upload.bin", f"{token}/meta.json"}
    assert stored_files.read_upload(token) == good_file
    assert not settings.MEDIA_ROOT.exists()
    confirmed = portal.post(
        reverse("pilot_products:spreadsheet-confirm"), {"preview": token}
    )
    assert confirmed.status_code == 302
    run_queued_jobs()
    assert Listing.objects.filter(sku="NEW-1").exists()
    assert stored() == set()


def test_a_file_refused_as_a_whole_is_deleted_at_once_and_its_message_kept(portal):
    token = preview_token(
        post_file(
            portal, reverse("pilot_products:spreadsheets"), "l.xlsx", b"not a zip"
        )
    )

    assert stored() == {f"{token}/meta.json"}
    page = portal.get(reverse("pilot_products:spreadsheet-preview", args=[token]))
    with translation.override("en"):
        assert str(MSG_NOT_XLSX) in page.content.decode()


def test_the_rejected_rows_workbook_is_served_from_the_import_storage(
    portal, wholesaler_a
):
    product = factories.make_pilot_product()
    data = csv_bytes(
        [LISTING_HEADERS, listing_row(wholesaler_a, product, unit_price="-1")]
    )
    token = preview_token(
        post_file(portal, reverse("pilot_products:spreadsheets"), "l.csv", data)
    )

    assert f"{token}/errors.xlsx" in stored()
    download = portal.get(
        reverse("pilot_products:spreadsheet-preview", args=[token]),
        {"download": "errors"},
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == stored_files.read_file(
        token, "errors.xlsx"
    )


@pytest.mark.parametrize(
    "size",
    [3 * MB, MB + 10 * 1024],
    ids=["request-announces-too-much", "file-found-too-large-while-read"],
)
def test_an_oversized_portal_upload_is_refused_before_it_is_stored(
    portal, settings, tmp_path, size
):
    settings.IMPORT_MAX_FILE_BYTES = MB
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = MB // 2
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "upload-tmp"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    data = b"sku\r\n" + b"x" * size

    response = post_file(portal, reverse("pilot_products:spreadsheets"), "l.csv", data)

    assert response.status_code == 200
    with translation.override("en"):
        expected = str(MSG_TOO_LARGE % {"limit": 1})
    assert response.context["form"].errors["file"] == [expected]
    # The form saw only a stand-in: the size-cap handler kept none of the bytes.
    received = response.wsgi_request.FILES["file"]
    assert (type(received), received.size) == (OversizedUpload, len(data))
    assert stored() == set()
    assert list(settings.FILE_UPLOAD_TEMP_DIR.iterdir()) == []
    assert not ImportRecord.objects.exists()


def test_an_oversized_admin_upload_is_refused_before_it_is_stored(
    client, operator, settings
):
    settings.IMPORT_MAX_FILE_BYTES = MB
    client.force_login(operator)
    data = b"sku\r\n" + b"x" * (2 * MB)

    response = post_file(
        client, reverse("admin:pilot_products_listing_import"), "l.csv", data
    )

    assert response.status_code == 200
    with translation.override("en"):
        expected = str(MSG_TOO_LARGE % {"limit": 1})
    assert response.context["form"].errors["file"] == [expected]
    assert stored() == set()


def test_a_file_just_under_the_cap_is_kept(portal, settings):
    settings.IMPORT_MAX_FILE_BYTES = MB
    line = b"x" * 1022 + b"\r\n"
    data = b"sku\r\n" + line * (MB // len(line) - 1)

    token = preview_token(
        post_file(portal, reverse("pilot_products:spreadsheets"), "l.csv", data)
    )

    assert stored_files.read_upload(token) == data


def test_the_cleanup_removes_expired_uploads_and_keeps_fresh_ones(
    portal, good_file, settings
):
    url = reverse("pilot_products:spreadsheets")
    old = preview_token(post_file(portal, url, "old.csv", good_file))
    fresh = preview_token(post_file(portal, url, "fresh.csv", good_file))
    storage = storages["imports"]
    day_and_an_hour_ago = time.time() - 25 * 3600
    for name in storage.listdir(old)[1]:
        path = storage.path(f"{old}/{name}")
        os.utime(path, (day_and_an_hour_ago, day_and_an_hour_ago))

    out = io.StringIO()
    call_command("remove_expired_uploads", stdout=out)

    assert "Removed 1 upload(s)" in out.getvalue()
    assert {name.split("/")[0] for name in stored()} == {fresh}
    assert not (settings.STORAGES["imports"]["OPTIONS"]["location"] / old).exists()
    # Its record stays (the audit trail); its page says the preview expired.
    gone = portal.get(reverse("pilot_products:spreadsheet-preview", args=[old]))
    assert gone.status_code == 302
    assert gone["Location"] == reverse("pilot_products:spreadsheets")
    kept = portal.get(reverse("pilot_products:spreadsheet-preview", args=[fresh]))
    assert kept.status_code == 200


def test_a_token_never_reaches_outside_the_import_storage(portal):
    for token in ["..", "../../etc", "a/b", "x" * 10]:
        assert stored_files.read_file(token, "meta.json") is None
        with pytest.raises(FileNotFoundError):
            stored_files.open_upload(token)
