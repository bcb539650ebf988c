"""The catalogue search: its bound, its synonyms (kept by editors in the admin), its
ranking, and the capped count with paging that stops at the cap."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from pilot_products import catalogue_search, selectors
from pilot_products.catalogue_search import (
    MAX_QUERY_LENGTH,
    MAX_QUERY_WORDS,
    MSG_SYNONYM_TWO_WORDS,
    parse_query,
    trigram_similarity,
)
from pilot_products.models import Listing, SearchSynonym
from pilot_products.search_terms import singular
from tests import factories

BROWSE = reverse("pilot_products:catalogue")


@pytest.fixture(autouse=True)
def _fresh_pages(settings):
    settings.CATALOGUE_PAGE_CACHE_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def toys(db):
    product = factories.make_pilot_product(
        code="P91", name_zh="儿童乘骑带轮玩具及玩偶车", name_en="Ride-on toys"
    )
    titled = factories.make_listing(
        pilot_product=product, title_zh="玩偶车", title_en="Doll carriage"
    )
    untitled = factories.make_listing(
        pilot_product=product, title_zh="礼品", title_en="Gift"
    )
    return titled, untitled


def titles(response) -> list[str]:
    return [listing.title_en for listing in response.context["listings"]]


@pytest.mark.parametrize(
    "word, folded",
    [("toys", "toy"), ("boxes", "box"), ("batteries", "battery"), ("brushes", "brush")],
)
def test_english_plurals_fold_to_the_singular(word, folded):
    assert singular(word) == folded


def test_trigram_similarity_is_pg_trgms():
    # pg_trgm: similarity('vaccum', 'vacuum') = 0.4 (4 shared of 10 trigrams).
    assert trigram_similarity("vaccum", "vacuum") == pytest.approx(0.4)


def test_a_title_match_ranks_before_a_product_name_match(client, toys):
    titled, untitled = toys
    # The untitled listing is newer, so freshness alone would put it first.
    response = client.get(BROWSE, {"q": "玩偶车"})
    assert titles(response) == [titled.title_en, untitled.title_en]


@pytest.mark.parametrize("query", ["童车", "tongche"])
def test_an_editors_synonym_works_on_the_next_search(client, toys, editor, query):
    assert titles(client.get(BROWSE, {"q": query})) == []
    client.force_login(editor)
    response = client.post(
        reverse("admin:pilot_products_searchsynonym_add"),
        {"words": "童车, 玩偶车", "note": "Yiwu"},
    )
    assert response.status_code == 302, response.content.decode()
    client.logout()
    assert len(titles(client.get(BROWSE, {"q": query}))) == 2


def test_a_synonym_row_needs_two_words(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:pilot_products_searchsynonym_add"), {"words": "童车"}
    )
    assert response.status_code == 200
    assert str(MSG_SYNONYM_TWO_WORDS) in response.content.decode()
    assert not SearchSynonym.objects.exists()


def test_an_overlong_search_is_refused_with_a_clear_message(client, toys):
    query = " ".join(["toy"] * 600)
    response = client.get(BROWSE, {"q": query})
    assert response.status_code == 200
    assert titles(response) == []
    message = str(catalogue_search.MSG_QUERY_TOO_LONG) % {
        "limit": MAX_QUERY_LENGTH,
        "length": len(query),
    }
    assert message in response.content.decode()


def test_too_many_words_are_refused_in_chinese_too(client, toys):
    words = [
        "red",
        "blue",
        "green",
        "black",
        "white",
        "pink",
        "grey",
        "brown",
        "gold",
        "silver",
    ]
    query = " ".join(words[: MAX_QUERY_WORDS + 1])
    client.cookies["django_language"] = "zh-hans"
    response = client.get(BROWSE, {"q": query})
    with translation.override("zh-hans"):
        message = str(catalogue_search.MSG_QUERY_TOO_MANY_WORDS) % {
            "limit": MAX_QUERY_WORDS,
            "count": MAX_QUERY_WORDS + 1,
        }
    assert message in response.content.decode()
    assert titles(response) == []


def test_a_search_of_only_punctuation_keeps_every_listing(client, toys):
    assert parse_query("，。!?") == []
    assert len(titles(client.get(BROWSE, {"q": "，。!?"}))) == 2


def test_counts_stop_at_the_cap_and_paging_stops_with_them(client, db, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    product = factories.make_pilot_product()
    wholesaler = factories.make_wholesaler()
    for n in range(5):
        factories.make_listing(
            wholesaler, product, title_en=f"Item {n}", unit_price=Decimal(10 + n)
        )
    response = client.get(BROWSE, {"per_page": 20})
    html = response.content.decode()
    assert "3+ offers" in html
    assert len(titles(response)) == 3
    # A page past the end answers the last page, as it always has.
    deep = client.get(BROWSE, {"page": 99, "sort": "price"})
    assert deep.status_code == 200 and deep.context["page_obj"].number == 1
    assert Listing.objects.visible_to_buyers().count() == 5


@pytest.mark.parametrize(
    "query", ["德国", "Germany", "斯瓦尔巴群岛和扬马延岛", "Svalbard"]
)
def test_a_country_of_origin_is_found_by_its_name_in_either_language(
    client, toys, query
):
    titled, untitled = toys
    country = "DE" if query in ("德国", "Germany") else "SJ"
    factories.make_listing(
        country_of_origin=country, title_zh="积木", title_en="Bricks"
    )
    client.cookies["django_language"] = "zh-hans" if not query.isascii() else "en"
    assert titles(client.get(BROWSE, {"q": query})) == ["Bricks"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_country_name_starts_or_ends_with_a_space(language):
    """django-countries' Chinese Svalbard had a leading space: drop-downs showed it
    shifted, out of order, and typing 斯 did not reach it."""
    from django_countries import countries

    with translation.override(language):
        padded = [name for _, name in countries if name != name.strip()]
        assert padded == []
        if language == "zh-hans":
            assert countries.name("SJ") == "斯瓦尔巴群岛和扬马延岛"


def test_a_category_renamed_by_spreadsheet_is_found_on_the_next_search(client, editor):
    """Names of a category (and of any category above the line's) are search terms."""
    from pilot_products.spreadsheets.engine import run_import
    from tests.spreadsheet_helpers import csv_bytes

    parent = factories.make_category(code="toys", name_zh="玩具", name_en="Toys")
    child = factories.make_category(
        code="ride_on", name_zh="乘骑", name_en="Ride-ons", parent=parent
    )
    line = factories.make_tariff_line(category=child)
    product = factories.make_pilot_product(tariff_lines=[line])
    factories.make_listing(pilot_product=product, title_zh="礼品", title_en="Gift")
    assert titles(client.get(BROWSE, {"q": "童车"})) == []

    rows = [
        ["code", "name_zh", "name_en", "parent", "sort_order"],
        ["toys", "童车玩具", "Toys", "", "0"],
    ]
    result = run_import(
        "categories", file_name="c.csv", data=csv_bytes(rows), user=editor
    )
    assert result.is_valid, result.errors
    assert titles(client.get(BROWSE, {"q": "童车"})) == ["Gift"]


def test_a_tariff_line_moved_to_another_category_by_spreadsheet_changes_the_search(
    client, editor
):
    from pilot_products.spreadsheets.engine import run_import
    from tests.spreadsheet_helpers import csv_bytes

    factories.make_category(code="strollers", name_zh="婴儿车", name_en="Strollers")
    line = factories.make_tariff_line(code="99112233", name_zh="商品", name_en="Goods")
    product = factories.make_pilot_product(tariff_lines=[line])
    factories.make_listing(pilot_product=product, title_zh="礼品", title_en="Gift")
    assert titles(client.get(BROWSE, {"q": "stroller"})) == []

    rows = [
        ["code", "name_zh", "name_en", "category"],
        ["99112233", "商品", "Goods", "strollers"],
    ]
    result = run_import(
        "tariff-lines", file_name="t.csv", data=csv_bytes(rows), user=editor
    )
    assert result.is_valid, result.errors
    assert titles(client.get(BROWSE, {"q": "stroller"})) == ["Gift"]
