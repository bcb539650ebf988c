"""The security log: JSON lines naming who, what, when and where, injection-proof."""

import json

import pytest
from django.http import Http404
from django.test import RequestFactory

from pilot_products import access, security_log
from pilot_products.models import ImportOutcome, ImportRecord, Listing
from tests import factories

pytestmark = pytest.mark.django_db

HOSTILE = 'Toy\n{"event": "login", "user": "admin"}\r\u202egnp.exe\x00\x1b[31m\u2028end'


def _request(user=None, path="/portal/listings/7/", ip="10.1.2.3"):
    request = RequestFactory().get(path, REMOTE_ADDR=ip)
    if user is not None:
        request.user = user
    return request


def test_every_line_is_one_json_object_with_who_what_when_where(
    user_a, security_events
):
    security_log.permission_denied(_request(user_a), reason="no")
    (line,) = security_events.raw
    record = json.loads(line)
    assert list(record)[:6] == ["time", "event", "user", "ip", "path", "method"]
    assert record["event"] == "permission_denied"
    assert record["user"] == "wholesaler-a"
    assert record["ip"] == "10.1.2.3"
    assert record["path"] == "/portal/listings/7/"
    assert record["time"].endswith("+00:00")


def test_user_text_cannot_forge_lines_or_hide_characters(security_events):
    security_log.upload_rejected(
        _request(), file_name=HOSTILE, reason="bad type", size=12
    )
    (line,) = security_events.raw
    assert "\n" not in line and "\r" not in line and "\u2028" not in line
    assert "\u202e" not in line and "\x00" not in line and "\x1b" not in line
    record = json.loads(line)
    assert record["event"] == "upload_rejected"
    assert record["file_name"] == (
        'Toy\\u000a{"event": "login", "user": "admin"}\\u000d\\u202egnp.exe'
        "\\u0000\\u001b[31m\\u2028end"
    )
    assert record["size"] == 12


def test_long_text_is_cut(security_events):
    security_log.login_failed(_request(), "x" * 10_000)
    assert security_events[0]["attempted_username"] == "x" * 300 + "..."


def test_chinese_text_stays_readable(security_events):
    security_log.upload_rejected(_request(), file_name="商品清单.xlsx", reason="太大")
    assert "商品清单.xlsx" in security_events.raw[0]


def test_every_import_is_logged_from_its_record(user_a, wholesaler_a, security_events):
    record = ImportRecord.objects.create(
        user=user_a,
        resource="listings",
        wholesaler=wholesaler_a,
        file_name="listings\n2025.csv",
        sha256="ab" * 32,
        file_format="csv",
        dry_run=False,
        rows_total=10,
        rows_new=7,
        rows_updated=2,
        rows_unchanged=1,
        outcome=ImportOutcome.IMPORTED,
    )
    security_log.import_recorded(record)
    (logged,) = security_events.named("import")
    assert logged["user"] == "wholesaler-a"
    assert logged["import_record_id"] == record.pk
    assert logged["file_name"] == "listings\\u000a2025.csv"
    assert logged["outcome"] == "imported"
    assert (logged["rows_new"], logged["rows_updated"]) == (7, 2)
    assert logged["dry_run"] is False
    assert logged["ip"] is None  # a command-line import has no request


def test_another_wholesalers_object_is_a_logged_404(
    user_a, wholesaler_a, wholesaler_b, security_events
):
    own = factories.make_listing(wholesaler_a)
    foreign = factories.make_listing(wholesaler_b)
    request = _request(user_a)

    found = access.get_for_wholesaler_or_404(
        request, Listing.objects.all(), wholesaler=wholesaler_a, pk=own.pk
    )
    assert found == own
    with pytest.raises(Http404):
        access.get_for_wholesaler_or_404(
            request, Listing.objects.all(), wholesaler=wholesaler_a, pk=foreign.pk
        )
    with pytest.raises(Http404):
        access.get_for_wholesaler_or_404(
            request, Listing.objects.all(), wholesaler=wholesaler_a, pk=999_999
        )

    (attempt,) = security_events.named("cross_wholesaler_attempt")
    assert attempt["user"] == "wholesaler-a"
    assert attempt["model"] == "pilot_products.Listing"
    assert attempt["object_id"] == str(foreign.pk)


def test_client_ip_ignores_forged_forwarded_addresses(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    forged = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-ip"
    )
    assert security_log.client_ip(forged) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 0
    direct = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6"
    )
    assert security_log.client_ip(direct) == "10.0.0.1"
