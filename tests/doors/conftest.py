"""The world the door tests write into: products in each review state, a wholesaler
with a booth, a user and listings, and the clients of the people who use the doors."""

from decimal import Decimal

import pytest

from pilot_products.models import ListingStatus, ReviewStatus
from tests import factories


@pytest.fixture
def world(wholesaler_a, user_a, operator, editor, reviewer, settings, tmp_path):
    approved = factories.make_pilot_product(status=ReviewStatus.APPROVED)
    rejected = factories.make_pilot_product(
        status=ReviewStatus.REJECTED, status_reason="Not on the list."
    )
    booth = factories.make_booth(wholesaler_a)
    listing = factories.make_listing(
        wholesaler_a,
        approved,
        sku="DOOR-1",
        booth=booth,
        moq=10,
        unit_price=Decimal("12.50"),
        stock=100,
        status=ListingStatus.ACTIVE,
        tiers=[(10, Decimal("12.50")), (100, Decimal("11.00"))],
    )
    delisted = factories.make_listing(
        wholesaler_a,
        approved,
        sku="DOOR-GONE",
        moq=10,
        unit_price=Decimal("12.50"),
        status=ListingStatus.DELISTED,
    )
    return {
        "wholesaler": wholesaler_a,
        "user": user_a,
        "approved": approved,
        "rejected": rejected,
        "booth": booth,
        "listing": listing,
        "delisted": delisted,
        "operator": operator,
        "editor": editor,
        "reviewer": reviewer,
        "superuser": factories.make_user("root", is_staff=True, is_superuser=True),
    }


@pytest.fixture
def portal_client(client, world, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world["user"])
    return client


@pytest.fixture
def operator_client(client, world, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world["operator"])
    return client


@pytest.fixture
def editor_client(client, world, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world["editor"])
    return client
