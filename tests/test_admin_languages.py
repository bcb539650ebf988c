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
