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
    "CbecCategory",
    "CbecListEdition",
    "CbecListEntry",
    "ImportOutcome",
    "ImportRecord",
    "ImportState",
    "Listing",
    "ListingStatus",
    "PilotCategory",
    "PilotList",
    "PilotListStatus",
    "PilotProduct",
    "PriceTier",
    "Restriction",
    "ReviewStatus",
    "TariffLine",
    "Unit",
    "Wholesaler",
    "WholesalerMember",
    "WholesalerStatus",
]
