import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_renders_in_chromium(page, screenshot):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Yiwu import pilot catalogue"
    assert screenshot("home").exists()
