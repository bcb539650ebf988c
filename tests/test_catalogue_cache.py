"""The catalogue's page-body cache: shared by visitors, keyed by query and language."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilot_products.services.listings import listing_pause
from tests import factories


@pytest.fixture
def listing(db, settings):
    settings.CATALOGUE_PAGE_CACHE_SECONDS = 30
    cache.clear()
    yield factories.make_listing(title_en="Cached blocks", title_zh="缓存积木")
    cache.clear()


def main_part(html: str) -> str:
    return html.split('<main id="main">', 1)[1].split("</main>", 1)[0]


def get(client, url, language="en"):
    client.cookies["django_language"] = language
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_second_visit_is_served_from_the_cache(client, listing):
    url = reverse("pilot_products:catalogue") + "?sort=price"
    first, first_queries = get(client, url)
    second, second_queries = get(client, url)
    assert "Cached blocks" in first
    assert main_part(second) == main_part(first)
    assert second_queries < first_queries
    assert second_queries == 0


def test_cache_keys_differ_by_query_and_language(client, listing):
    url = reverse("pilot_products:catalogue")
    english, _queries = get(client, url)
    chinese, _queries = get(client, url, "zh-hans")
    filtered, _queries = get(client, url + "?q=nothing-like-it")
    assert "Cached blocks" in english
    assert "缓存积木" in chinese and "Cached blocks" not in chinese
    assert "Cached blocks" not in filtered


def test_cached_body_carries_no_user_data(client, listing, user_a):
    url = reverse("pilot_products:pilot-product", args=[listing.pilot_product.code])
    client.force_login(user_a)
    logged_in, _queries = get(client, url)
    client.logout()
    anonymous, _queries = get(client, url)
    assert "Log out" in logged_in and "Log out" not in anonymous
    assert "Cached blocks" in anonymous


def test_turning_the_cache_off_shows_changes_at_once(client, listing, settings):
    settings.CATALOGUE_PAGE_CACHE_SECONDS = 0
    url = reverse("pilot_products:catalogue")
    assert "Cached blocks" in get(client, url)[0]
    listing_pause(listing=listing)
    assert "Cached blocks" not in get(client, url)[0]


def test_shared_page_carries_each_visitors_own_working_csrf_token(listing):
    from django.test import Client

    url = reverse("pilot_products:catalogue")
    Client().get(url)  # fills the cache
    visitor = Client(enforce_csrf_checks=True)
    html = visitor.get(url).content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert len(token) == 64
    response = visitor.post(
        reverse("set_language"),
        {"language": "en", "next": url, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert visitor.cookies["django_language"].value == "en"


def test_logged_in_user_never_gets_the_page_cached_for_anonymous_visitors(
    client, listing, user_a
):
    url = reverse("pilot_products:catalogue")
    anonymous, _queries = get(client, url)
    client.force_login(user_a)
    logged_in, _queries = get(client, url)
    assert "Log out" not in anonymous
    assert "Log out" in logged_in and "My portal" in logged_in
    assert main_part(logged_in) == main_part(anonymous)


def test_a_visitors_query_is_shown_as_typed_even_if_it_looks_like_a_placeholder(
    listing,
):
    """Issue 16: a fixed placeholder put each visitor's token into their query."""
    from django.test import Client

    typed = "csrf-token-of-this-visitor"
    url = reverse("pilot_products:catalogue") + f"?q={typed}"
    Client().get(url)  # fills the whole-page cache
    visitor = Client()
    html = visitor.get(url).content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert f'value="{typed}"' in html
    # The token is in the forms that post, and nowhere else.
    assert token not in html.replace(f'name="csrfmiddlewaretoken" value="{token}"', "")
