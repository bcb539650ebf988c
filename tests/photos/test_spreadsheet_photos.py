"""Photos by spreadsheet: a photos column naming files in a ZIP beside the sheet.

Every door (the engine, the portal and admin upload pages through the preview and
confirm jobs, the command line) takes the ZIP, every image goes through
``clean_photo``, mistakes come by row and column in one pass, and nothing is stored
unless the whole file imports.
"""

import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from PIL import Image

from pilot_products.models import ImportOutcome, Listing, ListingPhoto
from pilot_products.photos.archive import (
    MSG_ZIP_AMBIGUOUS,
    MSG_ZIP_BOMB,
    MSG_ZIP_ENCRYPTED,
    MSG_ZIP_MISSING,
    MSG_ZIP_NONE,
    MSG_ZIP_NOT_ZIP,
    MSG_ZIP_TOO_MANY,
)
from pilot_products.photos.rules import (
    MSG_PHOTO_LIMIT,
    MSG_PHOTO_TOO_LARGE,
    MSG_PHOTO_TYPE,
)
from pilot_products.photos.storage import photo_storage
from pilot_products.spreadsheets import stored_files
from pilot_products.spreadsheets.engine import run_import
from tests import factories
from tests.jobs_helpers import run_queued_jobs
from tests.spreadsheet_helpers import LISTING_HEADERS, csv_bytes, listing_row

from .images import EXECUTABLE, gps_exif, image_bytes, png_bomb

pytestmark = pytest.mark.django_db

HEADERS = [*LISTING_HEADERS, "photos"]


@pytest.fixture
def trade(wholesaler_a):
    return wholesaler_a, factories.make_pilot_product()


def row(trade, sku: str, photos: str, **overrides) -> list:
    wholesaler, product = trade
    return [*listing_row(wholesaler, product, sku=sku, **overrides), photos]


def sheet(*rows) -> bytes:
    return csv_bytes([HEADERS, *rows])


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def good_zip() -> bytes:
    return zip_of(
        {
            "shoot/front.jpg": image_bytes("JPEG", (900, 600), exif=gps_exif()),
            "Side.PNG": image_bytes("PNG", (300, 300)),
            "__MACOSX/._front.jpg": b"\x00\x05\x16\x07",
        }
    )


def stored_files_of_photos() -> list[str]:
    return sorted(photo_storage.listdir("")[1]) if photo_storage.exists("") else []


def errors_of(result) -> list[tuple]:
    return [(error.row, error.column, error.message) for error in result.errors]


def import_sheet(data, photos, *, dry_run=False, user=None, wholesaler=None):
    return run_import(
        "listings",
        file_name="listings.csv",
        data=data,
        photos=photos,
        dry_run=dry_run,
        user=user,
        wholesaler=wholesaler,
    )


# The engine ----------------------------------------------------------------------


def test_a_row_s_photos_are_stored_re_encoded_in_their_order(trade, editor):
    result = import_sheet(
        sheet(row(trade, "CUP-1", "front.jpg; side.png"), row(trade, "CUP-2", "")),
        good_zip(),
        user=editor,
    )
    assert result.outcome == ImportOutcome.IMPORTED, errors_of(result)
    cup = Listing.objects.get(sku="CUP-1")
    photos = list(cup.photos.order_by("position"))
    assert [(p.position, p.is_main, p.width, p.height) for p in photos] == [
        (1, True, 900, 600),
        (2, False, 300, 300),
    ]
    # Generated names, never the ZIP's; the folder inside the ZIP was ignored.
    assert all(re.fullmatch(r"[0-9a-f]{32}\.(jpg|png)", p.image.name) for p in photos)
    assert len(stored_files_of_photos()) == 6  # two photos, two renditions each
    with photo_storage.open(photos[0].image.name) as stored:
        data = stored.read()
    assert b"SecretCam" not in data
    assert dict(Image.open(io.BytesIO(data)).getexif()) == {}
    assert photos[0].history.first().history_user == editor
    assert not Listing.objects.get(sku="CUP-2").photos.exists()


def test_a_new_photos_cell_replaces_the_listing_s_photos(
    trade, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_sheet(sheet(row(trade, "CUP-1", "front.jpg;side.png")), good_zip())
    first = set(stored_files_of_photos())
    with django_capture_on_commit_callbacks(execute=True):
        result = import_sheet(sheet(row(trade, "CUP-1", "side.png")), good_zip())
    assert result.rows_updated == 1
    assert result.changes[0].changed == ["photos"]
    (photo,) = ListingPhoto.objects.filter(listing__sku="CUP-1")
    assert photo.is_main and photo.width == 300
    assert set(stored_files_of_photos()).isdisjoint(first)
    assert len(stored_files_of_photos()) == 3


def test_a_dry_run_checks_the_photos_and_stores_nothing(trade):
    result = import_sheet(
        sheet(row(trade, "CUP-1", "front.jpg")), good_zip(), dry_run=True
    )
    assert result.outcome == ImportOutcome.PREVIEWED, errors_of(result)
    assert (result.changes[0].action, result.changes[0].changed) == ("new", ["photos"])
    assert stored_files_of_photos() == []
    assert not ListingPhoto.objects.exists()


def test_every_mistake_comes_by_row_and_column_in_one_pass(trade, settings):
    settings.PHOTO_MAX_PER_LISTING = 2
    photos = zip_of(
        {
            "ok.jpg": image_bytes(),
            "program.jpg": EXECUTABLE,
            "bomb.png": png_bomb(),
        }
    )
    result = import_sheet(
        sheet(
            row(trade, "R2", "ok.jpg;nowhere.jpg"),
            row(trade, "R3", "program.jpg", unit_price="abc"),
            row(trade, "R4", "bomb.png"),
            row(trade, "R5", "ok.jpg;ok2.jpg;ok3.jpg"),
            row(trade, "R6", "ok.jpg"),
        ),
        photos,
    )
    assert result.outcome == ImportOutcome.REJECTED
    errors = errors_of(result)
    photo_errors = {(r, m) for r, column, m in errors if column == "photos"}
    assert (2, str(MSG_ZIP_MISSING) % {"name": "nowhere.jpg"}) in photo_errors
    assert (3, f"“program.jpg”: {MSG_PHOTO_TYPE}") in photo_errors
    assert any(r == 4 and "megapixels" in m for r, m in photo_errors)
    assert (5, str(MSG_PHOTO_LIMIT) % {"limit": 2}) in photo_errors
    assert not any(r == 6 for r, _m in photo_errors)
    # The bad price beside the bad photo, in the same pass.
    assert any(r == 3 and column == "unit_price" for r, column, _m in errors)
    assert stored_files_of_photos() == []
    assert not Listing.objects.exists()


def test_a_name_in_two_folders_and_an_oversized_member_are_row_errors(trade, settings):
    settings.PHOTO_MAX_BYTES = 20_000
    photos = zip_of(
        {
            "a/same.jpg": image_bytes(),
            "b/same.jpg": image_bytes(),
            "huge.png": image_bytes("PNG", (400, 400), mode="RGB") + b"\0" * 30_000,
        }
    )
    result = import_sheet(
        sheet(row(trade, "R2", "same.jpg"), row(trade, "R3", "huge.png")), photos
    )
    assert errors_of(result) == [
        (2, "photos", str(MSG_ZIP_AMBIGUOUS) % {"name": "same.jpg"}),
        (3, "photos", f"“huge.png”: {str(MSG_PHOTO_TOO_LARGE) % {'limit': 0}}"),
    ]
    assert stored_files_of_photos() == []


def test_a_photos_cell_without_a_zip_says_to_upload_it(trade):
    result = import_sheet(sheet(row(trade, "CUP-1", "front.jpg")), None)
    assert errors_of(result) == [(2, "photos", str(MSG_ZIP_NONE))]


def test_the_same_names_match_whatever_the_case_and_folder(trade):
    result = import_sheet(
        sheet(row(trade, "CUP-1", "FRONT.JPG"), row(trade, "CUP-2", "x/Side.png")),
        good_zip(),
    )
    assert result.outcome == ImportOutcome.IMPORTED, errors_of(result)
    assert ListingPhoto.objects.count() == 2


def _deflate_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.jpg", b"\x00" * (60 * 1024 * 1024))
    return buffer.getvalue()


def _encrypted_zip() -> bytes:
    """A ZIP whose member says it is encrypted (the flag in both of its headers)."""
    data = bytearray(zip_of({"0.jpg": image_bytes()}))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature) + offset
        data[at] |= 0x1
    return bytes(data)


@pytest.mark.parametrize(
    ("photos", "message"),
    [
        (b"not a zip at all", lambda: str(MSG_ZIP_NOT_ZIP)),
        (_encrypted_zip(), lambda: str(MSG_ZIP_ENCRYPTED)),
        (EXECUTABLE, lambda: str(MSG_ZIP_NOT_ZIP)),
        (_deflate_bomb(), lambda: str(MSG_ZIP_BOMB)),
        (
            zip_of({f"{n}.jpg": b"x" for n in range(6)}),
            lambda: str(MSG_ZIP_TOO_MANY) % {"limit": 5},
        ),
    ],
    ids=["text", "encrypted", "executable", "zip-bomb", "too-many-members"],
)
def test_a_refused_zip_is_refused_whole_and_nothing_is_stored(
    trade, settings, photos, message
):
    settings.PHOTO_ZIP_MAX_MEMBERS = 5
    result = import_sheet(sheet(row(trade, "CUP-1", "0.jpg")), photos)
    assert result.file_refused
    assert errors_of(result) == [(None, "", message())]
    assert stored_files_of_photos() == [] and not Listing.objects.exists()


def test_exports_and_templates_have_no_photos_column(trade):
    from pilot_products.spreadsheets.specs import SPECS, Scope

    assert "photos" not in [c.key for c in SPECS["listings"](Scope()).columns]
    importing = SPECS["listings"](Scope(importing=True))
    assert "photos" in [c.key for c in importing.columns]


# The portal and the admin (preview job, confirm job) -----------------------------


def _file(name: str, data: bytes):
    file = io.BytesIO(data)
    file.name = name
    return file


def test_the_portal_takes_the_zip_beside_the_sheet(client, user_a, trade):
    client.force_login(user_a)
    response = client.post(
        reverse("pilot_products:spreadsheets"),
        {
            "file": _file("mine.csv", sheet(row(trade, "CUP-1", "front.jpg"))),
            "photos": _file("photos.zip", good_zip()),
        },
    )
    assert response.status_code == 302
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert stored_files.has_file(token, stored_files.PHOTOS)
    assert run_queued_jobs() == 1
    assert stored_files_of_photos() == []  # the preview stores nothing
    confirm = client.post(
        reverse("pilot_products:spreadsheet-confirm"), {"preview": token}
    )
    assert confirm.status_code == 302
    assert run_queued_jobs() == 1  # the worker reads the ZIP from the storage
    (photo,) = ListingPhoto.objects.filter(listing__sku="CUP-1")
    assert photo.is_main and photo.history.first().history_user == user_a
    assert not stored_files.has_file(token, stored_files.PHOTOS)  # done with


def test_the_portal_preview_names_the_row_and_column(client, user_a, trade):
    client.force_login(user_a)
    response = client.post(
        reverse("pilot_products:spreadsheets"),
        {
            "file": _file("mine.csv", sheet(row(trade, "CUP-1", "gone.jpg"))),
            "photos": _file("photos.zip", good_zip()),
        },
    )
    run_queued_jobs()
    page = client.get(response["Location"])
    message = str(MSG_ZIP_MISSING) % {"name": "gone.jpg"}
    assert [
        (error["row"], error["column"], error["message"])
        for error in page.context["meta"]["errors"]
    ] == [(2, "photos", message)]
    assert "gone.jpg" in page.content.decode()
    assert stored_files_of_photos() == []


def test_a_refused_zip_is_deleted_from_the_import_storage(client, user_a, trade):
    client.force_login(user_a)
    response = client.post(
        reverse("pilot_products:spreadsheets"),
        {
            "file": _file("mine.csv", sheet(row(trade, "CUP-1", "a.jpg"))),
            "photos": _file("photos.zip", b"PK\x03\x04 broken"),
        },
    )
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    run_queued_jobs()
    assert not stored_files.has_upload(token)
    assert not stored_files.has_file(token, stored_files.PHOTOS)
    page = client.get(response["Location"]).content.decode()
    assert "not a ZIP archive" in page


def test_the_admin_listing_import_takes_the_zip(client, operator, trade):
    client.force_login(operator)
    url = reverse("admin:pilot_products_listing_import")
    assert 'name="photos"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "file": _file("all.csv", sheet(row(trade, "CUP-1", "side.png"))),
            "photos": _file("photos.zip", good_zip()),
        },
    )
    assert response.status_code == 302
    token = response["Location"].rsplit("preview=", 1)[-1]
    run_queued_jobs()
    confirm = client.post(
        reverse("admin:pilot_products_listing_process_import"), {"preview": token}
    )
    assert confirm.status_code == 302
    run_queued_jobs()
    (photo,) = ListingPhoto.objects.filter(listing__sku="CUP-1")
    assert (photo.width, photo.height) == (300, 300)


def test_other_admin_imports_offer_no_photos_field(client, operator):
    client.force_login(operator)
    page = client.get(reverse("admin:pilot_products_booth_import"))
    assert 'name="file"' in page.content.decode()
    assert 'name="photos"' not in page.content.decode()


# The command line ----------------------------------------------------------------


def test_the_command_line_takes_the_zip(trade, tmp_path):
    sheet_path = tmp_path / "listings.csv"
    sheet_path.write_bytes(sheet(row(trade, "CUP-1", "front.jpg;side.png")))
    zip_path = tmp_path / "photos.zip"
    zip_path.write_bytes(good_zip())
    call_command("catalogue_import", "listings", str(sheet_path), photos=str(zip_path))
    assert ListingPhoto.objects.filter(listing__sku="CUP-1").count() == 2


def test_the_command_line_refuses_a_bad_photo_with_its_row(trade, tmp_path):
    sheet_path = tmp_path / "listings.csv"
    sheet_path.write_bytes(sheet(row(trade, "CUP-1", "program.jpg")))
    zip_path = tmp_path / "photos.zip"
    zip_path.write_bytes(zip_of({"program.jpg": EXECUTABLE}))
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "catalogue_import",
            "listings",
            str(sheet_path),
            photos=str(zip_path),
            stderr=errors,
        )
    assert "row 2, column “photos”: “program.jpg”" in errors.getvalue()
    assert stored_files_of_photos() == []
