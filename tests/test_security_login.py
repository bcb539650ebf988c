"""Brute-force protection: a username is locked out from one IP address, for a while."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD
from yiwu_catalog.settings import trusted_proxy_count

pytestmark = pytest.mark.django_db

HALL_IP = "10.5.1.20"
HOME_IP = "172.16.8.9"

#: (login path, user under attack, colleague in the same hall) per login path.
LOGIN_PATHS = [
    pytest.param("/accounts/login/", "user_a", "user_b", id="portal"),
    pytest.param("/admin/login/", "editor", "reviewer", id="admin"),
]


def _post(client, path, username, password, ip):
    return client.post(
        path,
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _lock_out(client, path, username, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _post(client, path, username, "wrong", HALL_IP).status_code == 200
    return _post(client, path, username, "wrong", HALL_IP)


@pytest.mark.parametrize(("path", "attacked", "colleague"), LOGIN_PATHS)
def test_wrong_passwords_lock_the_username_from_that_address_only(
    request, settings, path, attacked, colleague
):
    victim = request.getfixturevalue(attacked)
    other = request.getfixturevalue(colleague)

    locked = _lock_out(Client(), path, victim.username, settings)
    assert locked.status_code == 429
    assert locked["Retry-After"] == str(15 * 60)
    # Even the right password is refused from that address during the cool-off.
    assert _post(Client(), path, victim.username, PASSWORD, HALL_IP).status_code == 429

    # A colleague behind the same hall IP still logs in...
    assert _post(Client(), path, other.username, PASSWORD, HALL_IP).status_code == 302
    # ...and so does the attacked user from another network.
    assert _post(Client(), path, victim.username, PASSWORD, HOME_IP).status_code == 302


def test_lockout_page_explains_and_is_translated(user_a, settings):
    english = _lock_out(Client(), "/accounts/login/", user_a.username, settings)
    html = english.content.decode()
    assert english.status_code == 429
    assert '<html lang="en">' in html
    assert "Too many login attempts" in html
    assert "blocked for 15 minutes" in html
    assert "Other accounts are not affected" in html

    chinese = Client().post(
        "/accounts/login/",
        {"username": user_a.username, "password": PASSWORD},
        REMOTE_ADDR=HALL_IP,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert chinese.status_code == 429
    assert '<html lang="zh-hans">' in chinese.content.decode()


def test_lockout_ends_after_the_cool_off(user_a, settings):
    locked = _lock_out(Client(), "/accounts/login/", "wholesaler-a", settings)
    assert locked.status_code == 429
    assert (
        _post(Client(), "/accounts/login/", "wholesaler-a", PASSWORD, HALL_IP)
    ).status_code == 429

    # Retrying during the lockout did not extend it: move the attempts past the cool-off.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )

    response = _post(Client(), "/accounts/login/", "wholesaler-a", PASSWORD, HALL_IP)
    assert response.status_code == 302
    assert response["Location"] == "/portal/"


def test_a_successful_login_resets_the_failure_count(user_a, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _post(client, "/accounts/login/", "wholesaler-a", "wrong", HALL_IP)
    assert (
        _post(client, "/accounts/login/", "wholesaler-a", PASSWORD, HALL_IP)
    ).status_code == 302

    again = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert (
            _post(again, "/accounts/login/", "wholesaler-a", "wrong", HALL_IP)
        ).status_code == 200


def test_logins_failures_and_lockouts_are_in_the_security_log(
    user_a, settings, security_events
):
    _lock_out(Client(), "/accounts/login/", "wholesaler-a", settings)
    _post(Client(), "/accounts/login/", "wholesaler-a", PASSWORD, HOME_IP)

    failures = security_events.named("login_failed")
    assert len(failures) == settings.AXES_FAILURE_LIMIT
    assert {record["attempted_username"] for record in failures} == {"wholesaler-a"}
    assert {record["ip"] for record in failures} == {HALL_IP}
    assert {record["path"] for record in failures} == {"/accounts/login/"}

    (lockout,) = security_events.named("login_locked_out")
    assert lockout["attempted_username"] == "wholesaler-a"
    assert lockout["ip"] == HALL_IP

    (login,) = security_events.named("login")
    assert login["user"] == "wholesaler-a"
    assert login["ip"] == HOME_IP
    assert login["time"].endswith("+00:00")


def test_client_address_behind_the_proxy_comes_from_x_forwarded_for(
    user_a, settings, security_events
):
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/accounts/login/",
            {"username": "wholesaler-a", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            # The first entry is whatever the client sent; the proxy appended the last.
            HTTP_X_FORWARDED_FOR=f"1.2.3.4, {HALL_IP}",
        )
    assert AccessAttempt.objects.get().ip_address == HALL_IP
    assert security_events.named("login_locked_out")[0]["ip"] == HALL_IP
    # Everyone else reaching the app through the same proxy is not locked out.
    response = _post(
        Client(), "/accounts/login/", "wholesaler-a", PASSWORD, "127.0.0.1"
    )
    assert response.status_code == 302


def test_a_forged_forwarded_for_per_attempt_does_not_escape_the_lockout(
    user_a, settings
):
    """Nothing in front of gunicorn: the default count trusts no header at all."""
    settings.TRUSTED_PROXY_COUNT = trusted_proxy_count()
    client = Client()
    answers = [
        client.post(
            "/accounts/login/",
            {"username": "wholesaler-a", "password": "wrong"},
            REMOTE_ADDR=HALL_IP,
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        ).status_code
        for attempt in range(settings.AXES_FAILURE_LIMIT + 1)
    ]
    assert answers[-2:] == [429, 429]
    assert AccessAttempt.objects.get().ip_address == HALL_IP
