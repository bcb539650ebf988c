"""Domain models, split by aggregate and re-exported here."""

from .batches import (
    ImportBatch,
    ImportBatchLine,
    SupervisionMode,
    TransportMode,
)
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
from .exports import ExportRecord, ExportState
from .imports import ImportOutcome, ImportRecord, ImportState
from .photos import ListingPhoto
from .search import SearchSynonym, SearchTerm
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
    "ExportRecord",
    "ExportState",
    "ImportBatch",
    "ImportBatchLine",
    "ImportOutcome",
    "ImportRecord",
    "ImportState",
    "Listing",
    "ListingPhoto",
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
    "SupervisionMode",
    "TransportMode",
    "Unit",
    "Wholesaler",
    "WholesalerMember",
    "WholesalerStatus",
]
