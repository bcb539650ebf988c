"""A ZIP of photos uploaded beside a listings sheet, whose ``photos`` column names them.

The archive is checked as a whole before any row is read (a ZIP, not encrypted, at
most ``PHOTO_ZIP_MAX_MEMBERS`` files, none unpacking to much more than it packs, none
declared above ``PHOTO_MAX_BYTES``), then each member a row names is read (capped
again, whatever its header says) and passed through ``photos.rules.clean_photo``:
the same rule as an upload from the photo page. Members are found by their base
name, case-insensitively: folders inside the ZIP are ignored and a member's name is
never used to store anything (``clean_photo`` generates the stored name).
"""

import io
import unicodedata
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from .rules import CleanPhoto, clean_photo, too_large_error

MSG_ZIP_NOT_ZIP = _(
    "The photos file is not a ZIP archive: put the photos in a .zip file "
    "(e.g. “Send to > Compressed folder”) and upload that."
)
MSG_ZIP_TOO_MANY = _(
    "The photos ZIP holds more than %(limit)s files: split the sheet and its photos "
    "into smaller uploads."
)
MSG_ZIP_BOMB = _(
    "The photos ZIP unpacks to far more data than photos of its size hold; "
    "it was not opened."
)
MSG_ZIP_ENCRYPTED = _("The photos ZIP is password-protected: upload it without one.")
MSG_ZIP_MISSING = _(
    "“%(name)s” is not in the photos ZIP: add it to the ZIP or correct the name."
)
MSG_ZIP_AMBIGUOUS = _(
    "The photos ZIP holds more than one file named “%(name)s” (in different "
    "folders): give each photo its own name."
)
MSG_ZIP_NONE = _(
    "This row names photos but no photos ZIP was uploaded with the sheet: upload "
    "the ZIP beside the sheet, or leave the photos column empty."
)
MSG_ZIP_PHOTO = _("“%(name)s”: %(problem)s")

#: A photo barely compresses; far more than this is a decompression bomb.
MAX_COMPRESSION_RATIO = 50


class ArchiveRejected(Exception):
    """The ZIP as a whole cannot be used; no member was read."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def member_key(name: str) -> str:
    """The base name a cell or a member is matched by (folders and case ignored)."""
    base = str(name).replace("\\", "/").rsplit("/", 1)[-1]
    return unicodedata.normalize("NFC", base).strip().casefold()


def _is_photo_member(member: zipfile.ZipInfo) -> bool:
    if member.is_dir():
        return False
    path = member.filename.replace("\\", "/")
    base = path.rsplit("/", 1)[-1]
    # What macOS and Windows add to a folder they compress is no photo.
    return not (
        path.startswith("__MACOSX/") or base.startswith("._") or base == "Thumbs.db"
    )


class PhotoArchive:
    """Members by base name; each checked once per run, its verdict remembered."""

    def __init__(self, data: bytes):
        if not data.startswith(b"PK"):
            raise ArchiveRejected(MSG_ZIP_NOT_ZIP)
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            members = self.zip.infolist()
        except (zipfile.BadZipFile, ValueError, OSError):
            raise ArchiveRejected(MSG_ZIP_NOT_ZIP) from None
        limit = settings.PHOTO_ZIP_MAX_MEMBERS
        if len(members) > limit:
            raise ArchiveRejected(MSG_ZIP_TOO_MANY % {"limit": limit})
        self.members: dict[str, list[zipfile.ZipInfo]] = {}
        for member in members:
            if member.flag_bits & 0x1:
                raise ArchiveRejected(MSG_ZIP_ENCRYPTED)
            if member.file_size > 1024 * 1024 and member.file_size > (
                MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
            ):
                raise ArchiveRejected(MSG_ZIP_BOMB)
            if _is_photo_member(member):
                self.members.setdefault(member_key(member.filename), []).append(member)
        self._verdicts: dict[str, str | None] = {}

    def error_for(self, name: str) -> str | None:
        """Why the photo ``name`` cannot be used (missing, refused), or None if it can."""
        key = member_key(name)
        if key not in self._verdicts:
            try:
                self.clean(name)
            except ValidationError as error:
                self._verdicts[key] = " ".join(error.messages)
            else:
                self._verdicts[key] = None
        return self._verdicts[key]

    def clean(self, name: str) -> CleanPhoto:
        """Read the member ``name`` (capped) and return it checked and re-encoded."""
        found = self.members.get(member_key(name), [])
        if not found:
            raise ValidationError(
                MSG_ZIP_MISSING, code="photo_missing", params={"name": name}
            )
        if len(found) > 1:
            raise ValidationError(
                MSG_ZIP_AMBIGUOUS, code="photo_ambiguous", params={"name": name}
            )
        (member,) = found
        try:
            if member.file_size > settings.PHOTO_MAX_BYTES:
                raise too_large_error()
            with self.zip.open(member) as stream:
                data = stream.read(settings.PHOTO_MAX_BYTES + 1)
            return clean_photo(ContentFile(data, name="photo"))
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            raise ValidationError(
                MSG_ZIP_PHOTO,
                code="photo_broken",
                params={"name": name, "problem": _("the ZIP entry is damaged")},
            ) from None
        except ValidationError as error:
            raise ValidationError(
                MSG_ZIP_PHOTO,
                code=error.code,
                params={"name": name, "problem": " ".join(error.messages)},
            ) from None


def split_names(cell: str) -> list[str]:
    """The file names a photos cell lists, separated by ``;``, ``,`` or new lines."""
    text = str(cell or "").replace("\n", ";").replace(",", ";").replace("；", ";")
    return [part.strip() for part in text.split(";") if part.strip()]
