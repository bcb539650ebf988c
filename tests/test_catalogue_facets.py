"""Facet counts: each filter option says how many offers it would show, truthfully.

Every count is checked against the page a buyer gets by choosing that option, so a
count that drifts from what the filters do fails here on both databases.
"""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from pilot_products import facets
from pilot_products.models import ListingStatus
from pilot_products.services.listings import listing_pause
from tests import factories

BROWSE = reverse("pilot_products:catalogue")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def shelves(db):
    """Offers in two categories, three countries, two districts, one pavilion."""
    toys = factories.make_category(code="toys", name_zh="玩具", name_en="Toys")
    dolls = factories.make_category(
        code="dolls", name_zh="玩偶类", name_en="Dolls", parent=toys
    )
    kitchen = factories.make_category(code="kitchen", name_zh="厨具", name_en="Kitchen")
    doll = factories.make_pilot_product(
        code="P81",
        name_zh="玩偶",
        name_en="Dolls",
        tariff_lines=[factories.make_tariff_line("95030021", category=dolls)],
    )
    pan = factories.make_pilot_product(
        code="P82",
        name_zh="平底锅",
        name_en="Frying pans",
        tariff_lines=[factories.make_tariff_line("73239300", category=kitchen)],
    )
    seller = factories.make_wholesaler()
    hall = factories.make_booth(
        seller, district=5, pavilion_zh="德国馆", pavilion_en="German Pavilion"
    )
    corner = factories.make_booth(seller, district=6)
    plan = [
        (doll, "DE", hall, "8.00"),
        (doll, "DE", corner, "30.00"),
        (doll, "JP", corner, "9.00"),
        (pan, "DE", hall, "55.00"),
        (pan, "IT", hall, "60.00"),
        (pan, "IT", corner, "12.00"),
    ]
    listings = [
        factories.make_listing(
            seller,
            product,
            booth=booth,
            country_of_origin=country,
            unit_price=Decimal(price),
        )
        for product, country, booth, price in plan
    ]
    # Hidden offers count nowhere.
    factories.make_listing(seller, doll, status=ListingStatus.DRAFT, booth=hall)
    return listings


def options(html: str, name: str) -> dict[str, tuple[str, bool]]:
    """The select's options: value -> (label, disabled), blank option left out."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no {name} select"
    found = {}
    for value, flags, label in re.findall(
        r'<option value="([^"]*)"([^>]*)>([^<]*)</option>', select.group(1)
    ):
        if value:
            found[value] = (label, "disabled" in flags)
    return found


def count_of(label: str) -> int | None:
    found = re.search(r"[(（]([\d,]+)[)）]$", label)
    return int(found.group(1).replace(",", "")) if found else None


def offers_on_page(client, query: str) -> int:
    html = client.get(f"{BROWSE}?{query}").content.decode()
    return len(re.findall(r'<li class="card">', html))


def facet_query(base: str, name: str, value: str) -> str:
    """``base`` with the facet's own choice replaced by ``value``."""
    kept = [part for part in base.split("&") if part and not part.startswith(name)]
    return "&".join([*kept, f"{name}={value}"])


@pytest.mark.parametrize(
    "base",
    ["", "country=DE", "district=6&category=toys", "price_max=20", "q=玩偶"],
)
def test_every_option_count_is_what_choosing_it_shows(client, shelves, base):
    html = client.get(f"{BROWSE}?{base}").content.decode()
    for name in facets.FACETS:
        for value, (label, disabled) in options(html, name).items():
            shown = count_of(label)
            assert shown is not None, (name, label)
            assert shown == offers_on_page(client, facet_query(base, name, value)), (
                base,
                name,
                value,
                label,
            )
            chosen = f"{name}={value}" in base
            assert disabled == (shown == 0 and not chosen), (name, label)


def test_counts_are_per_category_subtree_and_leave_out_hidden_offers(client, shelves):
    html = client.get(BROWSE).content.decode()
    categories = options(html, "category")
    assert count_of(categories["toys"][0]) == 3  # the dolls, counted in their parent
    assert count_of(categories["dolls"][0]) == 3
    assert count_of(categories["kitchen"][0]) == 3
    countries = options(html, "country")
    assert count_of(countries["DE"][0]) == 3


def test_a_chosen_filter_leaves_its_own_options_counted_without_it(client, shelves):
    html = client.get(f"{BROWSE}?country=JP").content.decode()
    countries = options(html, "country")
    # Italy would show two offers instead of Japan's one, though none is Japanese.
    assert count_of(countries["IT"][0]) == 2
    assert not countries["IT"][1]
    products = options(html, "product")
    assert count_of(products["P82"][0]) == 0 and products["P82"][1]


def test_past_the_scan_limit_options_have_no_counts_and_the_page_says_why(
    client, shelves, monkeypatch
):
    monkeypatch.setattr(facets, "FACET_SCAN_LIMIT", 2)
    html = client.get(f"{BROWSE}?price_max=100").content.decode()
    assert all(
        count_of(label) is None for label, _ in options(html, "country").values()
    )
    assert "count-note" in html
    # Without a search or range filter the counts come from the summary, unlimited.
    html = client.get(f"{BROWSE}?country=DE").content.decode()
    assert count_of(options(html, "country")["DE"][0]) == 3


def test_a_write_shows_in_the_counts_on_the_next_request(client, shelves, settings):
    settings.CATALOGUE_PAGE_CACHE_SECONDS = 300
    html = client.get(BROWSE).content.decode()
    assert count_of(options(html, "country")["DE"][0]) == 3
    listing_pause(listing=shelves[0])  # German
    html = client.get(BROWSE).content.decode()
    assert count_of(options(html, "country")["DE"][0]) == 2
    # A country no visible offer comes from any more leaves the list.
    listing_pause(listing=next(x for x in shelves if x.country_of_origin == "JP"))
    html = client.get(BROWSE).content.decode()
    assert "JP" not in options(html, "country")


def test_home_category_counts_come_from_the_same_summary(client, shelves):
    response = client.get(reverse("pilot_products:home"))
    counts = {
        item.category.code: item.listings
        for item in response.context["category_counts"]
    }
    assert counts == {"toys": 3, "kitchen": 3}


def test_counts_read_in_the_page_language(client, shelves):
    with translation.override("en"):
        html = client.get(BROWSE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert options(html, "country")["DE"][0] == "Germany (3)"
    html = client.get(BROWSE, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert options(html, "country")["DE"][0] == "德国（3）"


def test_a_refused_search_shows_options_without_counts(client, shelves):
    html = client.get(f"{BROWSE}?q={'x' * 200}").content.decode()
    assert all(
        count_of(label) is None for label, _ in options(html, "country").values()
    )
