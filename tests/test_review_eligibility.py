"""Eligibility checks of a pilot product: each with its result and its reason."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from pilot_products import eligibility
from pilot_products.models import (
    CbecListEntry,
    PilotCategory,
    PilotProduct,
    Restriction,
    ReviewStatus,
)
from pilot_products.services import review
from tests import factories
from tests.review_helpers import make_draft, make_submitted

pytestmark = pytest.mark.django_db


def _by_name(product, **kwargs) -> dict[str, eligibility.EligibilityCheck]:
    checks = eligibility.pilot_product_eligibility(product, **kwargs)
    return {check.name: check for check in checks}


def test_a_line_missing_from_the_edition_in_force_fails_with_the_line_named(editor):
    old = factories.make_edition(code="2019", effective_on=date(2020, 1, 1))
    new = factories.make_edition(code="2022", effective_on=date(2022, 3, 1))
    kept = factories.make_tariff_line("42021100", edition=old)
    CbecListEntry.objects.create(
        edition=new,
        tariff_line=kept,
        row_number=7,
        restriction=Restriction.BONDED_ONLY,
        remark="限网购保税商品",
    )
    dropped = factories.make_tariff_line("42021200", edition=old)
    product = make_draft(editor, kept)
    product.tariff_lines.add(dropped)

    check = _by_name(product)[eligibility.CHECK_LINES_ON_LIST]
    assert not check.passed
    assert check.reason == eligibility.MSG_LINES_NOT_ON_LIST % {
        "edition": "2022",
        "lines": "42021200",
    }
    assert check.details == (
        "42021100: row 7, restriction: bonded online shopping (1210) only — 限网购保税商品",
    )
    # Under the 2019 edition (in force in 2021) both lines were on the list.
    earlier = _by_name(product, today=date(2021, 6, 1))[eligibility.CHECK_LINES_ON_LIST]
    assert earlier.passed
    assert earlier.reason == eligibility.MSG_LINES_ON_LIST_OK % {"edition": "2019"}


def test_all_checks_pass_for_a_complete_product(editor):
    edition = factories.make_edition(code="2022")
    line = factories.make_tariff_line(edition=edition)
    product = make_draft(editor, line)
    checks = eligibility.pilot_product_eligibility(product)
    assert [check.name for check in checks] == [
        eligibility.CHECK_NAMES,
        eligibility.CHECK_HAS_LINES,
        eligibility.CHECK_LINES_ON_LIST,
        eligibility.CHECK_REQUIREMENTS,
    ]
    assert all(check.passed for check in checks)
    assert eligibility.failed_checks(checks) == []
    assert checks[1].reason == eligibility.MSG_HAS_LINES_OK % {"count": 1}


def test_missing_english_name_fails(editor):
    line = factories.make_tariff_line(edition=factories.make_edition())
    product = make_draft(editor, line, name_en="  ")
    check = _by_name(product)[eligibility.CHECK_NAMES]
    assert not check.passed
    assert check.reason == eligibility.MSG_NAMES_MISSING % {"missing": "English name"}


def test_no_tariff_line_fails_two_checks(editor):
    factories.make_edition()
    product = make_draft(editor, factories.make_tariff_line())
    product.tariff_lines.clear()
    checks = _by_name(product)
    assert not checks[eligibility.CHECK_HAS_LINES].passed
    assert checks[eligibility.CHECK_HAS_LINES].reason == str(
        eligibility.MSG_HAS_LINES_NONE
    )
    assert not checks[eligibility.CHECK_LINES_ON_LIST].passed


def test_no_edition_in_force(editor):
    factories.make_edition(effective_on=date(2999, 1, 1))
    product = make_draft(editor, factories.make_tariff_line())
    check = _by_name(product)[eligibility.CHECK_LINES_ON_LIST]
    assert not check.passed
    assert check.reason == str(eligibility.MSG_NO_EDITION)


def test_household_appliances_need_ccc_stated(editor):
    line = factories.make_tariff_line(edition=factories.make_edition())
    product = make_draft(
        editor,
        line,
        pilot_category=PilotCategory.HOUSEHOLD_APPLIANCES,
        requirements="Chinese label",
    )
    check = _by_name(product)[eligibility.CHECK_REQUIREMENTS]
    assert not check.passed
    assert check.reason == eligibility.MSG_REQUIREMENTS_MISSING % {
        "category": "household appliances",
        "needed": "CCC certification (3C)",
    }
    product.requirements = "CCC certification (3C); Chinese label and manual"
    assert _by_name(product)[eligibility.CHECK_REQUIREMENTS].passed


def test_toys_without_requirements_pass_with_a_reason(editor):
    line = factories.make_tariff_line(edition=factories.make_edition())
    product = make_draft(editor, line, requirements="")
    check = _by_name(product)[eligibility.CHECK_REQUIREMENTS]
    assert check.passed
    assert check.reason == str(eligibility.MSG_REQUIREMENTS_NOT_NEEDED)


def test_submit_is_refused_while_a_check_fails(editor):
    factories.make_edition()
    product = make_draft(editor, factories.make_tariff_line())
    with pytest.raises(ValidationError) as refused:
        review.pilot_product_submit(product=product, user=editor)
    assert refused.value.code == "not_eligible"
    product.refresh_from_db()
    assert product.status == ReviewStatus.DRAFT


def test_approve_is_refused_when_a_line_left_the_list_after_submission(
    editor, reviewer
):
    edition = factories.make_edition(code="2022")
    line = factories.make_tariff_line(edition=edition)
    product = make_submitted(editor, line)
    CbecListEntry.objects.filter(tariff_line=line).delete()
    with pytest.raises(ValidationError) as refused:
        review.pilot_product_approve(product=product, user=reviewer)
    assert refused.value.code == "not_eligible"
    product.refresh_from_db()
    assert product.status == ReviewStatus.SUBMITTED


def test_the_35_reference_products_pass_every_check(reference_data):
    products = PilotProduct.objects.prefetch_related("tariff_lines")
    failing = {
        product.code: eligibility.failed_checks(
            eligibility.pilot_product_eligibility(product)
        )
        for product in products
    }
    assert len(failing) == 35
    assert {code: checks for code, checks in failing.items() if checks} == {}
