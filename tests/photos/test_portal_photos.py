"""The portal's photo page: add, replace, order, remove, main; isolation; history."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from pilot_products.models import ListingPhoto
from pilot_products.photos.rules import MSG_PHOTO_TYPE
from pilot_products.photos.storage import photo_storage
from tests import factories

from .images import EXECUTABLE, SVG_WITH_SCRIPT, gps_exif, image_bytes, png_bomb, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing(wholesaler_a):
    return factories.make_listing(wholesaler_a)


@pytest.fixture
def portal(client, user_a):
    client.force_login(user_a)
    return client


def photos_url(listing):
    return reverse("pilot_products:portal-listing-photos", args=[listing.pk])


def action_url(photo, action):
    return reverse(
        "pilot_products:portal-listing-photo-action",
        args=[photo.listing_id, photo.pk, action],
    )


def add(portal, listing, data=None, name="photo.jpg"):
    data = image_bytes() if data is None else data
    return portal.post(photos_url(listing), {"image": upload(data, name)})


def stored_files() -> list[str]:
    return sorted(photo_storage.listdir("")[1]) if photo_storage.exists("") else []


def files_of(photo) -> list[str]:
    """A photo's files: itself and its card and large renditions."""
    stem = photo.image.name.rsplit(".", 1)[0]
    extension = photo.image.name.rsplit(".", 1)[1]
    return sorted(
        [photo.image.name, f"{stem}-card.{extension}", f"{stem}-large.{extension}"]
    )


def test_add_stores_a_re_encoded_photo_and_shows_it(portal, listing):
    response = add(portal, listing, image_bytes("JPEG", exif=gps_exif()))
    assert response.status_code == 302
    (photo,) = ListingPhoto.objects.filter(listing=listing)
    assert photo.is_main and photo.position == 1
    assert stored_files() == files_of(photo)
    with photo_storage.open(photo.image.name) as stored:
        data = stored.read()
    assert dict(Image.open(io.BytesIO(data)).getexif()) == {}
    assert b"SecretCam" not in data
    page = portal.get(photos_url(listing)).content.decode()
    assert f'src="{photo.ref.card_url}"' in page
    assert 'width="64" height="48"' in page  # smaller than the card: kept as it is


@pytest.mark.parametrize(
    ("data", "name", "code_text"),
    [
        (EXECUTABLE, "photo.jpg", "not a JPEG, PNG or WebP"),
        (SVG_WITH_SCRIPT, "logo.svg", "not a JPEG, PNG or WebP"),
        (png_bomb(), "bomb.png", "megapixels"),
        (
            image_bytes("JPEG", size=(400, 300))[:2000],
            "cut.jpg",
            "damaged or incomplete",
        ),
    ],
    ids=["executable", "svg-script", "bomb", "truncated"],
)
def test_hostile_files_get_a_clear_message_and_nothing_is_stored(
    portal, listing, data, name, code_text
):
    response = add(portal, listing, data, name)
    assert response.status_code == 400
    assert code_text in response.content.decode()
    assert not ListingPhoto.objects.exists()
    assert stored_files() == []


def test_the_message_is_the_rule_s_own(portal, listing):
    response = add(portal, listing, EXECUTABLE)
    assert str(MSG_PHOTO_TYPE) in response.content.decode()


def test_the_limit_per_listing_is_kept(portal, listing, settings):
    settings.PHOTO_MAX_PER_LISTING = 2
    assert add(portal, listing).status_code == 302
    assert add(portal, listing).status_code == 302
    response = add(portal, listing)
    assert response.status_code == 400
    assert "at most 2 photos" in response.content.decode()
    assert ListingPhoto.objects.filter(listing=listing).count() == 2
    assert len(stored_files()) == 2 * 3


def test_order_main_replace_and_remove(
    portal, listing, django_capture_on_commit_callbacks
):
    for _ in range(3):
        add(portal, listing)
    first, second, third = ListingPhoto.objects.filter(listing=listing)
    portal.post(action_url(third, "up"))
    order = list(
        ListingPhoto.objects.filter(listing=listing).values_list("pk", flat=True)
    )
    assert order == [first.pk, third.pk, second.pk]

    portal.post(action_url(second, "main"))
    mains = ListingPhoto.objects.filter(listing=listing, is_main=True)
    assert list(mains.values_list("pk", flat=True)) == [second.pk]

    old_name = second.image.name
    # The replaced file goes once the new row is committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = portal.post(
            action_url(second, "replace"),
            {"image": upload(image_bytes("PNG", size=(30, 20)), "new.png")},
        )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.image.name != old_name and second.image.name.endswith(".png")
    assert (second.width, second.height) == (30, 20)
    assert second.is_main
    assert not photo_storage.exists(old_name)
    assert not photo_storage.exists(old_name.replace(".", "-card."))

    with django_capture_on_commit_callbacks(execute=True):
        portal.post(action_url(second, "remove"))
    remaining = list(ListingPhoto.objects.filter(listing=listing))
    assert [p.pk for p in remaining] == [first.pk, third.pk]
    assert [p.position for p in remaining] == [1, 2]
    assert [p.is_main for p in remaining] == [True, False]
    assert not photo_storage.exists(second.image.name)


def test_a_refused_replacement_keeps_the_photo(portal, listing):
    add(portal, listing)
    photo = ListingPhoto.objects.get()
    response = portal.post(
        action_url(photo, "replace"), {"image": upload(SVG_WITH_SCRIPT, "x.svg")}
    )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo_storage.exists(photo.image.name)
    assert stored_files() == files_of(photo)
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages[-1] == str(MSG_PHOTO_TYPE)


def test_history_records_each_change_with_its_user(portal, listing, user_a):
    add(portal, listing)
    add(portal, listing)
    first, second = ListingPhoto.objects.filter(listing=listing)
    portal.post(action_url(second, "main"))
    portal.post(action_url(first, "remove"))
    kinds = list(
        ListingPhoto.history.filter(id=first.pk)
        .order_by("history_date")
        .values_list("history_type", "history_user")
    )
    assert kinds[0] == ("+", user_a.pk)
    assert kinds[-1] == ("-", user_a.pk)
    assert ListingPhoto.history.filter(id=second.pk, is_main=True).exists()


def test_another_wholesaler_s_listing_is_a_404(
    client, user_b, listing, security_events
):
    client.force_login(user_b)
    assert client.get(photos_url(listing)).status_code == 404
    response = client.post(photos_url(listing), {"image": upload(image_bytes())})
    assert response.status_code == 404
    assert not ListingPhoto.objects.exists()
    assert stored_files() == []
    assert security_events.named("cross_wholesaler_attempt")


def test_another_wholesaler_s_photo_is_a_404(
    portal, client, user_b, listing, wholesaler_b
):
    add(portal, listing)
    photo = ListingPhoto.objects.get()
    own_listing = factories.make_listing(wholesaler_b)
    client.force_login(user_b)
    for action in ("remove", "main", "up", "replace"):
        assert client.post(action_url(photo, action)).status_code == 404
        # Own listing in the address, someone else's photo: still a 404.
        url = reverse(
            "pilot_products:portal-listing-photo-action",
            args=[own_listing.pk, photo.pk, action],
        )
        assert client.post(url).status_code == 404
    assert ListingPhoto.objects.filter(pk=photo.pk).exists()


def test_photo_file_is_served_as_an_image_that_never_runs(portal, client, listing):
    add(portal, listing, image_bytes("WEBP"))
    photo = ListingPhoto.objects.get()
    client.logout()
    response = client.get(photo.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    body = b"".join(response.streaming_content)
    assert Image.open(io.BytesIO(body)).format == "WEBP"


@pytest.mark.parametrize(
    "name", ["../settings.py", "x.svg", "ABC.jpg", "0" * 32 + ".html"]
)
def test_only_generated_photo_names_are_served(client, name):
    assert client.get(f"/media/photos/{name}").status_code == 404


def test_renditions_fit_their_boxes_and_pages_know_their_size(portal, listing):
    add(portal, listing, image_bytes("JPEG", size=(3000, 1500)))
    photo = ListingPhoto.objects.get()
    assert (photo.width, photo.height) == (3000, 1500)
    for rendition, size in (("card", (400, 200)), ("large", (1200, 600))):
        assert photo.ref.size(rendition) == size
        body = b"".join(portal.get(photo.ref.url(rendition)).streaming_content)
        assert Image.open(io.BytesIO(body)).size == size
    page = portal.get(photos_url(listing)).content.decode()
    assert 'width="400" height="200"' in page
