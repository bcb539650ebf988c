"""Cards with photos in Chromium at desktop and phone widths; a photo uploaded in the
portal shows on the buyer's card. Screenshots go to test-artifacts/screenshots/."""

import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from pilot_products.models import Listing, PilotProduct
from pilot_products.reference_data import load_reference_data
from pilot_products.services import photos as photo_services
from tests import factories
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
COLOURS = [(220, 60, 60), (60, 140, 220), (60, 180, 90), (230, 170, 40), (150, 80, 200)]


def goods_photo(n: int, size=(1600, 1200)) -> bytes:
    """A picture with a shape and a number on it, so a screenshot shows which is which."""
    image = Image.new("RGB", size, (245, 245, 240))
    draw = ImageDraw.Draw(image)
    colour = COLOURS[n % len(COLOURS)]
    draw.ellipse(
        [size[0] * 0.2, size[1] * 0.15, size[0] * 0.8, size[1] * 0.85], fill=colour
    )
    draw.text((40, 40), f"#{n}", fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


@pytest.fixture
def shop(db, settings):
    settings.CATALOGUE_PAGE_CACHE_SECONDS = 0
    cache.clear()
    load_reference_data()
    product = PilotProduct.objects.get(code="P02")
    line = product.tariff_lines.order_by("code").first().code
    company = factories.make_wholesaler(
        name_zh="义乌环球进口贸易有限公司", name_en="Yiwu Global Import Trading"
    )
    booth = factories.make_booth(company, gate="7", street=12, number="12345")
    factories.make_wholesaler_user("wholesaler-a", company)
    for n in range(6):
        listing = factories.make_listing(
            company,
            product,
            booth=booth,
            customs_code=f"{line}00",
            title_zh=f"樱花布艺玩偶 {n}",
            title_en=f"Sakura plush doll {n}",
            unit_price=Decimal(30 + n),
        )
        if n < 5:  # one card without a photo, as in real life
            size = (1600, 1200) if n % 2 else (1000, 1400)
            photo_services.photo_add(
                listing=listing,
                upload=SimpleUploadedFile("p.jpg", goods_photo(n, size), "image/jpeg"),
            )
    return company


def card_photos_loaded(page) -> list[int]:
    return page.eval_on_selector_all(
        "img.card-photo", "els => els.map(e => e.complete ? e.naturalWidth : 0)"
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_cards_with_photos(page, shop, screenshot, viewport):
    page.set_viewport_size(viewport)
    page.goto("/catalogue/")
    cards = page.locator("img.card-photo")
    assert cards.count() == 5
    # Load the lazy ones too, then check every image decoded at its card size.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    # Polled from Python: wait_for_function evaluates its string with eval() while
    # it polls, which the page's Content-Security-Policy refuses (no unsafe-eval).
    for image in page.locator("img.card-photo").all():
        image.scroll_into_view_if_needed()
        expect(image).to_have_js_property("complete", True)
    assert page.evaluate(
        "[...document.querySelectorAll('img.card-photo')].every(i => i.naturalWidth > 0)"
    )
    assert all(width in (286, 400) for width in card_photos_loaded(page))
    page.evaluate("window.scrollTo(0, 0)")
    no_sideways = page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert no_sideways
    box = cards.first.bounding_box()
    assert box["width"] <= viewport["width"]
    screenshot(f"catalogue-{viewport['width']}")
    page.locator(".card:has(img.card-photo) .card-title a").first.click()
    page.wait_for_selector(".offer-photos img")
    screenshot(f"offer-{viewport['width']}")


def test_a_photo_uploaded_in_the_portal_shows_on_the_card(page, shop, screenshot):
    bare = Listing.objects.get(title_en="Sakura plush doll 5")
    log_in(page, "wholesaler-a", factories.PASSWORD)
    page.goto(f"/portal/listings/{bare.pk}/photos/")
    page.set_input_files(
        "input[name=image]",
        files=[
            {"name": "phone.jpg", "mimeType": "image/jpeg", "buffer": goods_photo(9)}
        ],
    )
    page.click("main button.primary")
    page.wait_for_selector("img.photo-preview")
    screenshot("portal-photos")
    page.goto("/catalogue/")
    page.wait_for_selector("img.card-photo")
    assert page.locator("img.card-photo").count() == 6
