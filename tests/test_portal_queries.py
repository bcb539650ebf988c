"""Portal pages issue the same number of queries whatever the rows they show."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pilot_products.models import ListingStatus
from tests import factories

MAX_QUERIES = 16


@pytest.fixture
def own_listings(wholesaler_a):
    product = factories.make_pilot_product()
    booth = factories.make_booth(wholesaler_a)
    old = timezone.now() - timedelta(days=40)
    return [
        factories.make_listing(
            wholesaler_a,
            product,
            booth=booth,
            stock=n % 12,
            stock_confirmed_at=old,
            status=ListingStatus.ACTIVE if n % 3 else ListingStatus.PAUSED,
        )
        for n in range(60)
    ]


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "name", ["pilot_products:portal-listings", "pilot_products:portal-dashboard"]
)
def test_portal_query_count_is_constant_across_page_sizes(
    client, user_a, own_listings, django_assert_max_num_queries, name
):
    client.force_login(user_a)
    url = reverse(name)
    with django_assert_max_num_queries(MAX_QUERIES):
        small = queries_for(client, f"{url}?per_page=20")
    with django_assert_max_num_queries(MAX_QUERIES):
        large = queries_for(client, f"{url}?per_page=50")
    assert small == large


def test_edit_page_query_count_does_not_grow_with_tiers(
    client, user_a, wholesaler_a, django_assert_max_num_queries
):
    from decimal import Decimal

    client.force_login(user_a)
    product = factories.make_pilot_product()
    plain = factories.make_listing(wholesaler_a, product, moq=1)
    tiered = factories.make_listing(
        wholesaler_a,
        product,
        moq=1,
        tiers=[(1, Decimal("12")), (10, Decimal("11")), (100, Decimal("10"))],
    )
    edit = "pilot_products:portal-listing-edit"
    few = queries_for(client, reverse(edit, args=[plain.pk]))
    with django_assert_max_num_queries(MAX_QUERIES):
        many = queries_for(client, reverse(edit, args=[tiered.pk]))
    assert few == many
