"""One rule, every door: each listing rule is refused with the same sentence (and, on
forms, the same code) by the portal form or button, the portal spreadsheet, the admin
form with its tier inline, the admin import, ``catalogue_import`` and the history
revert page; and nothing is written."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from pilot_products import rules, text_rules
from pilot_products import validators as v
from pilot_products.models import (
    Listing,
    ListingStatus,
    PriceTier,
    WholesalerStatus,
)
from tests import factories
from tests.doors.helpers import (
    errors_of,
    form_post_data,
    formset_post_data,
    import_through_admin,
    import_through_command,
    import_through_portal,
    set_tiers,
)
from tests.spreadsheet_helpers import LISTING_HEADERS, listing_row

pytestmark = pytest.mark.django_db

PORTAL_FORM = "portal form"
PORTAL_SHEET = "portal spreadsheet"
ADMIN_FORM = "admin form and tier inline"
ADMIN_IMPORT = "admin import"
COMMAND = "catalogue_import"
REVERT = "history revert"
DOORS = (PORTAL_FORM, PORTAL_SHEET, ADMIN_FORM, ADMIN_IMPORT, COMMAND, REVERT)

ELEVEN_TIERS = [(10 + step, Decimal("12.50") - step) for step in range(11)]


@dataclass
class Case:
    """One rule broken the same way at every door."""

    message: Callable[[dict], str]
    code: str
    #: Form fields changed (portal form, admin form, revert), as posted.
    form: dict = field(default_factory=dict)
    #: Spreadsheet cells changed, by column key.
    row: dict = field(default_factory=dict)
    tiers: list | None = None
    #: Which listing of the world is changed.
    target: str = "listing"
    #: The portal offers a button, not a form field, for this change.
    portal_action: str | None = None
    #: Doors that do not offer the change at all (with the reason, for the reader).
    not_offered: dict = field(default_factory=dict)
    setup: Callable[[dict], None] | None = None
    #: Who uses the admin doors: the operator, or the superuser where the operator's
    #: role does not offer the change (operators change tiers but do not add them).
    admin_user: str = "operator"


def _product_rejected_draft(world):
    """A draft listing of a rejected product (the rejected product covers the same
    tariff line, so only the review state is wrong)."""
    world["rejected"].tariff_lines.set(world["approved"].tariff_lines.all())
    world["draft"] = factories.make_listing(
        world["wholesaler"],
        world["rejected"],
        sku="DOOR-DRAFT",
        moq=10,
        unit_price=Decimal("12.50"),
        status=ListingStatus.DRAFT,
        booth=world["booth"],
    )


def _suspended_with_draft(world):
    _product_rejected_draft(world)
    world["draft"].pilot_product = world["approved"]
    world["draft"].save()
    world["wholesaler"].status = WholesalerStatus.SUSPENDED
    world["wholesaler"].save()


CASES = {
    "price > 0": Case(
        message=lambda w: str(v.MSG_PRICE_POSITIVE),
        code="price_positive",
        form={"unit_price": "0"},
        row={"unit_price": "0"},
    ),
    "negative price": Case(
        message=lambda w: str(v.MSG_PRICE_POSITIVE),
        code="price_positive",
        form={"unit_price": "-12.50"},
        row={"unit_price": "-12.50"},
    ),
    "MOQ >= 1": Case(
        message=lambda w: str(v.MSG_MOQ_AT_LEAST_ONE),
        code="moq_min",
        form={"moq": "0"},
        row={"moq": "0"},
    ),
    "blank MOQ is an error, not 1": Case(
        message=lambda w: str(v.MSG_MOQ_REQUIRED),
        code="required",
        form={"moq": ""},
        row={"moq": ""},
    ),
    "stock within both databases' integer": Case(
        message=lambda w: str(v.MSG_NUMBER_TOO_LARGE % {"limit_value": v.INT4_MAX}),
        code="number_too_large",
        form={"stock": "2147483648"},
        row={"stock": "2147483648"},
    ),
    "at most 10 tiers": Case(
        message=lambda w: str(v.MSG_TIERS_TOO_MANY % {"max": 10, "count": 11}),
        code="too_many_tiers",
        tiers=ELEVEN_TIERS,
        row={"tiers": ";".join(f"{q}:{p}" for q, p in ELEVEN_TIERS)},
        not_offered={REVERT: "the revert page does not change tiers"},
        admin_user="superuser",
    ),
    "unit price no higher than the first tier's": Case(
        message=lambda w: str(
            v.MSG_UNIT_PRICE_ABOVE_FIRST_TIER
            % {"price": Decimal("13.00"), "tier_price": Decimal("12.50")}
        ),
        code="unit_price_above_first_tier",
        form={"unit_price": "13.00"},
        row={"unit_price": "13.00"},
    ),
    "tiers start at the MOQ": Case(
        message=lambda w: str(v.MSG_TIERS_FIRST_AT_MOQ),
        code="tiers_first_at_moq",
        form={"moq": "5"},
        row={"moq": "5"},
    ),
    "a delisted listing is relisted, not paused": Case(
        message=lambda w: str(rules.MSG_CANNOT_PAUSE),
        code="cannot_pause",
        target="delisted",
        form={"status": "paused"},
        row={"status": "paused"},
        portal_action="pause",
    ),
    "a delisted listing's SKU is not taken twice": Case(
        message=lambda w: str(
            rules.MSG_SKU_TAKEN_BY_DELISTED % {"sku": w["delisted"].sku}
        ),
        code="sku_taken",
        form={"sku": "DOOR-GONE"},
        not_offered={
            PORTAL_SHEET: "a sheet's row with that SKU changes that listing",
            ADMIN_IMPORT: "a sheet's row with that SKU changes that listing",
            COMMAND: "a sheet's row with that SKU changes that listing",
            ADMIN_FORM: "the admin form checks the database constraint only",
            REVERT: "the revert page checks the database constraint only",
        },
    ),
    "active only for an approved product": Case(
        message=lambda w: str(
            rules.MSG_PRODUCT_NOT_APPROVED
            % {"product": w["rejected"].code, "status": "rejected"}
        ),
        code="product_not_approved",
        target="draft",
        form={"status": "active"},
        row={"status": "active"},
        portal_action="activate",
        setup=_product_rejected_draft,
    ),
    "an active listing cannot move onto a rejected product": Case(
        message=lambda w: str(
            rules.MSG_PRODUCT_NOT_APPROVED
            % {"product": w["rejected"].code, "status": "rejected"}
        ),
        code="product_not_approved",
        form={"pilot_product": "REJECTED"},
        row={"pilot_product": "REJECTED"},
        setup=lambda w: w["rejected"].tariff_lines.set(
            w["approved"].tariff_lines.all()
        ),
        not_offered={PORTAL_FORM: "the portal offers approved products only"},
    ),
    "active only while the wholesaler is active": Case(
        message=lambda w: str(
            rules.MSG_WHOLESALER_SUSPENDED % {"wholesaler": str(w["wholesaler"])}
        ),
        code="wholesaler_suspended",
        target="draft",
        form={"status": "active"},
        row={"status": "active"},
        setup=_suspended_with_draft,
        not_offered={
            PORTAL_FORM: "a suspended wholesaler's users are logged out",
            PORTAL_SHEET: "a suspended wholesaler's users are logged out",
        },
    ),
    "no bidi override in text": Case(
        message=lambda w: str(
            text_rules.MSG_INVISIBLE_CHARACTER
            % {"char": "U+202E RIGHT-TO-LEFT OVERRIDE", "position": 3}
        ),
        code="invisible_character",
        form={"title_zh": "拼图\u202etxt"},
        row={"title_zh": "拼图\u202etxt"},
    ),
    "no zero-width space in a SKU's title": Case(
        message=lambda w: str(
            text_rules.MSG_INVISIBLE_CHARACTER
            % {"char": "U+200B ZERO WIDTH SPACE", "position": 6}
        ),
        code="invisible_character",
        form={"title_en": "Puzzl\u200be"},
        row={"title_en": "Puzzl\u200be"},
    ),
    "no control character in text": Case(
        message=lambda w: str(
            text_rules.MSG_CONTROL_CHARACTER % {"char": "U+001B", "position": 3}
        ),
        code="control_character",
        form={"brand": "Sa\x1bkura"},
        row={"brand": "Sa\x1bkura"},
    ),
}


def _state():
    return (
        sorted(Listing.objects.values_list("pk", "status", "unit_price", "moq", "stock",
                                           "pilot_product_id", "title_zh", "title_en",
                                           "brand", "stock_confirmed_at")),
        sorted(PriceTier.objects.values_list("listing_id", "min_quantity", "unit_price")),
    )  # fmt: skip


def _resolve(world, changes: dict) -> dict:
    """Put ids for the placeholders cases use (a product named by its role)."""
    if changes.get("pilot_product") == "REJECTED":
        return {**changes, "pilot_product": str(world["rejected"].pk)}
    return changes


def _row(world, listing, changes: dict) -> list:
    tiers = ";".join(
        f"{q}:{p}"
        for q, p in listing.price_tiers.values_list("min_quantity", "unit_price")
    )
    cells = {
        "sku": listing.sku,
        "customs_code": listing.customs_code,
        "unit_price": str(listing.unit_price),
        "moq": str(listing.moq),
        "stock": str(listing.stock),
        "status": listing.status,
        "tiers": tiers,
        **changes,
    }
    if cells.get("pilot_product") == "REJECTED":
        cells["pilot_product"] = world["rejected"].code
    return listing_row(
        listing.wholesaler,
        listing.pilot_product,
        listing.booth,
        **cells,
    )


def _logged_in(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def through_portal_form(world, case, listing):
    client = _logged_in(world["user"])
    url = f"/portal/listings/{listing.pk}/"
    if case.portal_action:
        response = client.post(f"{url}{case.portal_action}/", follow=True)
        return set(), [str(m) for m in get_messages(response.wsgi_request)]
    page = client.get(url)
    data = form_post_data(page.context["form"])
    data |= formset_post_data(page.context["tiers"])
    data |= _resolve(world, case.form)
    if case.tiers is not None:
        data = set_tiers(
            data, "tiers", case.tiers, fk_name="listing", fk_value=listing.pk
        )
    response = client.post(url, data)
    assert response.status_code == 200, "the portal saved what it should refuse"
    return errors_of(response.context["form"], response.context["tiers"])


def _admin_page_forms(context):
    formsets = [inline.formset for inline in context["inline_admin_formsets"]]
    return context["adminform"].form, formsets


def through_admin_form(world, case, listing):
    client = _logged_in(world[case.admin_user])
    url = f"/admin/pilot_products/listing/{listing.pk}/change/"
    form, formsets = _admin_page_forms(client.get(url).context)
    data = form_post_data(form)
    for formset in formsets:
        data |= formset_post_data(formset)
    data |= _resolve(world, case.form)
    if case.tiers is not None:
        data = set_tiers(
            data, "price_tiers", case.tiers, fk_name="listing", fk_value=listing.pk
        )
    response = client.post(url, data)
    assert response.status_code == 200, "the admin saved what it should refuse"
    form, formsets = _admin_page_forms(response.context)
    return errors_of(form, *formsets)


def through_revert(world, case, listing):
    client = _logged_in(world["operator"])
    version = listing.history.order_by("history_id").first()
    url = f"/admin/pilot_products/listing/{listing.pk}/history/{version.history_id}/"
    page = client.get(url)
    assert page.status_code == 200
    data = form_post_data(page.context["adminform"].form) | _resolve(world, case.form)
    response = client.post(url, data)
    assert response.status_code == 200, "the revert saved what it should refuse"
    return errors_of(response.context["adminform"].form)


def through_sheet(door, world, case, listing, tmp_path):
    rows = [LISTING_HEADERS, _row(world, listing, case.row)]
    if door == PORTAL_SHEET:
        answer = import_through_portal(_logged_in(world["user"]), rows)
    elif door == ADMIN_IMPORT:
        answer = import_through_admin(_logged_in(world["operator"]), "listing", rows)
    else:
        answer = import_through_command("listings", rows, tmp_path)
    assert not answer.imported
    return set(), answer.messages


#: Every rule at every door that offers the change (a door that does not offer it,
#: with the reason in ``not_offered``, is left out rather than skipped).
RULE_DOORS = [
    pytest.param(rule, door, id=f"{rule}-{door}")
    for rule, case in CASES.items()
    for door in DOORS
    if door not in case.not_offered
]


def test_every_rule_is_tried_at_a_door_and_every_door_tries_a_rule():
    assert {rule for rule, _ in (p.values for p in RULE_DOORS)} == set(CASES)
    assert {door for _, door in (p.values for p in RULE_DOORS)} == set(DOORS)


@pytest.mark.parametrize(("rule", "door"), RULE_DOORS)
def test_every_door_refuses_the_rule_with_the_same_sentence(
    rule, door, world, tmp_path
):
    case = CASES[rule]
    if case.setup:
        case.setup(world)
    listing = world[case.target]
    before = _state()
    if door == PORTAL_FORM:
        codes, messages = through_portal_form(world, case, listing)
    elif door == ADMIN_FORM:
        codes, messages = through_admin_form(world, case, listing)
    elif door == REVERT:
        codes, messages = through_revert(world, case, listing)
    else:
        codes, messages = through_sheet(door, world, case, listing, tmp_path)
    expected = case.message(world)
    assert expected in messages, f"{door}: {messages}"
    if door in (PORTAL_FORM, ADMIN_FORM, REVERT) and not (
        door == PORTAL_FORM and case.portal_action
    ):
        assert case.code in codes, f"{door}: {codes}"
    assert _state() == before, f"{door} wrote something"


@pytest.mark.parametrize(
    ("target", "status", "code"),
    [
        ("delisted", ListingStatus.PAUSED, "cannot_pause"),
        ("delisted", ListingStatus.DRAFT, "cannot_redraft"),
        ("listing", ListingStatus.DRAFT, "cannot_redraft"),
        ("draft", ListingStatus.PAUSED, "cannot_pause"),
        ("draft", ListingStatus.ACTIVE, "product_not_approved"),
    ],
)
def test_the_service_behind_every_form_refuses_the_same_transitions(
    target, status, code, world
):
    """Defence behind the forms: listing_save itself applies the state machine."""
    from django.core.exceptions import ValidationError

    from pilot_products.services.listings import ADMIN_FIELDS, listing_save
    from tests.doors.helpers import codes

    _product_rejected_draft(world)
    listing = Listing.objects.get(pk=world[target].pk)
    before = _state()
    with pytest.raises(ValidationError) as refused:
        listing_save(
            listing=listing,
            fields={"status": status},
            allowed=ADMIN_FIELDS,
            by=world["operator"],
        )
    assert code in codes(refused.value)
    assert _state() == before


def _relist_through(door, world, listing, tmp_path):
    if door == PORTAL_FORM:
        client = _logged_in(world["user"])
        client.post(f"/portal/listings/{listing.pk}/relist/")
    elif door == ADMIN_FORM:
        client = _logged_in(world["operator"])
        url = f"/admin/pilot_products/listing/{listing.pk}/change/"
        form, formsets = _admin_page_forms(client.get(url).context)
        data = form_post_data(form) | {"status": "active"}
        for formset in formsets:
            data |= formset_post_data(formset)
        assert client.post(url, data).status_code == 302
    elif door == REVERT:
        client = _logged_in(world["operator"])
        version = listing.history.order_by("history_id").first()
        url = (
            f"/admin/pilot_products/listing/{listing.pk}/history/{version.history_id}/"
        )
        data = form_post_data(client.get(url).context["adminform"].form)
        assert client.post(url, data | {"status": "active"}).status_code == 302
    else:
        rows = [LISTING_HEADERS, _row(world, listing, {"status": "active"})]
        if door == PORTAL_SHEET:
            answer = import_through_portal(_logged_in(world["user"]), rows)
        elif door == ADMIN_IMPORT:
            answer = import_through_admin(
                _logged_in(world["operator"]), "listing", rows
            )
        else:
            answer = import_through_command("listings", rows, tmp_path)
        assert answer.imported, f"{door}: {answer.messages}"


@pytest.mark.parametrize("door", DOORS)
def test_every_door_relists_a_delisted_listing(door, world, tmp_path):
    """The documented way back: a delisted listing turns active again, keeping its
    SKU and its history, through the same transition rule at every door."""
    listing = world["delisted"]
    _relist_through(door, world, listing, tmp_path)
    listing.refresh_from_db()
    assert listing.status == ListingStatus.ACTIVE
    assert listing.sku == "DOOR-GONE"
    assert listing.history.count() >= 2
    assert Listing.objects.filter(sku="DOOR-GONE").count() == 1


def test_relisting_is_refused_while_the_wholesaler_is_suspended(world):
    from django.core.exceptions import ValidationError

    from pilot_products.services.listings import listing_relist

    world["wholesaler"].status = WholesalerStatus.SUSPENDED
    world["wholesaler"].save()
    with pytest.raises(ValidationError) as refused:
        listing_relist(listing=world["delisted"])
    assert refused.value.messages == [
        str(rules.MSG_WHOLESALER_SUSPENDED % {"wholesaler": str(world["wholesaler"])})
    ]
