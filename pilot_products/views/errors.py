"""Error pages: translated, without technical details, and safe with the database down.

The templates extend ``errors/layout.html``, which needs neither the session nor the
user, so a page can still be drawn when the database is unreachable.
"""

import logging
import sys

from django.conf import settings
from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader

from pilot_products import security_log
from pilot_products.database_errors import DatabaseTrouble, classify

logger = logging.getLogger(__name__)

#: Seconds a client should wait before retrying while the database is away.
DATABASE_RETRY_AFTER = 30


def _page(template: str, status: int, context: dict | None = None) -> HttpResponse:
    html = loader.get_template(f"errors/{template}").render(context or {})
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return _page("400.html", 400)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    security_log.permission_denied(request, reason=str(exception or ""))
    return _page("403.html", 403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _page("404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Answer 503 when the database is away or busy (it will come back), 400 when it
    refused this request's query, else 500."""
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError | DataError):
        return _page("500.html", 500)
    trouble = classify(error)
    if trouble is DatabaseTrouble.REFUSED:
        security_log.database_query_refused(request, error)
        return _page("400.html", 400)
    if trouble is DatabaseTrouble.DOWN:
        security_log.database_unavailable(request, error)
    else:
        logger.warning("Database busy: %s answered 503.", request.path)
    response = _page("503.html", 503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    security_log.csrf_failure(request, reason=reason)
    return _page("403_csrf.html", 403)


def login_locked_out(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """The page django-axes shows a username and IP address that are locked out."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    response = _page(
        "429_login.html", settings.AXES_HTTP_RESPONSE_CODE, {"cooloff_minutes": minutes}
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
