"""In Chromium: the policy blocks inline script, the admin works under it, lockouts."""

import pytest
from django.contrib.auth.models import Group, Permission

from pilot_products import roles
from tests import factories
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _role_groups():
    """Recreate the role groups: a transactional test's flush removed them."""
    for name, codenames in roles.ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label="pilot_products", codename__in=codenames
            )
        )


@pytest.fixture
def csp_violations(page):
    """Console messages in which Chromium reports a Content-Security-Policy refusal."""
    messages: list[str] = []
    page.on(
        "console",
        lambda message: (
            messages.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return messages


def _admin_log_in(page, username):
    page.goto("/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def test_policy_blocks_injected_inline_script_on_site_pages(page, csp_violations):
    response = page.goto("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    ran = page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.appendChild(script);
            return window.injected === true;
        }"""
    )
    assert ran is False
    assert any("inline script" in message for message in csp_violations)


def test_site_pages_load_without_policy_violations(page, csp_violations, screenshot):
    for path in ["/", "/accounts/login/", "/no-such-page/"]:
        page.goto(path)
    assert csp_violations == []
    assert screenshot("login").exists()


def test_admin_works_under_its_policy(
    page, csp_violations, screenshot, operator, reference_data
):
    wholesaler = factories.make_wholesaler()
    factories.make_booth(wholesaler)
    _admin_log_in(page, "operator")
    for path in [
        "/admin/",
        "/admin/pilot_products/wholesaler/",
        "/admin/pilot_products/wholesaler/add/",
        f"/admin/pilot_products/wholesaler/{wholesaler.pk}/change/",
        f"/admin/pilot_products/wholesaler/{wholesaler.pk}/history/",
        "/admin/pilot_products/listing/add/",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        assert (
            "style-src-attr 'unsafe-inline'"
            in (response.headers["content-security-policy"])
        )
    # The admin's scripts run: the autocomplete widget opens and searches.
    page.click(".field-wholesaler .select2-selection")
    page.fill(".select2-search__field", wholesaler.name_en[:8])
    page.wait_for_selector(".select2-results__option >> text=" + wholesaler.name_en)
    assert screenshot("admin-listing-add").exists()
    assert csp_violations == []


def test_brute_force_shows_the_lockout_page_and_spares_the_colleague(
    page, screenshot, user_a, user_b, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto("/accounts/login/")
        page.fill("input[name=username]", "wholesaler-a")
        page.fill("input[name=password]", "guessing")
        with page.expect_navigation():
            page.click("main button[type=submit]")
    assert page.locator("h1").inner_text() == "Too many login attempts"
    assert screenshot("locked-out").exists()

    page.goto("/accounts/login/")
    page.fill("input[name=username]", "wholesaler-b")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_response("**/accounts/login/") as login:
        page.click("main button[type=submit]")
    assert login.value.status == 302
    assert any(cookie["name"] == "sessionid" for cookie in page.context.cookies())
