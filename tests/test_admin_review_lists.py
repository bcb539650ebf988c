"""The pilot product changelist: bulk actions, review queue, filters, search, editing."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from pilot_products.admin.products import MSG_BULK_SUMMARY, MSG_SKIPPED
from pilot_products.eligibility import LABEL_LINES_ON_LIST, MSG_LINES_NOT_ON_LIST
from pilot_products.models import PilotCategory, PilotList, PilotProduct, ReviewStatus
from pilot_products.services import review
from tests import factories
from tests.review_helpers import (
    change_url,
    changelist_url,
    edition_with_line,
    make_approved,
    make_draft,
    make_editor_reviewer,
    make_submitted,
    messages_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition_and_line():
    return edition_with_line()


@pytest.fixture
def line(edition_and_line):
    return edition_and_line[1]


def _statuses(*products) -> list[str]:
    return [PilotProduct.objects.get(pk=p.pk).status for p in products]


def _bulk(client, action, products, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [p.pk for p in products], **extra}
    return client.post(changelist_url(), data, follow=True)


def test_bulk_approve_reports_each_product(client, editor, reviewer, line):
    eligible = make_submitted(editor, line)
    draft = make_draft(editor, line)
    both = make_editor_reviewer()
    own = make_submitted(both, line)
    off_list = make_submitted(editor, line)
    missing_line = factories.make_tariff_line()
    off_list.tariff_lines.add(missing_line)

    client.force_login(both)
    response = _bulk(client, "approve_selected", [eligible, draft, own, off_list])
    shown = messages_of(response)

    edition = off_list.tariff_lines.first().cbec_entries.first().edition
    failed_reason = MSG_LINES_NOT_ON_LIST % {
        "edition": edition.code,
        "lines": missing_line.code,
    }
    assert shown[0] == review.MSG_APPROVED % {"product": eligible.code}
    assert shown[1] == MSG_SKIPPED % {
        "product": draft.code,
        "reason": review.MSG_DECIDE_WRONG_STATUS
        % {"product": draft.code, "status": ReviewStatus.DRAFT.label},
    }
    assert shown[2] == MSG_SKIPPED % {
        "product": own.code,
        "reason": review.MSG_FOUR_EYES % {"product": own.code},
    }
    assert shown[3] == MSG_SKIPPED % {
        "product": off_list.code,
        "reason": review.MSG_NOT_ELIGIBLE
        % {
            "product": off_list.code,
            "checks": f"{LABEL_LINES_ON_LIST}: {failed_reason}",
        },
    }
    assert shown[4] == MSG_BULK_SUMMARY % {"done": 1, "total": 4, "skipped": 3}
    assert _statuses(eligible, draft, own, off_list) == [
        ReviewStatus.APPROVED,
        ReviewStatus.DRAFT,
        ReviewStatus.SUBMITTED,
        ReviewStatus.SUBMITTED,
    ]


def test_bulk_submit_by_editor(client, editor, reviewer, line):
    draft = make_draft(editor, line)
    approved = make_approved(editor, reviewer, line)
    client.force_login(editor)
    shown = messages_of(_bulk(client, "submit_selected", [draft, approved]))
    assert review.MSG_SUBMITTED % {"product": draft.code} in shown
    assert _statuses(draft, approved) == [ReviewStatus.SUBMITTED, ReviewStatus.APPROVED]


def test_bulk_reject_asks_for_a_reason_then_applies(client, editor, reviewer, line):
    first, second = make_submitted(editor, line), make_submitted(editor, line)
    approved = make_approved(editor, reviewer, line)
    client.force_login(reviewer)
    response = _bulk(client, "reject_selected", [first, second, approved])
    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()
    assert _statuses(first, second) == [ReviewStatus.SUBMITTED] * 2

    refused = _bulk(client, "reject_selected", [first, second], apply="1", reason="")
    assert refused.context["form"].errors["reason"] == ["This field is required."]
    assert _statuses(first, second) == [ReviewStatus.SUBMITTED] * 2

    done = _bulk(
        client,
        "reject_selected",
        [first, second, approved],
        apply="1",
        reason="Duplicate of P01",
    )
    assert MSG_BULK_SUMMARY % {"done": 2, "total": 3, "skipped": 1} in messages_of(done)
    assert _statuses(first, second, approved) == [
        ReviewStatus.REJECTED,
        ReviewStatus.REJECTED,
        ReviewStatus.APPROVED,
    ]
    first.refresh_from_db()
    assert first.status_reason == "Duplicate of P01"


def test_bulk_retire_pauses_listings(client, editor, reviewer, line):
    product = make_approved(editor, reviewer, line)
    listing = factories.make_listing(pilot_product=product)
    client.force_login(reviewer)
    _bulk(client, "retire_selected", [product], apply="1", reason="Pilot ended")
    listing.refresh_from_db()
    assert listing.status == "paused"
    assert _statuses(product) == [ReviewStatus.RETIRED]


def test_actions_offered_per_role(client, editor, reviewer, operator, line):
    make_draft(editor, line)

    def offered(user):
        client.force_login(user)
        form = client.get(changelist_url()).context["action_form"]
        if form is None:
            return set()
        return {name for name, _label in form.fields["action"].choices}

    assert {"submit_selected", "reopen_selected"} <= offered(editor)
    assert not {"approve_selected", "reject_selected"} & offered(editor)
    assert {"approve_selected", "reject_selected", "retire_selected"} <= offered(
        reviewer
    )
    assert not {"submit_selected"} & offered(reviewer)
    assert not {"submit_selected", "approve_selected"} & offered(operator)


def test_editor_cannot_force_a_review_action(client, editor, line):
    product = make_submitted(editor, line)
    client.force_login(editor)
    _bulk(client, "approve_selected", [product])
    assert _statuses(product) == [ReviewStatus.SUBMITTED]


# --- review queue on the admin index ---------------------------------------------


def test_admin_index_shows_waiting_for_my_review(client, editor, reviewer, line):
    waiting = [make_submitted(editor, line) for _ in range(2)]
    flagged = make_approved(editor, reviewer, line)
    flagged.needs_review = True
    flagged.needs_review_note = "CBEC list edition 2022 no longer has 95030010."
    flagged.save()
    make_draft(editor, line)
    both = make_editor_reviewer()
    own = make_submitted(both, line)

    client.force_login(both)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Waiting for my review: 3 products" in html
    for product in [*waiting, flagged]:
        assert change_url(product) in html
    assert change_url(own) not in html
    assert "CBEC list edition 2022 no longer has 95030010." in html

    client.force_login(reviewer)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Waiting for my review: 4 products" in html


def test_admin_index_has_no_queue_for_editors(client, editor, line):
    make_submitted(editor, line)
    client.force_login(editor)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Waiting for my review" not in html


def test_queue_filter_lists_what_waits_for_me(client, editor, reviewer, line):
    waiting = make_submitted(editor, line)
    make_draft(editor, line)
    client.force_login(reviewer)
    response = client.get(changelist_url(), {"queue": "mine"})
    assert list(response.context["cl"].result_list) == [waiting]


# --- filters, search, autocomplete, badge --------------------------------------------


def _listed(client, **params) -> set[str]:
    response = client.get(changelist_url(), params)
    assert response.status_code == 200
    return {product.code for product in response.context["cl"].result_list}


def test_filters_and_search(client, editor, reviewer, line):
    draft = make_draft(editor, line, name_en="Building blocks", name_zh="积木")
    approved = make_approved(
        editor,
        reviewer,
        line,
        pilot_category=PilotCategory.PERSONAL_CARE,
        name_en="Toothbrush",
        name_zh="牙刷",
    )
    other_line = factories.make_tariff_line("85102000", edition=None)
    flagged = factories.make_pilot_product(tariff_lines=[other_line], needs_review=True)
    client.force_login(reviewer)
    assert _listed(client, status__exact="draft") == {draft.code}
    assert _listed(client, status__exact="approved") == {approved.code, flagged.code}
    assert _listed(client, pilot_category__exact="personal_care") == {approved.code}
    assert _listed(client, needs_review__exact="1") == {flagged.code}
    assert _listed(client, submitted_by__id__exact=str(editor.pk)) == {approved.code}
    assert _listed(client, q="牙刷") == {approved.code}
    assert _listed(client, q="building") == {draft.code}
    assert _listed(client, q="85102000") == {flagged.code}
    assert _listed(client, q=draft.code) == {draft.code}


def test_filter_by_pilot_list(client, reviewer, reference_data):
    client.force_login(reviewer)
    pilot_list = PilotList.objects.get(version="2024-12")
    assert len(_listed(client, pilot_lists__id__exact=str(pilot_list.pk))) == 35


def test_status_badge_is_readable(client, editor, line):
    make_draft(editor, line)
    client.force_login(editor)
    html = client.get(changelist_url()).content.decode()
    assert '<span class="review-badge review-badge--draft">Draft</span>' in html


def test_tariff_line_autocomplete(client, editor, line):
    factories.make_tariff_line("85163100", name_en="Hair dryers")
    client.force_login(editor)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "pilot_products",
            "model_name": "pilotproduct",
            "field_name": "tariff_lines",
            "term": "851631",
        },
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [result["text"] for result in results] == ["85163100 Hair dryers"]


# --- creating and editing ----------------------------------------------------------


def _form_data(product, line, **changes):
    return {
        "code": product.code,
        "name_zh": product.name_zh,
        "name_en": product.name_en,
        "pilot_category": product.pilot_category,
        "tariff_lines": [line.pk],
        "requirements": product.requirements,
        "revision": product.revision,
    } | changes


def test_editor_creates_a_draft(client, editor, line):
    client.force_login(editor)
    response = client.post(
        reverse("admin:pilot_products_pilotproduct_add"),
        {
            "code": "P90",
            "name_zh": "电动牙刷",
            "name_en": "Electric toothbrushes",
            "pilot_category": "personal_care",
            "tariff_lines": [line.pk],
            "requirements": "Chinese label",
            "revision": "0",
        },
    )
    assert response.status_code == 302
    product = PilotProduct.objects.get(code="P90")
    assert product.status == ReviewStatus.DRAFT
    assert product.created_by == editor
    assert list(product.tariff_lines.all()) == [line]
    assert product.history.first().history_user == editor


def test_second_save_of_the_same_version_is_refused(client, editor, line):
    product = make_draft(editor, line)
    other_editor = factories.make_staff_user("editor-2", "Catalogue editor")
    client.force_login(editor)
    first = client.post(change_url(product), _form_data(product, line, name_en="A"))
    assert first.status_code == 302

    client.force_login(other_editor)
    second = client.post(change_url(product), _form_data(product, line, name_en="B"))
    assert second.status_code == 200
    assert second.context["adminform"].form.non_field_errors() == [
        review.MSG_STALE_REVISION % {"product": product.code, "user": "editor"}
    ]
    product.refresh_from_db()
    assert product.name_en == "A"
    assert product.revision == 2


def test_eligibility_panel_on_the_change_page(client, editor, edition_and_line):
    edition, line = edition_and_line
    missing = factories.make_tariff_line()
    product = make_draft(editor, line)
    product.tariff_lines.add(missing)
    client.force_login(editor)
    html = client.get(change_url(product)).content.decode()
    assert str(LABEL_LINES_ON_LIST) in html
    assert (
        MSG_LINES_NOT_ON_LIST % {"edition": edition.code, "lines": missing.code}
    ) in html
    assert "eligibility--fail" in html
