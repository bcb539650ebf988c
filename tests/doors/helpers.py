"""The doors a write can come through, as one function each, for the door tests.

Each spreadsheet door uploads a real file and returns the messages its preview shows
and whether confirming it wrote anything. The admin and portal doors go through the
preview and confirm background jobs, run in the test by the worker's own code.
"""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from pilot_products.models import ImportOutcome, ImportRecord
from tests.jobs_helpers import run_queued_jobs
from tests.spreadsheet_helpers import csv_bytes


@dataclass
class DoorAnswer:
    """What a door said (messages) and whether it wrote (imported)."""

    messages: list[str]
    imported: bool


def rendered(error: ValidationError) -> list[str]:
    """The sentences a rule's error shows, as every door renders them."""
    return [str(message) for message in error.messages]


def codes(error: ValidationError) -> set[str]:
    if hasattr(error, "error_dict"):
        return {e.code for items in error.error_dict.values() for e in items}
    return {e.code for e in error.error_list}


def form_codes(form) -> set[str]:
    """Every error code of a bound form (fields and non-field)."""
    return {error.code for errors in form.errors.as_data().values() for error in errors}


def _file(rows, name: str):
    file = io.BytesIO(csv_bytes(rows))
    file.name = name
    return file


def import_through_admin(client, model_name: str, rows, *, name="door.csv"):
    """Upload to the admin's import page, let the preview job run and read the
    preview, then confirm it and let the import job run."""
    url = reverse(f"admin:pilot_products_{model_name}_import")
    response = client.post(url, {"file": _file(rows, name)})
    assert response.status_code == 302, response.content[:1000]
    run_queued_jobs()
    preview = client.get(response["Location"])
    meta = preview.context["meta"]
    token = response["Location"].split("preview=")[1]
    records = ImportRecord.objects.count()
    client.post(
        reverse(f"admin:pilot_products_{model_name}_process_import"),
        {"preview": token},
    )
    run_queued_jobs()
    imported = ImportRecord.objects.filter(
        pk__gt=_last_record_pk(records), dry_run=False, outcome=ImportOutcome.IMPORTED
    ).exists()
    return DoorAnswer([error["message"] for error in meta["errors"]], imported)


def import_through_portal(client, rows, *, name="door.csv", resource=None):
    """Upload to the portal's spreadsheet page (the batch files' page for a
    ``resource``), let the preview job run and read the preview, then confirm it and
    let the import job run."""
    if resource is None:
        response = client.post(
            reverse("pilot_products:spreadsheets"), {"file": _file(rows, name)}
        )
    else:
        response = client.post(
            reverse("pilot_products:spreadsheet-batches"),
            {"file": _file(rows, name), "resource": resource},
        )
    assert response.status_code == 302, response.content[:1000]
    run_queued_jobs()
    preview = client.get(response["Location"])
    meta = preview.context["meta"]
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    records = ImportRecord.objects.count()
    client.post(reverse("pilot_products:spreadsheet-confirm"), {"preview": token})
    run_queued_jobs()
    imported = ImportRecord.objects.filter(
        pk__gt=_last_record_pk(records), dry_run=False, outcome=ImportOutcome.IMPORTED
    ).exists()
    return DoorAnswer([error["message"] for error in meta["errors"]], imported)


def import_through_command(resource: str, rows, tmp_path, *, name="door.csv"):
    """Run ``manage.py catalogue_import`` on the file, as an operator would."""
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows))
    err = io.StringIO()
    try:
        call_command("catalogue_import", resource, str(path), stderr=err, stdout=err)
    except CommandError:
        return DoorAnswer(_command_messages(err.getvalue()), imported=False)
    return DoorAnswer(_command_messages(err.getvalue()), imported=True)


def _command_messages(output: str) -> list[str]:
    messages = []
    for line in output.splitlines():
        if line.startswith(("row ", "file")) and ": " in line:
            messages.append(line.split(": ", 1)[1])
    return messages


def _last_record_pk(count_before: int) -> int:
    ids = list(ImportRecord.objects.order_by("pk").values_list("pk", flat=True))
    return ids[count_before - 1] if count_before else 0


# Forms as a browser posts them ------------------------------------------------------


def form_post_data(form) -> dict:
    """What a browser sends back for an unchanged form (its initial values)."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None or value is False:
            continue
        if value is True:
            data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(item) for item in value]
        else:
            data[key] = str(value)
    return data


def formset_post_data(formset) -> dict:
    management = formset.management_form
    data = {
        management.add_prefix(name): str(management[name].value())
        for name in management.fields
    }
    for form in formset.forms:
        data.update(form_post_data(form))
    return data


def set_tiers(data: dict, prefix: str, tiers, *, fk_name: str, fk_value) -> dict:
    """Rewrite a tier formset's data to hold ``tiers``, editing existing forms first."""
    data = {k: v for k, v in data.items() if not _is_extra_form(k, prefix, data)}
    initial = int(data[f"{prefix}-INITIAL_FORMS"])
    for index in range(max(initial, len(tiers))):
        if index < len(tiers):
            quantity, price = tiers[index]
            data[f"{prefix}-{index}-min_quantity"] = str(quantity)
            data[f"{prefix}-{index}-unit_price"] = str(price)
            data[f"{prefix}-{index}-{fk_name}"] = str(fk_value)
            data.setdefault(f"{prefix}-{index}-id", "")
        else:
            data[f"{prefix}-{index}-DELETE"] = "on"
    data[f"{prefix}-TOTAL_FORMS"] = str(max(initial, len(tiers)))
    return data


def _is_extra_form(key: str, prefix: str, data: dict) -> bool:
    initial = int(data[f"{prefix}-INITIAL_FORMS"])
    if not key.startswith(f"{prefix}-") or not key.split("-")[1].isdigit():
        return False
    return int(key.split("-")[1]) >= initial


def errors_of(*forms) -> tuple[set[str], list[str]]:
    """Codes and sentences of every error on these forms and formsets."""
    found_codes, sentences = set(), []
    for form in forms:
        if form is None:
            continue
        if hasattr(form, "forms"):  # a formset
            errors = [ValidationError(list(form.non_form_errors().as_data()))]
            errors += [
                error
                for sub in form.forms
                for items in sub.errors.as_data().values()
                for error in items
            ]
        else:
            errors = [e for items in form.errors.as_data().values() for e in items]
        for error in errors:
            for item in error.error_list:
                found_codes.add(item.code)
                sentences.extend(str(message) for message in item.messages)
    return found_codes, sentences
