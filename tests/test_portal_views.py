"""Wholesaler portal: dashboard, listings, create and edit with tiers, status actions."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from pilot_products import rules
from pilot_products.models import Listing, ListingStatus, PriceTier, ReviewStatus
from pilot_products.services import listings as services
from pilot_products.validators import (
    MSG_PRICE_POSITIVE,
    MSG_TIERS_FIRST_AT_MOQ,
    MSG_TIERS_PRICE_ORDER,
)
from tests import factories

CREATE = reverse("pilot_products:portal-listing-create")
LIST = reverse("pilot_products:portal-listings")


@pytest.fixture
def product(db):
    line = factories.make_tariff_line("95030040")
    return factories.make_pilot_product(code="P41", tariff_lines=[line])


@pytest.fixture
def booth_a(wholesaler_a):
    return factories.make_booth(wholesaler_a, number="20001")


@pytest.fixture
def booth_b(wholesaler_b):
    return factories.make_booth(wholesaler_b, number="20002")


@pytest.fixture
def client_a(client, user_a):
    client.force_login(user_a)
    return client


def listing_post(product, booth=None, **overrides):
    data = {
        "pilot_product": product.pk,
        "sku": "NEW-001",
        "customs_code": "9503004000",
        "title_zh": "新积木",
        "title_en": "New blocks",
        "brand": "Sakura",
        "country_of_origin": "JP",
        "unit": "piece",
        "unit_price": "12.00",
        "moq": "10",
        "stock": "200",
        "booth": booth.pk if booth else "",
        "tiers-TOTAL_FORMS": "3",
        "tiers-INITIAL_FORMS": "0",
        "tiers-MIN_NUM_FORMS": "0",
        "tiers-MAX_NUM_FORMS": "10",
        "tiers-0-min_quantity": "10",
        "tiers-0-unit_price": "12.00",
        "tiers-1-min_quantity": "100",
        "tiers-1-unit_price": "10.50",
    }
    return data | overrides


def test_create_listing_with_two_price_tiers(client_a, wholesaler_a, product, booth_a):
    response = client_a.post(CREATE, listing_post(product, booth_a))
    assert response.status_code == 302
    listing = Listing.objects.get(sku="NEW-001")
    assert listing.wholesaler == wholesaler_a
    assert listing.status == ListingStatus.DRAFT
    assert listing.booth == booth_a
    assert timezone.now() - listing.stock_confirmed_at < timedelta(minutes=1)
    assert list(listing.price_tiers.values_list("min_quantity", "unit_price")) == [
        (10, Decimal("12.00")),
        (100, Decimal("10.50")),
    ]


def test_wholesaler_in_the_post_is_ignored(
    client_a, wholesaler_a, wholesaler_b, product
):
    client_a.post(CREATE, listing_post(product, wholesaler=wholesaler_b.pk))
    assert Listing.objects.get(sku="NEW-001").wholesaler == wholesaler_a


def test_another_wholesalers_booth_is_refused_and_logged(
    client_a, product, booth_b, security_events
):
    response = client_a.post(CREATE, listing_post(product, booth_b))
    assert response.status_code == 200
    assert "booth" in response.context["form"].errors
    assert not Listing.objects.exists()
    (attempt,) = security_events.named("cross_wholesaler_attempt")
    assert (attempt["model"], attempt["object_id"], attempt["user"]) == (
        "pilot_products.Booth",
        str(booth_b.pk),
        "wholesaler-a",
    )


def test_unknown_booth_is_refused_but_not_an_attempt(
    client_a, product, security_events
):
    response = client_a.post(CREATE, listing_post(product) | {"booth": "999999"})
    assert "booth" in response.context["form"].errors
    assert security_events.named("cross_wholesaler_attempt") == []


def test_bad_tiers_are_shown_with_the_typed_values_kept(client_a, product):
    data = listing_post(product, **{"tiers-0-min_quantity": "20"})
    response = client_a.post(CREATE, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert str(MSG_TIERS_FIRST_AT_MOQ) in html
    assert 'value="New blocks"' in html
    assert 'value="20"' in html
    assert not Listing.objects.exists()


def test_rising_tier_price_is_refused(client_a, product):
    data = listing_post(product, **{"tiers-1-unit_price": "12.50"})
    response = client_a.post(CREATE, data)
    assert str(MSG_TIERS_PRICE_ORDER) in response.content.decode()
    assert not PriceTier.objects.exists()


def test_field_errors_are_shown_beside_the_field(client_a, product):
    response = client_a.post(
        CREATE,
        listing_post(
            product,
            customs_code="１２３",
            unit_price="-1",
            **{"tiers-0-unit_price": "0"},
        ),
    )
    form = response.context["form"]
    assert {"customs_code", "unit_price"} <= set(form.errors)
    assert str(MSG_PRICE_POSITIVE) in form.errors["unit_price"]
    assert (
        str(MSG_PRICE_POSITIVE)
        in response.context["tiers"].forms[0].errors["unit_price"]
    )
    assert 'value="１２３"' in response.content.decode()
    assert not Listing.objects.exists()


def test_customs_code_must_belong_to_the_product(client_a, product):
    response = client_a.post(CREATE, listing_post(product, customs_code="0401100000"))
    assert "customs_code" in response.context["form"].errors


def test_duplicate_sku_is_an_error_not_a_crash(client_a, wholesaler_a, product):
    factories.make_listing(wholesaler_a, product, sku="NEW-001")
    response = client_a.post(CREATE, listing_post(product))
    assert response.status_code == 200
    assert str(services.MSG_SKU_TAKEN) in response.context["form"].errors["sku"]


def test_same_sku_as_another_wholesaler_is_fine(client_a, wholesaler_b, product):
    factories.make_listing(wholesaler_b, product, sku="NEW-001")
    assert client_a.post(CREATE, listing_post(product)).status_code == 302
    assert Listing.objects.filter(sku="NEW-001").count() == 2


def test_edit_replaces_tiers_and_a_new_stock_figure_counts_as_confirmed(
    client_a, wholesaler_a, product
):
    listing = factories.make_listing(
        wholesaler_a,
        product,
        sku="E-1",
        moq=10,
        stock=50,
        stock_confirmed_at=None,
        tiers=[(10, Decimal("12.50"))],
    )
    url = reverse("pilot_products:portal-listing-edit", args=[listing.pk])
    assert client_a.get(url).status_code == 200
    tier = listing.price_tiers.get()
    data = listing_post(
        product,
        sku="E-1",
        title_en="Renamed",
        **{
            "tiers-INITIAL_FORMS": "1",
            "tiers-0-id": str(tier.pk),
            "tiers-0-listing": str(listing.pk),
            "tiers-0-min_quantity": "10",
            "tiers-0-unit_price": "12.00",
            "tiers-1-min_quantity": "",
            "tiers-1-unit_price": "",
        },
    )
    response = client_a.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    listing.refresh_from_db()
    assert listing.title_en == "Renamed"
    assert listing.stock == 200
    assert listing.stock_confirmed_at is not None
    assert list(listing.price_tiers.values_list("min_quantity", "unit_price")) == [
        (10, Decimal("12.00"))
    ]


@pytest.mark.parametrize(
    ("start", "action", "end"),
    [
        (ListingStatus.ACTIVE, "pause", ListingStatus.PAUSED),
        (ListingStatus.PAUSED, "activate", ListingStatus.ACTIVE),
        (ListingStatus.DRAFT, "activate", ListingStatus.ACTIVE),
        (ListingStatus.ACTIVE, "delist", ListingStatus.DELISTED),
        (ListingStatus.DELISTED, "relist", ListingStatus.ACTIVE),
    ],
)
def test_status_actions(client_a, wholesaler_a, product, start, action, end):
    listing = factories.make_listing(wholesaler_a, product, status=start)
    url = reverse("pilot_products:portal-listing-action", args=[listing.pk, action])
    assert client_a.post(url, {"confirm": "1"}).status_code == 302
    listing.refresh_from_db()
    assert listing.status == end


def test_delist_asks_first_and_says_how_to_undo(client_a, wholesaler_a, product):
    listing = factories.make_listing(wholesaler_a, product, status=ListingStatus.ACTIVE)
    url = reverse("pilot_products:portal-listing-action", args=[listing.pk, "delist"])
    response = client_a.post(url, {"next": LIST})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="confirm" value="1"' in page
    assert f'href="{LIST}"' in page
    assert "Relist" in page
    listing.refresh_from_db()
    assert listing.status == ListingStatus.ACTIVE


def test_relist_refuses_a_listing_that_is_not_delisted(client_a, wholesaler_a, product):
    listing = factories.make_listing(wholesaler_a, product, status=ListingStatus.PAUSED)
    url = reverse("pilot_products:portal-listing-action", args=[listing.pk, "relist"])
    response = client_a.post(url, follow=True)
    assert str(services.MSG_RELIST_NOT_DELISTED) in response.content.decode()
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PAUSED


def test_a_delisted_listing_is_relisted_not_created_again(
    client_a, wholesaler_a, product
):
    """Its SKU stays taken, and the refusal says how to get the listing back."""
    listing = factories.make_listing(
        wholesaler_a, product, sku="OLD-1", status=ListingStatus.DELISTED
    )
    page = client_a.get(LIST)
    relist = reverse(
        "pilot_products:portal-listing-action", args=[listing.pk, "relist"]
    )
    assert f'action="{relist}"' in page.content.decode()
    response = client_a.post(CREATE, listing_post(product, sku="OLD-1"))
    assert response.status_code == 200
    expected = rules.MSG_SKU_TAKEN_BY_DELISTED % {"sku": "OLD-1"}
    assert expected in response.context["form"].errors["sku"]


def test_listing_of_retired_product_cannot_be_activated(wholesaler_a, product):
    listing = factories.make_listing(wholesaler_a, product, status=ListingStatus.PAUSED)
    product.status = ReviewStatus.RETIRED
    product.save()
    with pytest.raises(Exception, match="not approved"):
        services.listing_activate(listing=listing)


def test_actions_answer_only_post(client_a, wholesaler_a, product):
    listing = factories.make_listing(wholesaler_a, product)
    url = reverse("pilot_products:portal-listing-action", args=[listing.pk, "pause"])
    assert client_a.get(url).status_code == 405
    listing.refresh_from_db()
    assert listing.status == ListingStatus.ACTIVE


def test_unknown_action_is_404(client_a, wholesaler_a, product):
    listing = factories.make_listing(wholesaler_a, product)
    url = reverse("pilot_products:portal-listing-action", args=[listing.pk, "explode"])
    assert client_a.post(url).status_code == 404


def test_confirm_stock_records_the_time(client_a, wholesaler_a, product):
    listing = factories.make_listing(wholesaler_a, product, stock_confirmed_at=None)
    url = reverse(
        "pilot_products:portal-listing-action", args=[listing.pk, "confirm-stock"]
    )
    client_a.post(url)
    listing.refresh_from_db()
    assert timezone.now() - listing.stock_confirmed_at < timedelta(minutes=1)


def test_action_redirect_stays_inside_the_portal(client_a, wholesaler_a, product):
    listing = factories.make_listing(wholesaler_a, product)
    url = reverse("pilot_products:portal-listing-action", args=[listing.pk, "pause"])
    response = client_a.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == LIST


def test_dashboard_counts_and_warnings(client_a, wholesaler_a, wholesaler_b, product):
    old = timezone.now() - timedelta(days=45)
    factories.make_listing(
        wholesaler_a, product, stock=3, stock_confirmed_at=timezone.now()
    )
    factories.make_listing(wholesaler_a, product, stock_confirmed_at=old)
    factories.make_listing(wholesaler_a, product, status=ListingStatus.PAUSED)
    factories.make_listing(wholesaler_b, product, stock=1)
    response = client_a.get(reverse("pilot_products:portal-dashboard"))
    context = response.context
    assert context["status_counts"] == {
        "draft": 0,
        "active": 2,
        "paused": 1,
        "delisted": 0,
    }
    assert context["low_stock_count"] == 1
    assert context["unconfirmed_count"] == 2  # one old, one never confirmed
    assert all(
        change.wholesaler_id == wholesaler_a.pk for change in context["recent_changes"]
    )


def test_my_listings_filters_stay_within_my_company(
    client_a, wholesaler_a, wholesaler_b, product
):
    factories.make_listing(wholesaler_a, product, sku="A-ACTIVE")
    factories.make_listing(
        wholesaler_a, product, sku="A-PAUSED", status=ListingStatus.PAUSED
    )
    factories.make_listing(wholesaler_b, product, sku="B-ACTIVE")
    skus = [item.sku for item in client_a.get(LIST).context["listings"]]
    assert skus == ["A-ACTIVE", "A-PAUSED"]
    paused = client_a.get(f"{LIST}?status=paused").context["listings"]
    assert [item.sku for item in paused] == ["A-PAUSED"]
    searched = client_a.get(f"{LIST}?q=B-ACTIVE").context["listings"]
    assert list(searched) == []


def test_password_change(client_a, user_a):
    url = reverse("pilot_products:portal-password-change")
    response = client_a.post(
        url,
        {
            "old_password": factories.PASSWORD,
            "new_password1": "another-long-pass-42",
            "new_password2": "another-long-pass-42",
        },
    )
    assert response.status_code == 302
    user_a.refresh_from_db()
    assert user_a.check_password("another-long-pass-42")


def test_password_change_with_wrong_old_password_shows_error(client_a, user_a):
    url = reverse("pilot_products:portal-password-change")
    response = client_a.post(
        url,
        {
            "old_password": "wrong",
            "new_password1": "another-long-pass-42",
            "new_password2": "another-long-pass-42",
        },
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors


def test_a_new_listing_is_offered_at_the_company_s_only_booth(client_a, booth_a):
    form = client_a.get(CREATE).context["form"]
    assert form["booth"].value() == booth_a.pk


def test_with_several_booths_the_form_does_not_guess(client_a, wholesaler_a, booth_a):
    factories.make_booth(wholesaler_a, number="20003")
    assert client_a.get(CREATE).context["form"]["booth"].value() is None


def test_required_fields_are_marked(client_a, product):
    page = client_a.get(CREATE).content.decode()
    assert '<label for="id_sku" class="required">' in page
    assert '<label for="id_brand">' in page
    assert "Fields marked * are required." in page


def test_a_tier_error_is_shown_in_the_row_it_is_about(client_a, product):
    data = listing_post(product, **{"moq": "10"})
    data.update(
        {
            "tiers-TOTAL_FORMS": "2",
            "tiers-0-min_quantity": "10",
            "tiers-0-unit_price": "12.50",
            "tiers-1-min_quantity": "100",
            "tiers-1-unit_price": "13.00",
        }
    )
    response = client_a.post(CREATE, data)
    assert response.status_code == 200
    tiers = response.context["tiers"]
    assert not tiers.non_form_errors()
    assert tiers.forms[1].non_field_errors() == [str(MSG_TIERS_PRICE_ORDER)]
    assert "Tier 2:" in response.content.decode()


def test_after_creating_the_draft_is_at_hand(client_a, product):
    response = client_a.post(CREATE, listing_post(product), follow=True)
    listing = Listing.objects.get(sku="NEW-001")
    assert response.redirect_chain[-1][0] == reverse(
        "pilot_products:portal-listing-edit", args=[listing.pk]
    )
    activate = reverse(
        "pilot_products:portal-listing-action", args=[listing.pk, "activate"]
    )
    assert f'action="{activate}"' in response.content.decode()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "confirmed 58 days ago"), ("zh-hans", "58 天前确认")],
)
def test_the_dashboard_counts_unconfirmed_stock_in_days(
    client_a, wholesaler_a, product, language, expected
):
    listing = factories.make_listing(wholesaler_a, product, sku="OLD-STOCK")
    Listing.objects.filter(pk=listing.pk).update(
        stock_confirmed_at=timezone.now() - timedelta(days=58, hours=3)
    )
    client_a.cookies["django_language"] = language
    page = client_a.get(reverse("pilot_products:portal-dashboard")).content.decode()
    assert expected in page
    assert "月" not in page.split("OLD-STOCK", 1)[1].split("</li>", 1)[0]


def test_the_country_drop_down_is_in_pinyin_order_in_chinese(client_a, product):
    client_a.cookies["django_language"] = "zh-hans"
    field = client_a.get(CREATE).context["form"].fields["country_of_origin"]
    names = [str(label) for code, label in field.choices if code]
    # 阿尔巴尼亚 (a er ba ni ya) comes first by pinyin, whatever its code points.
    assert names[0] == "阿尔巴尼亚"
    assert names.index("德国") < names.index("日本") < names.index("意大利")
