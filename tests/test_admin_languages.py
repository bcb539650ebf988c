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


def _filter_links(client, url: str, lang: str) -> dict[str, list[str]]:
    """Each list filter's title and the labels of its links, as the page shows them."""
    client.cookies["django_language"] = lang
    changelist = client.get(url).context["cl"]
    return {
        str(spec.title): [str(choice["display"]) for choice in spec.choices(changelist)]
        for spec in changelist.filter_specs
    }


@pytest.fixture
def root_client(client):
    client.force_login(factories.make_user("root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    ("url", "title", "english", "chinese"),
    [
        (
            "/admin/pilot_products/pilotproduct/",
            "pilot category",
            ["All", "Children's toys", "Daily necessities", "Household appliances"],
            ["全部", "儿童玩具", "日用品", "家用电器"],
        ),
        (
            "/admin/pilot_products/pilotproduct/",
            "review status",
            ["All", "Draft", "Submitted", "Approved", "Rejected", "Retired"],
            ["全部", "草稿", "待审核", "已批准", "已驳回", "已退出"],
        ),
        ("/admin/pilot_products/pilotlist/", "status", ["All", "Draft", "Published"],
         ["全部", "草稿", "已发布"]),
        ("/admin/pilot_products/wholesaler/", "status", ["All", "Active", "Suspended"],
         ["全部", "有效", "已停用"]),
        (
            "/admin/pilot_products/cbeclistentry/",
            "restriction",
            ["All", "None", "Exclusion", "Bonded online shopping (1210) only"],
            ["全部", "无", "除外", "仅限网购保税进口（1210）"],
        ),
        (
            "/admin/auth/user/",
            "groups",
            ["All", "Catalogue editor", "Mall operator", "Pilot reviewer"],
            ["全部", "目录编辑", "商城运营方", "试点审核员"],
        ),
    ],
)  # fmt: skip
def test_admin_list_filters_label_choices_as_the_language_writes_them(
    root_client, url, title, english, chinese
):
    from django.utils import translation

    links = _filter_links(root_client, url, "en")[title]
    assert links[: len(english)] == english
    with translation.override("zh-hans"):
        title_zh = str(translation.gettext(title))
    zh_links = _filter_links(root_client, url, "zh-hans")
    shown = next(labels for name, labels in zh_links.items() if name == title_zh)
    assert shown[: len(chinese)] == chinese


def test_the_pavilion_filter_names_pavilions_in_the_page_s_language(root_client):
    factories.make_booth(pavilion_zh="德国馆", pavilion_en="German Pavilion")
    factories.make_booth(pavilion_zh="", pavilion_en="")
    url = "/admin/pilot_products/booth/"
    assert _filter_links(root_client, url, "en")["country pavilion"] == [
        "All",
        "German Pavilion",
        "No pavilion",
    ]
    assert _filter_links(root_client, url, "zh-hans")["国家馆"] == [
        "全部",
        "德国馆",
        "不在国家馆",
    ]
    root_client.cookies["django_language"] = "en"
    shown = root_client.get(url, {"pavilion": "-"}).context["cl"].result_count
    assert shown == 1


def test_the_export_page_s_select_all_speaks_chinese(client, operator):
    client.force_login(operator)
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/admin/pilot_products/listing/export/").content.decode()
    assert "全选" in page
    assert "Select all" not in page
