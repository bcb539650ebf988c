"""Demo import batches behind the demo listings, so the progress page has data.

Each demo wholesaler declares its goods by origin country: one batch per country,
one line per tariff line, supplying up to a few of its listings. Goods from Europe
come mostly by China–Europe Railway Express return train, the rest by sea or air.
"""

import random
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from pilot_products.models import (
    ImportBatch,
    ImportBatchLine,
    Listing,
    SupervisionMode,
    TariffLine,
    TransportMode,
)
from pilot_products.pilot_progress import EUROPE

#: Lines at most, whatever the number of demo listings (a million listings would
#: otherwise make a million lines).
MAX_LINES = 20_000
LISTINGS_PER_LINE = 3
#: Demo declaration numbers: a customs office code 2920 (a plausible Yiwu one), the
#: year, then a counter.
NUMBER_PREFIX = "29202025"


def _transport(rng: random.Random, origin: str) -> str:
    if origin in EUROPE:
        return rng.choices([TransportMode.RAIL, TransportMode.SEA], [7, 3])[0]
    return rng.choices([TransportMode.SEA, TransportMode.AIR], [7, 3])[0]


def seed_demo_batches(rng: random.Random, wholesaler_ids: list[int]) -> int:
    """Create the demo batches of these wholesalers; return the number of lines."""
    lines_of = {line.code: line.pk for line in TariffLine.objects.all()}
    groups: dict[tuple[int, str], dict[int, list]] = defaultdict(dict)
    planned = 0
    listings = (
        Listing.objects.filter(wholesaler_id__in=wholesaler_ids)
        .order_by("pk")
        .values_list("pk", "wholesaler_id", "country_of_origin", "customs_code",
                     "unit", "unit_price", "stock")
    )  # fmt: skip
    for (
        pk,
        wholesaler_id,
        origin,
        customs_code,
        unit,
        price,
        stock,
    ) in listings.iterator(chunk_size=5000):
        tariff_line = lines_of.get(customs_code[:8])
        if tariff_line is None:
            continue
        by_line = groups[(wholesaler_id, origin)]
        if tariff_line not in by_line:
            if planned >= MAX_LINES:
                continue
            by_line[tariff_line] = []
            planned += 1
        if len(by_line[tariff_line]) < LISTINGS_PER_LINE:
            by_line[tariff_line].append((pk, unit, price, stock))

    newest = ImportBatch.objects.aggregate(newest=Max("declaration_number"))["newest"]
    counter = int(newest[len(NUMBER_PREFIX) :]) + 1 if newest else 1
    today = timezone.localdate()
    batches, plans = [], []
    for (wholesaler_id, origin), by_line in groups.items():
        batches.append(
            ImportBatch(
                wholesaler_id=wholesaler_id,
                declaration_number=f"{NUMBER_PREFIX}{counter:010d}",
                declared_on=today - timedelta(days=rng.randrange(7, 330)),
                supervision_mode=SupervisionMode.BONDED_CENTRE,
                transport_mode=_transport(rng, origin),
                route="",
                origin_country=origin,
                dispatch_country=origin,
            )
        )
        plans.append(by_line)
        counter += 1
    ImportBatch.objects.bulk_create(batches, batch_size=2000)
    # SQLite and PostgreSQL both return the ids of bulk-created rows.
    lines, supplied = [], []
    for batch, by_line in zip(batches, plans, strict=True):
        for tariff_line, goods in by_line.items():
            quantity = sum(max(stock, 1) for _pk, _unit, _price, stock in goods) * 2
            value = (
                sum(price for _pk, _unit, price, _stock in goods)
                * quantity
                * Decimal("0.6")
                / len(goods)
            )
            lines.append(
                ImportBatchLine(
                    batch=batch,
                    tariff_line_id=tariff_line,
                    quantity=quantity,
                    unit=goods[0][1],
                    value_cny=value.quantize(Decimal("0.01")),
                )
            )
            supplied.append([pk for pk, _unit, _price, _stock in goods])
    ImportBatchLine.objects.bulk_create(lines, batch_size=2000)
    through = ImportBatchLine.listings.through
    through.objects.bulk_create(
        [
            through(importbatchline_id=line.pk, listing_id=listing_id)
            for line, listing_ids in zip(lines, supplied, strict=True)
            for listing_id in listing_ids
        ],
        batch_size=5000,
    )
    return len(lines)
