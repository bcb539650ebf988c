"""Structured security log: one JSON object per line on the ``yiwu.security`` logger.

Every line has ``time`` (UTC, ISO 8601), ``event``, ``user``, ``ip``, ``path`` and
``method``, then fields of the event. Text that a user could have typed (usernames,
file names, product names, paths) is cut to a bounded length and its control, format
and line-separator characters are written as ``\\uXXXX`` escapes, so no input can forge
a log line or hide text behind a right-to-left override.

Call the named functions below from views, services and commands; the login signals
are connected in ``PilotProductsConfig.ready``.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import unicodedata
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db import DatabaseError
from django.dispatch import receiver
from django.http import HttpRequest

from pilot_products.database_errors import sqlstate

logger = logging.getLogger("yiwu.security")

#: Longest user-supplied text written to the log; the rest is cut.
MAX_TEXT_LENGTH = 300
_ESCAPED_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}
#: Default of ``user=``: take the user from the request.
FROM_REQUEST: Any = object()


def escape_text(value: Any) -> str:
    """Return ``value`` as bounded, single-line text with invisible characters escaped."""
    text = str(value)
    if len(text) > MAX_TEXT_LENGTH:
        text = text[:MAX_TEXT_LENGTH] + "..."
    return "".join(
        (f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")
        if unicodedata.category(char) in _ESCAPED_CATEGORIES
        else char
        for char in text
    )


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's address, trusting only the configured proxies."""
    remote = request.META.get("REMOTE_ADDR") or None
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if hops <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < hops:
        return remote
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def login_username(request: HttpRequest | None, credentials: dict | None) -> str:
    """Return the username a login attempt names, cut to what a username can be.

    Axes stores it in a 255-character column; a longer made-up name must still count
    as a failed attempt, not crash the login page.
    """
    field = get_user_model().USERNAME_FIELD
    username = (credentials or {}).get(field)
    if username is None and request is not None:
        username = request.POST.get(field, "")
    return str(username or "")[:150]


def _username(request: HttpRequest | None, user) -> str | None:
    if user is FROM_REQUEST:
        user = None
        try:
            candidate = getattr(request, "user", None)
            if candidate is not None and candidate.is_authenticated:
                user = candidate
        except DatabaseError:
            # The database is down: the session cannot tell who this is.
            user = None
    if user is None:
        return None
    return user.get_username() if hasattr(user, "get_username") else str(user)


def _field(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    return escape_text(value)


def event(
    name: str,
    request: HttpRequest | None = None,
    *,
    user=FROM_REQUEST,
    level: int = logging.INFO,
    **fields: Any,
) -> dict[str, Any]:
    """Write one security event and return the record written."""
    username = _username(request, user)
    record: dict[str, Any] = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "event": name,
        "user": escape_text(username) if username is not None else None,
        "ip": client_ip(request) if request is not None else None,
        "path": escape_text(request.path) if request is not None else None,
        "method": request.method if request is not None else None,
    }
    record.update({key: _field(value) for key, value in fields.items()})
    logger.log(level, json.dumps(record, ensure_ascii=False))
    return record


def login_failed(request: HttpRequest | None, username: str | None) -> dict:
    return event(
        "login_failed", request, level=logging.WARNING, attempted_username=username
    )


def locked_out(request: HttpRequest | None, username: str | None) -> dict:
    return event(
        "login_locked_out",
        request,
        level=logging.WARNING,
        attempted_username=username,
    )


def permission_denied(request: HttpRequest, reason: str = "") -> dict:
    return event("permission_denied", request, level=logging.WARNING, reason=reason)


def csrf_failure(request: HttpRequest, reason: str = "") -> dict:
    return event("csrf_failed", request, level=logging.WARNING, reason=reason)


def cross_wholesaler_attempt(request: HttpRequest, model, object_id) -> dict:
    """Record a portal user asking for another wholesaler's object (answered 404)."""
    return event(
        "cross_wholesaler_attempt",
        request,
        level=logging.WARNING,
        model=model._meta.label if hasattr(model, "_meta") else str(model),
        object_id=str(object_id),
    )


def upload_rejected(
    request: HttpRequest | None,
    *,
    file_name: str,
    reason: str,
    size: int | None = None,
    user=FROM_REQUEST,
) -> dict:
    """Record an uploaded file refused before import (type, size, encoding...)."""
    return event(
        "upload_rejected",
        request,
        user=user,
        level=logging.WARNING,
        file_name=file_name,
        reason=reason,
        size=size,
    )


def import_queued(record, request: HttpRequest | None = None) -> dict:
    """Who asked for an import job, from where; its ``import`` event follows from
    the worker, with the same ``import_record_id``."""
    return event(
        "import_queued",
        request,
        user=record.user,
        import_record_id=record.pk,
        resource=record.resource,
        wholesaler_id=record.wholesaler_id,
        file_name=record.file_name,
        sha256=record.sha256,
        dry_run=record.dry_run,
    )


def import_recorded(record, request: HttpRequest | None = None) -> dict:
    """Record one spreadsheet import (dry run or real) from its ImportRecord."""
    return event(
        "import",
        request,
        user=record.user,
        import_record_id=record.pk,
        resource=record.resource,
        wholesaler_id=record.wholesaler_id,
        file_name=record.file_name,
        sha256=record.sha256,
        file_format=record.file_format,
        dry_run=record.dry_run,
        outcome=record.outcome,
        rows_total=record.rows_total,
        rows_new=record.rows_new,
        rows_updated=record.rows_updated,
        rows_unchanged=record.rows_unchanged,
        rows_invalid=record.rows_invalid,
    )


def session_ended(request: HttpRequest, *, user, reason: str) -> dict:
    return event("session_ended", request, user=user, reason=reason)


def database_unavailable(request: HttpRequest | None, error: Exception) -> dict:
    # The error's text may contain connection details: log only its kind.
    return event(
        "database_unavailable",
        request,
        user=None,
        level=logging.ERROR,
        error=type(error).__name__,
    )


def database_query_refused(request: HttpRequest | None, error: Exception) -> dict:
    """Record a query the database refused to run (it is up): a request to look at."""
    return event(
        "database_query_refused",
        request,
        level=logging.WARNING,
        error=type(error).__name__,
        sqlstate=sqlstate(error),
    )


@receiver(user_logged_in, dispatch_uid="security_log_login")
def _on_login(sender, request, user, **kwargs) -> None:
    event("login", request, user=user)


@receiver(user_logged_out, dispatch_uid="security_log_logout")
def _on_logout(sender, request, user, **kwargs) -> None:
    event("logout", request, user=user)


@receiver(user_login_failed, dispatch_uid="security_log_login_failed")
def _on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    login_failed(request, credentials.get("username"))


def _on_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    locked_out(request, username)


def connect_signals() -> None:
    """Connect the django-axes lockout signal (imported late: axes needs the app registry)."""
    from axes.signals import user_locked_out

    user_locked_out.connect(_on_locked_out, dispatch_uid="security_log_locked_out")
