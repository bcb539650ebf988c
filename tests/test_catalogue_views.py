"""Public catalogue: filters, sorts, search and pages show exactly the visible listings."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from pilot_products.models import ListingStatus, ReviewStatus, WholesalerStatus
from pilot_products.templatetags.money import format_cny
from tests import factories

BROWSE = reverse("pilot_products:catalogue")


@pytest.fixture(autouse=True)
def _fresh_pages(settings):
    """Render every page afresh; test_catalogue_cache.py covers the page cache."""
    settings.CATALOGUE_PAGE_CACHE_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    """Three visible listings and five hidden ones, in a two-level category tree."""
    toys = factories.make_category(code="toys", name_zh="玩具", name_en="Toys")
    blocks = factories.make_category(
        code="blocks", name_zh="积木类", name_en="Blocks", parent=toys
    )
    food = factories.make_category(code="food", name_zh="食品", name_en="Food")
    toy_line = factories.make_tariff_line("95030040", category=blocks)
    food_line = factories.make_tariff_line("15091000", category=food)
    p_toy = factories.make_pilot_product(
        code="P91", name_zh="积木", name_en="Building blocks", tariff_lines=[toy_line]
    )
    p_food = factories.make_pilot_product(
        code="P92", name_zh="橄榄油", name_en="Olive oil", tariff_lines=[food_line]
    )
    p_retired = factories.make_pilot_product(
        code="P93", status=ReviewStatus.RETIRED, tariff_lines=[toy_line]
    )
    w1 = factories.make_wholesaler(name_zh="义乌甲贸易", name_en="Alpha Trading")
    w2 = factories.make_wholesaler(name_zh="义乌乙贸易", name_en="Beta Trading")
    w_suspended = factories.make_wholesaler(status=WholesalerStatus.SUSPENDED)
    b1 = factories.make_booth(
        w1,
        gate="7",
        street=12,
        number="12345",
        pavilion_zh="日本馆",
        pavilion_en="Japan Pavilion",
    )
    b2 = factories.make_booth(w2, district=6, street=3, number="555")
    listing = factories.make_listing
    visible = {
        "blocks": listing(
            w1,
            p_toy,
            sku="TOY-1",
            customs_code="9503004010",
            title_zh="木制积木",
            title_en="Wooden blocks",
            brand="Sakura",
            country_of_origin="JP",
            unit_price=Decimal("10.00"),
            moq=5,
            stock=100,
            booth=b1,
            tiers=[(5, Decimal("10.00")), (50, Decimal("8.50"))],
        ),
        "bear": listing(
            w2,
            p_toy,
            sku="BEAR-2",
            title_zh="毛绒熊",
            title_en="Plush bear",
            brand="Klarwerk",
            country_of_origin="DE",
            unit_price=Decimal("30.00"),
            moq=50,
            stock=0,
            booth=b2,
        ),
        "oil": listing(
            w1,
            p_food,
            sku="OIL-3",
            title_zh="橄榄油",
            title_en="Olive oil",
            brand="Sole",
            country_of_origin="IT",
            unit_price=Decimal("20.00"),
            moq=1,
            stock=5,
        ),
    }
    hidden_fields = {
        "title_zh": "隐藏木制积木",
        "title_en": "Wooden hidden",
        "country_of_origin": "JP",
        "unit_price": Decimal("10.00"),
        "moq": 5,
        "booth": None,
    }
    hidden = [
        listing(w1, p_toy, status=ListingStatus.PAUSED, **hidden_fields),
        listing(w1, p_toy, status=ListingStatus.DRAFT, **hidden_fields),
        listing(w1, p_toy, status=ListingStatus.DELISTED, **hidden_fields),
        listing(w_suspended, p_toy, **hidden_fields),
        listing(w1, p_retired, **hidden_fields),
    ]
    return {
        "visible": visible,
        "hidden": hidden,
        "p_toy": p_toy,
        "p_retired": p_retired,
        "w1": w1,
        "w2": w2,
        "w_suspended": w_suspended,
    }


def skus(client, query: str = "", url: str = BROWSE) -> list[str]:
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200
    return [listing.sku for listing in response.context["listings"]]


def test_browse_shows_exactly_the_visible_listings(client, world):
    assert sorted(skus(client)) == ["BEAR-2", "OIL-3", "TOY-1"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=toys", ["BEAR-2", "TOY-1"]),
        ("category=blocks", ["BEAR-2", "TOY-1"]),
        ("category=food", ["OIL-3"]),
        ("product=P91", ["BEAR-2", "TOY-1"]),
        ("product=P92", ["OIL-3"]),
        ("country=JP", ["TOY-1"]),
        ("country=DE", ["BEAR-2"]),
        ("price_min=15&price_max=25", ["OIL-3"]),
        ("price_max=10", ["TOY-1"]),
        ("moq_max=5", ["OIL-3", "TOY-1"]),
        ("in_stock=on", ["OIL-3", "TOY-1"]),
        ("district=6", ["BEAR-2"]),
        ("district=5", ["TOY-1"]),
        ("pavilion=日本馆", ["TOY-1"]),
        ("category=toys&country=JP&in_stock=on", ["TOY-1"]),
        # Its title, or its pilot product's name (积木 Building blocks).
        ("q=积木", ["BEAR-2", "TOY-1"]),
        ("q=wooden", ["TOY-1"]),
        ("q=WOODEN BLOCKS", ["TOY-1"]),
        ("q=毛绒", ["BEAR-2"]),
        ("q=klarwerk", ["BEAR-2"]),
        ("q=oil-3", ["OIL-3"]),
        ("q=950300401", ["TOY-1"]),
        ("q=15091000", ["OIL-3"]),
        ("q=nothing-like-this", []),
    ],
)
def test_filters_and_search_return_exactly_the_right_listings(
    client, world, query, expected
):
    assert sorted(skus(client, query)) == expected


def test_wholesaler_filter(client, world):
    assert skus(client, f"wholesaler={world['w2'].pk}") == ["BEAR-2"]


def test_suspended_wholesaler_filter_is_refused_and_shows_nothing_hidden(client, world):
    response = client.get(f"{BROWSE}?wholesaler={world['w_suspended'].pk}")
    assert response.status_code == 200
    shown = {listing.sku for listing in response.context["listings"]}
    assert shown == {"BEAR-2", "OIL-3", "TOY-1"}


def test_retired_product_is_not_a_filter_choice(client, world):
    response = client.get(f"{BROWSE}?product=P93")
    assert "product" in response.context["filter"].form.errors
    assert "Wooden hidden" not in response.content.decode()


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price", ["TOY-1", "OIL-3", "BEAR-2"]),
        ("-price", ["BEAR-2", "OIL-3", "TOY-1"]),
        ("moq", ["OIL-3", "TOY-1", "BEAR-2"]),
        ("newest", ["OIL-3", "BEAR-2", "TOY-1"]),
        ("", ["OIL-3", "BEAR-2", "TOY-1"]),
    ],
)
def test_sorts(client, world, sort, expected):
    # An empty sort is dropped from the address (a redirect), then sorts by default.
    response = client.get(f"{BROWSE}?sort={sort}", follow=True)
    assert [listing.sku for listing in response.context["listings"]] == expected


def test_hidden_listings_never_appear_in_any_search(client, world):
    for query in ["q=hidden", "q=隐藏", "country=JP&q=wooden", "product=P91"]:
        assert "Wooden hidden" not in client.get(f"{BROWSE}?{query}").content.decode()


def test_pagination_keeps_the_filters(client, world):
    response = client.get(f"{BROWSE}?category=toys&sort=price&per_page=20")
    assert response.context["page_query"] == "category=toys&sort=price&per_page=20"


def test_active_filters_are_listed_with_a_link_that_removes_each(client, world):
    with translation.override("en"):
        response = client.get(
            f"{BROWSE}?country=JP&in_stock=on&sort=price", HTTP_ACCEPT_LANGUAGE="en"
        )
    active = {item.label: item for item in response.context["active_filters"]}
    assert set(active) == {"Country of origin", "In stock only"}
    assert active["Country of origin"].value == "Japan"
    assert active["Country of origin"].remove_query == "in_stock=on&sort=price"
    assert active["In stock only"].remove_query == "country=JP&sort=price"
    assert 'href="?in_stock=on&amp;sort=price"' in response.content.decode()


def test_nonsense_query_values_answer_200_with_errors_not_500(client, world):
    response = client.get(
        f"{BROWSE}?price_min=abc&moq_max=-3&page=zz&per_page=7&sort=evil&category=x"
    )
    assert response.status_code == 200
    errors = response.context["filter"].form.errors
    assert {"price_min", "moq_max", "sort", "category"} <= set(errors)
    assert sorted(listing.sku for listing in response.context["listings"]) == [
        "BEAR-2",
        "OIL-3",
        "TOY-1",
    ]


def test_home_counts_visible_listings_per_top_category(client, world):
    response = client.get(reverse("pilot_products:home"))
    counts = {
        item.category.code: item.listings
        for item in response.context["category_counts"]
    }
    assert counts["toys"] == 2
    assert counts["food"] == 1
    assert "blocks" not in counts
    assert [listing.sku for listing in response.context["newest"]] == [
        "OIL-3",
        "BEAR-2",
        "TOY-1",
    ]


def test_pilot_product_page_lists_offers_by_price_with_booth_and_summary(client, world):
    response = client.get(reverse("pilot_products:pilot-product", args=["P91"]))
    assert [offer.sku for offer in response.context["offers"]] == ["TOY-1", "BEAR-2"]
    summary = response.context["summary"]
    assert (summary.offers, summary.lowest, summary.median, summary.highest) == (
        2,
        Decimal("10.00"),
        Decimal("20.00"),
        Decimal("30.00"),
    )
    html = response.content.decode()
    assert "5区 7门 1楼 12街 12345" in html
    assert "95030040" in html
    assert "≥50: CN¥8.50" in html  # English price format
    assert "Wooden hidden" not in html


def test_median_of_an_odd_number_of_offers_is_the_middle_price(world):
    from pilot_products import selectors
    from pilot_products.models import Listing

    factories.make_listing(
        world["w1"], world["p_toy"], unit_price=Decimal("12.00"), moq=5
    )
    summary = selectors.price_summary(
        Listing.objects.visible_to_buyers().filter(pilot_product=world["p_toy"])
    )
    assert summary.median == Decimal("12.00")


def test_retired_or_unknown_product_page_is_404(client, world):
    assert (
        client.get(reverse("pilot_products:pilot-product", args=["P93"])).status_code
        == 404
    )
    assert (
        client.get(reverse("pilot_products:pilot-product", args=["NOPE"])).status_code
        == 404
    )


def test_wholesaler_page_shows_booths_and_only_visible_listings(client, world):
    response = client.get(reverse("pilot_products:wholesaler", args=[world["w1"].pk]))
    assert sorted(listing.sku for listing in response.context["listings"]) == [
        "OIL-3",
        "TOY-1",
    ]
    html = response.content.decode()
    assert "5区 7门 1楼 12街 12345" in html
    assert "Wooden hidden" not in html


def test_suspended_wholesaler_page_is_404(client, world):
    url = reverse("pilot_products:wholesaler", args=[world["w_suspended"].pk])
    assert client.get(url).status_code == 404


def test_pages_show_chinese_names_in_chinese_and_english_in_english(client, world):
    url = reverse("pilot_products:pilot-product", args=["P91"])
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "<title>积木</title>" in chinese
    assert "木制积木" in chinese
    assert "<title>Building blocks</title>" in english
    assert "Wooden blocks" in english
    assert "CN¥10.00" in english
    assert "¥10.00" in chinese and "CN¥" not in chinese


def test_english_falls_back_to_chinese_when_english_is_empty(client, world):
    world["visible"]["oil"].title_en = ""
    world["visible"]["oil"].save()
    client.cookies["django_language"] = "en"
    html = client.get(f"{BROWSE}?product=P92").content.decode()
    assert "橄榄油" in html


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("zh-hans", Decimal("1234.5"), "¥1,234.50"),
        ("en", Decimal("1234.5"), "CN¥1,234.50"),
        ("en", Decimal("0.5"), "CN¥0.50"),
        ("zh-hans", Decimal("1234567.891"), "¥1,234,567.89"),
    ],
)
def test_prices_are_written_for_the_language(language, value, expected):
    with translation.override(language):
        assert format_cny(value) == expected


def test_language_switch_remembers_the_choice(client, world):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": BROWSE}, follow=True
    )
    assert response.redirect_chain[-1][0] == BROWSE
    assert response.context["LANGUAGE_CODE"] == "en"
    assert client.cookies["django_language"].value == "en"
    assert client.get(BROWSE).context["LANGUAGE_CODE"] == "en"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "Pilot list in force: Initial list, version 2024-12, since Dec. 1, 2024.",
        ),
        ("zh-hans", "现行试点清单：首批清单，版本 2024-12，自 2024年12月1日 起施行。"),
    ],
)
def test_home_says_which_pilot_list_is_in_force_and_since_when(
    client, language, expected
):
    from datetime import date

    from pilot_products.models import PilotList, PilotListStatus

    common = {"status": PilotListStatus.PUBLISHED, "is_illustrative": False}
    PilotList.objects.create(
        version="2024-12",
        name_zh="首批清单",
        name_en="Initial list",
        effective_on=date(2024, 12, 1),
        **common,
    )
    PilotList.objects.create(
        version="2099-01",
        name_zh="未来清单",
        name_en="Future list",
        effective_on=date(2099, 1, 1),
        **common,
    )
    client.cookies["django_language"] = language
    page = client.get(reverse("pilot_products:home")).content.decode()
    assert expected in page
    assert "2099-01" not in page


def test_in_stock_means_at_least_the_minimum_order_is_there(client, world):
    factories.make_listing(
        world["w1"],
        world["p_toy"],
        sku="SHORT-4",
        unit_price=Decimal("9.00"),
        moq=50,
        stock=10,
    )
    assert "SHORT-4" in skus(client)
    assert skus(client, "in_stock=on&sort=price") == ["TOY-1", "OIL-3"]


def test_a_reversed_price_range_is_explained_not_silently_empty(client, world):
    from pilot_products.filters import MSG_PRICE_RANGE_REVERSED

    client.cookies["django_language"] = "en"
    response = client.get(f"{BROWSE}?price_min=25&price_max=15")
    assert response.status_code == 200
    expected = MSG_PRICE_RANGE_REVERSED % {"low": Decimal("25"), "high": Decimal("15")}
    assert expected in response.content.decode().replace("&#x27;", "'")
    assert response.context["filter"].form.errors["price_min"] == [expected]


def test_the_address_carries_only_the_filters_in_use(client, world):
    response = client.get(f"{BROWSE}?q=&category=toys&country=&price_min=&sort=price")
    assert response.status_code == 302
    assert response["Location"] == f"{BROWSE}?category=toys&sort=price"
    assert client.get(f"{BROWSE}?q=&country=")["Location"] == BROWSE


def test_subcategories_are_marked_with_a_character_browsers_keep(client, world):
    client.cookies["django_language"] = "en"
    page = client.get(BROWSE).content.decode()
    assert '<option value="toys">Toys (2)</option>' in page
    assert '<option value="blocks">\u2014 Blocks (2)</option>' in page


@pytest.mark.parametrize(
    ("language", "shown", "absent"),
    [
        (
            "en",
            "District 5, Gate 7, Floor 1, Street 12, No. 12345</span> "
            '<span class="booth-zh" lang="zh-Hans">(5区 7门 1楼 12街 12345)</span>',
            "",
        ),
        ("zh-hans", '<span class="booth">5区 7门 1楼 12街 12345</span>', "District"),
    ],
)
def test_booth_addresses_in_the_page_language_with_the_chinese_kept(
    client, world, language, shown, absent
):
    client.cookies["django_language"] = language
    pages = [
        client.get(BROWSE).content.decode(),
        client.get(
            reverse("pilot_products:pilot-product", args=[world["p_toy"].code])
        ).content.decode(),
        client.get(
            reverse("pilot_products:wholesaler", args=[world["w1"].pk])
        ).content.decode(),
    ]
    for page in pages:
        assert shown in page
        if absent:
            assert absent not in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", ["德国", "日本", "意大利"]), ("en", ["Germany", "Italy", "Japan"])],
)
def test_countries_are_sorted_as_readers_of_the_language_look_for_them(
    client, world, language, expected
):
    """Chinese by pinyin (de, ri, yi), not by code point (德, 意, 日)."""
    client.cookies["django_language"] = language
    form = client.get(BROWSE).context["filter"].form
    names = [label for code, label in form.fields["country"].choices if code]
    assert names == expected


def test_english_labels_start_with_a_capital(client, world):
    client.cookies["django_language"] = "en"
    product = world["p_toy"]
    page = client.get(
        reverse("pilot_products:pilot-product", args=[product.code])
    ).content.decode()
    label = product.get_pilot_category_display()
    assert label[0].islower()
    from django.utils.html import escape

    assert f'<p class="muted">{escape(label[0].upper() + label[1:])}' in page
