"""The load balancer's health check: database reachable and migrations applied."""

import pytest
from django.db.migrations.recorder import MigrationRecorder

pytestmark = pytest.mark.django_db


def test_health_check_answers_ok(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "no-cache" in response["Cache-Control"]
    assert client.head("/healthz").status_code == 200


def test_health_check_fails_while_a_migration_is_not_applied(client):
    MigrationRecorder.Migration.objects.filter(
        app="pilot_products", name="0002_roles"
    ).delete()
    response = client.get("/healthz")
    assert response.status_code == 503
    # Nothing about which migration or why: that goes to the server log.
    assert response.content == b"unavailable\n"


def test_health_check_accepts_only_safe_methods(client):
    assert client.post("/healthz").status_code == 405
