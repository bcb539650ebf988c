"""The one call every write makes when it changes what the public catalogue shows.

Services and the import engine call ``catalogue_changed`` inside their transaction,
after their rows are written, naming what they touched. What the catalogue keeps
in step with those rows (the listing's visibility and search document, the shared
page cache) is brought up to date from here, so no write path can forget a part.
"""

from collections.abc import Iterable


def catalogue_changed(
    *,
    listing_ids: Iterable[int] = (),
    wholesaler_ids: Iterable[int] = (),
    product_ids: Iterable[int] = (),
) -> None:
    """Bring what the catalogue derives from these rows up to date."""
