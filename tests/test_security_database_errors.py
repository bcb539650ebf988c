"""A query the database refuses is a bad request, not an outage; an outage still is one."""

import pytest
from django.db import DataError, OperationalError
from django.test import Client

from pilot_products.database_errors import DatabaseTrouble, classify
from tests import factories
from tests.test_security_error_pages import database_unreachable

pytestmark = pytest.mark.django_db

#: An admin lookup anyone with list access can put in the URL: an invalid pattern.
BROKEN_REGEX = "/admin/pilot_products/wholesaler/?status__regex=("
REFUSED = DatabaseTrouble.REFUSED


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_a_refused_query_is_a_400_and_no_outage(operator, security_events):
    factories.make_wholesaler()
    response = _client(operator).get(BROKEN_REGEX, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "Bad request" in response.content.decode()
    assert "Retry-After" not in response
    assert security_events.named("database_unavailable") == []
    (refused,) = security_events.named("database_query_refused")
    assert refused["user"] == "operator"
    assert refused["path"] == "/admin/pilot_products/wholesaler/"


@pytest.mark.django_db(transaction=True)
def test_a_database_that_is_down_is_still_an_outage(security_events):
    client = _client(factories.make_user("wholesaler-a"))
    with database_unreachable():
        response = client.get("/catalogue/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert security_events.named("database_query_refused") == []
    assert [event["path"] for event in security_events.named("database_unavailable")]


@pytest.mark.parametrize(
    ("error", "trouble"),
    [
        (OperationalError("database is locked"), DatabaseTrouble.BUSY),
        (OperationalError("user-defined function raised exception"), REFUSED),
        (DataError("invalid regular expression"), REFUSED),
    ],
)
def test_a_reachable_database_is_busy_or_refused_never_down(error, trouble):
    assert classify(error) is trouble


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_database_is_down_whatever_the_message():
    with database_unreachable():
        assert classify(OperationalError("database is locked")) is DatabaseTrouble.DOWN
