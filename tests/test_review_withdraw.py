"""An editor withdraws a submitted product before any decision: one transition,
offered as the change page's button and as a bulk action, kept in the history."""

import pytest
from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError

from pilot_products.admin.products import MSG_BULK_SUMMARY
from pilot_products.models import PilotProduct, ReviewStatus
from pilot_products.services import review
from tests.review_helpers import (
    change_url,
    changelist_url,
    edition_with_line,
    make_approved,
    make_draft,
    make_submitted,
    messages_of,
    transition_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def line():
    return edition_with_line()[1]


def _status(product) -> str:
    return PilotProduct.objects.get(pk=product.pk).status


def test_the_service_turns_a_submitted_product_back_into_a_draft(editor, line):
    product = make_submitted(editor, line)
    result = review.pilot_product_withdraw(product=product, user=editor)
    assert result.message == review.MSG_WITHDRAWN % {"product": product.code}
    product.refresh_from_db()
    assert product.status == ReviewStatus.DRAFT
    assert product.submitted_by is None
    last = product.history.order_by("-history_date", "-history_id").first()
    assert (last.status, last.history_user, last.history_change_reason) == (
        ReviewStatus.DRAFT,
        editor,
        str(review.HISTORY_WITHDRAWN),
    )


def test_a_decided_product_cannot_be_withdrawn(editor, reviewer, line):
    product = make_approved(editor, reviewer, line)
    with pytest.raises(ValidationError) as refused:
        review.pilot_product_withdraw(product=product, user=editor)
    assert refused.value.code == "already_decided"
    assert _status(product) == ReviewStatus.APPROVED


def test_only_editors_withdraw(editor, reviewer, line):
    product = make_submitted(editor, line)
    with pytest.raises(ValidationError) as refused:
        review.pilot_product_withdraw(product=product, user=reviewer)
    assert refused.value.messages == [str(review.MSG_WITHDRAW_NOT_ALLOWED)]
    assert review.WITHDRAW not in review.allowed_transitions(product, reviewer)
    assert review.WITHDRAW in review.allowed_transitions(product, editor)


def test_the_change_page_offers_withdraw_and_it_works(client, editor, line):
    product = make_submitted(editor, line)
    client.force_login(editor)
    page = client.get(change_url(product)).content.decode()
    assert f'action="{transition_url(product, review.WITHDRAW)}"' in page
    response = client.post(transition_url(product, review.WITHDRAW), follow=True)
    assert messages_of(response) == [
        str(review.MSG_WITHDRAWN % {"product": product.code})
    ]
    assert _status(product) == ReviewStatus.DRAFT


def test_bulk_withdraw_reports_and_colours_by_outcome(client, editor, line):
    submitted = make_submitted(editor, line)
    draft = make_draft(editor, line)
    client.force_login(editor)
    data = {
        "action": "withdraw_selected",
        ACTION_CHECKBOX_NAME: [submitted.pk, draft.pk],
    }
    response = client.post(changelist_url(), data, follow=True)
    assert _status(submitted) == ReviewStatus.DRAFT
    summary = [m for m in response.context["messages"] if "skipped" in str(m)][-1]
    assert str(summary) == MSG_BULK_SUMMARY % {"done": 1, "total": 2, "skipped": 1}
    assert summary.level == messages.WARNING


def test_a_bulk_action_that_skipped_everything_is_not_green(client, editor, line):
    draft = make_draft(editor, line)
    client.force_login(editor)
    data = {"action": "withdraw_selected", ACTION_CHECKBOX_NAME: [draft.pk]}
    response = client.post(changelist_url(), data, follow=True)
    summary = list(response.context["messages"])[-1]
    assert str(summary) == MSG_BULK_SUMMARY % {"done": 0, "total": 1, "skipped": 1}
    assert summary.level == messages.ERROR
