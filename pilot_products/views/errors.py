"""Error pages: translated, without technical details, and safe with the database down.

The templates extend ``errors/layout.html``, which needs neither the session nor the
user, so a page can still be drawn when the database is unreachable.
"""

import datetime
import logging
import sys

from django.conf import settings
from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import loader
from django.urls import reverse
from django.utils import timezone

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


def way_out(request: HttpRequest) -> dict:
    """What a refused user can do next: log in, go to the admin, or log out."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"login_url": reverse("login")}
    return {
        "username": user.get_username(),
        "admin_url": reverse("admin:index") if user.is_staff else "",
        "logout_url": reverse("logout"),
        "csrf_token_value": get_token(request),
    }


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    security_log.permission_denied(request, reason=str(exception or ""))
    return _page("403.html", 403, way_out(request))


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


#: Pages whose form checks the current password like a login (pilot_products.passwords).
PASSWORD_CHANGE_PAGES = ("portal-password-change", "password_change")


def lockout_ends(request: HttpRequest, username: str) -> datetime.datetime:
    """When the lockout of this username and address ends: the cool-off counted from
    its last wrong password (django-axes keeps that time, and does not move it on
    attempts during the lockout)."""
    from axes.models import AccessAttempt

    last = (
        AccessAttempt.objects.filter(
            username=username, ip_address=getattr(request, "axes_ip_address", None)
        )
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    return (last or timezone.now()) + settings.AXES_COOLOFF_TIME


def login_locked_out(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """The page django-axes shows a username and IP address that are locked out: the
    login's, or the password change's (too many wrong current passwords)."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name in PASSWORD_CHANGE_PAGES:
        template = "429_password_change.html"
        context = {
            "cooloff_minutes": minutes,
            "retry_at": lockout_ends(request, request.user.get_username()),
            "back_url": request.path,
        }
    else:
        template, context = "429_login.html", {"cooloff_minutes": minutes}
    response = _page(template, settings.AXES_HTTP_RESPONSE_CODE, context)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
