"""Health check for load balancers: database reachable and every migration applied."""

import logging

from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def unapplied_migrations() -> list[tuple[str, str]]:
    """Return the migrations the database still lacks (queries the database)."""
    # Every node of the graph, not a plan to the leaves: a plan skips a missing
    # migration whose successors are recorded as applied.
    loader = MigrationLoader(connection)
    return sorted(set(loader.graph.nodes) - set(loader.applied_migrations))


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Answer 200 ``ok`` or 503 ``unavailable``; the reason goes to the log only."""
    try:
        healthy = not unapplied_migrations()
        if not healthy:
            logger.error("Health check: the database has unapplied migrations.")
    except DatabaseError as error:
        logger.error("Health check: database unreachable (%s).", type(error).__name__)
        healthy = False
    return HttpResponse(
        "ok\n" if healthy else "unavailable\n",
        status=200 if healthy else 503,
        content_type="text/plain; charset=utf-8",
    )
