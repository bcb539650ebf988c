"""A pilot product's requirements in Chinese and English: on its page in the page's
language, in the reference data for all 35 products, in the admin and spreadsheets."""

import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse

from pilot_products.models import PilotProduct
from pilot_products.spreadsheets.specs import SPECS

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_every_reference_product_has_its_requirements_in_both_languages(
    reference_data,
):
    products = list(PilotProduct.objects.all())
    assert len(products) == 35
    for product in products:
        assert HAN.search(product.requirements_zh), product.code
        assert product.requirements and not HAN.search(product.requirements)


@pytest.mark.parametrize(
    ("language", "expected", "other"),
    [
        ("zh-hans", "CCC 认证（3C）；中文标签和中文说明书", "Chinese label and manual"),
        ("en", "CCC certification (3C); Chinese label and manual", "中文说明书"),
    ],
)
def test_the_product_page_shows_the_requirements_in_its_language(
    client, reference_data, settings, language, expected, other
):
    settings.CATALOGUE_PAGE_CACHE_SECONDS = 0
    client.cookies["django_language"] = language
    url = reverse("pilot_products:pilot-product", args=["P11"])
    page = client.get(url).content.decode()
    assert expected in page
    assert other not in page


def test_the_admin_form_edits_both_languages(client, editor, reference_data):
    client.force_login(editor)
    page = client.get(reverse("admin:pilot_products_pilotproduct_add"))
    form = page.context["adminform"].form
    assert {"requirements", "requirements_zh"} <= set(form.fields)


def test_spreadsheets_carry_both_languages():
    keys = [column.key for column in SPECS["pilot-products"].columns]
    assert keys.index("requirements_zh") == keys.index("requirements") + 1
    english = next(
        c for c in SPECS["pilot-products"].columns if c.key == "requirements"
    )
    # A file written before the Chinese column existed still reads back.
    assert "准入要求" in english.aliases


def test_the_migration_gives_loaded_products_their_chinese_requirements(
    reference_data,
):
    migration = importlib.import_module(
        "pilot_products.migrations.0012_pilot_product_requirements_zh"
    )
    PilotProduct.objects.update(requirements_zh="")
    PilotProduct.objects.filter(code="P35").update(requirements="Staff wrote this")
    migration.fill_reference_requirements_zh(apps, None)
    assert not PilotProduct.objects.exclude(code="P35").filter(requirements_zh="")
    assert PilotProduct.objects.get(code="P35").requirements_zh == ""
