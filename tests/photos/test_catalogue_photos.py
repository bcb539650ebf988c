"""Photos in the catalogue: cards, the offer table and the listing's own page."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from pilot_products.models import Listing, ListingPhoto
from pilot_products.services import photos as photo_services
from tests import factories

from .images import image_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.CATALOGUE_PAGE_CACHE_SECONDS = 0
    cache.clear()


@pytest.fixture
def product():
    return factories.make_pilot_product(code="P78")


def listings_of(product, count: int) -> list[Listing]:
    return [
        factories.make_listing(
            factories.make_wholesaler(),
            product,
            unit_price=Decimal(10 + n),
            title_zh=f"保温杯{n}",
            title_en=f"Vacuum flask {n}",
        )
        for n in range(count)
    ]


def give_photos(listings, width=1600, height=1200) -> None:
    """Photo rows without files: enough for what a page reads and writes out."""
    for n, listing in enumerate(listings):
        ListingPhoto.objects.create(
            listing=listing,
            image=f"{n:032x}.jpg",
            width=width,
            height=height,
            is_main=True,
        )
        ListingPhoto.objects.create(
            listing=listing,
            image=f"{n + 500:032x}.jpg",
            width=10,
            height=10,
            position=2,
        )


def queries_for(client, url: str) -> int:
    client.get(url)  # option lists in the cache, as on a running server
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


PAGES = [
    reverse("pilot_products:home"),
    reverse("pilot_products:catalogue"),
    reverse("pilot_products:catalogue") + "?product=P78&sort=price&q=flask",
    reverse("pilot_products:pilot-product", args=["P78"]),
]


@pytest.mark.parametrize("url", PAGES)
def test_photos_cost_no_extra_query(client, product, url):
    listings = listings_of(product, 30)
    without = queries_for(client, url)
    give_photos(listings)
    with_photos = queries_for(client, url)
    assert with_photos == without
    assert 'class="card-photo"' in client.get(url).content.decode() or (
        'class="offer-photo"' in client.get(url).content.decode()
    )


def test_wholesaler_page_costs_no_extra_query(client, product):
    wholesaler = factories.make_wholesaler()
    listings = [factories.make_listing(wholesaler, product) for _ in range(5)]
    url = reverse("pilot_products:wholesaler", args=[wholesaler.pk])
    without = queries_for(client, url)
    give_photos(listings)
    assert queries_for(client, url) == without


def test_cards_show_the_main_photo_sized_and_lazy_below_the_fold(client, product):
    listings = listings_of(product, 8)
    give_photos(listings)
    page = client.get(reverse("pilot_products:catalogue")).content.decode()
    images = re.findall(r'<img class="card-photo"[^>]*>', page)
    assert len(images) == 8
    # Only the main photos, in their card size (1600x1200 fitted into 400).
    assert all('width="400" height="300"' in tag for tag in images)
    assert all("-card.jpg" in tag for tag in images)
    assert not any(f"{500:032x}" in tag for tag in images)
    assert ["loading" in tag for tag in images] == [False] * 4 + [True] * 4


def test_alt_text_is_in_the_page_s_language(client, product):
    (listing,) = listings_of(product, 1)
    give_photos([listing])
    english = client.get(reverse("pilot_products:catalogue")).content.decode()
    assert re.search(r'<img class="card-photo"[^>]*alt="Vacuum flask 0"', english)
    client.cookies["django_language"] = "zh-hans"
    with translation.override("zh-hans"):
        chinese = client.get(
            reverse("pilot_products:catalogue"), HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()
    assert re.search(r'<img class="card-photo"[^>]*alt="保温杯0"', chinese)


def test_offer_table_shows_the_main_photo(client, product):
    listings = listings_of(product, 2)
    give_photos(listings)
    page = client.get(
        reverse("pilot_products:pilot-product", args=["P78"])
    ).content.decode()
    assert len(re.findall(r'<img class="offer-photo"[^>]*width="400"', page)) == 2


def test_offer_page_lives_at_its_natural_keys(client, product, wholesaler_a):
    listing = factories.make_listing(wholesaler_a, product, sku="CUP/500ml")
    photo_services.photo_add(
        listing=listing, upload=upload(image_bytes(size=(2400, 1800)))
    )
    photo_services.photo_add(listing=listing, upload=upload(image_bytes("PNG")))
    url = listing.get_absolute_url()
    assert url == f"/catalogue/offer/{wholesaler_a.credit_code}/CUP/500ml/"
    assert str(listing.pk) not in url.replace(wholesaler_a.credit_code, "")
    page = client.get(url).content.decode()
    images = re.findall(r"<img [^>]*>", page)
    assert 'width="1200" height="900"' in images[0] and "loading" not in images[0]
    assert "-large.png" in images[1] and 'loading="lazy"' in images[1]
    assert "Photo 1 of" in images[0]
    assert listing.sku in page
    # Cards link to it.
    catalogue = client.get(reverse("pilot_products:catalogue")).content.decode()
    assert f'href="{url}"' in catalogue


def test_the_address_survives_a_new_id(client, product, wholesaler_a):
    listing = factories.make_listing(wholesaler_a, product, sku="MOVED-1")
    url = listing.get_absolute_url()
    fields = {
        f.name: getattr(listing, f.name)
        for f in Listing._meta.concrete_fields
        if f.name not in ("id", "created_at", "updated_at", "is_public")
    }
    listing.delete()
    moved = factories.make_listing(**fields)
    assert moved.get_absolute_url() == url
    assert client.get(url).status_code == 200


def test_offer_page_is_404_unless_buyers_may_see_it(client, product, wholesaler_a):
    listing = factories.make_listing(wholesaler_a, product, status="paused")
    assert client.get(listing.get_absolute_url()).status_code == 404
    url = reverse("pilot_products:offer", args=["X" * 18, listing.sku])
    assert client.get(url).status_code == 404
