"""Deterministic demo data at any scale: wholesalers, booths, listings and price tiers.

Everything derives from one ``random.Random(seed)``, so the same seed gives the same
data. Rows are written with ``bulk_create`` in batches: 100,000 listings take seconds.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from pilot_products import roles
from pilot_products.bulk import insert_rows
from pilot_products.catalogue_sync import catalogue_changed
from pilot_products.demo_batches import seed_demo_batches
from pilot_products.models import (
    Booth,
    Listing,
    ListingStatus,
    PilotCategory,
    PilotProduct,
    PriceTier,
    Unit,
    Wholesaler,
    WholesalerMember,
    WholesalerStatus,
)
from pilot_products.validators import CREDIT_CODE_ALPHABET, credit_code_check_character

BATCH_SIZE = 5_000

#: Column order of the listing tuples built below. Seeded listings get no history row:
#: the seed is their starting point and history begins with their first change.
LISTING_COLUMNS = (
    "wholesaler",
    "sku",
    "pilot_product",
    "customs_code",
    "title_zh",
    "title_en",
    "brand",
    "country_of_origin",
    "unit",
    "unit_price",
    "moq",
    "stock",
    "booth",
    "status",
    "stock_confirmed_at",
    "created_at",
    "updated_at",
)

#: 330782 is Yiwu's administrative division code; 91 = enterprise, company.
YIWU_CREDIT_CODE_PREFIX = "91330782"

#: Demo pavilions of District 5, floor 1 (plausible, not an official list).
PAVILIONS = [
    ("KR", "韩国馆", "Korea Pavilion"),
    ("JP", "日本馆", "Japan Pavilion"),
    ("IT", "意大利馆", "Italy Pavilion"),
    ("DE", "德国馆", "Germany Pavilion"),
    ("FR", "法国馆", "France Pavilion"),
    ("RU", "俄罗斯馆", "Russia Pavilion"),
    ("MY", "马来西亚馆", "Malaysia Pavilion"),
    ("TH", "泰国馆", "Thailand Pavilion"),
    ("AU", "澳大利亚馆", "Australia Pavilion"),
    ("KE", "非洲产品展销中心", "African Products Exhibition & Trade Center"),
    ("", "", ""),
]

#: The country whose goods a pavilion shows, by its English name.
PAVILION_COUNTRY = {english: country for country, _zh, english in PAVILIONS if country}

COMPANY_WORDS = [
    ("环球", "Global"),
    ("海纳", "Ocean"),
    ("丝路", "Silk Road"),
    ("金华", "Golden"),
    ("欧亚", "Euras"),
    ("新程", "New Journey"),
    ("优选", "Select"),
    ("鼎盛", "Prosper"),
    ("恒通", "Hengtong"),
    ("佳品", "Fine Goods"),
    ("远航", "Voyager"),
    ("博源", "Boyuan"),
]
COMPANY_KINDS = [("进口贸易", "Import Trading"), ("国际贸易", "International Trade")]

BRANDS = {
    "KR": ["Haneul", "Dasol", "Mirae"],
    "JP": ["Sakura", "Hinode", "Kaze"],
    "IT": ["Bellavita", "Sole", "Verona"],
    "DE": ["Klarwerk", "Nordhaus", "Edelform"],
    "FR": ["Maison Clair", "Lumière", "Petit Jour"],
    "RU": ["Beryozka", "Volna"],
    "MY": ["Harimau", "Pelangi"],
    "TH": ["Siam Home", "Chaba"],
    "AU": ["Southern Cross", "Wattle"],
    "KE": ["Savanna", "Kilima"],
    "US": ["Brightway", "Maple & Oak"],
    "GB": ["Thistle", "Kingsbridge"],
}
ORIGINS = list(BRANDS)

#: Typical unit price range in CNY and units per pilot category.
PRICE_RANGES = {
    PilotCategory.CHILDRENS_TOYS: (
        Decimal("8"),
        Decimal("380"),
        [Unit.PIECE, Unit.SET],
    ),
    PilotCategory.MATERNAL_INFANT: (Decimal("300"), Decimal("2600"), [Unit.PIECE]),
    PilotCategory.HOUSEHOLD_APPLIANCES: (Decimal("60"), Decimal("3200"), [Unit.PIECE]),
    PilotCategory.DAILY_NECESSITIES: (
        Decimal("3"),
        Decimal("120"),
        [Unit.PIECE, Unit.PACK],
    ),
    PilotCategory.PERSONAL_CARE: (
        Decimal("6"),
        Decimal("160"),
        [Unit.BOTTLE, Unit.PIECE],
    ),
}

LISTING_STATUS_WEIGHTS = [
    (ListingStatus.ACTIVE, 85),
    (ListingStatus.DRAFT, 5),
    (ListingStatus.PAUSED, 7),
    (ListingStatus.DELISTED, 3),
]


@dataclass
class SeedResult:
    wholesalers: int
    booths: int
    listings: int
    price_tiers: int
    import_batch_lines: int = 0


def demo_credit_code(rng: random.Random) -> str:
    body = YIWU_CREDIT_CODE_PREFIX + "".join(rng.choices(CREDIT_CODE_ALPHABET, k=9))
    return body + credit_code_check_character(body)


def _round_price(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def _tiers(rng: random.Random, moq: int, price: Decimal) -> list[tuple[int, Decimal]]:
    """Return 0 to 3 quantity breaks starting at the MOQ, prices falling."""
    count = rng.choice([0, 1, 2, 2, 3])
    tiers: list[tuple[int, Decimal]] = []
    quantity, tier_price = moq, price
    for _index in range(count):
        tiers.append((quantity, tier_price))
        quantity *= rng.choice([3, 5, 10])
        tier_price = _round_price(
            tier_price * Decimal(rng.choice(["0.95", "0.9", "0.85"]))
        )
    return tiers


@transaction.atomic
def seed_demo(
    *,
    wholesalers: int,
    listings: int,
    seed: int = 1,
    progress: Callable[[str, int, int], None] | None = None,
) -> SeedResult:
    """Create ``wholesalers`` wholesalers with booths and ``listings`` listings."""
    rng = random.Random(seed)
    report = progress or (lambda _label, _done, _total: None)
    products = list(PilotProduct.objects.approved().prefetch_related("tariff_lines"))
    if listings and not products:
        raise ValueError(
            "Load the reference data first: there is no approved pilot product."
        )

    wholesaler_rows = []
    seen_codes = set(Wholesaler.objects.values_list("credit_code", flat=True))
    for index in range(wholesalers):
        code = demo_credit_code(rng)
        while code in seen_codes:
            code = demo_credit_code(rng)
        seen_codes.add(code)
        word_zh, word_en = rng.choice(COMPANY_WORDS)
        kind_zh, kind_en = rng.choice(COMPANY_KINDS)
        wholesaler_rows.append(
            Wholesaler(
                name_zh=f"义乌{word_zh}{kind_zh}有限公司（{index + 1:05d}）",
                name_en=f"Yiwu {word_en} {kind_en} Co., Ltd. ({index + 1:05d})",
                credit_code=code,
                contact_name=rng.choice(["王", "李", "陈", "张", "刘"]) + "经理",
                contact_phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                status=(
                    WholesalerStatus.SUSPENDED
                    if rng.random() < 0.03
                    else WholesalerStatus.ACTIVE
                ),
            )
        )
    bulk_create_with_history(wholesaler_rows, Wholesaler, batch_size=BATCH_SIZE)
    created_wholesalers = list(
        Wholesaler.objects.filter(
            credit_code__in=[w.credit_code for w in wholesaler_rows]
        )
    )
    created_wholesalers.sort(key=lambda w: w.name_en)
    report("wholesalers", len(created_wholesalers), wholesalers)

    taken = set(Booth.objects.values_list("district", "floor", "street", "number"))
    booth_rows = []
    for wholesaler in created_wholesalers:
        for _booth in range(rng.choice([1, 1, 1, 2])):
            street = rng.randrange(1, 41)
            number = f"{rng.randrange(10000, 100000)}"
            while (5, 1, street, number) in taken:
                number = f"{rng.randrange(10000, 100000)}"
            taken.add((5, 1, street, number))
            _country, pavilion_zh, pavilion_en = rng.choice(PAVILIONS)
            start = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 365))
            booth_rows.append(
                Booth(
                    district=5,
                    gate=str(rng.randrange(1, 12)),
                    floor=1,
                    street=street,
                    number=number,
                    pavilion_zh=pavilion_zh,
                    pavilion_en=pavilion_en,
                    wholesaler=wholesaler,
                    lease_start=start,
                    lease_end=start + timedelta(days=3 * 365),
                )
            )
    bulk_create_with_history(booth_rows, Booth, batch_size=BATCH_SIZE)
    booths_by_wholesaler: dict[int, list[Booth]] = {}
    for booth in Booth.objects.filter(wholesaler__in=created_wholesalers):
        booths_by_wholesaler.setdefault(booth.wholesaler_id, []).append(booth)
    report("booths", len(booth_rows), len(booth_rows))

    product_lines = {
        p.pk: [line.code for line in p.tariff_lines.all()] for p in products
    }
    statuses = [status for status, _weight in LISTING_STATUS_WEIGHTS]
    weights = [weight for _status, weight in LISTING_STATUS_WEIGHTS]
    now = timezone.now()
    tier_plan: dict[tuple[int, str], list[tuple[int, Decimal]]] = {}
    pending: list[tuple] = []
    counts = {"listings": 0, "tiers": 0}

    def flush() -> None:
        newest_before = Listing.objects.aggregate(newest=Max("pk"))["newest"] or 0
        insert_rows(Listing, LISTING_COLUMNS, pending)
        ids = list(
            Listing.objects.filter(pk__gt=newest_before).values_list(
                "wholesaler_id", "sku", "pk"
            )
        )
        tiers = [
            (pk, quantity, price)
            for wholesaler_id, sku, pk in ids
            for quantity, price in tier_plan.get((wholesaler_id, sku), [])
        ]
        counts["tiers"] += insert_rows(
            PriceTier, ("listing", "min_quantity", "unit_price"), tiers
        )
        catalogue_changed(listing_ids=[pk for _wholesaler, _sku, pk in ids])
        counts["listings"] += len(pending)
        pending.clear()
        tier_plan.clear()
        report("listings", counts["listings"], listings)

    for index in range(listings):
        wholesaler = created_wholesalers[index % len(created_wholesalers)]
        product = rng.choice(products)
        low, high, units = PRICE_RANGES[product.pilot_category]
        price = _round_price(low + (high - low) * Decimal(rng.random()) ** 2)
        moq = rng.choice([1, 2, 6, 12, 24, 50, 100])
        booth = rng.choice(booths_by_wholesaler[wholesaler.pk])
        # Goods in a country pavilion come from that country; elsewhere from any.
        origin = PAVILION_COUNTRY.get(booth.pavilion_en) or rng.choice(ORIGINS)
        brand = rng.choice(BRANDS[origin])
        sku = f"{product.code}-{index + 1:06d}"
        pending.append(
            (
                wholesaler.pk,
                sku,
                product.pk,
                rng.choice(product_lines[product.pk]) + "00",
                f"{brand} {product.name_zh}",
                f"{brand} {product.name_en}",
                brand,
                origin,
                rng.choice(units),
                price,
                moq,
                rng.choice([0, 5, 20, 60, 120, 500, 2000]),
                booth.pk,
                rng.choices(statuses, weights)[0],
                now - timedelta(days=rng.randrange(0, 60)),
                now,
                now,
            )
        )
        tier_plan[(wholesaler.pk, sku)] = _tiers(rng, moq, price)
        if len(pending) >= BATCH_SIZE:
            flush()
    if pending:
        flush()
    batch_lines = seed_demo_batches(rng, [w.pk for w in created_wholesalers])
    report("import batch lines", batch_lines, batch_lines)
    return SeedResult(
        wholesalers=len(created_wholesalers),
        booths=len(booth_rows),
        listings=counts["listings"],
        price_tiers=counts["tiers"],
        import_batch_lines=batch_lines,
    )


DEMO_PASSWORD = "yiwu-demo"  # documented in the README; DEBUG only

#: username -> (group, is_staff, is_superuser)
DEMO_STAFF = {
    "admin": (None, True, True),
    "reviewer": (roles.PILOT_REVIEWER, True, False),
    "editor": (roles.CATALOGUE_EDITOR, True, False),
    "operator": (roles.MALL_OPERATOR, True, False),
}
DEMO_WHOLESALER_USERS = ("wholesaler-a", "wholesaler-b")


@transaction.atomic
def create_demo_accounts() -> list[str]:
    """Create (or reset) the demo accounts; wholesaler users join two active wholesalers."""
    user_model = get_user_model()
    wholesalers = list(Wholesaler.objects.active().order_by("pk")[:2])
    if len(wholesalers) < 2:
        raise ValueError("Seed demo data first: two active wholesalers are needed.")
    names = []
    for username, (group_name, is_staff, is_superuser) in DEMO_STAFF.items():
        user = _demo_user(
            user_model, username, is_staff=is_staff, is_superuser=is_superuser
        )
        user.groups.set([Group.objects.get(name=group_name)] if group_name else [])
        names.append(username)
    wholesaler_group = Group.objects.get(name=roles.WHOLESALER_USER)
    for username, wholesaler in zip(DEMO_WHOLESALER_USERS, wholesalers, strict=True):
        user = _demo_user(user_model, username, is_staff=False, is_superuser=False)
        user.groups.set([wholesaler_group])
        WholesalerMember.objects.update_or_create(
            user=user, defaults={"wholesaler": wholesaler}
        )
        names.append(username)
    return names


def _demo_user(user_model, username: str, *, is_staff: bool, is_superuser: bool):
    user, _created = user_model.objects.get_or_create(username=username)
    user.is_staff = is_staff
    user.is_superuser = is_superuser
    user.is_active = True
    user.email = f"{username}@example.com"
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user
