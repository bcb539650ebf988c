"""The judged query set: what buyers type, and the pilot products each must find.

Runs the one search function over the real reference data (35 illustrative pilot
products, their categories and tariff lines), the starter synonyms and a seeded
catalogue, on whichever database the suite runs on (SQLite here, PostgreSQL in CI),
and reports hit@20 (a listing of a must-find product among the first 20) and
precision@20 (the share of the first 20 that are of a must-find product).
"""

import sys

import pytest

from pilot_products.catalogue_search import search
from pilot_products.demo_data import seed_demo
from pilot_products.models import Listing, TariffLine
from pilot_products.reference_data import load_reference_data

HIT_AT_20_MIN = 0.90
PRECISION_AT_20_MIN = 0.80
TOYS = {"P01", "P02", "P03", "P04", "P05", "P06", "P07", "P08", "P09"}

#: (query, codes of the pilot products whose listings are right answers). Grouped
#: by kind: 2- and 3-character Chinese words with everyday variants (童车, 电饭煲),
#: pinyin in full and by initials, English singular and plural with synonyms, typos.
JUDGED = [
    ("玩具", {"P01", "P02", "P03", "P04", "P05", "P06", "P07", "P08", "P09"}),
    ("积木", {"P04"}),
    ("拼图", {"P06"}),
    ("玩偶", {"P01", "P02"}),
    ("模型", {"P03", "P08"}),
    ("香皂", {"P33"}),
    ("牙刷", {"P14", "P31"}),
    ("牙膏", {"P34"}),
    ("纸巾", {"P32"}),
    ("餐具", {"P28"}),
    ("梳子", {"P31"}),
    ("乐器", {"P05"}),
    ("扑克", {"P09"}),
    ("熨斗", {"P20"}),
    ("童车", {"P01", "P10"}),
    ("娃娃", {"P01", "P02"}),
    ("乐高", {"P04"}),
    ("肥皂", {"P33"}),
    ("推子", {"P16"}),
    ("风筒", {"P18"}),
    ("吸尘器", {"P11"}),
    ("榨汁机", {"P12"}),
    ("婴儿车", {"P10"}),
    ("电吹风", {"P18"}),
    ("吹风机", {"P18"}),
    ("微波炉", {"P21"}),
    ("电磁炉", {"P22"}),
    ("电饭锅", {"P23"}),
    ("电饭煲", {"P23"}),
    ("多士炉", {"P25"}),
    ("洗碗机", {"P27"}),
    ("剃须刀", {"P15"}),
    ("洗发水", {"P34"}),
    ("卫生纸", {"P32"}),
    ("加湿器", {"P14"}),
    ("脱毛器", {"P17"}),
    ("扑克牌", {"P09"}),
    ("止汗剂", {"P35"}),
    ("沐浴露", {"P33"}),
    ("搅拌机", {"P13"}),
    ("咖啡机", {"P24"}),
    ("净化器", {"P26"}),
    ("刮胡刀", {"P15"}),
    ("卷发棒", {"P19"}),
    ("玩偶车", {"P01"}),
    ("空气净化器", {"P26"}),
    ("儿童玩具", {"P01"}),
    ("wanju", {"P01", "P02", "P03", "P04", "P05", "P06", "P07", "P08", "P09"}),
    ("jimu", {"P04"}),
    ("xichenqi", {"P11"}),
    ("weibolu", {"P21"}),
    ("xiangzao", {"P33"}),
    ("yagao", {"P34"}),
    ("pintu", {"P06"}),
    ("zhijin", {"P32"}),
    ("wbl", {"P21"}),
    ("xcq", {"P11"}),
    ("dcl", {"P22"}),
    ("dfg", {"P23"}),
    ("toy", {"P01", "P02", "P03", "P04", "P05", "P06", "P07", "P08"}),
    ("puzzles", {"P06"}),
    ("puzzle", {"P06"}),
    ("stroller", {"P10"}),
    ("strollers", {"P10"}),
    ("toaster", {"P25"}),
    ("toasters", {"P25"}),
    ("dishwashers", {"P27"}),
    ("hair dryer", {"P18"}),
    ("rice cookers", {"P23"}),
    ("vacuum cleaner", {"P11"}),
    ("shampoo", {"P34"}),
    ("toothbrushes", {"P14", "P31"}),
    ("playing cards", {"P09"}),
    ("juicer", {"P12"}),
    ("pram", {"P10"}),
    ("lego", {"P04"}),
    ("kettle", {"P24"}),
    ("building blocks", {"P04"}),
    ("irons", {"P20"}),
    ("razor", {"P15"}),
    ("vaccum", {"P11"}),
    ("toothbrsh", {"P14", "P31"}),
    ("shampo", {"P34"}),
    ("microwve", {"P21"}),
    ("puzzel", {"P06"}),
    ("strolller", {"P10"}),
    ("dishwahser", {"P27"}),
    ("humidifer", {"P14"}),
    ("toastr", {"P25"}),
    ("epilater", {"P17"}),
]
#: Brands (the seeded catalogue's): the right answers are the brand's listings.
BRANDS = ["sakura", "klarwerk", "Maison Clair", "bellavita", "harimau", "savanna"]
#: Codes: the right answers are the products with a tariff line starting so.
CODES = ["9503", "8509", "8516", "3401", "95030060", "8510"]


@pytest.fixture
def catalogue(db):
    load_reference_data()
    seed_demo(wholesalers=12, listings=1_400, seed=3)


def first_20(query: str) -> list[Listing]:
    matches = search(Listing.objects.visible_to_buyers(), query)
    matches.listings = matches.listings.select_related("pilot_product")
    return matches.ranked()[0:20]


def judge(query: str, right) -> tuple[bool, float]:
    top = first_20(query)
    good = [right(listing) for listing in top]
    return any(good), (sum(good) / len(good) if good else 0.0)


def products_with_line(prefix: str) -> set[str]:
    return set(
        TariffLine.objects.filter(code__startswith=prefix).values_list(
            "pilot_products__code", flat=True
        )
    ) - {None}


def test_judged_queries_find_what_buyers_mean(catalogue, capsys):
    cases = [
        (query, lambda listing, codes=codes: listing.pilot_product.code in codes)
        for query, codes in JUDGED
    ]
    cases += [
        (brand, lambda listing, brand=brand: listing.brand.lower() == brand.lower())
        for brand in BRANDS
    ]
    line_products = {code: products_with_line(code) for code in CODES}
    cases += [
        (code, lambda listing, codes=codes: listing.pilot_product.code in codes)
        for code, codes in line_products.items()
    ]
    assert len(cases) >= 60
    results = {query: judge(query, right) for query, right in cases}
    hit_at_20 = sum(hit for hit, _precision in results.values()) / len(results)
    precision_at_20 = sum(p for _hit, p in results.values()) / len(results)
    misses = sorted(query for query, (hit, p) in results.items() if not hit or p < 0.5)
    with capsys.disabled():
        sys.stdout.write(
            f"\njudged search ({len(results)} queries): hit@20 {hit_at_20:.3f}, "
            f"precision@20 {precision_at_20:.3f}; weak: {misses}\n"
        )
    assert hit_at_20 >= HIT_AT_20_MIN, misses
    assert precision_at_20 >= PRECISION_AT_20_MIN, misses
    # Beyond the first page: no right product is missing from the matches at all.
    for query, codes in JUDGED:
        found = set(
            search(Listing.objects.visible_to_buyers(), query).listings.values_list(
                "pilot_product__code", flat=True
            )
        )
        assert codes <= found, (query, codes - found)
