"""Every role against the admin's POST surface: add, change, delete, history revert
and every action of every model, each compared with what ``roles.py`` grants.

A role without the right is answered 403 (or the action is not offered) and the
data stays exactly as it was; a role with it gets the change made. The forms are
filled from what the superuser's pages show, so a refusal is never a form error.
"""

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from pilot_products import roles
from pilot_products.models import (
    Booth,
    CbecCategory,
    CbecListEdition,
    CbecListEntry,
    ImportOutcome,
    ImportRecord,
    Listing,
    PilotList,
    PilotProduct,
    ReviewStatus,
    TariffLine,
    Wholesaler,
    WholesalerMember,
)
from tests import factories
from tests.doors.helpers import form_post_data, formset_post_data

pytestmark = pytest.mark.django_db

STAFF_ROLES = {
    "editor": roles.CATALOGUE_EDITOR,
    "reviewer": roles.PILOT_REVIEWER,
    "operator": roles.MALL_OPERATOR,
}
#: Models whose admin refuses an action whatever the permissions: nothing in the
#: pilot is deleted, import records are written by imports only, reviewed products
#: and published lists are read-only, and their history is restored by the
#: workflow's own restore (the generic revert answers 405).
NEVER = {
    "pilotproduct": {"delete", "revert"},
    "pilotlist": {"delete", "revert"},
    "importrecord": {"add", "change", "delete"},
}
WITH_HISTORY = {"wholesaler", "booth", "listing", "pilotproduct", "pilotlist"}
#: Changelist actions by model: the permission each needs and the object (in a
#: state the action applies to) it is run on.
ACTIONS = {
    "wholesaler": {
        "suspend_selected": ("change", "wholesaler"),
        "reactivate_selected": ("change", "wholesaler:suspended"),
        "delete_selected": ("delete", "wholesaler:spare"),
    },
    "booth": {"delete_selected": ("delete", "booth:spare")},
    "listing": {"delete_selected": ("delete", "listing:spare")},
    "wholesalermember": {"delete_selected": ("delete", "wholesalermember:spare")},
    "pilotproduct": {
        "submit_selected": ("submit", "pilotproduct"),
        "approve_selected": ("review", "pilotproduct:submitted"),
        "reject_selected": ("review", "pilotproduct:submitted-2"),
        "retire_selected": ("review", "pilotproduct:approved"),
        "reopen_selected": ("submit", "pilotproduct:rejected"),
    },
    "cbeccategory": {"delete_selected": ("delete", "cbeccategory:spare")},
    "tariffline": {"delete_selected": ("delete", "tariffline:spare")},
    "cbeclistedition": {"delete_selected": ("delete", "cbeclistedition:spare")},
    "cbeclistentry": {"delete_selected": ("delete", "cbeclistentry:spare")},
}
#: A field each change form edits, and the value posted.
CHANGED_FIELD = {
    "wholesaler": ("contact_name", "Changed by the matrix"),
    "booth": ("pavilion_en", "Changed by the matrix"),
    "listing": ("title_en", "Changed by the matrix"),
    "wholesalermember": ("wholesaler", "wholesaler:spare"),
    "pilotproduct": ("name_en", "Changed by the matrix"),
    "pilotlist": ("name_en", "Changed by the matrix"),
    "cbeccategory": ("name_en", "Changed by the matrix"),
    "tariffline": ("name_en", "Changed by the matrix"),
    "cbeclistedition": ("name_en", "Changed by the matrix"),
    "cbeclistentry": ("remark", "Changed by the matrix"),
    "importrecord": ("file_name", "changed.csv"),
}
MODELS = {
    "wholesaler": Wholesaler,
    "booth": Booth,
    "listing": Listing,
    "wholesalermember": WholesalerMember,
    "pilotproduct": PilotProduct,
    "pilotlist": PilotList,
    "cbeccategory": CbecCategory,
    "tariffline": TariffLine,
    "cbeclistedition": CbecListEdition,
    "cbeclistentry": CbecListEntry,
    "importrecord": ImportRecord,
}


def granted(role: str, model: str, right: str) -> bool:
    """What roles.py grants (``revert`` is a change, workflow rights by name)."""
    if right in NEVER.get(model, set()):
        return False
    codenames = set(roles.ROLE_PERMISSIONS[STAFF_ROLES[role]])
    if right == "revert":
        right = "change"
    if right in ("submit", "review"):
        return f"{right}_{model}" in codenames
    return f"{right}_{model}" in codenames


@pytest.fixture
def objects(wholesaler_a, user_a, editor):
    """Objects of each model, each in a state where every action can apply."""
    edition = factories.make_edition()
    line = factories.make_tariff_line(edition=edition)

    def product(code, status, **fields):
        return factories.make_pilot_product(
            code=code, tariff_lines=[line], status=status, **fields
        )

    approved = product("P9800", ReviewStatus.APPROVED)
    booth = factories.make_booth(wholesaler_a)

    def listing(sku):
        return factories.make_listing(
            wholesaler_a,
            approved,
            sku=sku,
            booth=booth,
            moq=10,
            unit_price=Decimal("12.50"),
            tiers=[(10, Decimal("12.50"))],
        )

    category = factories.make_category()
    spare_line = factories.make_tariff_line(category=category)
    other_edition = factories.make_edition(code="matrix-spare")
    spare_wholesaler = factories.make_wholesaler()
    return {
        "wholesaler": wholesaler_a,
        "wholesaler:suspended": factories.make_wholesaler(status="suspended"),
        "wholesaler:spare": spare_wholesaler,
        "booth": booth,
        "booth:spare": factories.make_booth(),
        "listing": listing("MATRIX-1"),
        "listing:spare": listing("MATRIX-2"),
        "wholesalermember": WholesalerMember.objects.get(user=user_a),
        "wholesalermember:spare": WholesalerMember.objects.create(
            user=factories.make_user("matrix-spare"), wholesaler=wholesaler_a
        ),
        "pilotproduct": product("P9801", ReviewStatus.DRAFT),
        "pilotproduct:submitted": product(
            "P9803", ReviewStatus.SUBMITTED, submitted_by=editor
        ),
        "pilotproduct:submitted-2": product(
            "P9805", ReviewStatus.SUBMITTED, submitted_by=editor
        ),
        "pilotproduct:approved": approved,
        "pilotproduct:rejected": product(
            "P9804", ReviewStatus.REJECTED, status_reason="No."
        ),
        "pilotlist": PilotList.objects.create(
            version="2031-01", name_zh="草稿", name_en="Draft version"
        ),
        "cbeccategory": factories.make_category(),
        "cbeccategory:spare": factories.make_category(),
        "tariffline": factories.make_tariff_line(category=category),
        "tariffline:spare": factories.make_tariff_line(category=category),
        "cbeclistedition": other_edition,
        "cbeclistedition:spare": factories.make_edition(code="matrix-spare-2"),
        "cbeclistentry": CbecListEntry.objects.get(tariff_line=line),
        "cbeclistentry:spare": CbecListEntry.objects.create(
            edition=other_edition, tariff_line=spare_line, row_number=77
        ),
        "importrecord": ImportRecord.objects.create(
            resource="listings",
            file_name="a.csv",
            sha256="0" * 64,
            file_format="csv",
            outcome=ImportOutcome.PREVIEWED,
        ),
    }


def snapshot() -> dict:
    """Every row of every model the admin can write (history tables included)."""
    state = {}
    for model in apps.get_app_config("pilot_products").get_models():
        state[model._meta.label] = list(model.objects.order_by("pk").values())
    state["users"] = list(
        get_user_model().objects.order_by("pk").values("pk", "username", "is_active")
    )
    state["groups"] = list(
        Group.objects.order_by("pk").values_list("name", "permissions")
    )
    return state


@pytest.fixture
def superuser(db):
    return factories.make_user("root", is_staff=True, is_superuser=True)


def _client(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def _page_data(admin: Client, url: str) -> dict:
    context = admin.get(url).context
    data = form_post_data(context["adminform"].form)
    for inline in context.get("inline_admin_formsets", []):
        data |= formset_post_data(inline.formset)
    return data


def _add_data(model: str, objects, admin: Client) -> dict:
    """A valid new object of ``model``: the existing one's form, its keys changed."""
    obj = objects[model]
    if model == "importrecord":
        return {"file_name": "new.csv"}
    data = _page_data(admin, f"/admin/pilot_products/{model}/{obj.pk}/change/")
    data = {k: v for k, v in data.items() if "-" not in k or k.endswith("FORMS")}
    for key in list(data):
        if key.endswith("INITIAL_FORMS") or key.endswith("TOTAL_FORMS"):
            data[key] = "0"
    new_keys = {
        "wholesaler": lambda: {"credit_code": factories.valid_credit_code(987)},
        "booth": lambda: {"number": "98765"},
        "listing": lambda: {"sku": "MATRIX-NEW"},
        "wholesalermember": lambda: {"user": str(factories.make_user("matrix-new").pk)},
        "pilotproduct": lambda: {"code": "P9802"},
        "pilotlist": lambda: {"version": "2031-02"},
        "cbeccategory": lambda: {"code": "matrix_new"},
        "tariffline": lambda: {"code": "99887766"},
        "cbeclistedition": lambda: {"code": "matrix-ed"},
        "cbeclistentry": lambda: {
            "row_number": "9876",
            "tariff_line": str(factories.make_tariff_line().pk),
        },
    }
    return data | new_keys[model]()


def run(action: str, role_client: Client, admin: Client, model: str, objects):
    """POST one admin action as the role; return (response, whether it wrote)."""
    obj = objects[model]
    base = f"/admin/pilot_products/{model}/"
    field, value = CHANGED_FIELD[model]
    if value in objects:
        value = str(objects[value].pk)
    if action == "add":
        url, data = f"{base}add/", _add_data(model, objects, admin)
    elif action == "change":
        url = f"{base}{obj.pk}/change/"
        data = _page_data(admin, url) if model != "importrecord" else {}
        if field:
            data[field] = value
    elif action == "delete":
        url, data = f"{base}{obj.pk}/delete/", {"post": "yes"}
    elif action == "revert":
        version = obj.history.order_by("history_id").first()
        url = f"{base}{obj.pk}/history/{version.history_id}/"
        data = _page_data(admin, url) | {field: value}
    else:
        _right, key = ACTIONS[model][action]
        url = base
        data = {
            "action": action,
            "_selected_action": [objects[key].pk],
            "post": "yes",
            "apply": "yes",
            "reason": "Decided by the matrix.",
        }
    before = snapshot()
    response = role_client.post(url, data)
    return response, snapshot() != before


def _expected_rights(model: str) -> list[tuple[str, str]]:
    rights = [("add", "add"), ("change", "change"), ("delete", "delete")]
    if model in WITH_HISTORY:
        rights.append(("revert", "revert"))
    rights += [(name, right) for name, (right, _key) in ACTIONS.get(model, {}).items()]
    return rights


@pytest.mark.parametrize("model", list(MODELS))
@pytest.mark.parametrize("role", list(STAFF_ROLES))
def test_each_role_writes_exactly_what_roles_grants(
    role, model, objects, superuser, editor, reviewer, operator, second_reviewer
):
    users = {"editor": editor, "reviewer": reviewer, "operator": operator}
    role_client, admin = _client(users[role]), _client(superuser)
    mismatches = []
    for action, right in _expected_rights(model):
        allowed = granted(role, model, right)
        response, wrote = run(action, role_client, admin, model, objects)
        if allowed and not wrote:
            mismatches.append(f"{action}: allowed but nothing was written")
        if not allowed and wrote:
            mismatches.append(f"{action}: refused by roles.py but it wrote")
        refused_page = action in ("add", "change", "delete", "revert")
        if not allowed and refused_page and response.status_code not in (403, 405):
            mismatches.append(f"{action}: answered {response.status_code}")
    assert not mismatches, f"{role} on {model}: " + "; ".join(mismatches)


@pytest.mark.parametrize("path", ["auth/user", "auth/group", "axes/accessattempt"])
@pytest.mark.parametrize("role", list(STAFF_ROLES))
def test_no_role_writes_accounts_or_lockouts(role, path, editor, reviewer, operator):
    users = {"editor": editor, "reviewer": reviewer, "operator": operator}
    client = _client(users[role])
    before = snapshot()
    responses = [
        client.post(f"/admin/{path}/add/", {"username": "intruder", "name": "x"}),
        client.post(f"/admin/{path}/1/change/", {"username": "intruder"}),
        client.post(f"/admin/{path}/1/delete/", {"post": "yes"}),
    ]
    assert [r.status_code for r in responses] == [403, 403, 403]
    assert snapshot() == before
