"""The review workflow holds at every door: a spreadsheet creates drafts and changes
drafts and rejected products, and a row that would change a submitted, approved or
retired product is refused with the same sentence as the admin's save."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from pilot_products import rules
from pilot_products.models import PilotProduct, ReviewStatus
from pilot_products.services import review
from pilot_products.spreadsheets.specs import PilotProductsSpec
from tests import factories
from tests.doors.helpers import (
    codes,
    import_through_admin,
    import_through_command,
    rendered,
)

pytestmark = pytest.mark.django_db

HEADERS = [column.key for column in PilotProductsSpec.columns]
LOCKED = {
    ReviewStatus.SUBMITTED: rules.MSG_PRODUCT_SUBMITTED_LOCKED,
    ReviewStatus.APPROVED: rules.MSG_PRODUCT_APPROVED_LOCKED,
    ReviewStatus.RETIRED: rules.MSG_PRODUCT_RETIRED_LOCKED,
}


def product_row(product, **changes) -> list:
    values = {
        "code": product.code,
        "name_zh": product.name_zh,
        "name_en": product.name_en,
        "pilot_category": product.pilot_category,
        "tariff_lines": ";".join(
            sorted(product.tariff_lines.values_list("code", flat=True))
        ),
        "requirements": product.requirements,
        "is_illustrative": "yes" if product.is_illustrative else "no",
        "status": product.status,
        **changes,
    }
    return [values[key] for key in HEADERS]


def _state():
    return sorted(
        PilotProduct.objects.values_list(
            "code", "name_zh", "name_en", "status", "revision", "requirements"
        )
    )


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(editor)
    return client


@pytest.mark.parametrize("door", ["admin import", "catalogue_import"])
@pytest.mark.parametrize(
    "status", [ReviewStatus.SUBMITTED, ReviewStatus.APPROVED, ReviewStatus.RETIRED]
)
def test_a_row_changing_a_reviewed_product_is_refused_and_names_it(
    status, door, editor_client, tmp_path, settings
):
    product = factories.make_pilot_product(status=status)
    rows = [HEADERS, product_row(product, name_en="Quietly renamed")]
    before = _state()
    if door == "admin import":
        answer = import_through_admin(editor_client, "pilotproduct", rows)
    else:
        answer = import_through_command("pilot-products", rows, tmp_path)
    expected = str(LOCKED[status] % {"product": product.code})
    assert expected in answer.messages
    assert product.code in expected
    assert not answer.imported
    assert _state() == before


@pytest.mark.parametrize(
    "status", [ReviewStatus.SUBMITTED, ReviewStatus.APPROVED, ReviewStatus.RETIRED]
)
def test_the_admin_save_refuses_with_the_same_rule(status, editor):
    """The admin form's service: the same code and sentence as the import's row."""
    product = factories.make_pilot_product(status=status)
    product.name_en = "Quietly renamed"
    with pytest.raises(ValidationError) as refused:
        review.pilot_product_save(product=product, user=editor)
    assert codes(refused.value) == {"not_editable"}
    assert rendered(refused.value) == [str(LOCKED[status] % {"product": product.code})]
    assert PilotProduct.objects.get(pk=product.pk).name_en != "Quietly renamed"


@pytest.mark.parametrize("status", [ReviewStatus.APPROVED, ReviewStatus.RETIRED])
def test_the_admin_change_form_and_revert_page_do_not_save_reviewed_products(
    status, editor_client
):
    product = factories.make_pilot_product(status=status)
    before = _state()
    change = editor_client.post(
        f"/admin/pilot_products/pilotproduct/{product.pk}/change/",
        {"name_en": "Quietly renamed"},
    )
    version = product.history.first()
    revert = editor_client.post(
        f"/admin/pilot_products/pilotproduct/{product.pk}/history/{version.pk}/",
        {"name_en": "Quietly renamed"},
    )
    assert change.status_code == 403
    assert revert.status_code == 405
    assert _state() == before


def test_an_unchanged_row_of_an_approved_product_passes(editor_client, tmp_path):
    product = factories.make_pilot_product(status=ReviewStatus.APPROVED)
    answer = import_through_command(
        "pilot-products", [HEADERS, product_row(product)], tmp_path
    )
    assert answer.messages == []
    assert answer.imported


def test_drafts_and_rejected_products_change_and_keep_their_state(
    editor_client, editor, tmp_path, settings
):
    draft = factories.make_pilot_product(status=ReviewStatus.DRAFT)
    rejected = factories.make_pilot_product(
        status=ReviewStatus.REJECTED, status_reason="Missing CCC."
    )
    line = draft.tariff_lines.first()
    new_row = product_row(draft, code="P9901", name_en="New type")
    answer = import_through_admin(
        editor_client,
        "pilotproduct",
        [
            HEADERS,
            product_row(draft, name_en="Draft renamed"),
            product_row(rejected, requirements="CCC certificate"),
            new_row,
        ],
    )
    assert answer.messages == []
    assert answer.imported
    draft_after = PilotProduct.objects.get(pk=draft.pk)
    rejected_after = PilotProduct.objects.get(pk=rejected.pk)
    created = PilotProduct.objects.get(code="P9901")
    assert (draft_after.name_en, draft_after.status) == ("Draft renamed", "draft")
    assert draft_after.revision == draft.revision + 1
    assert rejected_after.status == ReviewStatus.REJECTED
    assert rejected_after.status_reason == "Missing CCC."
    assert rejected_after.requirements == "CCC certificate"
    assert created.status == ReviewStatus.DRAFT
    assert created.created_by == editor
    assert list(created.tariff_lines.all()) == [line]
    assert draft_after.history.first().history_user == editor


def test_a_new_product_row_cannot_claim_a_review_state(editor_client, tmp_path):
    """The status column is read-only: a new row is a draft whatever it says."""
    line = factories.make_tariff_line()
    template = factories.make_pilot_product(tariff_lines=[line])
    row = product_row(template, code="P9902", status="approved")
    answer = import_through_command("pilot-products", [HEADERS, row], tmp_path)
    assert answer.imported
    assert PilotProduct.objects.get(code="P9902").status == ReviewStatus.DRAFT


def test_a_reason_with_a_bidi_override_is_refused_on_the_reason_form(reviewer, editor):
    product = factories.make_pilot_product(
        status=ReviewStatus.SUBMITTED, submitted_by=editor
    )
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(reviewer)
    response = client.post(
        f"/admin/pilot_products/pilotproduct/{product.pk}/transition/reject/",
        {"reason": "Not \u202eon the list"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {e.code for e in form.errors.as_data()["reason"]} == {"invisible_character"}
    assert PilotProduct.objects.get(pk=product.pk).status == ReviewStatus.SUBMITTED
