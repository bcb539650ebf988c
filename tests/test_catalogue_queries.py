"""Catalogue pages issue the same number of queries whatever the rows they show."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilot_products.filters import SORTS
from pilot_products.models import Listing
from tests import factories

MAX_QUERIES = 12


@pytest.fixture
def many_listings(db, settings):
    settings.CATALOGUE_PAGE_CACHE_SECONDS = 0  # count the queries of a real render
    cache.clear()
    product = factories.make_pilot_product(code="P77")
    listings = []
    for n in range(60):
        wholesaler = factories.make_wholesaler()
        booth = factories.make_booth(
            wholesaler, pavilion_zh="日本馆", pavilion_en="Japan"
        )
        listings.append(
            factories.make_listing(
                wholesaler,
                product,
                booth=booth,
                unit_price=Decimal(10 + n),
                moq=5,
                tiers=[(5, Decimal(10 + n)), (50, Decimal(9 + n))],
            )
        )
    return listings


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        reverse("pilot_products:catalogue"),
        reverse("pilot_products:catalogue")
        + "?product=P77&country=JP&price_max=500&sort=price&in_stock=on&q=goods",
        reverse("pilot_products:pilot-product", args=["P77"]),
    ],
)
def test_query_count_is_constant_across_page_sizes(
    client, many_listings, django_assert_max_num_queries, url
):
    joiner = "&" if "?" in url else "?"
    client.get(url)  # fill the option-list cache, as a running server has it
    with django_assert_max_num_queries(MAX_QUERIES):
        small = queries_for(client, f"{url}{joiner}per_page=20")
    with django_assert_max_num_queries(MAX_QUERIES):
        large = queries_for(client, f"{url}{joiner}per_page=50")
    assert small == large


def test_wholesaler_page_query_count_is_constant(
    client, many_listings, django_assert_max_num_queries
):
    wholesaler = many_listings[0].wholesaler
    product = many_listings[0].pilot_product
    url = reverse("pilot_products:wholesaler", args=[wholesaler.pk])
    client.get(url)
    few = queries_for(client, url)
    for _n in range(30):
        factories.make_listing(wholesaler, product, moq=5)
    with django_assert_max_num_queries(MAX_QUERIES):
        many = queries_for(client, f"{url}?per_page=50")
    assert few == many


def test_home_query_count_is_constant(
    client, many_listings, django_assert_max_num_queries
):
    url = reverse("pilot_products:home")
    client.get(url)
    cache.clear()  # count the cached reads too, not only what a warm cache leaves
    before = queries_for(client, url)
    factories.make_listing(pilot_product=factories.make_pilot_product())
    cache.clear()
    with django_assert_max_num_queries(MAX_QUERIES):
        after = queries_for(client, url)
    assert before == after


@pytest.mark.parametrize("sort", ["newest", "price", "-price", "moq"])
def test_a_deep_page_shows_the_rows_of_its_slice_by_their_ids(
    client, many_listings, sort
):
    listings = Listing.objects.visible_to_buyers().order_by(*SORTS[sort])
    url = reverse("pilot_products:catalogue") + f"?per_page=20&page=2&sort={sort}"
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    shown = [listing.pk for listing in response.context["listings"]]
    assert shown == list(listings.values_list("pk", flat=True)[20:40])
    # The page's ids are read alone (the offset walks an index), then their rows.
    reads = [q["sql"] for q in captured if "OFFSET 20" in q["sql"]]
    assert len(reads) == 1
    assert reads[0].startswith('SELECT "pilot_products_listing"."id" AS "pk" FROM')
