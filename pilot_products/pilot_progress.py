"""What the pilot progress page shows, from the official figures and the targets.

Two queries whatever the number of figures (the figures, the targets), then plain
arithmetic in ``Decimal``: a share of 100 bn CNY is exact on SQLite as on
PostgreSQL. Figures of different scopes are never added or compared.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import BigIntegerField, Count, F, Max, Min, Q, Sum
from django.db.models.functions import Cast, Round
from django_countries import countries

from pilot_products.models import (
    FigureScope,
    ImportBatchLine,
    ImportTarget,
    OfficialFigure,
    PeriodKind,
    PilotProduct,
    TransportMode,
)

#: A reported growth rate further than this from the one computed from the two
#: periods' figures is shown as a mismatch (in percentage points). Reports round
#: to one decimal and revise the earlier year's figure, so small gaps are normal.
GROWTH_TOLERANCE = Decimal("0.5")
ONE_DECIMAL = Decimal("0.1")
HUNDRED = Decimal(100)


def rounded_percent(value: Decimal) -> Decimal:
    """A percentage to one decimal, half up (shared with the staff dashboard)."""
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TargetProgress:
    target: ImportTarget
    #: The latest figure of Yiwu's import trade in the target's year, if any.
    reached: OfficialFigure | None

    @property
    def share_percent(self) -> Decimal | None:
        if self.reached is None:
            return None
        return rounded_percent(self.reached.value * HUNDRED / self.target.value)

    @property
    def bar_width(self) -> int:
        """The bar's filled part, out of 100 (a chart never draws past its frame)."""
        share = self.share_percent
        return 0 if share is None else int(min(share, HUNDRED))


@dataclass(frozen=True)
class ImpliedGrowth:
    start: ImportTarget
    end: ImportTarget

    @property
    def annual_percent(self) -> Decimal:
        """The yearly growth that takes the start target to the end one."""
        years = self.end.year - self.start.year
        ratio = float(self.end.value / self.start.value)
        return rounded_percent(Decimal(str((ratio ** (1 / years) - 1) * 100)))


@dataclass(frozen=True)
class GrowthCheck:
    figure: OfficialFigure
    previous: OfficialFigure

    @property
    def computed_percent(self) -> Decimal:
        return rounded_percent(
            (self.figure.value - self.previous.value) * HUNDRED / self.previous.value
        )

    @property
    def difference(self) -> Decimal:
        return self.figure.yoy_growth_percent - self.computed_percent

    @property
    def mismatch(self) -> bool:
        return abs(self.difference) > GROWTH_TOLERANCE


#: SVG units of the charts: the longest bar, and the room each bar takes.
BAR_LENGTH = 200
BAR_PITCH = 12


@dataclass(frozen=True)
class Bar:
    figure: OfficialFigure
    length: int
    y: int


@dataclass(frozen=True)
class ScopeSeries:
    scope: FigureScope
    figures: list[OfficialFigure]

    @property
    def label(self) -> str:
        return self.scope.label

    @property
    def chart_height(self) -> int:
        return len(self.figures) * BAR_PITCH

    def bars(self) -> list[Bar]:
        """One bar per figure, as long against ``BAR_LENGTH`` as it is to the largest."""
        top = max((figure.value for figure in self.figures), default=Decimal(0))
        return [
            Bar(
                figure,
                int(figure.value * BAR_LENGTH / top) if top else 0,
                index * BAR_PITCH,
            )
            for index, figure in enumerate(self.figures)
        ]


def _period_order(figure: OfficialFigure) -> tuple:
    kinds = {PeriodKind.MONTH: 0, PeriodKind.YEAR_TO_DATE: 1, PeriodKind.YEAR: 2}
    return (figure.year, figure.month or 12, kinds[figure.period_kind])


def latest_of_year(figures: list[OfficialFigure], year: int) -> OfficialFigure | None:
    """The figure covering most of ``year``: the whole year, else the latest YTD."""
    covering = [
        f
        for f in figures
        if f.year == year
        and f.period_kind in (PeriodKind.YEAR, PeriodKind.YEAR_TO_DATE)
    ]
    return max(covering, key=_period_order, default=None)


def growth_checks(figures: list[OfficialFigure]) -> list[GrowthCheck]:
    """Reported growth against the growth of the same period a year before."""
    by_period = {(f.scope, f.period_kind, f.year, f.month): f for f in figures}
    checks = []
    for figure in figures:
        if figure.yoy_growth_percent is None:
            continue
        previous = by_period.get(
            (figure.scope, figure.period_kind, figure.year - 1, figure.month)
        )
        if previous is not None and previous.value:
            checks.append(GrowthCheck(figure, previous))
    return checks


@dataclass(frozen=True)
class PilotProgress:
    targets: list[TargetProgress]
    implied: list[ImpliedGrowth]
    series: list[ScopeSeries]
    checks: list[GrowthCheck]


def pilot_progress() -> PilotProgress:
    figures = sorted(OfficialFigure.objects.all(), key=_period_order)
    targets = list(ImportTarget.objects.order_by("year"))
    yiwu = [f for f in figures if f.scope == FigureScope.YIWU_IMPORTS]
    grouped: dict[str, list[OfficialFigure]] = defaultdict(list)
    for figure in figures:
        grouped[figure.scope].append(figure)
    return PilotProgress(
        targets=[TargetProgress(t, latest_of_year(yiwu, t.year)) for t in targets],
        implied=[
            ImpliedGrowth(a, b) for a, b in zip(targets, targets[1:], strict=False)
        ],
        series=[
            ScopeSeries(FigureScope(scope), grouped[scope])
            for scope in FigureScope.values
            if grouped[scope]
        ],
        checks=growth_checks(figures),
    )


def products_on_offer():
    """Approved pilot products with their public offers, wholesalers and prices."""
    public = Q(listings__is_public=True)
    return (
        PilotProduct.objects.approved()
        .annotate(
            offers=Count("listings", filter=public),
            wholesalers=Count("listings__wholesaler", filter=public, distinct=True),
            booths=Count("listings__booth", filter=public, distinct=True),
            lowest=Min("listings__unit_price", filter=public),
            highest=Max("listings__unit_price", filter=public),
        )
        .order_by("code")
    )


#: ISO codes of European countries, for the rail corridor's share of European imports.
EUROPE = frozenset(
    [
        "AD",
        "AL",
        "AT",
        "BA",
        "BE",
        "BG",
        "BY",
        "CH",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GB",
        "GR",
        "HR",
        "HU",
        "IE",
        "IS",
        "IT",
        "LI",
        "LT",
        "LU",
        "LV",
        "MC",
        "MD",
        "ME",
        "MK",
        "MT",
        "NL",
        "NO",
        "PL",
        "PT",
        "RO",
        "RS",
        "RU",
        "SE",
        "SI",
        "SK",
        "SM",
        "UA",
        "VA",
    ]
)


@dataclass(frozen=True)
class Share:
    """One part of the total; kept in the shared cache, so named in no language."""

    key: str
    kind: str  # "transport" or "origin"
    value: Decimal
    of_total: Decimal

    @property
    def label(self) -> str:
        if self.kind == "transport":
            return str(TransportMode(self.key).label)
        return str(countries.name(self.key))


@dataclass(frozen=True)
class BatchTotals:
    total: Decimal
    lines: int
    by_transport: list[Share]
    by_origin: list[Share]
    #: Of the value imported from Europe, the share that came by return train.
    rail_share_of_europe: Decimal | None


def shares_of(sums: dict[str, Decimal], kind: str, total: Decimal) -> list[Share]:
    """The parts of ``total``, largest first (shared with the staff dashboard)."""
    return [
        Share(key, kind, value, rounded_percent(value * HUNDRED / total))
        for key, value in sorted(sums.items(), key=lambda item: (-item[1], item[0]))
    ]


def fen_sum() -> Sum:
    """The sum of the batch lines' values in whole fen, an exact integer on both
    databases (SQLite's ``SUM`` over the decimal column adds floats and drifts)."""
    return Sum(Cast(Round(F("value_cny") * 100), BigIntegerField()))


def from_fen(fen) -> Decimal:
    """Yuan, to the fen, from a ``fen_sum`` (None when no line was summed);
    ``scaleb`` keeps both decimals, so 150010 fen is 1500.10 on every export."""
    return Decimal(int(fen or 0)).scaleb(-2)


def batch_totals() -> BatchTotals:
    """Values of every recorded batch line, summed exactly, by transport and origin.

    One grouped query: each value is turned into whole fen in SQL and the fen are
    summed as integers, exact on both databases (SQLite's ``SUM`` over the decimal
    column itself adds floats and drifts by fractions of a fen over many rows); the
    few groups are then added up in Python as ``Decimal``.
    """
    total = Decimal(0)
    lines = 0
    transport: dict[str, Decimal] = defaultdict(Decimal)
    origin: dict[str, Decimal] = defaultdict(Decimal)
    europe = Decimal(0)
    europe_by_rail = Decimal(0)
    rows = (
        ImportBatchLine.objects.order_by()
        .values_list("batch__transport_mode", "batch__origin_country")
        .annotate(
            fen=fen_sum(),
            count=Count("pk"),
        )
    )
    for mode, country, fen, count in rows:
        value = from_fen(fen)
        total += value
        lines += count
        transport[mode] += value
        origin[country] += value
        if country in EUROPE:
            europe += value
            if mode == TransportMode.RAIL:
                europe_by_rail += value
    if not total:
        return BatchTotals(total, lines, [], [], None)
    return BatchTotals(
        total=total,
        lines=lines,
        by_transport=shares_of(transport, "transport", total),
        by_origin=shares_of(origin, "origin", total),
        rail_share_of_europe=(
            rounded_percent(europe_by_rail * HUNDRED / europe) if europe else None
        ),
    )
