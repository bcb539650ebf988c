"""Domain models, split by aggregate and re-exported here."""

from .catalogue import (
    CbecCategory,
    CbecListEdition,
    CbecListEntry,
    PilotCategory,
    PilotList,
    PilotListStatus,
    PilotProduct,
    Restriction,
    ReviewStatus,
    TariffLine,
)
from .imports import ImportOutcome, ImportRecord, ImportState
from .search import ListingSearchDocument, SearchSynonym, SearchTerm
from .statistics import (
    FigureScope,
    FigureUnit,
    ImportTarget,
    OfficialFigure,
    PeriodKind,
)
from .trade import (
    Booth,
    Listing,
    ListingStatus,
    PriceTier,
    Unit,
    Wholesaler,
    WholesalerMember,
    WholesalerStatus,
)

__all__ = [
    "Booth",
    "FigureScope",
    "FigureUnit",
    "ImportTarget",
    "OfficialFigure",
    "PeriodKind",
    "CbecCategory",
    "CbecListEdition",
    "CbecListEntry",
    "ImportOutcome",
    "ImportRecord",
    "ImportState",
    "Listing",
    "ListingSearchDocument",
    "ListingStatus",
    "PilotCategory",
    "PilotList",
    "PilotListStatus",
    "PilotProduct",
    "PriceTier",
    "Restriction",
    "ReviewStatus",
    "SearchSynonym",
    "SearchTerm",
    "TariffLine",
    "Unit",
    "Wholesaler",
    "WholesalerMember",
    "WholesalerStatus",
]
