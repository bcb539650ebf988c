"""No wholesaler reads or changes another's data through any portal URL."""

import io

import pytest
from django.urls import URLPattern, URLResolver, reverse

from pilot_products import urls as app_urls
from pilot_products.models import Listing, ListingStatus
from tests import factories
from tests.jobs_helpers import run_queued_jobs
from tests.spreadsheet_helpers import LISTING_HEADERS, csv_bytes, listing_row

#: Portal URLs that take a listing id, with the arguments after the id.
LISTING_URLS = [
    ("pilot_products:portal-listing-edit", ()),
    ("pilot_products:portal-listing-action", ("pause",)),
    ("pilot_products:portal-listing-action", ("activate",)),
    ("pilot_products:portal-listing-action", ("delist",)),
    ("pilot_products:portal-listing-action", ("relist",)),
    ("pilot_products:portal-listing-action", ("confirm-stock",)),
    ("pilot_products:portal-listing-photos", ()),
    ("pilot_products:portal-listing-photo-action", (1, "remove")),
    ("pilot_products:portal-listing-photo-action", (1, "main")),
]
#: Print pages (GET only) of a listing or a booth; their isolation is tested in
#: tests/photos/test_qr_codes.py.
PRINT_URLS = [
    "pilot_products:portal-listing-label",
    "pilot_products:portal-booth-poster",
]
#: Pages of one import batch; another wholesaler's batch answers 404 and stays as it
#: was (tests/test_import_batches.py::test_another_wholesalers_batch_is_a_404).
BATCH_URLS = ["pilot_products:portal-batch-edit"]
#: A background export's page; another wholesaler's export answers 404 and is logged
#: (tests/test_export_jobs.py::test_another_wholesalers_export_is_a_404_and_logged).
EXPORT_JOB_URLS = ["pilot_products:spreadsheet-export-job"]
PAGE_URLS = [
    "pilot_products:portal-dashboard",
    "pilot_products:portal-listings",
    "pilot_products:portal-listing-create",
    "pilot_products:portal-batches",
    "pilot_products:portal-batch-create",
    "pilot_products:portal-password-change",
    "pilot_products:spreadsheets",
    "pilot_products:spreadsheet-confirm",
    "pilot_products:spreadsheet-retry",
    "pilot_products:spreadsheet-template",
    "pilot_products:spreadsheet-batches",
]
#: Spreadsheet URLs that take arguments, with example arguments.
SPREADSHEET_URLS = [
    ("pilot_products:spreadsheet-export", {"file_format": "xlsx"}),
    ("pilot_products:spreadsheet-export", {"file_format": "csv"}),
    ("pilot_products:spreadsheet-preview", {"token": "not-a-real-token"}),
    *(
        (name, {"resource": resource, **extra})
        for resource in ("import-batches", "import-batch-lines")
        for name, extra in (
            ("pilot_products:spreadsheet-batch-export", {"file_format": "xlsx"}),
            ("pilot_products:spreadsheet-batch-export", {"file_format": "csv"}),
            ("pilot_products:spreadsheet-batch-template", {}),
        )
    ),
]


def all_portal_urls(listing_pk: int) -> list[str]:
    return (
        [reverse(name) for name in PAGE_URLS]
        + [reverse(name, args=[listing_pk, *extra]) for name, extra in LISTING_URLS]
        + [reverse(name, kwargs=kwargs) for name, kwargs in SPREADSHEET_URLS]
    )


def snapshot(listing: Listing) -> dict:
    listing.refresh_from_db()
    return {
        field.attname: getattr(listing, field.attname)
        for field in Listing._meta.concrete_fields
    } | {"tiers": list(listing.price_tiers.values_list("min_quantity", "unit_price"))}


@pytest.fixture
def foreign_listing(wholesaler_b):
    booth = factories.make_booth(wholesaler_b)
    return factories.make_listing(
        wholesaler_b, booth=booth, status=ListingStatus.PAUSED, sku="B-SECRET"
    )


def portal_patterns(patterns, prefix: str = ""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from portal_patterns(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route.startswith("portal/"):
            yield pattern


def test_every_portal_url_of_this_app_is_covered():
    portal_names = {
        f"pilot_products:{pattern.name}"
        for pattern in portal_patterns(app_urls.urlpatterns)
    }
    assert portal_names == (
        set(PAGE_URLS)
        | {name for name, _extra in LISTING_URLS}
        | {name for name, _kwargs in SPREADSHEET_URLS}
        | set(PRINT_URLS)
        | set(BATCH_URLS)
        | set(EXPORT_JOB_URLS)
    )


@pytest.mark.parametrize(("name", "extra"), LISTING_URLS)
def test_another_wholesalers_listing_is_404_and_unchanged(
    client, user_a, foreign_listing, name, extra
):
    client.force_login(user_a)
    before = snapshot(foreign_listing)
    url = reverse(name, args=[foreign_listing.pk, *extra])
    if name.endswith("edit"):
        assert client.get(url).status_code == 404
    response = client.post(
        url,
        {
            "sku": "HIJACKED",
            "title_zh": "被改",
            "unit_price": "1.00",
            "tiers-TOTAL_FORMS": "0",
            "tiers-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 404
    assert snapshot(foreign_listing) == before


@pytest.mark.parametrize(("name", "extra"), LISTING_URLS)
def test_another_wholesalers_listing_id_is_logged(
    client, user_a, foreign_listing, security_events, name, extra
):
    client.force_login(user_a)
    url = reverse(name, args=[foreign_listing.pk, *extra])
    assert client.post(url).status_code == 404
    (attempt,) = security_events.named("cross_wholesaler_attempt")
    assert attempt["user"] == "wholesaler-a"
    assert attempt["model"] == "pilot_products.Listing"
    assert attempt["object_id"] == str(foreign_listing.pk)
    assert attempt["path"] == url
    assert attempt["method"] == "POST"


def test_unknown_listing_id_is_404_and_not_an_attempt(client, user_a, security_events):
    client.force_login(user_a)
    url = reverse("pilot_products:portal-listing-edit", args=[999999])
    assert client.get(url).status_code == 404
    assert security_events.named("cross_wholesaler_attempt") == []


@pytest.fixture
def foreign_preview_url(client, user_b, wholesaler_b):
    """A preview of wholesaler B's valid upload, made by B through the portal."""
    product = factories.make_pilot_product()
    upload = io.BytesIO(
        csv_bytes([LISTING_HEADERS, listing_row(wholesaler_b, product, sku="B-NEW")])
    )
    upload.name = "b.csv"
    client.force_login(user_b)
    response = client.post(reverse("pilot_products:spreadsheets"), {"file": upload})
    assert response.status_code == 302
    run_queued_jobs()
    preview = client.get(response["Location"])
    assert preview.context["meta"]["errors"] == []
    assert preview.context["meta"]["is_valid"]
    client.logout()
    return response["Location"]


def test_another_wholesalers_preview_is_404_logged_and_cannot_be_confirmed(
    client, user_a, foreign_preview_url, security_events
):
    token = foreign_preview_url.rstrip("/").rsplit("/", 1)[-1]
    client.force_login(user_a)
    assert client.get(foreign_preview_url).status_code == 404
    assert client.get(foreign_preview_url + "?download=errors").status_code == 404
    confirm = client.post(
        reverse("pilot_products:spreadsheet-confirm"), {"preview": token}
    )
    assert confirm.status_code == 404
    assert not Listing.objects.filter(sku="B-NEW").exists()
    attempts = security_events.named("cross_wholesaler_attempt")
    assert [(a["model"], a["object_id"], a["method"]) for a in attempts] == [
        ("pilot_products.ImportPreview", token, "GET"),
        ("pilot_products.ImportPreview", token, "GET"),
        ("pilot_products.ImportPreview", token, "POST"),
    ]


def test_unknown_listing_id_is_404(client, user_a):
    client.force_login(user_a)
    assert (
        client.get(
            reverse("pilot_products:portal-listing-edit", args=[999999])
        ).status_code
        == 404
    )


def test_own_pages_never_show_another_wholesalers_listing(
    client, user_a, foreign_listing
):
    client.force_login(user_a)
    for name in ["pilot_products:portal-dashboard", "pilot_products:portal-listings"]:
        assert "B-SECRET" not in client.get(reverse(name)).content.decode()
    listing_search = client.get(
        reverse("pilot_products:portal-listings") + "?q=B-SECRET"
    )
    assert list(listing_search.context["listings"]) == []


def test_create_form_offers_only_own_booths(
    client, user_a, wholesaler_a, foreign_listing
):
    own = factories.make_booth(wholesaler_a)
    client.force_login(user_a)
    form = client.get(reverse("pilot_products:portal-listing-create")).context["form"]
    assert list(form.fields["booth"].queryset) == [own]


def test_anonymous_users_are_sent_to_login_and_nothing_changes(client, foreign_listing):
    before = snapshot(foreign_listing)
    for url in all_portal_urls(foreign_listing.pk):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/login/?next=")
    assert snapshot(foreign_listing) == before


def test_staff_users_are_not_wholesaler_users(client, operator, foreign_listing):
    client.force_login(operator)
    before = snapshot(foreign_listing)
    for url in all_portal_urls(foreign_listing.pk):
        assert client.get(url).status_code in {403, 405}, url
        assert client.post(url).status_code in {403, 405}, url
    assert snapshot(foreign_listing) == before
