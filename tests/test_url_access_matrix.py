"""Every URL of the project, requested by every role, against an explicit expectation.

A URL pattern that the matrix below does not describe fails the test, so a new page
cannot ship without someone deciding who may open it. Requests are GETs; what POSTs
change is tested by each feature's own tests.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry  # noqa: F401 - admin app loaded
from django.urls import URLPattern, URLResolver, get_resolver

from pilot_products.models import (
    CbecCategory,
    CbecListEdition,
    CbecListEntry,
    ExportRecord,
    ImportBatch,
    ImportBatchLine,
    ImportRecord,
    ImportTarget,
    Listing,
    OfficialFigure,
    PilotList,
    PilotProduct,
    SearchSynonym,
    TariffLine,
    WholesalerMember,
)
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "wholesaler-a", "wholesaler-b", "editor", "reviewer", "operator"]
STAFF = ["editor", "reviewer", "operator"]

# Outcomes: the status code, or "login" for a redirect to a login page.
OK, LOGIN, FORBIDDEN, MISSING, NOT_ALLOWED, REDIRECT = 200, "login", 403, 404, 405, 302

#: Admin rights per model and staff role: v view, a add, c change, d delete,
#: i import, e export, p publish. Missing role = no rights at all.
ADMIN_RIGHTS = {
    "cbeccategory": {"editor": "vacdie", "reviewer": "ve", "operator": "v"},
    "tariffline": {"editor": "vacdie", "reviewer": "ve", "operator": "v"},
    "cbeclistedition": {"editor": "vacdie", "reviewer": "ve"},
    "cbeclistentry": {"editor": "vacdie", "reviewer": "ve"},
    "pilotproduct": {"editor": "vacie", "reviewer": "ve", "operator": "v"},
    "pilotlist": {"editor": "vacie", "reviewer": "vep", "operator": "v"},
    "importrecord": {"editor": "v", "reviewer": "v", "operator": "v"},
    "exportrecord": {"editor": "v", "reviewer": "v", "operator": "v"},
    "wholesaler": {"reviewer": "v", "operator": "vacie"},
    "booth": {"reviewer": "v", "operator": "vacie"},
    "listing": {"reviewer": "v", "operator": "vacie"},
    "wholesalermember": {"operator": "vacd"},
    "searchsynonym": {"editor": "vacd"},
    "officialfigure": {"editor": "vacdie", "reviewer": "ve"},
    "importbatch": {"operator": "vacdie", "reviewer": "v"},
    "importbatchline": {"operator": "vacdie", "reviewer": "v"},
    "importtarget": {"editor": "vacdie", "reviewer": "ve"},
}
#: Models whose admin refuses a right whatever the permissions (nothing is deleted in
#: the pilot; import records are written only by imports; a batch's lines are deleted
#: in the batch's form, which keeps at least one).
ADMIN_NEVER = {
    "pilotproduct": "d",
    "pilotlist": "d",
    "importrecord": "acd",
    "exportrecord": "acd",
    "importbatchline": "d",
}

#: Pages outside the model admins, by URL name: {role: outcome}; "*" is every role.
PAGES = {
    "healthz": {"*": OK},
    "login": {"*": OK},
    "logout": {"*": NOT_ALLOWED},
    "set_language": {"*": REDIRECT},
    "pilot_products:home": {"*": OK},
    "pilot_products:catalogue": {"*": OK},
    "pilot_products:pilot-progress": {"*": OK},
    "pilot_products:pilot-progress-figures": {"*": OK},
    "pilot_products:pilot-product": {"*": OK},
    "pilot_products:wholesaler": {"*": OK},
    "pilot_products:offer": {"*": OK},
    "pilot_products:booth": {"*": OK},
    # The portal: wholesaler-a owns the objects in the URLs, wholesaler-b must get 404.
    **{
        name: {
            "anonymous": LOGIN,
            "wholesaler-a": OK,
            "wholesaler-b": OK,
            **dict.fromkeys(STAFF, FORBIDDEN),
        }
        for name in [
            "pilot_products:portal-dashboard",
            "pilot_products:portal-listings",
            "pilot_products:portal-listing-create",
            "pilot_products:portal-batches",
            "pilot_products:portal-batch-create",
            "pilot_products:portal-password-change",
            "pilot_products:spreadsheets",
            "pilot_products:spreadsheet-export",
            "pilot_products:spreadsheet-template",
            "pilot_products:spreadsheet-batches",
            "pilot_products:spreadsheet-batch-export",
            "pilot_products:spreadsheet-batch-template",
        ]
    },
    "pilot_products:portal-listing-edit": {
        "anonymous": LOGIN,
        "wholesaler-a": OK,
        "wholesaler-b": MISSING,
        **dict.fromkeys(STAFF, FORBIDDEN),
    },
    **{
        name: {
            "anonymous": LOGIN,
            "wholesaler-a": OK,
            "wholesaler-b": MISSING,
            **dict.fromkeys(STAFF, FORBIDDEN),
        }
        for name in [
            "pilot_products:portal-listing-label",
            "pilot_products:portal-booth-poster",
        ]
    },
    "pilot_products:portal-listing-photos": {
        "anonymous": LOGIN,
        "wholesaler-a": OK,
        "wholesaler-b": MISSING,
        **dict.fromkeys(STAFF, FORBIDDEN),
    },
    "pilot_products:portal-batch-edit": {
        "anonymous": LOGIN,
        "wholesaler-a": OK,
        "wholesaler-b": MISSING,
        **dict.fromkeys(STAFF, FORBIDDEN),
    },
    "pilot_products:portal-listing-photo-action": {
        "anonymous": LOGIN,
        "wholesaler-a": NOT_ALLOWED,
        "wholesaler-b": NOT_ALLOWED,
        **dict.fromkeys(STAFF, FORBIDDEN),
    },
    # No stored photo has this name: nobody gets a file that is not there.
    "pilot_products:photo-file": {"*": MISSING},
    "pilot_products:portal-listing-action": {
        "anonymous": LOGIN,
        "wholesaler-a": NOT_ALLOWED,
        "wholesaler-b": NOT_ALLOWED,
        **dict.fromkeys(STAFF, FORBIDDEN),
    },
    "pilot_products:spreadsheet-preview": {
        "anonymous": LOGIN,
        "wholesaler-a": MISSING,
        "wholesaler-b": MISSING,
        **dict.fromkeys(STAFF, FORBIDDEN),
    },
    # wholesaler-a's own large export: its page; wholesaler-b's is a 404.
    "pilot_products:spreadsheet-export-job": {
        "anonymous": LOGIN,
        "wholesaler-a": OK,
        "wholesaler-b": MISSING,
        **dict.fromkeys(STAFF, FORBIDDEN),
    },
    "pilot_products:spreadsheet-confirm": {
        "anonymous": LOGIN,
        "wholesaler-a": NOT_ALLOWED,
        "wholesaler-b": NOT_ALLOWED,
        **dict.fromkeys(STAFF, FORBIDDEN),
    },
    "pilot_products:spreadsheet-retry": {
        "anonymous": LOGIN,
        "wholesaler-a": NOT_ALLOWED,
        "wholesaler-b": NOT_ALLOWED,
        **dict.fromkeys(STAFF, FORBIDDEN),
    },
}

#: Admin pages that belong to no model, for staff; everyone else is sent to log in.
ADMIN_PAGES = {
    "admin:index": OK,
    "admin:login": REDIRECT,
    "admin:logout": NOT_ALLOWED,
    "admin:password_change": OK,
    "admin:password_change_done": OK,
    "admin:autocomplete": FORBIDDEN,
    "admin:jsi18n": OK,
    "admin:view_on_site": MISSING,
    "admin:app_list": OK,
    "admin:catch_all": MISSING,
    # Every staff role views batches or the official figures (a staff user with
    # neither gets 403: tests/test_staff_dashboard.py).
    "admin:pilot_products_importbatch_dashboard": OK,
}
#: The same pages for users who are not staff (anonymous and wholesaler users).
ADMIN_PAGES_NOT_STAFF = {"admin:login": OK, "admin:logout": REDIRECT}

#: Admin views a model admin adds beyond Django's and django-import-export's own,
#: with the right they need ("-" = answered 405 to a GET, whatever the rights).
ADMIN_EXTRA_VIEWS = {
    "pilotproduct_transition": "-",
    "pilotproduct_restore": "-",
    "pilotproduct_photo": "c",
    "pilotlist_copy": "a",
    "pilotlist_publish": "p",
    "pilotlist_compare": "v",
    "booth_poster": "v",
    "listing_label": "v",
}
ADMIN_VIEW_RIGHT = {
    "changelist": "v",
    "history": "v",
    "change": "v",
    "simple_history": "v",
    "add": "a",
    "delete": "d",
    "import": "i",
    "process_import": "i",
    "export": "e",
    "export_job": "e",
}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            assert isinstance(pattern, URLPattern)
            yield prefix + str(pattern.pattern), namespace + (pattern.name or "")


def all_url_patterns() -> list[tuple[str, str]]:
    return list(_walk(get_resolver().url_patterns))


@pytest.fixture
def world(reference_data, wholesaler_a, user_a, user_b, editor, reviewer, operator):
    booth = factories.make_booth(wholesaler_a)
    product = PilotProduct.objects.get(code="P06")
    listing = factories.make_listing(
        wholesaler_a, product, booth=booth, customs_code="9503006000"
    )
    record = ImportRecord.objects.create(
        resource="listings",
        file_name="a.csv",
        sha256="0" * 64,
        file_format="csv",
        outcome="previewed",
    )
    export = ExportRecord.objects.create(
        user=user_a,
        wholesaler=wholesaler_a,
        resource="listings",
        file_format="csv",
        file_name="listings.csv",
        token="0" * 32,
    )
    attempt = AccessAttempt.objects.create(
        username="someone", ip_address="127.0.0.1", failures_since_start=1
    )
    failure = AccessFailureLog.objects.create(
        username="someone", ip_address="127.0.0.1"
    )
    access_log = AccessLog.objects.create(username="someone", ip_address="127.0.0.1")
    batch = ImportBatch.objects.create(
        wholesaler=wholesaler_a,
        declaration_number="292020251000123456",
        declared_on=date(2025, 5, 12),
        supervision_mode="bonded_centre",
        transport_mode="rail",
        origin_country="DE",
        dispatch_country="DE",
    )
    line = ImportBatchLine.objects.create(
        batch=batch,
        tariff_line=product.tariff_lines.first(),
        quantity=10,
        unit="piece",
        value_cny=Decimal("100.00"),
    )
    objects = {
        "importbatch": batch,
        "importbatchline": line,
        "accessattempt": attempt,
        "accessfailurelog": failure,
        "accesslog": access_log,
        "cbeccategory": CbecCategory.objects.first(),
        "tariffline": TariffLine.objects.first(),
        "cbeclistedition": CbecListEdition.objects.first(),
        "cbeclistentry": CbecListEntry.objects.first(),
        "pilotproduct": product,
        "pilotlist": PilotList.objects.first(),
        "importrecord": record,
        "exportrecord": export,
        "wholesaler": wholesaler_a,
        "booth": booth,
        "listing": listing,
        "wholesalermember": WholesalerMember.objects.get(user=user_a),
        "searchsynonym": SearchSynonym.objects.first(),
        "officialfigure": OfficialFigure.objects.first(),
        "importtarget": ImportTarget.objects.first(),
        "user": user_a,
        "group": user_a.groups.first(),
    }
    users = {
        "wholesaler-a": user_a,
        "wholesaler-b": user_b,
        "editor": editor,
        "reviewer": reviewer,
        "operator": operator,
    }
    return {"objects": objects, "users": users, "listing": listing}


def _admin_model_view(name: str):
    """Split 'admin:pilot_products_listing_change' into ('listing', 'change')."""
    match = re.fullmatch(r"admin:(pilot_products|auth|axes)_([a-z]+)_([a-z_]+)", name)
    if not match:
        return None
    return match.group(1), match.group(2), match.group(3)


def concrete_url(route: str, name: str, world) -> str:
    """Fill a route's parameters with objects owned by wholesaler-a."""
    objects, listing = world["objects"], world["listing"]
    model = None
    parsed = _admin_model_view(name)
    if parsed:
        model = parsed[1]
    elif route.startswith(("admin/pilot_products/", "admin/auth/", "admin/axes/")):
        model = route.split("/")[2]
    obj = objects.get(model) if model else None
    history_id = (
        obj.history.first().history_id
        if obj is not None and hasattr(obj, "history")
        else 1
    )
    replacements = {
        "<path:content_type_id>/<path:object_id>": "999/999",
        "<path:object_id>": str(obj.pk) if obj is not None else "1",
        "<id>": str(objects["user"].pk),
        "<str:action>": "approve",
        "<int:history_id>": str(history_id),
        "^([^/]+)/history/([^/]+)/$": f"{obj.pk if obj else 1}/history/{history_id}/",
        "^(?P<app_label>auth|pilot_products|axes)/$": "pilot_products/",
        "(?P<url>.*)$": "no-such-page/",
        "<uidb64>/<token>": "MQ/set-password",
        "<str:code>": "P06",
        "<int:pk>": str(
            objects["importbatch"].pk
            if "portal/batches" in route
            else listing.pk
            if "portal" in route
            else listing.wholesaler_id
        ),
        "<slug:action>": "pause",
        "<str:token>": "0" * 32,
        "<str:file_format>": "csv",
        "<str:resource>": "import-batches",
        "<int:photo_pk>": "1",
        "<str:credit_code>/<path:sku>": f"{listing.wholesaler.credit_code}/{listing.sku}",
        "<str:name>": "0" * 32 + ".jpg",
    }
    url = route
    booth = objects["booth"]
    if route.startswith("portal/booths/"):
        url = url.replace("<int:pk>", str(booth.pk))
    url = url.replace(
        "<int:district>/<int:floor>/<int:street>/<str:number>",
        f"{booth.district}/{booth.floor}/{booth.street}/{booth.number}",
    )
    for placeholder, value in replacements.items():
        url = url.replace(placeholder, value)
    assert "<" not in url and "(" not in url, f"unfilled route {route} ({name})"
    return "/" + url


def expected_outcome(route: str, name: str, role: str):
    if not route.startswith("admin/"):
        assert name in PAGES, f"URL {route!r} ({name}) has no row in PAGES"
        row = PAGES[name]
        return row.get(role, row.get("*"))
    if name == "admin:" and route.endswith("(?P<url>.*)$"):
        name = "admin:catch_all"
    if role not in STAFF:
        return ADMIN_PAGES_NOT_STAFF.get(name, LOGIN)
    if name in ADMIN_PAGES:
        return ADMIN_PAGES[name]
    if name == "admin:":
        return REDIRECT  # /admin/<model>/<id>/ redirects to the change page
    parsed = _admin_model_view(name)
    assert parsed, f"admin URL {route!r} ({name}) is not described"
    app, model, view = parsed
    rights = (
        ADMIN_RIGHTS.get(model, {}).get(role, "") if app == "pilot_products" else ""
    )
    rights = "".join(r for r in rights if r not in ADMIN_NEVER.get(model, ""))
    if f"{model}_{view}" in ADMIN_EXTRA_VIEWS:
        needed = ADMIN_EXTRA_VIEWS[f"{model}_{view}"]
    else:
        assert view in ADMIN_VIEW_RIGHT or view == "password_change", (
            f"admin view {name}"
        )
        needed = ADMIN_VIEW_RIGHT.get(view, "c")
    if needed == "-":
        return NOT_ALLOWED if rights else FORBIDDEN
    if view == "export_job":
        # The export in the URL is wholesaler-a's: anyone else's is a 404.
        return MISSING if "e" in rights else FORBIDDEN
    if view == "process_import":
        # Only our own upload-preview-confirm flow imports; the library's URL is gone.
        return MISSING if "i" in rights else FORBIDDEN
    if needed == "v":
        return OK if ("v" in rights or "c" in rights) else FORBIDDEN
    return OK if needed in rights else FORBIDDEN


def actual_outcome(response):
    if response.status_code == 302:
        location = response["Location"]
        if "/login/" in location:
            return LOGIN
        return REDIRECT
    return response.status_code


def test_every_url_answers_each_role_as_the_matrix_says(client, world):
    patterns = all_url_patterns()
    assert len(patterns) > 100
    mismatches = []
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(world["users"][role])
        for route, name in patterns:
            expected = expected_outcome(route, name, role)
            url = concrete_url(route, name, world)
            actual = actual_outcome(client.get(url))
            if actual != expected:
                mismatches.append(
                    f"{role:13} {url:70} expected {expected}, got {actual}"
                )
    assert not mismatches, "\n".join(mismatches)


def test_wholesaler_b_cannot_change_wholesaler_a_listing(client, world):
    listing = world["listing"]
    client.force_login(world["users"]["wholesaler-b"])
    before = Listing.objects.filter(pk=listing.pk).values().get()
    for action in ("pause", "delist", "relist", "confirm-stock"):
        response = client.post(
            f"/portal/listings/{listing.pk}/{action}/", {"confirm": "1"}
        )
        assert response.status_code == 404
    assert Listing.objects.filter(pk=listing.pk).values().get() == before


def test_an_unknown_url_pattern_fails_the_matrix():
    with pytest.raises(AssertionError, match="has no row in PAGES"):
        expected_outcome("portal/secret/", "pilot_products:portal-secret", "anonymous")
