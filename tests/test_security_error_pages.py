"""Error pages: translated, free of technical detail, and a clean 503 without a database."""

import logging
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def faults(settings):
    settings.ROOT_URLCONF = "tests.urls_faults"


def _client() -> Client:
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    ("language", "lang_attribute"), [("en", "en"), ("zh-hans", "zh-hans")]
)
def test_404_page_is_the_site_page_in_the_visitor_language(
    client, language, lang_attribute
):
    response = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert response.status_code == 404
    assert f'<html lang="{lang_attribute}">' in html
    assert "Page not found" in html or "页" in html


def test_500_page_shows_no_technical_detail(faults):
    response = _client().get("/test-crash/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in html
    for secret in ("RuntimeError", "hunter2", "settings.py", "Traceback"):
        assert secret not in html
    assert response["Content-Security-Policy"].startswith("default-src 'self'")


def test_403_page_is_logged_as_a_permission_denial(faults, user_a, security_events):
    client = _client()
    client.force_login(user_a)
    response = client.get("/test-forbidden/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()
    (denial,) = security_events.named("permission_denied")
    assert denial["user"] == "wholesaler-a"
    assert denial["path"] == "/test-forbidden/"
    assert denial["reason"] == "not for you"


def test_admin_page_outside_a_staff_role_is_a_logged_403(reviewer, security_events):
    client = _client()
    client.force_login(reviewer)
    response = client.get("/admin/auth/user/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()
    assert security_events.named("permission_denied")[0]["user"] == "reviewer"


def test_csrf_failure_page_explains_and_is_logged(user_a, security_events):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/",
        {"username": "wholesaler-a", "password": "x"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 403
    assert "Form expired" in response.content.decode()
    assert security_events.named("csrf_failed")[0]["path"] == "/accounts/login/"


@contextmanager
def database_unreachable():
    """Point the default connection at a database that cannot be opened, then back.

    The open connection is set aside (not closed: SQLite's in-memory test database
    would vanish) so the next query has to connect, and fails for real.
    """
    saved_connection = connection.connection
    saved_settings = connection.settings_dict.copy()
    connection.connection = None
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-directory/missing.sqlite3"
    else:
        connection.settings_dict["NAME"] = "yiwu_database_that_does_not_exist"
    try:
        yield
    finally:
        if connection.connection is not None:
            connection.connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved_settings)
        connection.connection = saved_connection


@pytest.mark.django_db(transaction=True)
def test_database_outage_gives_a_clean_503_and_the_site_recovers(security_events):
    # A plain user: a transactional test may run after another one flushed the groups.
    client = _client()
    client.force_login(factories.make_user("wholesaler-a"))
    assert client.get("/").status_code == 200

    with database_unreachable():
        response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
        # A load balancer's probe carries no session cookie.
        health = _client().get("/healthz")

    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Temporarily unavailable" in html
    assert "OperationalError" not in html
    assert "nonexistent" not in html and "does_not_exist" not in html
    assert health.status_code == 503
    assert health.content == b"unavailable\n"
    outages = security_events.named("database_unavailable")
    assert {(record["path"], record["error"]) for record in outages} == {
        ("/", "OperationalError")
    }

    recovered = client.get("/")
    assert recovered.status_code == 200
    assert recovered.wsgi_request.user.username == "wholesaler-a"


def test_a_403_is_one_log_line_without_a_traceback(faults, user_a, caplog):
    client = _client()
    client.force_login(user_a)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/test-forbidden/").status_code == 403
    (denial,) = [r for r in caplog.records if r.name == "django.request"]
    assert denial.getMessage() == "Forbidden (Permission denied): /test-forbidden/"
    assert denial.exc_info is None
    assert "Traceback" not in caplog.text


def test_a_500_keeps_its_traceback_in_the_log(faults, caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        assert _client().get("/test-crash/").status_code == 500
    (crash,) = [r for r in caplog.records if r.name == "django.request"]
    assert crash.exc_info is not None
