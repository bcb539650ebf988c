"""The message catalogues: complete, placeholder-safe, compiled and in use."""

import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext, ngettext, to_locale

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
LOCALES = [to_locale(code) for code, _name in settings.LANGUAGES]

PERCENT = re.compile(
    r"%(?:\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]"
)
BRACE = re.compile(r"\{[^{}]*\}")
TAG = re.compile(r"<[^<>]+>")


def catalogue(locale):
    return LOCALE_DIR / locale / "LC_MESSAGES" / "django.po"


def entries(po):
    return [entry for entry in po if not entry.obsolete]


def placeholders(text, flags):
    found = BRACE.findall(text) + TAG.findall(text)
    if "python-format" in flags:
        found += [m for m in PERCENT.findall(text) if m != "%%"]
    return Counter(found)


def unnamed(text):
    return [m for m in PERCENT.findall(text) if m != "%%" and "(" not in m]


def edges(text):
    return text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]


def key(entry):
    msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
    return (msgid, entry.msgid_plural) if entry.msgid_plural else msgid


def translations(entries_):
    """msgid -> msgstr (a tuple of forms for plurals) of the translated entries."""
    result = {}
    for entry in entries_:
        if not entry.msgid or "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural:
            forms = tuple(text for _i, text in sorted(entry.msgstr_plural.items()))
            if all(forms):
                result[key(entry)] = forms
        elif entry.msgstr:
            result[key(entry)] = entry.msgstr
    return result


@pytest.fixture(scope="module")
def zh_po():
    return polib.pofile(str(catalogue("zh_Hans")))


def test_every_configured_language_has_a_catalogue():
    assert sorted(LOCALES) == ["en", "zh_Hans"]
    for locale in LOCALES:
        assert catalogue(locale).is_file(), locale


@pytest.mark.parametrize("locale", LOCALES)
def test_headers_are_valid(locale):
    po = polib.pofile(str(catalogue(locale)))
    assert not po.metadata_is_fuzzy
    assert po.metadata["Language"] == locale
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    for field in ("Project-Id-Version", "Last-Translator", "Language-Team"):
        assert "PACKAGE" not in po.metadata[field]
        assert "FULL NAME" not in po.metadata[field]
        assert "LANGUAGE" not in po.metadata[field]
    assert "YEAR" not in po.metadata["PO-Revision-Date"]
    expected = {
        "zh_Hans": "nplurals=1; plural=0;",
        "en": "nplurals=2; plural=(n != 1);",
    }[locale]
    assert po.metadata["Plural-Forms"] == expected


def test_every_chinese_entry_is_translated_and_not_fuzzy(zh_po):
    assert len(entries(zh_po)) > 500
    untranslated = [e.msgid for e in entries(zh_po) if not e.translated()]
    fuzzy = [e.msgid for e in entries(zh_po) if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []
    for entry in entries(zh_po):
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == [0], entry.msgid
            assert entry.msgstr_plural[0].strip(), entry.msgid
        else:
            assert entry.msgstr.strip(), entry.msgid


def test_chinese_placeholders_match_the_source(zh_po):
    mismatched = []
    for entry in entries(zh_po):
        if entry.msgid_plural:
            # Chinese has one form, used for every count: it follows the plural
            # source and must not lose a placeholder of the singular either.
            source = entry.msgid_plural
            singular = set(placeholders(entry.msgid, entry.flags))
            targets = list(entry.msgstr_plural.values())
        else:
            source, singular, targets = entry.msgid, set(), [entry.msgstr]
        for target in targets:
            found = placeholders(target, entry.flags)
            if (
                found != placeholders(source, entry.flags)
                or not singular <= set(found)
                or (len(unnamed(source)) > 1 and unnamed(source) != unnamed(target))
                or edges(source) != edges(target)
            ):
                mismatched.append((entry.msgid, target))
    assert mismatched == []


def test_english_catalogue_uses_the_source_strings():
    po = polib.pofile(str(catalogue("en")))
    assert [e.msgid for e in entries(po) if e.translated()] == []
    assert [e.msgid for e in entries(po) if "fuzzy" in e.flags] == []


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogue_matches_its_source(locale):
    po_path = catalogue(locale)
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.is_file(), f"run compilemessages: {mo_path} is missing"
    po = polib.pofile(str(po_path))
    mo = polib.mofile(str(mo_path))
    assert translations(mo) == translations(entries(po)), (
        f"{mo_path} is stale: run compilemessages"
    )
    assert mo.metadata.get("Plural-Forms") == po.metadata["Plural-Forms"]


KEY_STRINGS = {
    "Log in": "登录",
    "Log out": "退出登录",
    "Catalogue": "商品目录",
    "Pilot product": "试点商品",
    "Wholesaler": "批发商",
    "Booth": "商位",
    "Minimum order": "起批量",
    "Country of origin": "原产国",
    "Country pavilion": "国家馆",
    "customs code": "海关商品编码",
    "tariff line": "税则号列",
    "unified social credit code": "统一社会信用代码",
    "Price tiers": "价格阶梯",
    "Submit for review": "提交审核",
    "approved": "已批准",
    "rejected": "已驳回",
    "retired": "已退出",
    "Confirm import": "确认导入",
}


#: Listing states and buttons, named as Chinese e-commerce names them: 下架 is the
#: reversible "off the shelf" (pausing), 停售 the delisting.
LISTING_WORDS = {
    ("listing status", "Draft"): "草稿",
    ("listing status", "Active"): "在售",
    ("listing status", "Paused"): "已下架",
    ("listing status", "Delisted"): "已停售",
    ("listing action", "Activate"): "上架",
    ("listing action", "Pause"): "下架",
    ("listing action", "Delist"): "停售",
    ("listing action", "Relist"): "重新上架",
}


def test_listing_states_and_buttons_have_one_name_each():
    with translation.override("zh-hans"):
        for (context, source), chinese in LISTING_WORDS.items():
            assert translation.pgettext(context, source) == chinese, source


def test_chinese_is_used_when_chinese_is_active():
    with translation.override("zh-hans"):
        for source, chinese in KEY_STRINGS.items():
            assert gettext(source) == chinese, source
        assert ngettext("%(counter)s listing", "%(counter)s listings", 5) % {
            "counter": 5
        } == ("5 条商品信息")
        assert ngettext("%(counter)s listing", "%(counter)s listings", 1) % {
            "counter": 1
        } == ("1 条商品信息")
        rendered = Template(
            "{% load i18n %}{% translate 'Log in' %}|"
            "{% blocktranslate trimmed with number=2 total=9 %}"
            "Page {{ number }} of {{ total }}{% endblocktranslate %}"
        ).render(Context())
    assert rendered == "登录|第 2 页，共 9 页"


def test_english_stays_english():
    with translation.override("en"):
        for source in KEY_STRINGS:
            assert gettext(source) == source
        assert ngettext("%(counter)s listing", "%(counter)s listings", 5) == (
            "%(counter)s listings"
        )
