"""Uploaded spreadsheets and what is made from them, kept where every server sees them.

Each upload gets a token naming a folder in the ``imports`` storage (``STORAGES`` in
settings: local files by default, an S3-compatible bucket in production), so a
preview made on one app server is confirmed on another and a worker process reads
the same bytes. The folder holds the upload itself and files derived from it (the
preview's findings, the rejected-rows workbook). Nothing here uses a local path:
only Django's storage API.
"""

import contextlib
import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.utils import timezone

STORAGE_ALIAS = "imports"
UPLOAD = "upload.bin"
#: The photos ZIP uploaded beside a listings sheet, if any.
PHOTOS = "photos.zip"
TOKEN_BYTES = 18
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def import_storage() -> Storage:
    return storages[STORAGE_ALIAS]


def max_age() -> timedelta:
    """How long an upload and its preview are kept before the cleanup removes them."""
    return timedelta(hours=getattr(settings, "IMPORT_FILES_MAX_AGE_HOURS", 24))


def is_token(token: str) -> bool:
    """Whether ``token`` can name a folder: it comes from URLs and forms."""
    return bool(token) and TOKEN_PATTERN.fullmatch(token) is not None


def _name(token: str, file_name: str) -> str:
    if not is_token(token):
        raise FileNotFoundError(token)
    return f"{token}/{file_name}"


def save_upload(content: File) -> str:
    """Store an uploaded file (streamed in chunks, never read whole); return its token."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    content.seek(0)
    import_storage().save(_name(token, UPLOAD), content)
    return token


def open_upload(token: str) -> File:
    """Open the stored upload for reading; ``FileNotFoundError`` once it is gone."""
    return open_file(token, UPLOAD)


def read_upload(token: str) -> bytes:
    with open_upload(token) as stored:
        return stored.read()


def delete_upload(token: str) -> None:
    """Remove the uploaded bytes (and the photos ZIP), keeping what was derived."""
    import_storage().delete(_name(token, UPLOAD))
    import_storage().delete(_name(token, PHOTOS))


def has_upload(token: str) -> bool:
    return import_storage().exists(_name(token, UPLOAD))


def save_file(token: str, file_name: str, data: bytes) -> None:
    """Store (or replace) a file derived from the upload, such as its findings."""
    storage = import_storage()
    name = _name(token, file_name)
    storage.delete(name)
    storage.save(name, ContentFile(data))


def save_data(data: bytes, file_name: str) -> str:
    """Store ``data`` under a new token (an export's row ids); return the token."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    import_storage().save(_name(token, file_name), ContentFile(data))
    return token


def save_stream(token: str, file_name: str, content: File) -> None:
    """Store an open file beside the token's others, streamed (an export's file)."""
    storage = import_storage()
    name = _name(token, file_name)
    storage.delete(name)
    storage.save(name, content)


def has_file(token: str, file_name: str) -> bool:
    return is_token(token) and import_storage().exists(_name(token, file_name))


def open_file(token: str, file_name: str) -> File:
    name = _name(token, file_name)
    storage = import_storage()
    # Local storage raises FileNotFoundError by itself; a bucket may answer lazily.
    if not storage.exists(name):
        raise FileNotFoundError(name)
    return storage.open(name, "rb")


def read_file(token: str, file_name: str) -> bytes | None:
    """The derived file's bytes, or None if there is none (or the token is bad)."""
    try:
        with open_file(token, file_name) as stored:
            return stored.read()
    except FileNotFoundError:
        return None


def delete_all(token: str) -> None:
    """Remove the upload and everything derived from it."""
    storage = import_storage()
    if not is_token(token):
        return
    try:
        _folders, files = storage.listdir(token)
    except FileNotFoundError:
        return
    for file_name in files:
        storage.delete(_name(token, file_name))
    # The emptied local folder; in a bucket there is no such object and no error.
    with contextlib.suppress(OSError):
        storage.delete(token)


def last_written(token: str) -> datetime | None:
    """When a file of this upload was last written, or None if nothing is left."""
    storage = import_storage()
    try:
        _folders, files = storage.listdir(token)
    except FileNotFoundError:
        return None
    times = [storage.get_modified_time(_name(token, name)) for name in files]
    return max(times) if times else None


def expired_tokens(now: datetime | None = None) -> list[str]:
    """Tokens whose files were all written longer than ``max_age()`` ago."""
    cutoff = (now or timezone.now()) - max_age()
    try:
        folders, _files = import_storage().listdir("")
    except FileNotFoundError:
        return []
    expired = []
    for token in folders:
        if not is_token(token):
            continue
        written = last_written(token)
        if written is None or written < cutoff:
            expired.append(token)
    return expired


def remove_expired(now: datetime | None = None) -> int:
    """Delete every expired upload with its derived files; return how many."""
    tokens = expired_tokens(now)
    for token in tokens:
        delete_all(token)
    return len(tokens)
