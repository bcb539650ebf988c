"""An editor creates and submits a pilot product, a reviewer approves it in Chromium."""

import pytest
from django.apps import apps

from pilot_products import roles
from pilot_products.models import PilotProduct, ReviewStatus
from tests import factories
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff():
    # A transactional test before this one may have flushed the groups.
    roles.sync_roles(apps)
    edition = factories.make_edition(code="2022")
    factories.make_tariff_line(
        "95030060", edition=edition, name_zh="智力玩具", name_en="Puzzles"
    )
    return {
        "editor": factories.make_staff_user("editor", roles.CATALOGUE_EDITOR),
        "reviewer": factories.make_staff_user("reviewer", roles.PILOT_REVIEWER),
    }


def _log_in(page, username):
    # The shared log_in helper clicks the first submit button of the page, which is
    # the language switch in the site header; the admin's own login form has one.
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("#login-form input[type=submit]")
    page.wait_for_url("**/admin/")


def test_editor_submits_reviewer_approves_product_is_in_approved_filter(
    page, browser, live_server, screenshot, staff
):
    _log_in(page, "editor")
    page.goto("/admin/pilot_products/pilotproduct/add/")
    page.fill("#id_code", "P36")
    page.fill("#id_name_zh", "智力拼图")
    page.fill("#id_name_en", "Jigsaw puzzles")
    page.select_option("#id_pilot_category", "childrens_toys")
    page.click(".field-tariff_lines .select2-selection")
    page.keyboard.type("950300")
    page.locator(".select2-results__option", has_text="95030060").click()
    page.fill("#id_requirements", "CCC certification (toys); Chinese label")
    screenshot("1-editor-add")
    page.click("input[name=_continue]")
    page.locator("ul.messagelist").wait_for()
    page.click("button.transition-button--submit")
    assert (
        "P36 was submitted for review." in page.locator("ul.messagelist").inner_text()
    )
    assert "Submit for review" not in page.locator(".object-tools").inner_text()
    screenshot("2-editor-submitted")

    reviewer_context = browser.new_context(base_url=live_server.url, locale="en-US")
    reviewer_page = reviewer_context.new_page()
    reviewer_page.set_default_timeout(15_000)
    try:
        _log_in(reviewer_page, "reviewer")
        reviewer_page.goto("/admin/")
        queue = reviewer_page.locator("#review-queue")
        assert "Waiting for my review: 1 product" in queue.inner_text()
        queue.get_by_role("link", name="P36").click()
        assert "Tariff lines on the CBEC list in force" in (
            reviewer_page.locator(".field-eligibility_panel").inner_text()
        )
        reviewer_page.click("button.transition-button--approve")
        assert "P36 was approved." in (
            reviewer_page.locator("ul.messagelist").inner_text()
        )
        reviewer_page.goto("/admin/pilot_products/pilotproduct/")
        reviewer_page.locator(
            'details[data-filter-title="review status"] a', has_text="approved"
        ).click()
        reviewer_page.wait_for_url("**status__exact=approved**")
        rows = reviewer_page.locator("#result_list tbody tr")
        assert rows.count() == 1
        assert "P36" in rows.first.inner_text()
        assert "Approved" in rows.first.locator(".review-badge").inner_text()
        approved_shot = ARTIFACTS / "test_review_workflow-3-reviewer-approved.png"
        reviewer_page.screenshot(path=str(approved_shot), full_page=True)
        assert approved_shot.exists()
    finally:
        reviewer_context.close()

    product = PilotProduct.objects.get(code="P36")
    assert product.status == ReviewStatus.APPROVED
    assert product.submitted_by.username == "editor"
    assert product.decided_by.username == "reviewer"
