"""The one call every write makes when it changes what the public catalogue shows.

Services and the import engine call ``catalogue_changed`` inside their transaction,
after their rows are written, naming what they touched. What the catalogue keeps
in step with those rows (the listing's visibility and search document, the shared
page cache) is brought up to date from here, so no write path can forget a part.
"""

import logging
import secrets
from collections.abc import Iterable, Iterator
from itertools import islice

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q

from pilot_products import search_documents
from pilot_products.models import Listing
from pilot_products.models.trade import visibility_rule

#: Ids per statement: well below SQLite's limit on bound parameters (32,766).
CHUNK = 2_000
#: Shared-cache key of the catalogue's generation: every cached render and read of
#: the catalogue is keyed by it, so a write retires them all at once, on every server.
GENERATION_KEY = "catalogue:generation"

logger = logging.getLogger(__name__)


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ids = iter(sorted(set(ids)))
    while chunk := list(islice(ids, CHUNK)):
        yield chunk


def catalogue_changed(
    *,
    listing_ids: Iterable[int] = (),
    wholesaler_ids: Iterable[int] = (),
    product_ids: Iterable[int] = (),
) -> None:
    """Bring what the catalogue derives from these rows up to date.

    Called with no ids by writes that change only what the option lists show
    (categories, booths): the cached reads are retired all the same.
    """
    scopes = [
        *(Q(pk__in=chunk) for chunk in _chunks(listing_ids)),
        *(Q(wholesaler_id__in=chunk) for chunk in _chunks(wholesaler_ids)),
        *(Q(pilot_product_id__in=chunk) for chunk in _chunks(product_ids)),
    ]
    for scope in scopes:
        listings = Listing.objects.filter(scope)
        refresh_visibility(listings)
        search_documents.refresh(listings)
    # Now, and again once the write is committed: a page rendered in between from
    # the rows as they were is retired by the second bump.
    bump_generation()
    transaction.on_commit(bump_generation)


def catalogue_generation() -> int:
    """Return the catalogue's current generation (shared by every process)."""
    # A random start: if the key is ever evicted, no earlier generation comes back.
    return cache.get_or_set(GENERATION_KEY, lambda: secrets.randbits(48), None)


def bump_generation() -> None:
    """Retire every cached render and read of the catalogue."""
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # not set yet, or evicted: any new value retires the old
            catalogue_generation()
    except Exception:
        # A cache that is down must not undo a committed write: its entries expire
        # on their own (CATALOGUE_PAGE_CACHE_SECONDS).
        logger.exception("Could not retire the catalogue's cached pages")


def refresh_visibility(listings) -> int:
    """Write ``visibility_rule`` onto these listings' ``is_public``; return the changes."""
    shown = (
        listings.filter(is_public=False)
        .filter(visibility_rule())
        .update(is_public=True)
    )
    hidden = (
        listings.filter(is_public=True)
        .exclude(visibility_rule())
        .update(is_public=False)
    )
    return shown + hidden
