"""Mall rules at every door: who may work for a wholesaler, booth leases, a
suspension's logout, a typed stock confirming it, and the constraints' sentences."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client
from django.utils import timezone

from pilot_products import rules
from pilot_products import validators as v
from pilot_products.models import (
    Booth,
    CbecCategory,
    CbecListEntry,
    Listing,
    PilotProduct,
    Wholesaler,
    WholesalerMember,
    WholesalerStatus,
    statistics,
)
from pilot_products.photos.rules import MSG_PHOTO_ONE_MAIN
from pilot_products.services import memberships
from pilot_products.spreadsheets.specs import BoothsSpec, WholesalersSpec
from tests import factories
from tests.doors.helpers import (
    codes,
    errors_of,
    form_post_data,
    import_through_admin,
    import_through_command,
    rendered,
)
from tests.spreadsheet_helpers import LISTING_HEADERS, listing_row

pytestmark = pytest.mark.django_db


def _logged_in(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


# Membership ---------------------------------------------------------------------


@pytest.fixture
def candidates(wholesaler_a, wholesaler_b, user_b):
    return {
        "inactive": (
            factories.make_user("gone", is_active=False),
            rules.MSG_MEMBER_INACTIVE,
            "member_inactive",
        ),
        "staff": (
            factories.make_user("clerk", is_staff=True),
            rules.MSG_MEMBER_STAFF,
            "member_staff",
        ),
        "superuser": (
            factories.make_user("boss", is_staff=True, is_superuser=True),
            rules.MSG_MEMBER_STAFF,
            "member_staff",
        ),
        "other wholesaler": (user_b, rules.MSG_MEMBER_TAKEN, "member_taken"),
    }


def _member_message(kind, user, message, wholesaler_b):
    params = {"user": user.get_username(), "wholesaler": str(wholesaler_b)}
    return str(message % params)


@pytest.mark.parametrize("kind", ["inactive", "staff", "superuser", "other wholesaler"])
@pytest.mark.parametrize("door", ["membership admin", "wholesaler inline", "service"])
def test_only_active_portal_accounts_of_no_other_wholesaler_are_linked(
    kind, door, candidates, operator, wholesaler_a, wholesaler_b
):
    user, message, code = candidates[kind]
    expected = _member_message(kind, user, message, wholesaler_b)
    before = sorted(WholesalerMember.objects.values_list("user_id", "wholesaler_id"))
    if door == "service":
        with pytest.raises(ValidationError) as refused:
            memberships.membership_save(
                member=WholesalerMember(user=user, wholesaler=wholesaler_a),
                by=operator,
            )
        assert code in codes(refused.value)
        assert expected in rendered(refused.value)
    else:
        client = _logged_in(operator)
        if door == "membership admin":
            response = client.post(
                "/admin/pilot_products/wholesalermember/add/",
                {"user": user.pk, "wholesaler": wholesaler_a.pk},
            )
            found_codes, messages = errors_of(response.context["adminform"].form)
        else:
            url = f"/admin/pilot_products/wholesaler/{wholesaler_a.pk}/change/"
            page = client.get(url)
            data = form_post_data(page.context["adminform"].form) | {
                "members-TOTAL_FORMS": "1",
                "members-INITIAL_FORMS": "0",
                "members-0-user": str(user.pk),
                "members-0-wholesaler": str(wholesaler_a.pk),
                "booths-TOTAL_FORMS": "0",
                "booths-INITIAL_FORMS": "0",
            }
            response = client.post(url, data)
            formsets = [i.formset for i in response.context["inline_admin_formsets"]]
            found_codes, messages = errors_of(*formsets)
        assert response.status_code == 200
        assert code in found_codes
        assert expected in messages
    after = sorted(WholesalerMember.objects.values_list("user_id", "wholesaler_id"))
    assert after == before


def test_a_portal_account_is_linked_through_the_membership_admin(
    operator, wholesaler_a
):
    user = factories.make_user("new-clerk")
    response = _logged_in(operator).post(
        "/admin/pilot_products/wholesalermember/add/",
        {"user": user.pk, "wholesaler": wholesaler_a.pk},
    )
    assert response.status_code == 302
    assert WholesalerMember.objects.get(user=user).wholesaler == wholesaler_a


# Booth lease ---------------------------------------------------------------------

BOOTH_HEADERS = [column.key for column in BoothsSpec.columns]


@pytest.mark.parametrize("door", ["admin form", "admin import", "catalogue_import"])
def test_a_lease_ending_before_it_starts_is_refused_everywhere(
    door, operator, wholesaler_a, tmp_path, settings
):
    booth = factories.make_booth(wholesaler_a, lease_start=date(2025, 1, 1))
    before = sorted(Booth.objects.values_list("pk", "lease_start", "lease_end"))
    expected = str(v.MSG_LEASE_ORDER)
    if door == "admin form":
        client = _logged_in(operator)
        url = f"/admin/pilot_products/booth/{booth.pk}/change/"
        data = form_post_data(client.get(url).context["adminform"].form)
        response = client.post(url, data | {"lease_end": "2024-12-31"})
        assert response.status_code == 200
        found_codes, messages = errors_of(response.context["adminform"].form)
        assert "lease_order" in found_codes
    else:
        row = [
            booth.district, "", booth.floor, booth.street, booth.number, "", "",
            wholesaler_a.credit_code, "2025-01-01", "2024-12-31",
        ]  # fmt: skip
        rows = [BOOTH_HEADERS, row]
        if door == "admin import":
            answer = import_through_admin(_logged_in(operator), "booth", rows)
        else:
            answer = import_through_command("booths", rows, tmp_path)
        assert not answer.imported
        messages = answer.messages
    assert expected in messages
    assert sorted(Booth.objects.values_list("pk", "lease_start", "lease_end")) == (
        before
    )


def test_a_letter_in_a_booth_number_is_refused_before_the_database(operator):
    booth = Booth(district=5, floor=1, street=3, number="12A")
    with pytest.raises(ValidationError) as refused:
        booth.full_clean()
    assert rendered(refused.value) == [str(v.MSG_BOOTH_NUMBER)]


# Wholesaler suspension by spreadsheet --------------------------------------------

WHOLESALER_HEADERS = [column.key for column in WholesalersSpec.columns]


def test_suspending_by_spreadsheet_logs_the_users_out_like_the_button(
    wholesaler_a, user_a, tmp_path
):
    portal = _logged_in(user_a)
    assert portal.get("/portal/").status_code == 200
    row = [
        wholesaler_a.credit_code, wholesaler_a.name_zh, wholesaler_a.name_en,
        "", "", "", "suspended",
    ]  # fmt: skip
    answer = import_through_command("wholesalers", [WHOLESALER_HEADERS, row], tmp_path)
    assert answer.imported
    assert Wholesaler.objects.get(pk=wholesaler_a.pk).status == (
        WholesalerStatus.SUSPENDED
    )
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(user_a.pk)
        for s in Session.objects.all()
    )
    assert portal.get("/portal/").status_code == 302


# A typed stock confirms it --------------------------------------------------------


@pytest.fixture
def stale_listing(wholesaler_a):
    product = factories.make_pilot_product()
    listing = factories.make_listing(
        wholesaler_a,
        product,
        moq=10,
        unit_price=Decimal("12.50"),
        stock=100,
        tiers=[(10, Decimal("12.50"))],
    )
    long_ago = timezone.now() - timezone.timedelta(days=90)
    Listing.objects.filter(pk=listing.pk).update(stock_confirmed_at=long_ago)
    return listing, long_ago


def test_a_stock_change_by_spreadsheet_confirms_the_stock(stale_listing, tmp_path):
    listing, long_ago = stale_listing
    row = listing_row(
        listing.wholesaler,
        listing.pilot_product,
        sku=listing.sku,
        customs_code=listing.customs_code,
        stock="80",
        status=listing.status,
        tiers="10:12.50",
    )
    answer = import_through_command("listings", [LISTING_HEADERS, row], tmp_path)
    assert answer.imported, answer.messages
    listing.refresh_from_db()
    assert listing.stock == 80
    assert listing.stock_confirmed_at > long_ago


def test_an_unchanged_stock_by_spreadsheet_is_not_a_confirmation(
    stale_listing, tmp_path
):
    listing, long_ago = stale_listing
    row = listing_row(
        listing.wholesaler,
        listing.pilot_product,
        sku=listing.sku,
        customs_code=listing.customs_code,
        stock="100",
        title_zh="新标题",
        status=listing.status,
        tiers="10:12.50",
    )
    answer = import_through_command("listings", [LISTING_HEADERS, row], tmp_path)
    assert answer.imported, answer.messages
    listing.refresh_from_db()
    assert listing.stock_confirmed_at == long_ago


def test_a_stock_change_in_the_admin_confirms_the_stock(stale_listing, operator):
    listing, long_ago = stale_listing
    client = _logged_in(operator)
    url = f"/admin/pilot_products/listing/{listing.pk}/change/"
    page = client.get(url)
    from tests.doors.helpers import formset_post_data

    data = form_post_data(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        data |= formset_post_data(inline.formset)
    response = client.post(url, data | {"stock": "70"})
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.stock == 70
    assert listing.stock_confirmed_at > long_ago


# Constraints speak the forms' sentences ------------------------------------------

CONSTRAINT_MESSAGES = {
    "wholesaler_credit_code_format": ("credit_code_format", v.MSG_CREDIT_CODE_FORMAT),
    "booth_unique_location": ("booth_taken", v.MSG_BOOTH_TAKEN),
    "booth_number_digits": ("booth_number", v.MSG_BOOTH_NUMBER),
    "booth_lease_ends_after_start": ("lease_order", v.MSG_LEASE_ORDER),
    "listing_unique_sku": ("sku_taken", v.MSG_SKU_TAKEN),
    "listing_photo_one_main": ("photo_one_main", MSG_PHOTO_ONE_MAIN),
    "listing_price_positive": ("price_positive", v.MSG_PRICE_POSITIVE),
    "listing_moq_at_least_one": ("moq_min", v.MSG_MOQ_AT_LEAST_ONE),
    "listing_stock_not_negative": ("stock_not_negative", v.MSG_STOCK_NOT_NEGATIVE),
    "listing_customs_code_10_digits": ("customs_code", v.MSG_CUSTOMS_CODE),
    "listing_sku_not_empty": ("sku_required", v.MSG_SKU_REQUIRED),
    "price_tier_unique_quantity": ("tiers_quantity_order", v.MSG_TIERS_QUANTITY_ORDER),
    "price_tier_price_positive": ("price_positive", v.MSG_PRICE_POSITIVE),
    "price_tier_quantity_at_least_one": ("tier_quantity_min", v.MSG_TIER_QUANTITY_MIN),
    "tariff_line_code_8_digits": ("tariff_line", v.MSG_TARIFF_LINE),
    "cbec_entry_unique_line_per_edition": ("entry_line_taken", v.MSG_ENTRY_LINE_TAKEN),
    "cbec_entry_unique_row_per_edition": ("entry_row_taken", v.MSG_ENTRY_ROW_TAKEN),
    "pilot_list_published_has_effective_date": (
        "published_needs_date",
        v.MSG_PUBLISHED_NEEDS_DATE,
    ),
    "pilot_product_code_format": ("product_code", v.MSG_PRODUCT_CODE),
    "pilot_product_rejection_has_reason": ("reason_required", v.MSG_REASON_REQUIRED),
    "figure_one_per_month": ("figure_period_taken", statistics.MSG_PERIOD_TAKEN),
    "figure_one_per_year": ("figure_period_taken", statistics.MSG_PERIOD_TAKEN),
    "figure_value_not_negative": ("figure_not_negative", statistics.MSG_NOT_NEGATIVE),
}


def _all_constraints():
    from django.apps import apps

    for model in apps.get_app_config("pilot_products").get_models():
        yield from model._meta.constraints


def test_every_constraint_carries_the_sentence_of_its_rule():
    found = {c.name: c for c in _all_constraints()}
    assert set(found) == set(CONSTRAINT_MESSAGES)
    for name, (code, message) in CONSTRAINT_MESSAGES.items():
        constraint = found[name]
        assert constraint.violation_error_code == code, name
        assert constraint.violation_error_message == message, name


def test_the_admin_says_the_constraints_sentence_not_its_name(operator, wholesaler_a):
    """A second booth at the same place: the admin form shows the rule's sentence."""
    booth = factories.make_booth(wholesaler_a)
    client = _logged_in(operator)
    data = {
        "district": booth.district, "gate": "", "floor": booth.floor,
        "street": booth.street, "number": booth.number, "pavilion_zh": "",
        "pavilion_en": "", "wholesaler": wholesaler_a.pk,
    }  # fmt: skip
    response = client.post("/admin/pilot_products/booth/add/", data)
    assert response.status_code == 200
    found_codes, messages = errors_of(response.context["adminform"].form)
    assert "booth_taken" in found_codes
    assert str(v.MSG_BOOTH_TAKEN) in messages
    assert not any("Constraint" in message for message in messages)


def test_integer_fields_are_bounded_the_same_on_both_databases():
    """Every positive integer column carries its PostgreSQL bound, whatever runs."""
    integer_types = models.PositiveIntegerField | models.PositiveSmallIntegerField
    unbounded = [
        f"{model.__name__}.{model_field.name}"
        for model in (Listing, Booth, PilotProduct, CbecListEntry, CbecCategory)
        for model_field in model._meta.concrete_fields
        if isinstance(model_field, integer_types)
        and model_field.name != "revision"
        and not any(isinstance(x, v.AtMost) for x in model_field.validators)
    ]
    assert unbounded == []
