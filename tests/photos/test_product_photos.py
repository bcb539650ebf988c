"""A pilot product's reference photo: the service, the admin page, the catalogue."""

import io
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from pilot_products.admin.product_photos import MSG_PHOTO_NOTHING
from pilot_products.models import ListingPhoto, PilotProduct
from pilot_products.photos.rules import MSG_PHOTO_TOO_MANY_PIXELS, MSG_PHOTO_TYPE
from pilot_products.photos.storage import photo_storage
from pilot_products.services import product_photos
from pilot_products.services.product_photos import HISTORY_PHOTO_SET
from pilot_products.services.review import MSG_EDIT_NOT_ALLOWED
from tests import factories

from .images import EXECUTABLE, gps_exif, image_bytes, png_bomb, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.CATALOGUE_PAGE_CACHE_SECONDS = 0
    cache.clear()


@pytest.fixture
def product():
    return factories.make_pilot_product(
        code="P61", name_zh="电动牙刷", name_en="Electric toothbrush"
    )


def stored_files() -> list[str]:
    return sorted(photo_storage.listdir("")[1]) if photo_storage.exists("") else []


def files_of(name: str) -> list[str]:
    stem, extension = name.rsplit(".", 1)
    return sorted([name, f"{stem}-card.{extension}", f"{stem}-large.{extension}"])


def photo_url(product) -> str:
    return reverse("admin:pilot_products_pilotproduct_photo", args=[product.pk])


def set_photo(product, editor, data=None) -> PilotProduct:
    data = image_bytes(size=(1600, 1200)) if data is None else data
    return product_photos.pilot_product_photo_set(
        product=product, upload=upload(data), user=editor
    )


# The service ---------------------------------------------------------------------


def test_an_editor_sets_a_photo_on_an_approved_product(product, editor):
    revision = product.revision
    product = set_photo(
        product, editor, image_bytes(size=(1600, 1200), exif=gps_exif())
    )
    product.refresh_from_db()
    assert (product.photo_width, product.photo_height) == (1600, 1200)
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", product.photo.name)
    assert stored_files() == files_of(product.photo.name)
    with photo_storage.open(product.photo.name) as stored:
        data = stored.read()
    assert b"SecretCam" not in data
    assert dict(Image.open(io.BytesIO(data)).getexif()) == {}
    assert product.revision == revision + 1
    record = product.history.first()
    assert record.history_user == editor
    assert record.history_change_reason == str(HISTORY_PHOTO_SET)
    assert record.photo == product.photo.name


def test_a_replaced_photo_s_files_go_once_the_change_commits(
    product, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = set_photo(product, editor).photo.name
    with django_capture_on_commit_callbacks(execute=True):
        second = set_photo(product, editor).photo.name
    assert first != second
    assert stored_files() == files_of(second)
    with django_capture_on_commit_callbacks(execute=True):
        product_photos.pilot_product_photo_remove(product=product, user=editor)
    product.refresh_from_db()
    assert not product.photo and product.photo_width is None
    assert stored_files() == []
    assert [r.history_change_reason for r in product.history.all()[:3]] == [
        "Reference photo removed",
        "Reference photo set",
        "Reference photo set",
    ]


def test_a_reviewer_may_not_set_a_photo_and_nothing_is_stored(product, reviewer):
    with pytest.raises(Exception) as refused:
        set_photo(product, reviewer)
    assert refused.value.code == "not_allowed"
    assert refused.value.messages == [str(MSG_EDIT_NOT_ALLOWED)]
    assert stored_files() == []
    product.refresh_from_db()
    assert not product.photo


@pytest.mark.parametrize(
    ("data", "code"),
    [(EXECUTABLE, "photo_type"), (png_bomb(), "photo_too_many_pixels")],
)
def test_a_bad_file_is_refused_and_nothing_is_stored(product, editor, data, code):
    versions = product.history.count()
    with pytest.raises(Exception) as refused:
        set_photo(product, editor, data)
    assert refused.value.code == code
    assert stored_files() == []
    product.refresh_from_db()
    assert not product.photo and product.history.count() == versions


# The admin door ------------------------------------------------------------------


def test_the_admin_page_sets_the_photo(client, product, editor):
    client.force_login(editor)
    change = client.get(
        reverse("admin:pilot_products_pilotproduct_change", args=[product.pk])
    ).content.decode()
    assert f'href="{photo_url(product)}"' in change
    assert "No reference photo yet." in change
    response = client.post(
        photo_url(product), {"image": upload(image_bytes(size=(800, 600)))}
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.photo and product.history.first().history_user == editor
    change = client.get(response["Location"]).content.decode()
    assert f'src="{product.photo_ref.card_url}"' in change
    assert "was saved" in change


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (EXECUTABLE, lambda: str(MSG_PHOTO_TYPE)),
        (png_bomb(), lambda: str(MSG_PHOTO_TOO_MANY_PIXELS) % {"limit": 40}),
    ],
)
def test_the_admin_page_refuses_a_bad_file(client, product, editor, data, message):
    client.force_login(editor)
    response = client.post(photo_url(product), {"image": upload(data, "evil.jpg")})
    assert response.status_code == 400
    assert message() in response.content.decode()
    assert stored_files() == []


def test_the_admin_page_asks_for_a_file_or_removal(client, product, editor):
    client.force_login(editor)
    response = client.post(photo_url(product), {})
    assert response.status_code == 400
    assert str(MSG_PHOTO_NOTHING) in response.content.decode()


def test_the_admin_page_removes_the_photo(client, product, editor):
    set_photo(product, editor)
    client.force_login(editor)
    response = client.post(photo_url(product), {"remove": "on"})
    assert response.status_code == 302
    product.refresh_from_db()
    assert not product.photo


def test_reviewers_do_not_edit_the_photo(client, product, reviewer, editor):
    client.force_login(reviewer)
    change = client.get(
        reverse("admin:pilot_products_pilotproduct_change", args=[product.pk])
    ).content.decode()
    assert photo_url(product) not in change
    assert client.get(photo_url(product)).status_code == 403
    response = client.post(photo_url(product), {"image": upload(image_bytes())})
    assert response.status_code == 403
    assert stored_files() == []


def test_an_unknown_product_is_a_404(client, editor):
    client.force_login(editor)
    url = reverse("admin:pilot_products_pilotproduct_photo", args=[999999])
    assert client.get(url).status_code == 404


# The catalogue -------------------------------------------------------------------


def test_the_product_page_shows_the_photo_with_alt_text_in_its_language(
    client, product, editor
):
    product = set_photo(product, editor)
    url = reverse("pilot_products:pilot-product", args=[product.code])
    english = client.get(url).content.decode()
    tag = re.search(r'<img class="product-photo"[^>]*>', english).group(0)
    assert product.photo_ref.large_url in tag
    assert 'width="1200" height="900"' in tag
    assert 'alt="Reference photo of Electric toothbrush"' in tag
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    tag = re.search(r'<img class="product-photo"[^>]*>', chinese).group(0)
    assert 'alt="电动牙刷的参考照片"' in tag


def test_cards_fall_back_to_the_reference_photo(client, product, editor):
    without_photo = factories.make_listing(
        factories.make_wholesaler(), product, title_en="Plain brush"
    )
    with_photo = factories.make_listing(
        factories.make_wholesaler(), product, title_en="Own brush"
    )
    ListingPhoto.objects.create(
        listing=with_photo, image=f"{7:032x}.jpg", width=40, height=30, is_main=True
    )
    product = set_photo(product, editor)
    page = client.get(reverse("pilot_products:catalogue")).content.decode()
    reference = re.findall(r'<img class="card-photo card-photo--reference"[^>]*>', page)
    assert len(reference) == 1
    assert product.photo_ref.card_url in reference[0]
    assert 'width="400" height="300"' in reference[0]
    assert 'alt="Reference photo of Electric toothbrush"' in reference[0]
    own = re.findall(r'<img class="card-photo"[^>]*>', page)
    assert len(own) == 1 and 'alt="Own brush"' in own[0]
    assert without_photo.title_en == "Plain brush"


def test_the_fallback_costs_no_extra_query(client, product, editor):
    for _ in range(12):
        factories.make_listing(factories.make_wholesaler(), product)
    url = reverse("pilot_products:catalogue")
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    set_photo(product, editor)
    client.get(url)
    with CaptureQueriesContext(connection) as after:
        page = client.get(url).content.decode()
    assert page.count("card-photo--reference") == 12
    assert len(after) == len(before)


def test_a_spreadsheet_edit_of_the_product_keeps_its_photo(editor, tmp_path):
    """The pilot-products import writes every column it has; the photo is none."""
    draft = factories.make_pilot_product(code="P62", name_en="Old name", status="draft")
    draft = set_photo(draft, editor)
    exported = tmp_path / "products.csv"
    call_command("catalogue_export", "pilot-products", str(exported))
    text = exported.read_text(encoding="utf-8-sig")
    assert "Old name" in text
    exported.write_text(text.replace("Old name", "New name"), encoding="utf-8-sig")
    call_command("catalogue_import", "pilot-products", str(exported))
    draft.refresh_from_db()
    assert draft.name_en == "New name"
    assert draft.photo_ref is not None and draft.photo_width == 1600
