"""The review workflow through the admin, for each role, with the test client."""

import pytest

from pilot_products.models import (
    Listing,
    ListingStatus,
    PilotProduct,
    ReviewStatus,
)
from pilot_products.services import review
from tests import factories
from tests.review_helpers import (
    change_url,
    edition_with_line,
    make_approved,
    make_draft,
    make_editor_reviewer,
    make_rejected,
    make_submitted,
    messages_of,
    transition_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def line():
    return edition_with_line()[1]


def _post(client, user, product, action, reason=None):
    client.force_login(user)
    data = {} if reason is None else {"reason": reason}
    return client.post(transition_url(product, action), data, follow=True)


def _status(product) -> str:
    return PilotProduct.objects.get(pk=product.pk).status


# --- allowed transitions ---------------------------------------------------------


def test_editor_submits_a_draft(client, editor, line):
    product = make_draft(editor, line)
    response = _post(client, editor, product, review.SUBMIT)
    assert messages_of(response) == [review.MSG_SUBMITTED % {"product": product.code}]
    product.refresh_from_db()
    assert product.status == ReviewStatus.SUBMITTED
    assert product.submitted_by == editor
    assert product.submitted_at is not None


def test_reviewer_approves_a_submitted_product(client, editor, reviewer, line):
    product = make_submitted(editor, line)
    response = _post(client, reviewer, product, review.APPROVE)
    assert messages_of(response) == [review.MSG_APPROVED % {"product": product.code}]
    product.refresh_from_db()
    assert product.status == ReviewStatus.APPROVED
    assert product.decided_by == reviewer
    assert product.decided_at is not None


def test_reviewer_rejects_with_a_reason(client, editor, reviewer, line):
    product = make_submitted(editor, line)
    response = _post(client, reviewer, product, review.REJECT, reason="Not a toy")
    assert messages_of(response) == [review.MSG_REJECTED % {"product": product.code}]
    product.refresh_from_db()
    assert product.status == ReviewStatus.REJECTED
    assert product.status_reason == "Not a toy"


def test_reject_shows_a_reason_form_first(client, editor, reviewer, line):
    product = make_submitted(editor, line)
    client.force_login(reviewer)
    response = client.get(transition_url(product, review.REJECT))
    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()
    assert _status(product) == ReviewStatus.SUBMITTED


def test_reject_without_reason_is_refused_beside_the_field(
    client, editor, reviewer, line
):
    product = make_submitted(editor, line)
    client.force_login(reviewer)
    response = client.post(transition_url(product, review.REJECT), {"reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["This field is required."]
    assert _status(product) == ReviewStatus.SUBMITTED


def test_editor_reopens_a_rejected_product(client, editor, reviewer, line):
    product = make_rejected(editor, reviewer, line)
    response = _post(client, editor, product, review.REOPEN)
    assert messages_of(response) == [review.MSG_REOPENED % {"product": product.code}]
    assert _status(product) == ReviewStatus.DRAFT


def test_reviewer_retires_and_active_listings_are_paused(
    client, editor, reviewer, line
):
    product = make_approved(editor, reviewer, line)
    active = [factories.make_listing(pilot_product=product) for _ in range(3)]
    draft = factories.make_listing(pilot_product=product, status=ListingStatus.DRAFT)
    other = factories.make_listing()
    response = _post(client, reviewer, product, review.RETIRE, reason="Off the list")
    assert messages_of(response) == [
        review.MSG_RETIRED % {"product": product.code, "count": 3}
    ]
    product.refresh_from_db()
    assert product.status == ReviewStatus.RETIRED
    assert product.status_reason == "Off the list"
    for listing in active:
        listing.refresh_from_db()
        assert listing.status == ListingStatus.PAUSED
        record = listing.history.first()
        assert record.history_user == reviewer
        assert record.history_change_reason == review.MSG_LISTING_PAUSED % {
            "product": product.code,
            "reason": "Off the list",
        }
    draft.refresh_from_db()
    other.refresh_from_db()
    assert draft.status == ListingStatus.DRAFT
    assert other.status == ListingStatus.ACTIVE
    # Nothing was deleted.
    assert Listing.objects.filter(pilot_product=product).count() == 4
    assert PilotProduct.objects.filter(pk=product.pk).exists()


# --- refused transitions: the role does not own them -------------------------------


@pytest.mark.parametrize("role", ["reviewer", "operator"])
def test_only_editors_submit(client, request, editor, line, role):
    product = make_draft(editor, line)
    response = _post(client, request.getfixturevalue(role), product, review.SUBMIT)
    assert messages_of(response) == [str(review.MSG_SUBMIT_NOT_ALLOWED)]
    assert _status(product) == ReviewStatus.DRAFT


@pytest.mark.parametrize("role", ["editor", "operator"])
@pytest.mark.parametrize("action", [review.APPROVE, review.REJECT])
def test_only_reviewers_decide(client, request, editor, line, role, action):
    product = make_submitted(editor, line)
    response = _post(
        client, request.getfixturevalue(role), product, action, reason="Because"
    )
    assert messages_of(response) == [str(review.MSG_REVIEW_NOT_ALLOWED)]
    assert _status(product) == ReviewStatus.SUBMITTED


@pytest.mark.parametrize("role", ["editor", "operator"])
def test_only_reviewers_retire(client, request, editor, reviewer, line, role):
    product = make_approved(editor, reviewer, line)
    listing = factories.make_listing(pilot_product=product)
    response = _post(
        client, request.getfixturevalue(role), product, review.RETIRE, reason="x"
    )
    assert messages_of(response) == [str(review.MSG_REVIEW_NOT_ALLOWED)]
    assert _status(product) == ReviewStatus.APPROVED
    listing.refresh_from_db()
    assert listing.status == ListingStatus.ACTIVE


@pytest.mark.parametrize("role", ["reviewer", "operator"])
def test_only_editors_reopen(client, request, editor, reviewer, line, role):
    product = make_rejected(editor, reviewer, line)
    response = _post(client, request.getfixturevalue(role), product, review.REOPEN)
    assert messages_of(response) == [str(review.MSG_REOPEN_NOT_ALLOWED)]
    assert _status(product) == ReviewStatus.REJECTED


@pytest.mark.parametrize("action", [review.APPROVE, review.REJECT])
def test_four_eyes_rule_stops_a_reviewer_deciding_on_own_submission(
    client, line, action
):
    both = make_editor_reviewer()
    product = make_draft(both, line)
    assert _post(client, both, product, review.SUBMIT).status_code == 200
    assert _status(product) == ReviewStatus.SUBMITTED
    response = _post(client, both, product, action, reason="Looks fine")
    assert messages_of(response) == [review.MSG_FOUR_EYES % {"product": product.code}]
    assert _status(product) == ReviewStatus.SUBMITTED


def test_four_eyes_rule_leaves_other_reviewers_free(client, reviewer, line):
    both = make_editor_reviewer()
    product = make_draft(both, line)
    review.pilot_product_submit(product=product, user=both)
    _post(client, reviewer, product, review.APPROVE)
    assert _status(product) == ReviewStatus.APPROVED


def test_approving_a_draft_is_refused_and_changes_nothing(
    client, editor, reviewer, line
):
    product = make_draft(editor, line)
    before = product.history.count()
    response = _post(client, reviewer, product, review.APPROVE)
    assert messages_of(response) == [
        review.MSG_DECIDE_WRONG_STATUS
        % {"product": product.code, "status": ReviewStatus.DRAFT.label}
    ]
    assert _status(product) == ReviewStatus.DRAFT
    assert product.history.count() == before


def test_retiring_a_submitted_product_is_refused(client, editor, reviewer, line):
    product = make_submitted(editor, line)
    response = _post(client, reviewer, product, review.RETIRE, reason="Old")
    assert messages_of(response) == [
        review.MSG_RETIRE_WRONG_STATUS
        % {"product": product.code, "status": ReviewStatus.SUBMITTED.label}
    ]
    assert _status(product) == ReviewStatus.SUBMITTED


def test_deciding_twice_names_who_decided_first(
    client, editor, reviewer, second_reviewer, line
):
    product = make_submitted(editor, line)
    _post(client, reviewer, product, review.APPROVE)
    response = _post(client, second_reviewer, product, review.REJECT, reason="No")
    (message,) = messages_of(response)
    assert message.startswith(f"{product.code} was already decided by reviewer at ")
    assert message.endswith(f"it is now {ReviewStatus.APPROVED.label}.")
    assert _status(product) == ReviewStatus.APPROVED


def test_get_on_a_transition_without_reason_is_not_allowed(client, editor, line):
    product = make_draft(editor, line)
    client.force_login(editor)
    assert client.get(transition_url(product, review.SUBMIT)).status_code == 405
    assert client.get(transition_url(product, "explode")).status_code == 404


# --- buttons on the change page ---------------------------------------------------


def _buttons(client, user, product) -> set[str]:
    client.force_login(user)
    response = client.get(change_url(product))
    assert response.status_code == 200
    html = response.content.decode()
    return {
        action
        for action in review.TRANSITIONS
        if transition_url(product, action) in html
    }


def test_buttons_show_only_what_the_user_may_do(
    client, editor, reviewer, operator, line
):
    draft = make_draft(editor, line)
    assert _buttons(client, editor, draft) == {review.SUBMIT}
    assert _buttons(client, reviewer, draft) == set()
    submitted = make_submitted(editor, line)
    assert _buttons(client, editor, submitted) == {review.WITHDRAW}
    assert _buttons(client, reviewer, submitted) == {review.APPROVE, review.REJECT}
    assert _buttons(client, operator, submitted) == set()
    approved = make_approved(editor, reviewer, line)
    assert _buttons(client, reviewer, approved) == {review.RETIRE}
    rejected = make_rejected(editor, reviewer, line)
    assert _buttons(client, editor, rejected) == {review.REOPEN}


def test_no_approve_button_for_own_submission(client, line):
    both = make_editor_reviewer()
    product = make_draft(both, line)
    review.pilot_product_submit(product=product, user=both)
    # No decision on their own submission; withdrawing it is an editor's right.
    assert _buttons(client, both, product) == {review.WITHDRAW}


def test_no_submit_button_while_an_eligibility_check_fails(client, editor):
    product = make_draft(editor, factories.make_tariff_line(), name_en="")
    assert _buttons(client, editor, product) == set()


def test_submitted_product_is_read_only_in_the_admin(client, editor, line):
    product = make_submitted(editor, line)
    client.force_login(editor)
    response = client.post(
        change_url(product),
        {
            "code": product.code,
            "name_zh": "改名",
            "name_en": "Renamed",
            "pilot_category": product.pilot_category,
            "tariff_lines": [line.pk],
            "revision": product.revision,
        },
    )
    assert response.status_code == 403
    product.refresh_from_db()
    assert product.name_en != "Renamed"


def test_reviewers_cannot_edit_a_draft(client, editor, reviewer, line):
    product = make_draft(editor, line, name_en="Editor's name")
    client.force_login(reviewer)
    response = client.get(change_url(product))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    response = client.post(
        change_url(product),
        {
            "code": product.code,
            "name_zh": product.name_zh,
            "name_en": "Reviewer's name",
            "pilot_category": product.pilot_category,
            "tariff_lines": [line.pk],
            "revision": product.revision,
        },
    )
    assert response.status_code == 403
    product.refresh_from_db()
    assert product.name_en == "Editor's name"


def test_submitting_twice_names_who_submitted_first(client, editor, line):
    product = make_draft(editor, line)
    other_editor = factories.make_staff_user("editor-2", "Catalogue editor")
    _post(client, editor, product, review.SUBMIT)
    response = _post(client, other_editor, product, review.SUBMIT)
    (message,) = messages_of(response)
    assert message.startswith(f"{product.code} was already submitted by editor at ")
    product.refresh_from_db()
    assert product.submitted_by == editor
