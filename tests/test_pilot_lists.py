"""Pilot list versions in the admin: copy, add and remove products, publish, compare."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from pilot_products.admin.review_forms import MSG_VERSION_TAKEN
from pilot_products.models import PilotList, PilotListStatus, PilotProduct
from pilot_products.services import pilot_lists, review
from tests.review_helpers import messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def current(reference_data):
    return PilotList.objects.get(version="2024-12")


def _url(name, *args, query=""):
    return reverse(f"admin:pilot_products_pilotlist_{name}", args=args) + query


def _copy(client, source, version="2025-06"):
    return client.post(
        _url("copy", source.pk),
        {"version": version, "name_zh": "试点清单第二版", "name_en": "Pilot list v2"},
        follow=True,
    )


def _set_products(client, pilot_list, products):
    return client.post(
        _url("change", pilot_list.pk),
        {
            "version": pilot_list.version,
            "name_zh": pilot_list.name_zh,
            "name_en": pilot_list.name_en,
            "issued_on": "",
            "source_note": pilot_list.source_note,
            "is_illustrative": "on",
            "products": [product.pk for product in products],
        },
    )


def test_editor_drafts_a_new_version_as_a_copy(client, editor, current):
    client.force_login(editor)
    response = _copy(client, current)
    assert messages_of(response) == [
        "Version 2025-06 was drafted; add and remove products below."
    ]
    new = PilotList.objects.get(version="2025-06")
    assert new.status == PilotListStatus.DRAFT
    assert new.effective_on is None
    assert set(new.products.all()) == set(current.products.all())
    assert new.products.count() == 35
    record = new.history.order_by("history_date", "history_id").first()
    assert record.history_user == editor
    assert record.history_change_reason == "Drafted as a copy of version 2024-12"


def test_copy_refuses_a_taken_version_beside_the_field(client, editor, current):
    client.force_login(editor)
    response = client.post(
        _url("copy", current.pk),
        {"version": "2024-12", "name_zh": "x", "name_en": "x"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["version"] == [
        MSG_VERSION_TAKEN % {"version": "2024-12"}
    ]


def test_add_and_remove_products_on_a_draft(client, editor, reviewer, current):
    client.force_login(editor)
    _copy(client, current)
    new = PilotList.objects.get(version="2025-06")
    kept = list(new.products.exclude(code__in=["P01", "P02"]))
    response = _set_products(client, new, kept)
    assert response.status_code == 302
    assert set(new.products.values_list("code", flat=True)) == {p.code for p in kept}
    latest = new.history.first()
    assert latest.history_user == editor
    assert "removed P01, P02" in latest.history_change_reason


def test_retired_products_cannot_be_added(client, editor, reviewer, current):
    p05 = PilotProduct.objects.get(code="P05")
    review.pilot_product_retire(product=p05, user=reviewer, reason="Ended")
    client.force_login(editor)
    _copy(client, current)
    new = PilotList.objects.get(version="2025-06")
    assert not new.products.filter(code="P05").exists()
    response = _set_products(client, new, [p05])
    assert response.status_code == 200
    assert "products" in response.context["adminform"].form.errors
    assert not new.products.filter(code="P05").exists()


def test_published_version_is_read_only(client, editor, current):
    client.force_login(editor)
    response = _set_products(client, current, [])
    assert response.status_code == 403
    assert current.products.count() == 35


def test_reviewer_publishes_with_an_effective_date(client, editor, reviewer, current):
    client.force_login(editor)
    _copy(client, current)
    new = PilotList.objects.get(version="2025-06")
    effective = timezone.localdate() + timedelta(days=30)

    refused = client.post(_url("publish", new.pk), {"effective_on": effective})
    assert refused.status_code == 403
    assert new.status == PilotListStatus.DRAFT

    client.force_login(reviewer)
    response = client.post(
        _url("publish", new.pk), {"effective_on": effective}, follow=True
    )
    assert messages_of(response) == ["Version 2025-06 was published."]
    new.refresh_from_db()
    assert new.status == PilotListStatus.PUBLISHED
    assert new.effective_on == effective
    assert new.published_by == reviewer
    assert new.published_at is not None
    assert PilotList.objects.current() == current
    assert PilotList.objects.current(today=effective) == new


def test_publish_refuses_products_not_approved(client, editor, reviewer, current):
    client.force_login(editor)
    _copy(client, current)
    new = PilotList.objects.get(version="2025-06")
    p03 = PilotProduct.objects.get(code="P03")
    review.pilot_product_retire(product=p03, user=reviewer, reason="Ended")
    client.force_login(reviewer)
    response = client.post(_url("publish", new.pk), {"effective_on": "2031-01-01"})
    assert response.context["form"].non_field_errors() == [
        pilot_lists.MSG_PUBLISH_NOT_APPROVED % {"products": "P03"}
    ]
    new.refresh_from_db()
    assert new.status == PilotListStatus.DRAFT


def test_publish_refuses_a_date_before_the_version_in_force(client, reviewer, current):
    editor_copy = PilotList.objects.create(
        version="2025-01", name_zh="x", name_en="x", status=PilotListStatus.DRAFT
    )
    editor_copy.products.set(current.products.all())
    client.force_login(reviewer)
    response = client.post(
        _url("publish", editor_copy.pk), {"effective_on": "2024-11-01"}
    )
    assert response.context["form"].non_field_errors() == [
        pilot_lists.MSG_PUBLISH_BEFORE_CURRENT
        % {"version": "2024-12", "date": date(2024, 12, 1).isoformat()}
    ]


def test_publish_form_shows_a_bad_date_beside_the_field(client, reviewer, current):
    client.force_login(reviewer)
    draft = PilotList.objects.create(version="2025-02", name_zh="x", name_en="x")
    response = client.post(_url("publish", draft.pk), {"effective_on": "31/02/2025"})
    assert response.status_code == 200
    assert "effective_on" in response.context["form"].errors


def test_compare_page_lists_added_removed_and_changed(
    client, editor, reviewer, current
):
    client.force_login(editor)
    _copy(client, current)
    new = PilotList.objects.get(version="2025-06")
    draft_product = PilotProduct.objects.create(
        code="P36",
        name_zh="新品",
        name_en="New product",
        pilot_category="personal_care",
    )
    p01 = PilotProduct.objects.get(code="P01")
    pilot_lists.pilot_list_change_products(
        pilot_list=new, user=editor, add=[draft_product], remove=[p01]
    )
    p02 = PilotProduct.objects.get(code="P02")
    review.pilot_product_retire(product=p02, user=reviewer, reason="Ended")

    client.force_login(reviewer)
    response = client.get(_url("compare", query=f"?old={current.pk}&new={new.pk}"))
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert [p.code for p in comparison.added] == ["P36"]
    assert [p.code for p in comparison.removed] == ["P01"]
    assert [item.product.code for item in comparison.changed] == ["P02"]
    (change,) = comparison.changed[0].changes
    assert (change.label, change.old, change.new) == (
        "review status",
        "approved",
        "retired",
    )
    assert len(comparison.unchanged) == 33
    html = response.content.decode()
    assert "Added: 1 product" in html
    assert "Removed: 1 product" in html
    assert "Changed: 1 product" in html
    assert "<del>approved</del> &rarr; <ins>retired</ins>" in html


def test_change_page_offers_copy_publish_and_compare(client, editor, reviewer, current):
    draft = PilotList.objects.create(version="2025-03", name_zh="x", name_en="x")
    client.force_login(reviewer)
    html = client.get(_url("change", draft.pk)).content.decode()
    assert _url("copy", draft.pk) not in html
    assert _url("publish", draft.pk) in html
    assert f"old={current.pk}&amp;new={draft.pk}" in html
    client.force_login(editor)
    html = client.get(_url("change", draft.pk)).content.decode()
    assert _url("copy", draft.pk) in html
    assert _url("publish", draft.pk) not in html
