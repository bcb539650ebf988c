"""axe-core over every page type, in Chinese and English: no serious or critical violation.

The pages are the ones each role works on: the public catalogue, the log-in pages, the
wholesaler portal and, per staff role, the admin's lists, change, add, import and export
pages. axe-core comes from the ``axe-playwright-python`` package (its ``axe.min.js``);
it runs in headless Chromium on the page as the user sees it at 1366 px.
"""

from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group
from django.test import Client

from pilot_products import roles
from pilot_products.models import PilotList, PilotProduct
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
LANGUAGES = ["zh-hans", "en"]
#: Impacts that fail the test; "moderate" and "minor" are reported by axe only.
FAILING_IMPACTS = {"serious", "critical"}

axe = Axe()


@pytest.fixture
def site(portal_company):
    """The portal company with a listing, a second wholesaler and a user per staff role."""
    product = PilotProduct.objects.get(code="P06")
    listing = factories.make_listing(
        portal_company,
        product,
        sku="PUZZLE-1",
        customs_code="9503006000",
        unit_price=Decimal("12.50"),
        moq=10,
        tiers=[(10, Decimal("12.50")), (100, Decimal("11.00"))],
    )
    return {
        "wholesaler": portal_company,
        "booth": portal_company.booths.first(),
        "listing": listing,
        "product": product,
        "pilot_list": PilotList.objects.first(),
        "users": {
            "editor": factories.make_staff_user("editor", roles.CATALOGUE_EDITOR),
            "reviewer": factories.make_staff_user("reviewer", roles.PILOT_REVIEWER),
            "operator": factories.make_staff_user("operator", roles.MALL_OPERATOR),
            "superuser": factories.make_user("root", is_staff=True, is_superuser=True),
        },
    }


def public_pages(site) -> list[str]:
    return [
        "/",
        "/catalogue/",
        f"/catalogue/products/{site['product'].code}/",
        f"/catalogue/wholesalers/{site['wholesaler'].pk}/",
        "/progress/",
        "/accounts/login/",
        "/admin/login/",
    ]


def portal_pages(site) -> list[str]:
    return [
        "/portal/",
        "/portal/listings/",
        "/portal/listings/new/",
        f"/portal/listings/{site['listing'].pk}/",
        "/portal/spreadsheets/",
        "/portal/batches/",
        "/portal/batches/new/",
        "/portal/password/",
    ]


def admin_pages(site) -> dict[str, list[str]]:
    """Admin pages per staff role: index, list, change, add, import, export."""
    app = "/admin/pilot_products"
    return {
        "editor": [
            "/admin/",
            f"{app}/pilotproduct/",
            f"{app}/pilotproduct/add/",
            f"{app}/pilotproduct/{site['product'].pk}/change/",
            f"{app}/pilotproduct/import/",
            f"{app}/pilotproduct/export/",
            f"{app}/cbeclistentry/",
            "/admin/password_change/",
        ],
        "reviewer": [
            f"{app}/pilotlist/",
            f"{app}/pilotlist/{site['pilot_list'].pk}/change/",
        ],
        "operator": [
            f"{app}/wholesaler/",
            f"{app}/wholesaler/add/",
            f"{app}/wholesaler/{site['wholesaler'].pk}/change/",
            f"{app}/booth/{site['booth'].pk}/change/",
            f"{app}/listing/",
            f"{app}/listing/add/",
            f"{app}/listing/{site['listing'].pk}/change/",
            f"{app}/listing/import/",
            f"{app}/listing/export/",
        ],
        # Django's own user and group pages (two-box selectors, recorded dates).
        "superuser": [
            "/admin/auth/user/",
            "/admin/auth/user/add/",
            f"/admin/auth/user/{site['users']['editor'].pk}/change/",
            f"/admin/auth/group/{Group.objects.get(name=roles.PILOT_REVIEWER).pk}/change/",
        ],
    }


def log_in_as(page, user) -> None:
    """Give the browser a session of ``user`` (the log-in form has tests of its own)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": page.url,
            }
        ]
    )


def problems_on(page, path: str) -> list[str]:
    """Open ``path`` and return its serious and critical axe violations, and overflow."""
    response = page.goto(path)
    assert response.status == 200, f"{path} answered {response.status}"
    found = [
        f"{path}: {violation['id']} ({violation['impact']}) at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in axe.run(page).response["violations"]
        if violation["impact"] in FAILING_IMPACTS
    ]
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > DESKTOP["width"]:
        found.append(f"{path}: {width} px wide at {DESKTOP['width']} px")
    return found


def open_in(page, language: str) -> None:
    page.set_viewport_size(DESKTOP)
    page.goto("/healthz")
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": page.url}]
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_have_no_serious_violations(page, site, language):
    open_in(page, language)
    problems = [p for path in public_pages(site) for p in problems_on(page, path)]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_portal_pages_have_no_serious_violations(page, site, language):
    open_in(page, language)
    log_in_as(page, site["wholesaler"].members.first().user)
    problems = [p for path in portal_pages(site) for p in problems_on(page, path)]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_admin_pages_have_no_serious_violations(page, site, language):
    open_in(page, language)
    problems = []
    for role, paths in admin_pages(site).items():
        page.context.clear_cookies()
        open_in(page, language)
        log_in_as(page, site["users"][role])
        problems += [p for path in paths for p in problems_on(page, path)]
    assert problems == [], "\n".join(problems)


def test_export_select_all_is_labelled_and_works(page, site, screenshot):
    """The library's checkbox: its label names it and unticking it unticks every field."""
    open_in(page, "en")
    log_in_as(page, site["users"]["operator"])
    page.goto("/admin/pilot_products/listing/export/")
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]:visible')
    assert fields.count() > 5
    page.get_by_label("Select all").uncheck()
    assert [fields.nth(i).is_checked() for i in range(fields.count())] == [False] * (
        fields.count()
    )
    page.get_by_label("Select all").check()
    assert all(fields.nth(i).is_checked() for i in range(fields.count()))
    screenshot("1-export-en")


PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("language", LANGUAGES)
def test_admin_change_forms_with_inlines_fit_a_phone(page, site, language, screenshot):
    """At 390 px a tabular inline's rows stack as cards: nothing scrolls sideways, each
    input is named by its column on screen, and no column header is empty."""
    open_in(page, language)
    log_in_as(page, site["users"]["operator"])
    page.set_viewport_size(PHONE)
    app = "/admin/pilot_products"
    for name, path in [
        ("wholesaler", f"{app}/wholesaler/{site['wholesaler'].pk}/change/"),
        ("listing", f"{app}/listing/{site['listing'].pk}/change/"),
    ]:
        assert page.goto(path).status == 200
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        boxes = page.locator(".inline-group .tabular")
        assert boxes.count() > 0
        for i in range(boxes.count()):
            overflow = boxes.nth(i).evaluate("box => box.scrollWidth - box.clientWidth")
            assert overflow <= 0, f"{path}: inline {i} scrolls {overflow} px sideways"
        inputs = page.locator(
            ".inline-group tr.form-row:not(.empty-form) td input:visible"
        )
        assert inputs.count() > 0
        for i in range(inputs.count()):
            box = inputs.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], path
        labels = page.locator(".inline-group td[data-label]:visible")
        assert all(
            labels.nth(i).get_attribute("data-label") for i in range(labels.count())
        )
        violations = {v["id"] for v in axe.run(page).response["violations"]}
        assert "empty-table-header" not in violations, path
        screenshot(f"{name}-{language}")
