from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from pilot_products.models import (
    CbecListEdition,
    Listing,
    ListingStatus,
    WholesalerStatus,
)
from pilot_products.rules import MSG_BOOTH_NOT_OWN
from pilot_products.validators import MSG_CUSTOMS_CODE_NOT_COVERED
from tests import factories

pytestmark = pytest.mark.django_db


def test_booth_is_written_the_yiwu_way():
    booth = factories.make_booth(
        district=5, gate="7", floor=1, street=12, number="12345"
    )
    assert booth.address == "5区 7门 1楼 12街 12345"
    booth.gate = ""
    assert str(booth) == "5区 1楼 12街 12345"


def test_names_follow_the_active_language_with_fallback():
    wholesaler = factories.make_wholesaler(
        name_zh="义乌环球进口贸易有限公司", name_en=""
    )
    with translation.override("en"):
        assert wholesaler.display_name == "义乌环球进口贸易有限公司"
    wholesaler.name_en = "Yiwu Global Import Trading Co., Ltd."
    with translation.override("en"):
        assert wholesaler.display_name == "Yiwu Global Import Trading Co., Ltd."
    with translation.override("zh-hans"):
        assert wholesaler.display_name == "义乌环球进口贸易有限公司"


def test_edition_in_force_is_the_latest_effective_one():
    old = factories.make_edition(code="2019", effective_on=date(2020, 1, 1))
    current = factories.make_edition(code="2022", effective_on=date(2022, 3, 1))
    factories.make_edition(code="2099", effective_on=date(2099, 1, 1))
    assert CbecListEdition.objects.in_force(date(2021, 6, 1)) == old
    assert CbecListEdition.objects.in_force(date(2026, 1, 1)) == current


def test_listing_customs_code_must_start_with_a_product_tariff_line():
    product = factories.make_pilot_product(
        tariff_lines=[factories.make_tariff_line("95030060")]
    )
    listing = factories.make_listing(pilot_product=product)
    listing.customs_code = "9503008900"
    with pytest.raises(ValidationError) as caught:
        listing.full_clean()
    expected = MSG_CUSTOMS_CODE_NOT_COVERED % {"lines": "95030060"}
    assert caught.value.message_dict == {"customs_code": [expected]}


def test_listing_booth_must_be_the_wholesalers_own():
    listing = factories.make_listing()
    listing.booth = factories.make_booth(factories.make_wholesaler())
    with pytest.raises(ValidationError) as caught:
        listing.full_clean()
    assert caught.value.message_dict == {"booth": [str(MSG_BOOTH_NOT_OWN)]}


def test_visible_to_buyers_needs_active_listing_wholesaler_and_approved_product():
    visible = factories.make_listing()
    paused = factories.make_listing(status=ListingStatus.PAUSED)
    suspended = factories.make_listing(
        factories.make_wholesaler(status=WholesalerStatus.SUSPENDED)
    )
    unapproved = factories.make_listing(
        pilot_product=factories.make_pilot_product(status="submitted")
    )
    shown = set(Listing.objects.visible_to_buyers())
    assert visible in shown
    assert not shown & {paused, suspended, unapproved}


def test_for_wholesaler_returns_only_that_wholesalers_listings():
    mine = factories.make_listing()
    factories.make_listing()
    assert list(Listing.objects.for_wholesaler(mine.wholesaler)) == [mine]


def test_history_is_recorded_for_listing_changes():
    listing = factories.make_listing()
    listing.stock = 7
    listing.save()
    assert [h.stock for h in listing.history.all()] == [7, 100]


@pytest.mark.django_db
def test_of_two_editions_on_the_same_dates_the_first_recorded_stays_in_force():
    first = factories.make_edition(code="same-1")
    factories.make_edition(code="same-2")
    # An update moves the row to the end of PostgreSQL's table: without a
    # tie-breaker a plain read then met the second edition first.
    first.name_en = "Edition, renamed"
    first.save()
    for _ in range(3):
        assert CbecListEdition.objects.in_force(date(2023, 1, 1)) == first
