"""The resources users move in and out as spreadsheets, by command-line name."""

from .base import NEW, UNCHANGED, UPDATED, Candidate, RowInvalid, Scope, Spec
from .batches import ImportBatchesSpec, ImportBatchLinesSpec
from .catalogue import (
    CategoriesSpec,
    CbecEntriesSpec,
    PilotProductsSpec,
    TariffLinesSpec,
)
from .listing_photos import ListingsWithPhotosSpec
from .statistics import OfficialFiguresSpec
from .trade import BoothsSpec, ListingsSpec, WholesalersSpec

SPECS: dict[str, type[Spec]] = {
    spec.name: spec
    for spec in (
        CategoriesSpec,
        TariffLinesSpec,
        CbecEntriesSpec,
        PilotProductsSpec,
        WholesalersSpec,
        BoothsSpec,
        ListingsWithPhotosSpec,
        OfficialFiguresSpec,
        ImportBatchesSpec,
        ImportBatchLinesSpec,
    )
}


def spec_for_model(model) -> type[Spec] | None:
    return next((spec for spec in SPECS.values() if spec.model is model), None)


__all__ = [
    "NEW",
    "SPECS",
    "UNCHANGED",
    "UPDATED",
    "BoothsSpec",
    "Candidate",
    "CategoriesSpec",
    "CbecEntriesSpec",
    "ImportBatchLinesSpec",
    "ImportBatchesSpec",
    "ListingsSpec",
    "ListingsWithPhotosSpec",
    "OfficialFiguresSpec",
    "PilotProductsSpec",
    "RowInvalid",
    "Scope",
    "Spec",
    "TariffLinesSpec",
    "WholesalersSpec",
    "spec_for_model",
]
