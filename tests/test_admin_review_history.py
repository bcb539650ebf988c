"""History in the admin: who did what and when, field diffs, restoring a draft."""

import pytest
from django.urls import reverse
from django.utils import timezone

from pilot_products.models import PilotProduct, ReviewStatus
from pilot_products.reference_data import REFERENCE_CHANGE_REASON, load_reference_data
from pilot_products.services import review
from tests import factories
from tests.review_helpers import (
    change_url,
    edition_with_line,
    make_approved,
    make_draft,
    messages_of,
    transition_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def line():
    return edition_with_line()[1]


def _history_url(product) -> str:
    return reverse("admin:pilot_products_pilotproduct_history", args=[product.pk])


def _restore_url(product, record) -> str:
    return reverse(
        "admin:pilot_products_pilotproduct_restore",
        args=[product.pk, record.history_id],
    )


def _edit(client, product, line, **changes):
    product.refresh_from_db()
    data = {
        "code": product.code,
        "name_zh": product.name_zh,
        "name_en": product.name_en,
        "pilot_category": product.pilot_category,
        "tariff_lines": [line.pk],
        "requirements": product.requirements,
        "revision": product.revision,
    } | changes
    response = client.post(change_url(product), data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_history_shows_who_submitted_and_who_approved_and_when(
    client, editor, reviewer, line
):
    product = make_draft(editor, line)
    client.force_login(editor)
    client.post(transition_url(product, review.SUBMIT))
    client.force_login(reviewer)
    client.post(transition_url(product, review.APPROVE))
    product.refresh_from_db()

    html = client.get(_history_url(product)).content.decode()
    approval = product.history.first()
    assert approval.history_user == reviewer
    assert approval.history_change_reason == str(review.HISTORY_APPROVED)
    decided_at = timezone.localtime(product.decided_at).strftime("%Y-%m-%d %H:%M:%S")
    (row,) = [
        row
        for row in html.split("<tr>")
        if f'<td class="history-reason">{review.HISTORY_APPROVED}</td>' in row
    ]
    assert f">{decided_at}</a></td>" in row
    assert '<td class="history-user">reviewer</td>' in row
    assert (
        "<strong>Review status:</strong> <del>submitted</del> &rarr; "
        "<ins>approved</ins>"
    ) in row
    assert "<strong>Decided by:</strong> <del>-</del> &rarr; <ins>reviewer</ins>" in row
    assert f"<strong>Decided at:</strong> <del>-</del> &rarr; <ins>{decided_at}" in row
    assert "Revision:" not in row
    assert '<td class="history-user">editor</td>' in html
    assert str(review.HISTORY_SUBMITTED) in html


def test_history_shows_a_field_by_field_diff(client, editor, line):
    product = make_draft(editor, line, name_en="Dolls")
    client.force_login(editor)
    _edit(client, product, line, name_en="Dolls and toy animals")
    html = client.get(_history_url(product)).content.decode()
    assert (
        "<strong>English name:</strong> <del>Dolls</del> &rarr; "
        "<ins>Dolls and toy animals</ins>"
    ) in html


def test_rejection_reason_is_in_the_history(client, editor, reviewer, line):
    product = make_draft(editor, line)
    review.pilot_product_submit(product=product, user=editor)
    client.force_login(reviewer)
    client.post(transition_url(product, review.REJECT), {"reason": "Wrong HS code"})
    html = client.get(_history_url(product)).content.decode()
    assert "Rejected: Wrong HS code" in html


def test_restore_an_earlier_version_of_a_draft(client, editor, line):
    other_line = factories.make_tariff_line(edition=line.cbec_entries.first().edition)
    product = make_draft(editor, line, name_en="First name", requirements="Label A")
    first_version = product.history.first()
    client.force_login(editor)
    _edit(client, product, other_line, name_en="Second name", requirements="Label B")
    _edit(client, product, other_line, name_en="Third name")
    product.refresh_from_db()
    revision_before = product.revision

    history_html = client.get(_history_url(product)).content.decode()
    assert _restore_url(product, first_version) in history_html

    response = client.post(_restore_url(product, first_version), follow=True)
    assert messages_of(response) == [
        "The earlier version was restored as a new version."
    ]
    product.refresh_from_db()
    assert product.name_en == "First name"
    assert product.requirements == "Label A"
    assert list(product.tariff_lines.all()) == [line]
    assert product.status == ReviewStatus.DRAFT
    assert product.revision == revision_before + 1
    assert product.history.first().history_change_reason.startswith(
        "Restored the version of "
    )
    # The versions in between are kept.
    assert product.history.filter(name_en="Third name").exists()


def test_restore_is_refused_for_an_approved_product(client, editor, reviewer, line):
    product = make_approved(editor, reviewer, line, name_en="Approved name")
    first_version = product.history.last()
    client.force_login(editor)
    assert _restore_url(product, first_version) not in (
        client.get(_history_url(product)).content.decode()
    )
    response = client.post(_restore_url(product, first_version), follow=True)
    assert messages_of(response) == [str(review.MSG_RESTORE_NOT_DRAFT)]
    product.refresh_from_db()
    assert product.status == ReviewStatus.APPROVED


def test_restore_refuses_a_version_of_another_product(client, editor, line):
    product = make_draft(editor, line)
    other = make_draft(editor, line)
    client.force_login(editor)
    response = client.post(_restore_url(product, other.history.first()), follow=True)
    assert messages_of(response) == [
        review.MSG_RESTORE_UNKNOWN_VERSION % {"product": product.code}
    ]


def test_simple_history_revert_form_cannot_save(client, editor, line):
    product = make_draft(editor, line, name_en="Kept")
    record = product.history.first()
    client.force_login(editor)
    url = reverse(
        "admin:pilot_products_pilotproduct_simple_history",
        args=[product.pk, record.history_id],
    )
    assert client.get(url).status_code == 200
    assert client.post(url, {"name_en": "Changed"}).status_code == 405
    assert PilotProduct.objects.get(pk=product.pk).name_en == "Kept"


def test_auditor_sees_where_each_reference_product_came_from(client, reviewer):
    load_reference_data()
    product = PilotProduct.objects.get(code="P01")
    client.force_login(reviewer)
    html = client.get(_history_url(product)).content.decode()
    assert REFERENCE_CHANGE_REASON in html
    assert "system (data load)" in html
    assert "95030010" in html
