"""The admin speaks the page's language for installed apps' parts too."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_the_superuser_sidebar_names_login_protection_in_chinese(client):
    root = factories.make_user("root", is_staff=True, is_superuser=True)
    client.force_login(root)
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/admin/").content.decode()
    assert "登录保护" in page
    assert "登录尝试" in page
    for english in ("Axes", "AXES", "Access attempts", "Access logs"):
        assert english not in page, english


def test_the_app_keeps_its_own_config_beside_django_axes_s():
    """Two configs in one module: Django must still pick the app's (its ready()
    connects the lockout signal to the security log)."""
    from django.apps import apps

    assert type(apps.get_app_config("pilot_products")).__name__ == (
        "PilotProductsConfig"
    )
    assert type(apps.get_app_config("axes")).__name__ == "LoginProtectionConfig"
