"""What the portal keeps private: no staff usernames, nothing left in any cache."""

import pytest
from django.test import Client

from pilot_products.services import listings as listing_services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing_a(wholesaler_a):
    return factories.make_listing(wholesaler_a, sku="A-PRIVATE")


def _no_store(response) -> bool:
    """Say whether the response forbids every cache to keep it (read and closed)."""
    if response.streaming:
        b"".join(response.streaming_content)
    response.close()
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    return {"private", "no-store"} <= directives


def test_dashboard_names_colleagues_but_never_staff(
    client, user_a, operator, listing_a
):
    listing_services.listing_pause(listing=listing_a, by=operator)
    listing_services.listing_activate(listing=listing_a, by=user_a)
    client.force_login(user_a)

    html = client.get("/portal/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    changes = html[html.index('id="changes-heading"') :]
    assert "operator" not in changes
    assert "Mall staff" in changes
    assert user_a.username in changes


@pytest.mark.parametrize(
    "path",
    [
        "/portal/",
        "/portal/listings/",
        "/portal/listings/new/",
        "/portal/listings/{pk}/",
        "/portal/password/",
        "/portal/spreadsheets/",
        "/portal/spreadsheets/listings.xlsx",
        "/portal/spreadsheets/listings.csv",
        "/portal/spreadsheets/template.xlsx",
    ],
)
def test_portal_answers_are_never_cached(client, user_a, listing_a, path):
    client.force_login(user_a)
    response = client.get(path.format(pk=listing_a.pk))
    assert response.status_code == 200
    assert _no_store(response), response["Cache-Control"]


@pytest.mark.parametrize("file_format", ["0", "1"])
def test_admin_exports_are_never_cached(operator, listing_a, file_format):
    client = Client()
    client.force_login(operator)
    response = client.post(
        "/admin/pilot_products/listing/export/",
        {"format": file_format, "resource": "0", "listingsresource_sku": "on"},
    )
    assert response.status_code == 200
    assert _no_store(response), response["Cache-Control"]
