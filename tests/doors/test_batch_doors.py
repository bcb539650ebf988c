"""One rule, every door, for import batches: the portal form, the admin form with its
line inline, the lines' own admin form, the history revert pages of a batch and of a
line, the portal's batch spreadsheets, the admin import and ``catalogue_import``.
Each refuses with the rule's sentence (and, on forms,
its code) and writes nothing; the service behind the forms refuses the same."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from pilot_products.models import (
    ImportBatch,
    ImportBatchLine,
    OfficialFigure,
)
from pilot_products.models import batches as rules
from pilot_products.services.batches import LineData, batch_line_save, batch_save
from pilot_products.spreadsheets.specs import ImportBatchesSpec, ImportBatchLinesSpec
from tests import factories
from tests.doors.helpers import (
    codes,
    errors_of,
    form_post_data,
    formset_post_data,
    import_through_admin,
    import_through_command,
    import_through_portal,
)

pytestmark = pytest.mark.django_db

NUMBER = "292020251000123456"
PORTAL_FORM = "portal form"
ADMIN_FORM = "admin form and line inline"
LINE_FORM = "admin line form"
REVERT = "batch history revert"
LINE_REVERT = "line history revert"
PORTAL_SHEET = "portal spreadsheet"
ADMIN_IMPORT = "admin import"
COMMAND = "catalogue_import"
SHEETS = (PORTAL_SHEET, ADMIN_IMPORT, COMMAND)
DOORS = (
    PORTAL_FORM, ADMIN_FORM, LINE_FORM, REVERT, LINE_REVERT, *SHEETS,
)  # fmt: skip
TOMORROW = str(timezone.localdate() + timedelta(days=1))
BATCH_HEADERS = [c.key for c in ImportBatchesSpec.columns]
LINE_HEADERS = [c.key for c in ImportBatchLinesSpec.columns]


@pytest.fixture
def goods(wholesaler_a, wholesaler_b, user_a, operator):
    puzzles = factories.make_tariff_line("95030060")
    juicers = factories.make_tariff_line("85094000")
    product = factories.make_pilot_product(tariff_lines=[puzzles, juicers])
    found = {
        "puzzles": puzzles,
        "juicers": juicers,
        "puzzle": factories.make_listing(
            wholesaler_a, product, sku="PUZZLE-1", customs_code="9503006000"
        ),
        "juicer": factories.make_listing(
            wholesaler_a, product, sku="JUICER-1", customs_code="8509400000"
        ),
        "foreign": factories.make_listing(
            wholesaler_b, product, sku="PUZZLE-B", customs_code="9503006000"
        ),
        "user": user_a,
        "operator": operator,
        "wholesaler": wholesaler_a,
        "other": wholesaler_b,
    }
    batch = ImportBatch(
        wholesaler=wholesaler_a, declaration_number=NUMBER,
        declared_on=date(2025, 5, 12), supervision_mode="bonded_centre",
        transport_mode="rail", route="Duisburg – Yiwu",
        origin_country="DE", dispatch_country="DE",
    )  # fmt: skip
    line = LineData(puzzles, 1200, "piece", Decimal("36000.50"), [found["puzzle"]])
    found["batch"] = batch_save(batch=batch, lines=[line], by=operator)
    found["line"] = found["batch"].lines.get()
    return found


@dataclass
class Case:
    """One rule broken the same way at every door that offers the change."""

    message: Callable[[dict], str]
    code: str
    #: Batch fields changed (portal form, admin form, batch revert).
    batch: dict = field(default_factory=dict)
    #: Fields of the first line changed (portal form, inline, line form and revert),
    #: ``listings`` naming listings of ``goods``.
    line: dict = field(default_factory=dict)
    #: A second line added (portal form and inline), the same way.
    add_line: dict | None = None
    delete_lines: bool = False
    #: Sentence a door says in its own words (the SKU doors find only own SKUs).
    messages: dict = field(default_factory=dict)
    not_offered: dict = field(default_factory=dict)


BATCH_ONLY = {
    LINE_FORM: "a line's form has no batch fields",
    LINE_REVERT: "a line's form has no batch fields",
}
NO_LINE_FIELDS = {
    REVERT: "the batch's revert page keeps its lines",
}

CASES = {
    "declaration number of 18 digits": Case(
        message=lambda g: str(rules.MSG_DECLARATION_NUMBER),
        code="declaration_number",
        batch={"declaration_number": "29202025100012345"},
        not_offered=BATCH_ONLY,
    ),
    "declared in the future": Case(
        message=lambda g: str(rules.MSG_DECLARED_IN_FUTURE),
        code="declared_in_future",
        batch={"declared_on": TOMORROW},
        not_offered=BATCH_ONLY,
    ),
    "a batch stays with its wholesaler": Case(
        message=lambda g: str(rules.MSG_BATCH_OTHER_WHOLESALER % {"number": NUMBER}),
        code="batch_other_wholesaler",
        batch={"wholesaler": "OTHER"},
        # A wholesaler's own file names no other wholesaler (and another's
        # declaration is refused with this very sentence: a test below).
        messages={
            PORTAL_SHEET: "This row names another wholesaler",
        },
        not_offered={
            PORTAL_FORM: "the portal sets the wholesaler from the login",
            **BATCH_ONLY,
        },
    ),
    "another wholesaler's listing": Case(
        message=lambda g: str(rules.MSG_LISTING_NOT_OWN % {"sku": "PUZZLE-B"}),
        code="listing_not_own",
        line={"listings": ["foreign"]},
        # The portal and the files name listings by SKU among the wholesaler's own.
        messages={
            PORTAL_FORM: "You have no listing with the SKU PUZZLE-B.",
            PORTAL_SHEET: "The wholesaler has no listing with the SKU PUZZLE-B.",
            ADMIN_IMPORT: "The wholesaler has no listing with the SKU PUZZLE-B.",
            COMMAND: "The wholesaler has no listing with the SKU PUZZLE-B.",
        },
        not_offered=NO_LINE_FIELDS,
    ),
    "a listing under another tariff line": Case(
        message=lambda g: str(
            rules.MSG_LISTING_OTHER_LINE
            % {"sku": "JUICER-1", "code": "8509400000", "line": "95030060"}
        ),
        code="listing_other_line",
        line={"listings": ["juicer"]},
        not_offered=NO_LINE_FIELDS,
    ),
    "at least one line": Case(
        message=lambda g: str(rules.MSG_NO_LINES),
        code="batch_no_lines",
        delete_lines=True,
        not_offered={
            LINE_FORM: "the lines' own admin deletes nothing (a test below)",
            LINE_REVERT: "a revert never deletes",
            REVERT: "the batch's revert page keeps its lines",
            PORTAL_SHEET: "the lines file never deletes a line",
            ADMIN_IMPORT: "the lines file never deletes a line",
            COMMAND: "the lines file never deletes a line",
        },
    ),
    "one line per tariff line": Case(
        message=lambda g: str(rules.MSG_LINE_REPEATED % {"line": "95030060"}),
        code="batch_line_repeated",
        add_line={
            "tariff_line": "puzzles",
            "quantity": "5",
            "unit": "piece",
            "value_cny": "10.00",
            "listings": [],
        },  # fmt: skip
        messages={
            PORTAL_SHEET: "This row repeats row 2",
            ADMIN_IMPORT: "This row repeats row 2",
            COMMAND: "This row repeats row 2",
        },
        not_offered={
            REVERT: "the batch's revert page keeps its lines",
            LINE_REVERT: "a line's revert page changes that line alone",
        },
    ),
}


def _logged_in(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def _batch_fields(goods, changes: dict) -> dict:
    if changes.get("wholesaler") == "OTHER":
        return {**changes, "wholesaler": str(goods["other"].pk)}
    return changes


def _line_fields(goods, prefix: str, changes: dict, *, skus: bool) -> dict:
    data = {}
    for name, value in changes.items():
        if name == "listings":
            if skus:
                data[f"{prefix}skus"] = ", ".join(goods[v].sku for v in value)
            else:
                data[f"{prefix}listings"] = [str(goods[v].pk) for v in value]
        elif name == "tariff_line":
            data[f"{prefix}tariff_line"] = str(goods[value].pk)
        else:
            data[f"{prefix}{name}"] = value
    return data


def _with_lines(goods, data: dict, case: Case, *, skus: bool) -> dict:
    data = data | _line_fields(goods, "lines-0-", case.line, skus=skus)
    if case.delete_lines:
        data["lines-0-DELETE"] = "on"
    if case.add_line is not None:
        total = int(data["lines-TOTAL_FORMS"])
        data |= _line_fields(goods, f"lines-{total}-", case.add_line, skus=skus)
        data["lines-TOTAL_FORMS"] = str(total + 1)
    return data


def through_portal_form(goods, case):
    client = _logged_in(goods["user"])
    url = f"/portal/batches/{goods['batch'].pk}/"
    page = client.get(url)
    data = form_post_data(page.context["form"])
    data |= formset_post_data(page.context["lines"])
    data = _with_lines(goods, data | _batch_fields(goods, case.batch), case, skus=True)
    response = client.post(url, data)
    assert response.status_code == 200, "the portal saved what it should refuse"
    return errors_of(response.context["form"], response.context["lines"])


def _admin_forms(context):
    formsets = [inline.formset for inline in context["inline_admin_formsets"]]
    return context["adminform"].form, formsets


def through_admin_form(goods, case):
    client = _logged_in(goods["operator"])
    url = f"/admin/pilot_products/importbatch/{goods['batch'].pk}/change/"
    form, formsets = _admin_forms(client.get(url).context)
    data = form_post_data(form) | _batch_fields(goods, case.batch)
    for formset in formsets:
        data |= formset_post_data(formset)
    response = client.post(url, _with_lines(goods, data, case, skus=False))
    assert response.status_code == 200, "the admin saved what it should refuse"
    form, formsets = _admin_forms(response.context)
    return errors_of(form, *formsets)


def through_line_form(goods, case):
    client = _logged_in(goods["operator"])
    if case.add_line is not None:
        url = "/admin/pilot_products/importbatchline/add/"
        data = {"batch": str(goods["batch"].pk)}
        data |= _line_fields(goods, "", case.add_line, skus=False)
    else:
        url = f"/admin/pilot_products/importbatchline/{goods['line'].pk}/change/"
        data = form_post_data(client.get(url).context["adminform"].form)
        data |= _line_fields(goods, "", case.line, skus=False)
    response = client.post(url, data)
    assert response.status_code == 200, "the line form saved what it should refuse"
    return errors_of(response.context["adminform"].form)


def through_revert(goods, case, *, model: str, obj):
    client = _logged_in(goods["operator"])
    version = obj.history.order_by("history_id").first()
    url = f"/admin/pilot_products/{model}/{obj.pk}/history/{version.history_id}/"
    page = client.get(url)
    assert page.status_code == 200
    data = form_post_data(page.context["adminform"].form)
    if model == "importbatch":
        data |= _batch_fields(goods, case.batch)
    else:
        data |= _line_fields(goods, "", case.line, skus=False)
    response = client.post(url, data)
    assert response.status_code == 200, "the revert saved what it should refuse"
    return errors_of(response.context["adminform"].form)


def _batch_row(goods, changes: dict) -> list:
    batch = goods["batch"]
    cells = {
        "wholesaler": batch.wholesaler.credit_code,
        "declaration_number": batch.declaration_number,
        "declared_on": str(batch.declared_on),
        "supervision_mode": batch.supervision_mode,
        "transport_mode": batch.transport_mode,
        "route": batch.route,
        "origin_country": batch.origin_country.code,
        "dispatch_country": batch.dispatch_country.code,
        **changes,
    }
    if cells["wholesaler"] == "OTHER":
        cells["wholesaler"] = goods["other"].credit_code
    return [cells[key] for key in BATCH_HEADERS]


def _line_row(goods, changes: dict) -> list:
    cells = {
        "declaration_number": NUMBER,
        "tariff_line": "95030060",
        "quantity": "1200",
        "unit": "piece",
        "value_cny": "36000.50",
        "listings": "PUZZLE-1",
    }
    for name, value in changes.items():
        if name == "listings":
            cells["listings"] = ", ".join(goods[v].sku for v in value)
        elif name == "tariff_line":
            cells["tariff_line"] = goods[value].code
        else:
            cells[name] = value
    return [cells[key] for key in LINE_HEADERS]


def through_sheet(door, goods, case, tmp_path):
    if case.batch:
        resource, model = "import-batches", "importbatch"
        rows = [BATCH_HEADERS, _batch_row(goods, case.batch)]
    else:
        resource, model = "import-batch-lines", "importbatchline"
        rows = [LINE_HEADERS, _line_row(goods, case.line)]
        if case.add_line is not None:
            rows.append(_line_row(goods, case.add_line))
    if door == PORTAL_SHEET:
        answer = import_through_portal(
            _logged_in(goods["user"]), rows, resource=resource
        )
    elif door == ADMIN_IMPORT:
        answer = import_through_admin(_logged_in(goods["operator"]), model, rows)
    else:
        answer = import_through_command(resource, rows, tmp_path)
    assert not answer.imported
    return set(), answer.messages


def _state():
    return (
        sorted(ImportBatch.objects.values_list()),
        sorted(ImportBatchLine.objects.values_list()),
        sorted(ImportBatchLine.listings.through.objects.values_list()),
    )


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
    rule, door, goods, tmp_path
):
    case = CASES[rule]
    before = _state()
    if door == PORTAL_FORM:
        found_codes, messages = through_portal_form(goods, case)
    elif door == ADMIN_FORM:
        found_codes, messages = through_admin_form(goods, case)
    elif door == LINE_FORM:
        found_codes, messages = through_line_form(goods, case)
    elif door == REVERT:
        found_codes, messages = through_revert(
            goods, case, model="importbatch", obj=goods["batch"]
        )
    elif door == LINE_REVERT:
        found_codes, messages = through_revert(
            goods, case, model="importbatchline", obj=goods["line"]
        )
    else:
        found_codes, messages = through_sheet(door, goods, case, tmp_path)
    expected = case.messages.get(door) or case.message(goods)
    assert any(expected in message for message in messages), f"{door}: {messages}"
    if door not in SHEETS and door not in case.messages:
        assert case.code in found_codes, f"{door}: {found_codes}"
    assert _state() == before, f"{door} wrote something"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (
            {"declared_on": timezone.localdate() + timedelta(days=1)},
            "declared_in_future",
        ),
        ({"wholesaler": "OTHER"}, "batch_other_wholesaler"),
        ({"lines": []}, "batch_no_lines"),
        ({"lines": "twice"}, "batch_line_repeated"),
        ({"lines": "juicer"}, "listing_other_line"),
        ({"lines": "foreign"}, "listing_not_own"),
    ],
)
def test_the_service_behind_every_form_refuses_the_same(change, code, goods):
    """Defence behind the forms: ``batch_save`` applies every rule itself."""
    batch = ImportBatch.objects.get(pk=goods["batch"].pk)
    lines = None
    for name, value in change.items():
        if name == "wholesaler":
            batch.wholesaler = goods["other"]
        elif name == "lines" and value == "twice":
            line = LineData(goods["puzzles"], 1, "piece", Decimal("1.00"), [])
            lines = [line, line]
        elif name == "lines" and value:
            lines = [
                LineData(goods["puzzles"], 1, "piece", Decimal("1"), [goods[value]])
            ]
        elif name == "lines":
            lines = []
        else:
            setattr(batch, name, value)
    before = _state()
    with pytest.raises(ValidationError) as refused:
        batch_save(batch=batch, lines=lines, by=goods["operator"])
    assert code in codes(refused.value)
    assert _state() == before


def test_the_line_service_refuses_a_move_and_a_foreign_listing(goods):
    other = ImportBatch.objects.create(
        wholesaler=goods["wholesaler"], declaration_number="292020251000000002",
        declared_on=date(2025, 6, 1), supervision_mode="general_trade",
        transport_mode="sea", origin_country="JP", dispatch_country="JP",
    )  # fmt: skip
    line = ImportBatchLine.objects.get(pk=goods["line"].pk)
    line.batch = other
    before = _state()
    with pytest.raises(ValidationError) as moved:
        batch_line_save(line=line, listings=[], by=goods["operator"])
    assert codes(moved.value) == {"batch_line_moved"}
    line = ImportBatchLine.objects.get(pk=goods["line"].pk)
    with pytest.raises(ValidationError) as foreign:
        batch_line_save(line=line, listings=[goods["foreign"]], by=goods["operator"])
    assert codes(foreign.value) == {"listing_not_own"}
    assert _state() == before


def test_the_lines_own_admin_never_deletes_a_line(goods):
    """The last line would go unchecked there: lines go in their batch's form."""
    client = _logged_in(goods["operator"])
    url = f"/admin/pilot_products/importbatchline/{goods['line'].pk}/delete/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert ImportBatchLine.objects.filter(pk=goods["line"].pk).exists()


def test_the_lines_own_form_keeps_a_line_on_its_batch(goods):
    client = _logged_in(goods["operator"])
    url = f"/admin/pilot_products/importbatchline/{goods['line'].pk}/change/"
    form = client.get(url).context["adminform"].form
    assert "batch" not in form.fields


def test_the_admin_saves_a_batch_and_its_lines_through_the_service(goods):
    """The change form's lines replace the old ones in one save, with history."""
    client = _logged_in(goods["operator"])
    url = f"/admin/pilot_products/importbatch/{goods['batch'].pk}/change/"
    form, formsets = _admin_forms(client.get(url).context)
    data = form_post_data(form) | {"route": "Madrid – Yiwu"}
    for formset in formsets:
        data |= formset_post_data(formset)
    data |= {
        "lines-0-quantity": "1300",
        "lines-1-tariff_line": str(goods["juicers"].pk),
        "lines-1-quantity": "40",
        "lines-1-unit": "piece",
        "lines-1-value_cny": "8000.00",
        "lines-1-listings": [str(goods["juicer"].pk)],
        "lines-TOTAL_FORMS": "2",
    }
    response = client.post(url, data)
    assert response.status_code == 302, errors_of(*_admin_forms(response.context))
    batch = ImportBatch.objects.get()
    assert batch.route == "Madrid – Yiwu"
    assert sorted(
        (line.tariff_line.code, line.quantity, [x.sku for x in line.listings.all()])
        for line in batch.lines.all()
    ) == [("85094000", 40, ["JUICER-1"]), ("95030060", 1300, ["PUZZLE-1"])]
    assert batch.history.first().history_user == goods["operator"]


def test_a_batch_revert_restores_the_old_fields_and_keeps_the_lines(goods):
    batch = goods["batch"]
    batch.route = "Madrid – Yiwu"
    batch_save(batch=batch, lines=None, by=goods["operator"])
    client = _logged_in(goods["operator"])
    version = batch.history.order_by("history_id").first()
    url = f"/admin/pilot_products/importbatch/{batch.pk}/history/{version.history_id}/"
    data = form_post_data(client.get(url).context["adminform"].form)
    assert client.post(url, data).status_code == 302
    batch.refresh_from_db()
    assert batch.route == "Duisburg – Yiwu"
    assert [line.pk for line in batch.lines.all()] == [goods["line"].pk]
    assert batch.history.count() == 3


def test_a_reviewer_cannot_revert_a_batch(goods, reviewer):
    batch = goods["batch"]
    client = _logged_in(reviewer)
    version = batch.history.order_by("history_id").first()
    url = f"/admin/pilot_products/importbatch/{batch.pk}/history/{version.history_id}/"
    data = {"route": "hijacked", "declaration_number": NUMBER}
    assert client.post(url, data).status_code == 403
    assert ImportBatch.objects.get().route == "Duisburg – Yiwu"


# Official figures: the revert page goes through the same figure rules ----------------


@pytest.fixture
def figure(editor):
    figure = OfficialFigure(
        scope="bonded_centre_imports", period_kind="month", year=2025, month=5,
        value=Decimal("2480000000"), unit="cny", yoy_growth_percent=Decimal("149.7"),
        source_title="Yiwu imports", publisher_zh="环球时报",
        publisher_en="Global Times", published_on=date(2025, 6, 20),
    )  # fmt: skip
    figure.full_clean()
    figure.save()
    figure.value = Decimal("2500000000")
    figure.save()
    return figure


def _figure_revert(editor, figure, changes: dict):
    client = _logged_in(editor)
    version = figure.history.order_by("history_id").first()
    url = (
        f"/admin/pilot_products/officialfigure/{figure.pk}/history/"
        f"{version.history_id}/"
    )
    data = form_post_data(client.get(url).context["adminform"].form) | changes
    return client.post(url, data)


def test_a_figure_revert_restores_the_reported_value(editor, figure):
    assert _figure_revert(editor, figure, {}).status_code == 302
    figure.refresh_from_db()
    assert figure.value == Decimal("2480000000")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"year": str(date.today().year + 1)}, "has not ended yet"),
        ({"unit": "teu"}, "Figures of “Yiwu Bonded Logistics Centre imports” are in"),
        ({"period_kind": "year"}, "A figure for a whole year has no month."),
    ],
)
def test_a_figure_revert_refuses_what_the_form_refuses(
    editor, figure, changes, message
):
    before = sorted(OfficialFigure.objects.values_list())
    response = _figure_revert(editor, figure, changes)
    assert response.status_code == 200, "the revert saved what it should refuse"
    found_codes, sentences = errors_of(response.context["adminform"].form)
    assert any(message in sentence for sentence in sentences), sentences
    assert sorted(OfficialFigure.objects.values_list()) == before
