"""Sessions end after inactivity (sooner for staff) and when access is withdrawn."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from pilot_products.middleware import LAST_ACTIVITY_KEY
from pilot_products.models import Wholesaler, WholesalerStatus
from pilot_products.services.accounts import (
    sessions_end_for_users,
    user_deactivate,
    wholesaler_reactivate,
    wholesaler_suspend,
)

pytestmark = pytest.mark.django_db


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    assert _is_logged_in(client)
    return client


def _is_logged_in(client: Client) -> bool:
    return client.get("/").wsgi_request.user.is_authenticated


def _idle_for(client: Client, seconds: int) -> None:
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - seconds
    session.save()


def test_staff_sessions_end_sooner_than_portal_sessions(user_a, operator, settings):
    portal, staff = _logged_in(user_a), _logged_in(operator)
    idle = 45 * 60
    assert settings.SESSION_STAFF_IDLE_TIMEOUT < idle < settings.SESSION_IDLE_TIMEOUT

    _idle_for(portal, idle)
    _idle_for(staff, idle)

    assert _is_logged_in(portal)
    assert not _is_logged_in(staff)
    response = staff.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_portal_session_ends_after_its_idle_timeout(user_a, settings, security_events):
    client = _logged_in(user_a)
    _idle_for(client, settings.SESSION_IDLE_TIMEOUT + 1)

    assert not _is_logged_in(client)
    (ended,) = security_events.named("session_ended")
    assert ended["user"] == "wholesaler-a"
    assert ended["reason"] == "idle"


def test_activity_keeps_the_session_and_sets_the_cookie_expiry(user_a, operator):
    portal, staff = _logged_in(user_a), _logged_in(operator)
    _idle_for(portal, 60)
    assert _is_logged_in(portal)
    assert portal.session[LAST_ACTIVITY_KEY] >= int(time.time()) - 5
    assert portal.session.get_expiry_age() == 120 * 60
    staff.get("/admin/")
    assert staff.session.get_expiry_age() == 30 * 60


def test_suspending_a_wholesaler_ends_its_users_sessions_at_once(
    wholesaler_a, user_a, user_b, operator, security_events
):
    from tests.factories import make_wholesaler_user

    colleague = make_wholesaler_user("wholesaler-a-2", wholesaler_a)
    clients = [_logged_in(user_a), _logged_in(colleague), _logged_in(user_a)]
    other_company = _logged_in(user_b)

    wholesaler_suspend(wholesaler=wholesaler_a, by=operator)

    assert Wholesaler.objects.get(pk=wholesaler_a.pk).status == "suspended"
    assert all(not _is_logged_in(client) for client in clients)
    assert _is_logged_in(other_company)
    (record,) = security_events.named("wholesaler_suspended")
    assert record["user"] == "operator"
    assert record["sessions_ended"] == 3
    assert record["wholesaler"] == wholesaler_a.credit_code


def test_suspended_wholesaler_users_cannot_log_back_in(wholesaler_a, user_a):
    from tests.factories import PASSWORD

    wholesaler_suspend(wholesaler=wholesaler_a)
    client = Client()
    client.post("/accounts/login/", {"username": "wholesaler-a", "password": PASSWORD})
    # The login itself succeeds, but the next request finds the wholesaler suspended.
    assert not _is_logged_in(client)

    wholesaler_reactivate(wholesaler=wholesaler_a)
    client.post("/accounts/login/", {"username": "wholesaler-a", "password": PASSWORD})
    assert _is_logged_in(client)


def test_deactivating_a_user_ends_their_sessions(user_a, user_b, operator):
    sessions_of_a = [_logged_in(user_a), _logged_in(user_a)]
    session_of_b = _logged_in(user_b)

    user_deactivate(user=user_a, by=operator)

    assert all(not _is_logged_in(client) for client in sessions_of_a)
    assert _is_logged_in(session_of_b)
    assert Session.objects.count() == 1


def test_status_changed_outside_the_services_still_ends_the_session(
    wholesaler_a, user_a, security_events
):
    client = _logged_in(user_a)
    # As if an operator edited the status field in the admin form.
    Wholesaler.objects.filter(pk=wholesaler_a.pk).update(
        status=WholesalerStatus.SUSPENDED
    )

    assert not _is_logged_in(client)
    assert security_events.named("session_ended")[0]["reason"] == "wholesaler_suspended"


def test_deactivated_user_session_is_deleted_on_next_request(user_a, security_events):
    client = _logged_in(user_a)
    type(user_a).objects.filter(pk=user_a.pk).update(is_active=False)

    assert not _is_logged_in(client)
    assert not Session.objects.exists()
    assert security_events.named("session_ended")[0]["reason"] == (
        "account_unavailable"
    )


def test_ending_sessions_of_nobody_deletes_nothing(user_a):
    _logged_in(user_a)
    assert sessions_end_for_users(user_ids=[]) == 0
    assert Session.objects.count() == 1
