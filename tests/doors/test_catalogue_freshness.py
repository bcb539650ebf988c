"""Every door that changes what the catalogue shows retires its cached pages at once.

Each test first fills the page cache (an anonymous visitor, who shares whole pages),
then writes through one door, and the very next request shows the change, although
the cached render would live for minutes. The writes reach ``catalogue_changed``
through the services; a door that bypassed them would leave the old page in place.
"""

from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse

from pilot_products.models import Listing
from tests.doors.helpers import (
    form_post_data,
    formset_post_data,
    import_through_admin,
    import_through_command,
    import_through_portal,
    set_tiers,
)
from tests.spreadsheet_helpers import LISTING_HEADERS, listing_row

pytestmark = pytest.mark.django_db

NEW_PRICE = "13.75"
SHOWN_NEW_PRICE = "13.75"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.CATALOGUE_PAGE_CACHE_SECONDS = 600


def catalogue(path: str) -> str:
    """The page as an anonymous visitor gets it (the shared, cached kind)."""
    visitor = Client()
    visitor.cookies["django_language"] = "en"
    response = visitor.get(path)
    assert response.status_code == 200
    return response.content.decode()


def logged_in(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def browse_and_product_pages(world) -> list[str]:
    product = world["approved"]
    return [
        reverse("pilot_products:catalogue"),
        reverse("pilot_products:pilot-product", args=[product.code]),
        reverse("pilot_products:wholesaler", args=[world["wholesaler"].pk]),
    ]


def assert_cached_then_fresh(world, write, *, shown_before: str, shown_after: str):
    pages = browse_and_product_pages(world)
    for page in pages:
        assert shown_before in catalogue(page)
        assert shown_before in catalogue(page)  # now from the cache
    write()
    for page in pages:
        html = catalogue(page)
        assert shown_after in html, page
        assert shown_before not in html, page


def price_row(world, price: str) -> list:
    listing = world["listing"]
    return listing_row(
        world["wholesaler"],
        world["approved"],
        world["booth"],
        sku=listing.sku,
        customs_code=listing.customs_code,
        unit_price=price,
        tiers=f"10:{price};100:11.00",
    )


def through_portal_form(world):
    client = logged_in(world["user"])
    url = reverse("pilot_products:portal-listing-edit", args=[world["listing"].pk])
    page = client.get(url)
    data = form_post_data(page.context["form"])
    data |= formset_post_data(page.context["tiers"])
    data["unit_price"] = NEW_PRICE
    data = set_tiers(
        data,
        "tiers",
        [(10, NEW_PRICE), (100, "11.00")],
        fk_name="listing",
        fk_value=world["listing"].pk,
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors


def through_admin_form(world):
    client = logged_in(world["operator"])
    url = reverse("admin:pilot_products_listing_change", args=[world["listing"].pk])
    context = client.get(url).context
    data = form_post_data(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        data |= formset_post_data(inline.formset)
    data["unit_price"] = NEW_PRICE
    data = set_tiers(
        data,
        "price_tiers",
        [(10, NEW_PRICE), (100, "11.00")],
        fk_name="listing",
        fk_value=world["listing"].pk,
    )
    response = client.post(url, data)
    assert response.status_code == 302, [
        (inline.formset.errors, inline.formset.non_form_errors())
        for inline in response.context["inline_admin_formsets"]
    ] + [response.context["adminform"].form.errors]


def through_portal_sheet(world):
    rows = [LISTING_HEADERS, price_row(world, NEW_PRICE)]
    assert import_through_portal(logged_in(world["user"]), rows).imported


def through_admin_import(world):
    rows = [LISTING_HEADERS, price_row(world, NEW_PRICE)]
    client = logged_in(world["operator"])
    assert import_through_admin(client, "listing", rows).imported


def through_command(world, tmp_path):
    rows = [LISTING_HEADERS, price_row(world, NEW_PRICE)]
    assert import_through_command("listings", rows, tmp_path).imported


@pytest.mark.parametrize(
    "door",
    [
        through_portal_form,
        through_admin_form,
        through_portal_sheet,
        through_admin_import,
        through_command,
    ],
)
def test_a_price_change_is_on_the_catalogue_at_the_next_request(door, world, tmp_path):
    def write():
        if door is through_command:
            door(world, tmp_path)
        else:
            door(world)

    assert_cached_then_fresh(
        world, write, shown_before="12.50", shown_after=SHOWN_NEW_PRICE
    )
    assert Listing.objects.get(pk=world["listing"].pk).unit_price == Decimal(NEW_PRICE)


def test_a_history_revert_is_on_the_catalogue_at_the_next_request(world):
    listing = world["listing"]
    original_title = listing.title_en
    client = logged_in(world["operator"])
    change = reverse("admin:pilot_products_listing_change", args=[listing.pk])
    context = client.get(change).context
    data = form_post_data(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        data |= formset_post_data(inline.formset)
    data["title_en"] = "Renamed wooden goods"
    assert client.post(change, data).status_code == 302
    first = listing.history.order_by("history_id").first()
    url = reverse(
        "admin:pilot_products_listing_simple_history",
        args=[listing.pk, first.history_id],
    )

    def revert():
        page = client.get(url)
        response = client.post(url, form_post_data(page.context["adminform"].form))
        assert response.status_code == 302, response.context["adminform"].form.errors

    assert_cached_then_fresh(
        world, revert, shown_before="Renamed wooden goods", shown_after=original_title
    )


def test_pausing_in_the_portal_hides_the_listing_at_the_next_request(world):
    client = logged_in(world["user"])
    url = reverse(
        "pilot_products:portal-listing-action", args=[world["listing"].pk, "pause"]
    )
    pages = browse_and_product_pages(world)[:2]
    for page in pages:
        assert "DOOR-1" in catalogue(page) or "12.50" in catalogue(page)

    assert client.post(url).status_code == 302

    for page in pages:
        assert "12.50" not in catalogue(page)


def test_suspending_a_wholesaler_in_the_admin_hides_its_listings_at_once(world):
    client = logged_in(world["superuser"])
    browse = reverse("pilot_products:catalogue")
    assert "12.50" in catalogue(browse)

    response = client.post(
        reverse("admin:pilot_products_wholesaler_changelist"),
        {
            "action": "suspend_selected",
            "_selected_action": [world["wholesaler"].pk],
        },
    )

    assert response.status_code == 302
    assert "12.50" not in catalogue(browse)


def test_a_wholesaler_renamed_in_the_admin_is_renamed_at_the_next_request(world):
    wholesaler = world["wholesaler"]
    client = logged_in(world["superuser"])
    url = reverse("admin:pilot_products_wholesaler_change", args=[wholesaler.pk])
    context = client.get(url).context
    data = form_post_data(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        data |= formset_post_data(inline.formset)
    data["name_en"] = "Freshly Renamed Trading"

    def rename():
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]

    page = reverse("pilot_products:wholesaler", args=[wholesaler.pk])
    assert wholesaler.name_en in catalogue(page)
    rename()
    assert "Freshly Renamed Trading" in catalogue(page)
    assert LogEntry.objects.filter(object_id=str(wholesaler.pk)).exists()


def test_a_booth_moved_in_the_admin_moves_on_the_wholesaler_page_at_once(world):
    booth = world["booth"]
    client = logged_in(world["superuser"])
    url = reverse("admin:pilot_products_booth_change", args=[booth.pk])
    data = form_post_data(client.get(url).context["adminform"].form)
    data["pavilion_en"] = "Freshly Named Pavilion"
    data["pavilion_zh"] = "新馆"
    page = reverse("pilot_products:wholesaler", args=[world["wholesaler"].pk])
    assert "Freshly Named Pavilion" not in catalogue(page)

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Freshly Named Pavilion" in catalogue(page)


def test_a_tariff_line_renamed_in_the_admin_is_renamed_on_the_product_page(world):
    line = world["approved"].tariff_lines.first()
    client = logged_in(world["superuser"])
    url = reverse("admin:pilot_products_tariffline_change", args=[line.pk])
    context = client.get(url).context
    data = form_post_data(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        data |= formset_post_data(inline.formset)
    data["name_en"] = "Freshly renamed tariff line"
    page = reverse("pilot_products:pilot-product", args=[world["approved"].code])
    assert "Freshly renamed tariff line" not in catalogue(page)

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Freshly renamed tariff line" in catalogue(page)
