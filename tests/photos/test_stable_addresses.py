"""The public addresses printed in QR codes survive an export and an import into an
empty database: real export files, a flushed database, real imports, new ids."""

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.urls import reverse

from pilot_products import roles
from pilot_products.models import Booth, Listing, PilotProduct, Wholesaler
from pilot_products.reference_data import load_reference_data
from tests import factories

from .test_qr_codes import decode_svg

pytestmark = pytest.mark.django_db(transaction=True)

RESOURCES = ("wholesalers", "booths", "listings")


def printed_addresses(client, operator, listing, booth) -> tuple[str, str]:
    """The addresses the admin's label and poster encode, read back from the codes."""
    client.force_login(operator)
    label = client.get(reverse("admin:pilot_products_listing_label", args=[listing.pk]))
    poster = client.get(reverse("admin:pilot_products_booth_poster", args=[booth.pk]))
    return (
        decode_svg(label.content.decode()).removeprefix("http://testserver"),
        decode_svg(poster.content.decode()).removeprefix("http://testserver"),
    )


def test_printed_addresses_lead_to_the_same_offer_after_a_move(client, tmp_path):
    load_reference_data()
    product = PilotProduct.objects.get(code="P06")
    wholesaler = factories.make_wholesaler(name_en="Moving Trading")
    booth = factories.make_booth(wholesaler, district=5, floor=2, street=3)
    listing = factories.make_listing(
        wholesaler,
        product,
        sku="MOVE/01",
        booth=booth,
        title_en="Travelling kettle",
        customs_code=f"{product.tariff_lines.first().code}00",
    )
    operator = factories.make_staff_user("operator-before", roles.MALL_OPERATOR)
    offer_address, booth_address = printed_addresses(client, operator, listing, booth)
    assert offer_address == listing.get_absolute_url()
    assert "Travelling kettle" in client.get(offer_address).content.decode()
    files = {name: tmp_path / f"{name}.xlsx" for name in RESOURCES}
    for name, path in files.items():
        call_command("catalogue_export", name, str(path))
    old_ids = (wholesaler.pk, booth.pk, listing.pk)

    call_command("flush", interactive=False)
    assert not Listing.objects.exists() and not Wholesaler.objects.exists()
    load_reference_data()
    # Rows made before the import take the old ids: the moved rows get new ones.
    for _ in range(3):
        factories.make_listing(
            factories.make_wholesaler(), factories.make_pilot_product()
        )
    for name in RESOURCES:
        call_command("catalogue_import", name, str(files[name]))

    moved = Listing.objects.select_related("wholesaler", "booth").get(sku="MOVE/01")
    assert (moved.wholesaler.pk, moved.booth.pk, moved.pk) != old_ids
    assert moved.pk != listing.pk
    page = client.get(offer_address)
    assert page.status_code == 200
    assert "Travelling kettle" in page.content.decode()
    booth_page = client.get(booth_address)
    assert booth_page.status_code == 200
    assert "Travelling kettle" in booth_page.content.decode()
    # The codes printed anew in the new database encode the very same addresses.
    roles.sync_roles(django_apps)  # the flush took the role groups too
    operator = factories.make_staff_user("operator-after", roles.MALL_OPERATOR)
    assert printed_addresses(
        client, operator, moved, Booth.objects.get(pk=moved.booth.pk)
    ) == (offer_address, booth_address)
