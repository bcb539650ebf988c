"""No page answers 500 for anything a user can type into a query string, form or file.

The test client re-raises any exception a view lets escape, so a 500 fails here with
its traceback. Every value is also checked not to come back as live HTML.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pilot_products.models import Listing
from tests import factories

pytestmark = pytest.mark.django_db

HOSTILE = [
    "x" * 10_000,
    "nul\x00byte",
    "bell\x07 escape\x1b[31m",
    "\u202eevil\u202c right-to-left",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1; DROP TABLE pilot_products_listing; --",
    "%00%27%22",
    "9" * 400,
    "-1e309",
    "NaN",
    "inf",
    "１２３",
    "../../etc/passwd",
    "{{ 7*7 }}",
    "😀🇨🇳",
]

#: One of each kind, for the slower paths (forms, admin).
HOSTILE_SAMPLE = [HOSTILE[i] for i in (0, 1, 3, 4, 6, 8, 10, 12)]

CATALOGUE_PARAMS = [
    "q",
    "category",
    "product",
    "country",
    "price_min",
    "price_max",
    "moq_max",
    "in_stock",
    "district",
    "pavilion",
    "wholesaler",
    "sort",
    "page",
    "per_page",
]
PORTAL_LIST_PARAMS = ["q", "status", "product", "attention", "page"]


def _assert_safe(response, value: str) -> None:
    assert response.status_code in {200, 302, 400, 404}, response.status_code
    if response.status_code == 200 and "<" in value:
        assert value.encode() not in response.content


@pytest.fixture
def catalogue(reference_data, wholesaler_a):
    factories.make_listing(wholesaler_a, factories.make_pilot_product())


@pytest.mark.parametrize("param", CATALOGUE_PARAMS)
def test_catalogue_query_strings(client, catalogue, param):
    for value in HOSTILE:
        _assert_safe(client.get("/catalogue/", {param: value}), value)


def test_catalogue_detail_urls(client, catalogue):
    for value in ["P" + "9" * 300, "<script>", "９"]:
        assert client.get(f"/catalogue/products/{value}/").status_code == 404
    assert client.get("/catalogue/products/P06%00/").status_code == 400
    assert (
        client.get("/catalogue/wholesalers/99999999999999999999999/").status_code == 404
    )


def test_home_search(client, catalogue):
    for value in HOSTILE:
        _assert_safe(client.get("/", {"q": value}), value)


@pytest.mark.parametrize("param", PORTAL_LIST_PARAMS)
def test_portal_listing_filters(client, user_a, catalogue, param):
    client.force_login(user_a)
    for value in HOSTILE:
        _assert_safe(client.get("/portal/listings/", {param: value}), value)


def test_portal_listing_form_fields(client, user_a, wholesaler_a, reference_data):
    client.force_login(user_a)
    fields = [
        "pilot_product",
        "sku",
        "customs_code",
        "title_zh",
        "title_en",
        "brand",
        "country_of_origin",
        "unit",
        "unit_price",
        "moq",
        "stock",
        "booth",
        "status",
    ]
    before = Listing.objects.count()
    for field in fields:
        for value in HOSTILE_SAMPLE:
            data = {
                "pilot_product": "P06",
                "sku": "SKU-1",
                "customs_code": "9503006000",
                "title_zh": "拼图",
                "country_of_origin": "JP",
                "unit": "piece",
                "unit_price": "10.00",
                "moq": "1",
                "stock": "5",
                "tiers-TOTAL_FORMS": "1",
                "tiers-INITIAL_FORMS": "0",
                "tiers-0-min_quantity": value,
                "tiers-0-unit_price": value,
                field: value,
            }
            response = client.post("/portal/listings/new/", data)
            _assert_safe(response, value)
    # Every attempt had a hostile tier, so nothing may have been written.
    assert Listing.objects.count() == before


def test_login_forms(client, db):
    for path in ["/accounts/login/", "/admin/login/"]:
        for value in HOSTILE[:8]:
            response = client.post(path, {"username": value, "password": value})
            assert response.status_code in {200, 400, 429}


@pytest.mark.parametrize(
    "changelist",
    [
        "pilotproduct",
        "tariffline",
        "cbeclistentry",
        "wholesaler",
        "booth",
        "listing",
        "importrecord",
    ],
)
def test_admin_search_and_filters(admin_client, reference_data, changelist):
    url = f"/admin/pilot_products/{changelist}/"
    for value in HOSTILE_SAMPLE:
        _assert_safe(admin_client.get(url, {"q": value}), value)
        _assert_safe(admin_client.get(url, {"status__exact": value}), value)
        _assert_safe(admin_client.get(url, {"o": value}), value)


def test_portal_upload_of_hostile_files(client, user_a, wholesaler_a, reference_data):
    client.force_login(user_a)
    files = {
        "nul.csv": b"sku,title_zh\nA\x00B,x\n",
        "huge-number.csv": ("sku,unit_price,moq\nA," + "9" * 400 + ",1e309\n").encode(),
        "script.csv": b'sku,title_zh\n<script>alert(1)</script>,=HYPERLINK("x")\n',
        "rtl.csv": "sku,title_zh\n\u202eABC,x\n".encode(),
        "binary.xlsx": b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
        "empty.csv": b"",
        "only-bom.csv": b"\xef\xbb\xbf",
        "gbk-garbage.csv": "货号,标题\n甲,乙\n".encode("gb18030") + b"\xff\xfe\xfd",
    }
    before = Listing.objects.count()
    for name, content in files.items():
        upload = SimpleUploadedFile(name, content)
        response = client.post("/portal/spreadsheets/", {"file": upload})
        assert response.status_code in {200, 302, 400}, name
        assert b"<script>alert(1)</script>" not in response.content
    assert Listing.objects.count() == before
