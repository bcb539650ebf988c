"""QR codes decode back to the public natural-key address, from portal and admin."""

import re

import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image, ImageDraw

from pilot_products.models import Booth
from tests import factories

pytestmark = pytest.mark.django_db

MOVE = re.compile(r"([Mmh])(-?\d+(?:\.\d+)?)(?:\s+(-?\d+(?:\.\d+)?))?")


def decode_svg(page: str) -> str:
    """Draw the page's QR code SVG (segno's path of runs) and read it with zxing."""
    svg = re.search(r'<svg viewBox="0 0 (\d+) (\d+)" class="qr">.*?</svg>', page, re.S)
    assert svg, "no QR code on the page"
    side, scale = int(svg.group(1)), 8
    d = re.search(r'd="([^"]+)"', svg.group(0)).group(1)
    image = Image.new("L", (side * scale, side * scale), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for command, first, second in MOVE.findall(d):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:
            end = x + float(first)
            row = int(y - 0.5)
            draw.rectangle(
                [x * scale, row * scale, end * scale - 1, (row + 1) * scale - 1],
                fill=0,
            )
            x = end
    (result,) = zxingcpp.read_barcodes(image)
    return result.text


@pytest.fixture
def booth(wholesaler_a):
    return factories.make_booth(
        wholesaler_a, district=5, floor=1, street=12, number="12345"
    )


def test_booth_poster_from_the_portal_leads_to_the_booth_s_offers(
    client, user_a, booth, wholesaler_a
):
    listing = factories.make_listing(wholesaler_a, booth=booth, title_en="Wool scarf")
    client.force_login(user_a)
    response = client.get(
        reverse("pilot_products:portal-booth-poster", args=[booth.pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    address = decode_svg(page)
    assert address == "http://testserver/catalogue/booths/5/1/12/12345/"
    assert booth.address in page and booth.address_en in page
    assert wholesaler_a.name_zh in page
    assert "扫码查看本摊位商品" in page and "Scan to see this booth's offers" in page
    offers = client.get(address.removeprefix("http://testserver"))
    assert offers.status_code == 200
    assert listing.title_en in offers.content.decode()


def test_listing_label_encodes_the_offer_s_public_address(client, user_a, wholesaler_a):
    listing = factories.make_listing(wholesaler_a, sku="SCARF-01")
    client.force_login(user_a)
    page = client.get(
        reverse("pilot_products:portal-listing-label", args=[listing.pk])
    ).content.decode()
    address = decode_svg(page)
    assert (
        address
        == f"http://testserver/catalogue/offer/{wholesaler_a.credit_code}/SCARF-01/"
    )
    assert client.get(address.removeprefix("http://testserver")).status_code == 200


def test_another_wholesaler_s_booth_and_listing_are_404(
    client, user_b, booth, wholesaler_a
):
    listing = factories.make_listing(wholesaler_a)
    client.force_login(user_b)
    poster = reverse("pilot_products:portal-booth-poster", args=[booth.pk])
    label = reverse("pilot_products:portal-listing-label", args=[listing.pk])
    assert client.get(poster).status_code == 404
    assert client.get(label).status_code == 404


def test_admin_prints_any_booth_and_listing(client, operator, booth, wholesaler_a):
    listing = factories.make_listing(wholesaler_a, sku="ADM-1")
    client.force_login(operator)
    poster = client.get(reverse("admin:pilot_products_booth_poster", args=[booth.pk]))
    assert decode_svg(poster.content.decode()).endswith(
        "/catalogue/booths/5/1/12/12345/"
    )
    label = client.get(reverse("admin:pilot_products_listing_label", args=[listing.pk]))
    assert decode_svg(label.content.decode()).endswith(f"/{listing.sku}/")
    change = client.get(reverse("admin:pilot_products_booth_change", args=[booth.pk]))
    assert reverse("admin:pilot_products_booth_poster", args=[booth.pk]) in (
        change.content.decode()
    )


def test_booth_page_of_a_suspended_wholesaler_is_404(client, booth, wholesaler_a):
    wholesaler_a.status = "suspended"
    wholesaler_a.save()
    assert client.get("/catalogue/booths/5/1/12/12345/").status_code == 404
    assert Booth.objects.filter(pk=booth.pk).exists()
