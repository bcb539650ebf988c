"""Review services beyond the admin: CBEC list changes, flags, drafts, history."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pilot_products.models import (
    CbecListEdition,
    CbecListEntry,
    PilotProduct,
    ReviewStatus,
    TariffLine,
)
from pilot_products.reference_data import load_reference_data
from pilot_products.services import review
from tests import factories
from tests.review_helpers import (
    change_url,
    make_approved,
    make_draft,
    messages_of,
    transition_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editions():
    old = factories.make_edition(code="2019", effective_on=date(2020, 1, 1))
    # Loaded today, in force later: reviewers see the flags before the change bites.
    new = factories.make_edition(code="2031", effective_on=date(2031, 1, 1))
    return old, new


def _on(line, *editions):
    for n, edition in enumerate(editions, start=1):
        CbecListEntry.objects.create(
            edition=edition, tariff_line=line, row_number=line.pk * 10 + n
        )
    return line


def test_new_edition_flags_approved_products_with_a_dropped_line(
    editor, reviewer, editions
):
    old, new = editions
    kept = _on(factories.make_tariff_line("42021100"), old, new)
    dropped = _on(factories.make_tariff_line("42021200"), old)
    affected = make_approved(editor, reviewer, kept)
    affected.tariff_lines.add(dropped)
    untouched = make_approved(editor, reviewer, kept)
    draft = make_draft(editor, dropped)

    flagged = review.cbec_edition_flag_products(edition=new)

    assert [product.code for product in flagged] == [affected.code]
    affected.refresh_from_db()
    assert affected.needs_review
    assert affected.needs_review_note == review.MSG_FLAGGED % {
        "edition": "2031",
        "lines": "42021200",
    }
    assert affected.status == ReviewStatus.APPROVED
    assert affected.history.first().history_change_reason == affected.needs_review_note
    untouched.refresh_from_db()
    draft.refresh_from_db()
    assert not untouched.needs_review
    assert not draft.needs_review
    # Flagging again changes nothing and writes no new history.
    versions = affected.history.count()
    assert review.cbec_edition_flag_products(edition=new) == []
    assert affected.history.count() == versions


def test_flag_stays_until_a_reviewer_acts(client, editor, reviewer, editions):
    old, new = editions
    dropped = _on(factories.make_tariff_line("42021200"), old)
    product = make_approved(editor, reviewer, _on(factories.make_tariff_line(), old))
    product.tariff_lines.add(dropped)
    review.cbec_edition_flag_products(edition=new)

    client.force_login(reviewer)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Waiting for my review: 1 product" in index
    assert "42021200" in index

    # Editors cannot clear the flag; a reason is needed.
    with pytest.raises(ValidationError):
        review.pilot_product_clear_flag(product=product, user=editor, reason="ok")
    refused = client.post(transition_url(product, review.CLEAR_FLAG), {"reason": ""})
    assert refused.status_code == 200
    product.refresh_from_db()
    assert product.needs_review

    response = client.post(
        transition_url(product, review.CLEAR_FLAG),
        {"reason": "Covered by 95030021 since 2022"},
        follow=True,
    )
    assert messages_of(response) == [
        review.MSG_FLAG_CLEARED % {"product": product.code}
    ]
    product.refresh_from_db()
    assert not product.needs_review
    assert product.status == ReviewStatus.APPROVED
    assert "Waiting for my review: 0 products" in (
        client.get(reverse("admin:index")).content.decode()
    )


def test_retiring_a_flagged_product_clears_the_flag(editor, reviewer, editions):
    old, new = editions
    product = make_approved(editor, reviewer, _on(factories.make_tariff_line(), old))
    review.cbec_edition_flag_products(edition=new)
    product.refresh_from_db()
    assert product.needs_review
    review.pilot_product_retire(product=product, user=reviewer, reason="Off the list")
    product.refresh_from_db()
    assert not product.needs_review
    assert product.status == ReviewStatus.RETIRED


def test_load_reference_data_flags_products_off_a_newer_edition(reviewer):
    load_reference_data()
    newer = factories.make_edition(code="2030", effective_on=date(2030, 1, 1))
    kept = TariffLine.objects.get(code="95030010")
    CbecListEntry.objects.create(edition=newer, tariff_line=kept, row_number=1)

    report = load_reference_data()

    p01 = PilotProduct.objects.get(code="P01")
    assert p01.tariff_lines.get().code == "95030010"
    assert "P01" not in report.flagged
    assert len(report.flagged) == 34
    flagged = PilotProduct.objects.get(code="P02")
    assert flagged.needs_review
    assert flagged.needs_review_note == review.MSG_FLAGGED % {
        "edition": "2030",
        "lines": "95030021, 95030029",
    }
    assert CbecListEdition.objects.count() == 6


def test_reference_products_all_pass_the_newest_edition_today(reference_data):
    assert reference_data.flagged == []
    assert not PilotProduct.objects.filter(needs_review=True).exists()


def test_reopened_draft_keeps_the_rejection_reason(editor, reviewer, editions):
    old, _new = editions
    line = _on(factories.make_tariff_line(), old, _new)
    product = make_draft(editor, line)
    review.pilot_product_submit(product=product, user=editor)
    review.pilot_product_reject(product=product, user=reviewer, reason="Name wrong")
    result = review.pilot_product_reopen(product=product, user=editor)
    assert result.product.status == ReviewStatus.DRAFT
    assert result.product.status_reason == "Name wrong"
    resubmitted = review.pilot_product_submit(product=product, user=editor).product
    assert resubmitted.status_reason == ""
    assert resubmitted.decided_by is None


def test_every_transition_is_in_the_history_with_user_and_reason(
    editor, reviewer, editions
):
    old, new = editions
    line = _on(factories.make_tariff_line(), old, new)
    product = make_draft(editor, line)
    review.pilot_product_submit(product=product, user=editor)
    review.pilot_product_approve(product=product, user=reviewer, note="Checked 3C")
    review.pilot_product_retire(product=product, user=reviewer, reason="Pilot ended")
    records = list(product.history.order_by("history_date", "history_id"))
    transitions = [
        (r.status, r.history_user, r.history_change_reason) for r in records[-3:]
    ]
    assert transitions == [
        (ReviewStatus.SUBMITTED, editor, str(review.HISTORY_SUBMITTED)),
        (ReviewStatus.APPROVED, reviewer, "Approved: Checked 3C"),
        (ReviewStatus.RETIRED, reviewer, "Retired: Pilot ended"),
    ]


def test_draft_save_refuses_users_without_permission(operator, editions):
    product = PilotProduct(
        code="P77", name_zh="测试", name_en="Test", pilot_category="childrens_toys"
    )
    with pytest.raises(ValidationError) as refused:
        review.pilot_product_save(product=product, user=operator)
    assert refused.value.messages == [str(review.MSG_EDIT_NOT_ALLOWED)]
    assert not PilotProduct.objects.filter(code="P77").exists()


def test_editing_an_approved_product_is_refused_by_the_service(
    editor, reviewer, editions
):
    old, new = editions
    product = make_approved(editor, reviewer, _on(factories.make_tariff_line(), old))
    product.name_en = "Changed"
    with pytest.raises(ValidationError) as refused:
        review.pilot_product_save(
            product=product, user=editor, expected_revision=product.revision
        )
    assert refused.value.code == "not_editable"
    product.refresh_from_db()
    assert product.name_en != "Changed"


def test_change_page_of_an_approved_product_is_read_only(
    client, editor, reviewer, editions
):
    old, new = editions
    product = make_approved(editor, reviewer, _on(factories.make_tariff_line(), old))
    client.force_login(editor)
    response = client.get(change_url(product))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
