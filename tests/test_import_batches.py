"""Import batches: a wholesaler records the declarations behind their listings.

The listings rule (the batch's own listings, under the line's tariff line) is one
function; each door is tried: the portal form, the admin inline, the service.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from pilot_products.models import ImportBatch, ImportBatchLine
from pilot_products.services.batches import LineData, batch_save
from tests import factories

NEW_BATCH = reverse("pilot_products:portal-batch-create")
NUMBER = "292020251000123456"


@pytest.fixture
def goods(wholesaler_a, wholesaler_b):
    line = factories.make_tariff_line("95030060")
    other_line = factories.make_tariff_line("85094000")
    product = factories.make_pilot_product(tariff_lines=[line, other_line])
    own = factories.make_listing(
        wholesaler_a, product, sku="PUZZLE-1", customs_code="9503006000"
    )
    juicer = factories.make_listing(
        wholesaler_a, product, sku="JUICER-1", customs_code="8509400000"
    )
    foreign = factories.make_listing(
        wholesaler_b, product, sku="PUZZLE-B", customs_code="9503006000"
    )
    return {"line": line, "own": own, "juicer": juicer, "foreign": foreign}


def batch_post(goods, **overrides) -> dict:
    data = {
        "declaration_number": NUMBER,
        "declared_on": "2025-05-12",
        "supervision_mode": "bonded_centre",
        "transport_mode": "rail",
        "route": "Duisburg – Yiwu",
        "origin_country": "DE",
        "dispatch_country": "DE",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "100",
        "lines-0-tariff_line": str(goods["line"].pk),
        "lines-0-quantity": "1200",
        "lines-0-unit": "piece",
        "lines-0-value_cny": "36000.50",
        "lines-0-skus": "PUZZLE-1",
    }
    data.update(overrides)
    return data


def test_a_wholesaler_records_a_batch_and_buyers_see_how_it_came_in(
    client, user_a, goods
):
    client.force_login(user_a)
    response = client.post(NEW_BATCH, batch_post(goods))
    assert response.status_code == 302, response.context["form"].errors
    batch = ImportBatch.objects.get()
    line = batch.lines.get()
    assert (line.value_cny, list(line.listings.all())) == (
        Decimal("36000.50"),
        [goods["own"]],
    )
    product_page = client.get(
        reverse("pilot_products:pilot-product", args=[goods["own"].pilot_product.code]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Imported 2025-05-12, China–Europe Railway Express return train" in (
        product_page.content.decode()
    )
    listed = client.get(reverse("pilot_products:portal-batches"))
    assert NUMBER in listed.content.decode()


def test_another_wholesalers_batch_is_a_404(client, user_a, user_b, goods):
    client.force_login(user_a)
    client.post(NEW_BATCH, batch_post(goods))
    batch = ImportBatch.objects.get()
    other = Client()
    other.force_login(user_b)
    edit = reverse("pilot_products:portal-batch-edit", args=[batch.pk])
    assert other.get(edit).status_code == 404
    assert other.post(edit, batch_post(goods, route="changed")).status_code == 404
    listed = other.get(reverse("pilot_products:portal-batches")).content.decode()
    assert NUMBER not in listed
    assert ImportBatch.objects.get().route == "Duisburg – Yiwu"


def test_the_portal_finds_only_the_wholesalers_own_skus(client, user_a, goods):
    client.force_login(user_a)
    response = client.post(NEW_BATCH, batch_post(goods, **{"lines-0-skus": "PUZZLE-B"}))
    assert response.status_code == 200
    assert "You have no listing with the SKU PUZZLE-B." in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_the_portal_refuses_a_listing_under_another_tariff_line(client, user_a, goods):
    client.force_login(user_a)
    response = client.post(NEW_BATCH, batch_post(goods, **{"lines-0-skus": "JUICER-1"}))
    page = response.content.decode()
    assert "8509400000" in page and "95030060" in page
    # What the user typed is shown again.
    assert 'value="JUICER-1"' in page
    assert ImportBatch.objects.count() == 0


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("declaration_number", "29202025100012345", "18 digits"),
        (
            "declared_on",
            str(date.today() + timedelta(days=2)),
            "cannot be in the future",
        ),
        ("lines-0-value_cny", "0", "greater than or equal to 0.01"),
    ],
)
def test_the_portal_refuses_bad_batches(client, user_a, goods, field, value, message):
    client.force_login(user_a)
    response = client.post(NEW_BATCH, batch_post(goods, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_a_batch_needs_a_line(wholesaler_a):
    batch = ImportBatch(
        wholesaler=wholesaler_a, declaration_number=NUMBER, declared_on=date(2025, 5, 1),
        supervision_mode="general_trade", transport_mode="sea",
        origin_country="JP", dispatch_country="JP",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="at least one line"):
        batch_save(batch=batch, lines=[])
    assert ImportBatch.objects.count() == 0


def test_the_service_refuses_another_wholesalers_listing(wholesaler_a, goods):
    batch = ImportBatch(
        wholesaler=wholesaler_a, declaration_number=NUMBER, declared_on=date(2025, 5, 1),
        supervision_mode="general_trade", transport_mode="sea",
        origin_country="JP", dispatch_country="JP",
    )  # fmt: skip
    line = LineData(goods["line"], 10, "piece", Decimal("5.00"), [goods["foreign"]])
    with pytest.raises(ValidationError, match="not one of this wholesaler"):
        batch_save(batch=batch, lines=[line])
    assert ImportBatch.objects.count() == 0


def test_the_admin_inline_refuses_a_listing_under_another_tariff_line(
    client, goods, wholesaler_a
):
    operator = factories.make_staff_user("operator", "Mall operator")
    client.force_login(operator)
    response = client.post(
        reverse("admin:pilot_products_importbatch_add"),
        {
            "wholesaler": wholesaler_a.pk,
            "declaration_number": NUMBER,
            "declared_on": "2025-05-12",
            "supervision_mode": "bonded_centre",
            "transport_mode": "rail",
            "route": "",
            "origin_country": "DE",
            "dispatch_country": "DE",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "1000",
            "lines-0-tariff_line": goods["line"].pk,
            "lines-0-quantity": "5",
            "lines-0-unit": "piece",
            "lines-0-value_cny": "10.00",
            "lines-0-listings": [goods["juicer"].pk],
        },  # fmt: skip
    )
    assert response.status_code == 200
    assert "8509400000" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_a_reviewer_sees_batches_but_cannot_add_one(client, reviewer):
    client.force_login(reviewer)
    assert (
        client.get(reverse("admin:pilot_products_importbatch_changelist")).status_code
        == 200
    )
    assert (
        client.get(reverse("admin:pilot_products_importbatch_add")).status_code == 403
    )


def test_editing_a_batch_replaces_its_lines_and_keeps_history(client, user_a, goods):
    client.force_login(user_a)
    client.post(NEW_BATCH, batch_post(goods))
    batch = ImportBatch.objects.get()
    edit = reverse("pilot_products:portal-batch-edit", args=[batch.pk])
    form = client.get(edit).content.decode()
    assert 'value="PUZZLE-1"' in form
    response = client.post(
        edit,
        batch_post(goods, **{"lines-0-quantity": "1300", "route": "Madrid – Yiwu"}),
    )
    assert response.status_code == 302
    assert ImportBatchLine.objects.get().quantity == 1300
    assert batch.history.count() == 2


def test_the_offer_page_tells_how_its_goods_came_in(client, user_a, goods):
    client.force_login(user_a)
    client.post(NEW_BATCH, batch_post(goods))
    buyer = Client()
    offer = buyer.get(goods["own"].get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = offer.content.decode()
    assert "2025-05-12" in page
    assert "中欧班列回程" in page
    assert "保税物流中心进出境货物（5034）" in page
    unsupplied = buyer.get(goods["juicer"].get_absolute_url()).content.decode()
    assert "2025-05-12" not in unsupplied


def test_the_edit_form_shows_the_declaration_date(client, user_a, goods):
    client.force_login(user_a)
    client.post(NEW_BATCH, batch_post(goods))
    batch = ImportBatch.objects.get()
    form = client.get(reverse("pilot_products:portal-batch-edit", args=[batch.pk]))
    assert 'value="2025-05-12"' in form.content.decode()
