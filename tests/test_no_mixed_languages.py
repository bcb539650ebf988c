"""No page speaks the other language: every text of ours on the public, portal and
login pages is Chinese on Chinese pages and English on English ones.

Data keeps its own words (brands, SKUs, codes); the Chinese booth address beside
the English one is marked ``lang="zh-Hans"``, and the language switch names each
language in itself. Everything else that is left is a string someone forgot.
"""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.test import Client

from pilot_products.models import ListingStatus
from tests import factories

pytestmark = pytest.mark.django_db

#: Words that are the same in both languages' pages (units, formats, acronyms).
SHARED_WORDS = {
    "SKU", "CCC", "CNY", "CN", "XLSX", "CSV", "HS", "MOQ", "UTF", "GBK", "GB",
    "ID", "PDF", "OK",
}  # fmt: skip
LATIN = re.compile(r"[A-Za-z]{2,}")
HAN = re.compile(r"[\u3400-\u9fff]")


class VisibleText(HTMLParser):
    """The text a reader sees, and the attribute texts a screen reader reads."""

    SKIPPED = {"script", "style"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        other_language = attrs.get("lang") not in (None, self.language)
        skip = (
            tag in self.SKIPPED
            or other_language
            or tag == "option"
            and (attrs.get("value") in ("zh-hans", "en"))
        )
        if tag not in {"input", "br", "meta", "link", "img"}:
            self.stack.append((tag, skip))
        if not (skip or self._skipping()):
            for name in ("aria-label", "placeholder", "title", "alt"):
                if attrs.get(name):
                    self.parts.append(attrs[name])

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str, language: str) -> list[str]:
    parser = VisibleText()
    parser.language = "zh-Hans" if language == "zh-hans" else "en"
    parser.feed(html)
    return parser.parts


@pytest.fixture
def site(db, settings):
    settings.CATALOGUE_PAGE_CACHE_SECONDS = 0
    category = factories.make_category(code="toys", name_zh="玩具", name_en="Toys")
    line = factories.make_tariff_line("95030060", category=category)
    product = factories.make_pilot_product(
        code="P07",
        name_zh="智力拼图",
        name_en="Jigsaw puzzles",
        tariff_lines=[line],
        requirements="CCC certification (toys); Chinese label",
        requirements_zh="玩具类 CCC 认证；中文标签",
    )
    company = factories.make_wholesaler(
        name_zh="义乌环球进口贸易有限公司", name_en="Yiwu Global Import Trading"
    )
    booth = factories.make_booth(company, gate="7", street=12, number="12345")
    listing = factories.make_listing(
        company,
        product,
        sku="PZ-1",
        title_zh="木质拼图",
        title_en="Wooden puzzle",
        brand="",
        unit_price=Decimal("12.50"),
        moq=10,
        stock=100,
        booth=booth,
        status=ListingStatus.ACTIVE,
    )
    user = factories.make_wholesaler_user("wholesaler-a", company)
    return {"product": product, "company": company, "listing": listing, "user": user}


def _pages(site) -> dict[str, tuple[str, bool]]:
    """URL name -> (path, needs the wholesaler's login)."""
    return {
        "home": ("/", False),
        "catalogue": ("/catalogue/", False),
        "product": (f"/catalogue/products/{site['product'].code}/", False),
        "wholesaler": (f"/catalogue/wholesalers/{site['company'].pk}/", False),
        "pilot progress": ("/progress/", False),
        "login": ("/accounts/login/", False),
        "dashboard": ("/portal/", True),
        "listings": ("/portal/listings/", True),
        "new listing": ("/portal/listings/new/", True),
        "edit listing": (f"/portal/listings/{site['listing'].pk}/", True),
        "spreadsheets": ("/portal/spreadsheets/", True),
        "import batches": ("/portal/batches/", True),
        "new import batch": ("/portal/batches/new/", True),
    }


def _leftovers(text_parts: list[str], language: str, data_words: set[str]) -> set:
    found = set()
    for part in text_parts:
        if language == "zh-hans":
            for word in LATIN.findall(part):
                if word not in SHARED_WORDS and word not in data_words:
                    found.add(part)
        elif HAN.search(part):
            found.add(part)
    return found


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_page_mixes_languages(site, language):
    data_words = {"PZ", "P07", "wholesaler"}
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(site["user"])
    anonymous = Client()
    anonymous.cookies["django_language"] = language
    problems = {}
    for name, (path, portal) in _pages(site).items():
        response = (client if portal else anonymous).get(path)
        assert response.status_code == 200, (name, response.status_code)
        parts = visible_text(response.content.decode(), language)
        leftovers = _leftovers(parts, language, data_words)
        if leftovers:
            problems[name] = sorted(leftovers)
    assert not problems, problems
