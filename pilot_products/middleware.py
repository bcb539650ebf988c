"""Site-wide request protections: Content-Security-Policy and session security."""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import (
    SessionMiddleware as DjangoSessionMiddleware,
)
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse

from pilot_products import security_log
from pilot_products.models import WholesalerStatus

#: Session key holding the time (epoch seconds) of the user's last request.
LAST_ACTIVITY_KEY = "_last_activity"
#: Key of the fresh session that says why the last one ended (the login page says it).
SESSION_ENDED_KEY = "_session_ended"


def serialize_policy(policy: dict[str, list[str]]) -> str:
    """Turn ``{"script-src": ["'self'"]}`` into a Content-Security-Policy value."""
    return "; ".join(
        " ".join([directive, *sources]) for directive, sources in policy.items()
    )


class ContentSecurityPolicyMiddleware:
    """Send the site's Content-Security-Policy, and the admin's, on every response.

    A view that sets its own ``Content-Security-Policy`` header keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = serialize_policy(settings.CONTENT_SECURITY_POLICY)
        self.admin_policy = serialize_policy(
            settings.CONTENT_SECURITY_POLICY | settings.CONTENT_SECURITY_POLICY_ADMIN
        )
        self._admin_prefix: str | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.DEBUG and response.status_code in {404, 500}:
            # Django's technical error pages (DEBUG only) are built on inline code.
            return response
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = (
                self.admin_policy if self._is_admin(request) else self.policy
            )
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        return response

    def _is_admin(self, request: HttpRequest) -> bool:
        if self._admin_prefix is None:
            try:
                self._admin_prefix = reverse("admin:index")
            except NoReverseMatch:
                self._admin_prefix = ""
        return bool(self._admin_prefix) and request.path.startswith(self._admin_prefix)


def idle_timeout_for(user) -> int:
    """Seconds of inactivity after which ``user``'s session ends."""
    if user.is_staff or user.is_superuser:
        return settings.SESSION_STAFF_IDLE_TIMEOUT
    return settings.SESSION_IDLE_TIMEOUT


def session_end_reason(request: HttpRequest, user, now: float) -> str | None:
    """Say why this logged-in session must end now, or None to keep it."""
    membership = getattr(user, "wholesaler_membership", None)
    if (
        membership is not None
        and membership.wholesaler.status == WholesalerStatus.SUSPENDED
    ):
        return "wholesaler_suspended"
    last_activity = request.session.get(LAST_ACTIVITY_KEY)
    if last_activity is not None and now - last_activity > idle_timeout_for(user):
        return "idle"
    return None


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a response marked ``leaves_session`` saves nothing.

    A job's progress page polls its status every second; with
    ``SESSION_SAVE_EVERY_REQUEST`` each poll would write the session, and on SQLite
    that write waits for an import that holds the only write lock for minutes, so
    the poll fails. A poll is not the user's activity either: an open page must not
    keep an idle session alive.
    """

    def process_response(self, request, response):
        if getattr(response, "leaves_session", False):
            return response
        return super().process_response(request, response)


class SessionSecurityMiddleware:
    """End sessions that went idle too long or whose account may no longer work.

    The services that suspend a wholesaler or deactivate a user delete the sessions
    themselves (``pilot_products.services.accounts``); this check catches every other
    path, such as a status changed directly in the admin. Place after
    ``AuthenticationMiddleware``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = time.time()
            reason = session_end_reason(request, user, now)
            if reason is None:
                request.session[LAST_ACTIVITY_KEY] = int(now)
                request.session.set_expiry(idle_timeout_for(user))
            else:
                security_log.session_ended(request, user=user, reason=reason)
                request.session.flush()
                request.session[SESSION_ENDED_KEY] = reason
                request.user = AnonymousUser()
        elif request.session.get(SESSION_KEY) is not None:
            # A deactivated or deleted user's session: the backend no longer accepts it.
            security_log.session_ended(request, user=None, reason="account_unavailable")
            request.session.flush()
        return self.get_response(request)


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values)


class RejectNulBytesMiddleware:
    """Answer 400 to a request with a NUL byte in its path, query string or form.

    No user types a NUL; PostgreSQL refuses them in text, so one reaching a query would
    turn a typo or a probe into a 500. Files are checked by the spreadsheet reader.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        values = [request.path, *request.GET.keys()]
        values += [value for _key, items in request.GET.lists() for value in items]
        if request.method == "POST" and request.content_type in {
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        }:
            values += list(request.POST.keys())
            values += [value for _key, items in request.POST.lists() for value in items]
        if _has_nul(values):
            from pilot_products.views.errors import bad_request

            return bad_request(request)
        return self.get_response(request)
