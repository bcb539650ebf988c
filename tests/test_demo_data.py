import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from pilot_products.demo_data import DEMO_PASSWORD
from pilot_products.models import (
    Booth,
    ImportBatch,
    Listing,
    PriceTier,
    Wholesaler,
    WholesalerMember,
)
from pilot_products.validators import validate_credit_code, validate_price_tiers

pytestmark = pytest.mark.django_db


def _seed(**options):
    call_command("seed_demo", stdout=io.StringIO(), **options)


def _fingerprint():
    return {
        "wholesalers": sorted(
            Wholesaler.objects.values_list("credit_code", "name_zh", "status")
        ),
        "listings": sorted(
            Listing.objects.values_list(
                "wholesaler__credit_code",
                "sku",
                "customs_code",
                "unit_price",
                "moq",
                "stock",
                "status",
                "country_of_origin",
                "booth__number",
            )
        ),
        "tiers": sorted(
            PriceTier.objects.values_list("listing__sku", "min_quantity", "unit_price")
        ),
    }


def test_seed_creates_exactly_the_requested_counts(reference_data):
    _seed(wholesalers=7, listings=130, seed=3)
    assert Wholesaler.objects.count() == 7
    assert Listing.objects.count() == 130
    assert Booth.objects.filter(wholesaler__isnull=False).count() >= 7


def test_same_seed_gives_the_same_data(reference_data):
    _seed(wholesalers=5, listings=60, seed=11)
    first = _fingerprint()
    ImportBatch.objects.all().delete()
    Listing.objects.all().delete()
    Booth.objects.all().delete()
    Wholesaler.objects.all().delete()
    _seed(wholesalers=5, listings=60, seed=11)
    assert _fingerprint() == first
    ImportBatch.objects.all().delete()
    Listing.objects.all().delete()
    Booth.objects.all().delete()
    Wholesaler.objects.all().delete()
    _seed(wholesalers=5, listings=60, seed=12)
    assert _fingerprint() != first


def test_seeded_rows_pass_every_validation_rule(reference_data):
    _seed(wholesalers=4, listings=80, seed=5)
    for wholesaler in Wholesaler.objects.all():
        validate_credit_code(wholesaler.credit_code)
    for booth in Booth.objects.all():
        assert booth.address.startswith("5区 ")
    for batch in ImportBatch.objects.prefetch_related("lines__listings"):
        batch.full_clean()
        for line in batch.lines.all():
            line.full_clean()
            for listing in line.listings.all():
                assert listing.wholesaler_id == batch.wholesaler_id
                assert listing.customs_code.startswith(line.tariff_line.code)
    assert ImportBatch.objects.exists()
    for listing in Listing.objects.select_related("booth", "pilot_product"):
        listing.full_clean()
        tiers = [(t.min_quantity, t.unit_price) for t in listing.price_tiers.all()]
        validate_price_tiers(
            moq=listing.moq, unit_price=listing.unit_price, tiers=tiers
        )


def test_seed_if_empty_leaves_existing_data_alone(reference_data):
    _seed(wholesalers=3, listings=10, seed=1)
    _seed(wholesalers=3, listings=10, seed=2, if_empty=True)
    assert Wholesaler.objects.count() == 3


def test_seed_refuses_nonsense_counts(reference_data):
    with pytest.raises(CommandError):
        _seed(wholesalers=0, listings=10)


@pytest.fixture
def demo_accounts(reference_data):
    _seed(wholesalers=4, listings=20, seed=1)
    call_command("create_demo_accounts", stdout=io.StringIO())


@pytest.mark.parametrize(
    "username",
    ["admin", "reviewer", "editor", "operator", "wholesaler-a", "wholesaler-b"],
)
def test_each_demo_account_can_log_in(demo_accounts, username):
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


def test_wholesaler_users_are_not_staff_and_belong_to_two_wholesalers(demo_accounts):
    members = WholesalerMember.objects.select_related("user")
    assert {m.user.username for m in members} == {"wholesaler-a", "wholesaler-b"}
    assert not any(m.user.is_staff for m in members)
    assert len({m.wholesaler_id for m in members}) == 2


def test_reviewer_sees_the_35_pilot_products_and_the_cbec_list_in_admin(demo_accounts):
    client = Client()
    client.post("/accounts/login/", {"username": "reviewer", "password": DEMO_PASSWORD})
    products = client.get("/admin/pilot_products/pilotproduct/")
    assert products.status_code == 200
    assert products.context["cl"].result_count == 35
    entries = client.get("/admin/pilot_products/cbeclistentry/")
    assert entries.status_code == 200
    assert entries.context["cl"].result_count > 0


def test_demo_accounts_are_refused_in_production(settings, reference_data):
    settings.DEMO_ACCOUNTS_ALLOWED = False
    with pytest.raises(CommandError):
        call_command("create_demo_accounts")


def test_goods_in_a_country_pavilion_come_from_that_country(reference_data):
    from pilot_products.demo_data import PAVILION_COUNTRY

    _seed(wholesalers=12, listings=300, seed=1)
    in_pavilions = Listing.objects.exclude(booth__pavilion_en="").values_list(
        "booth__pavilion_en", "country_of_origin"
    )
    assert in_pavilions
    wrong = [
        (pavilion, origin)
        for pavilion, origin in in_pavilions
        if origin != PAVILION_COUNTRY[pavilion]
    ]
    assert not wrong
