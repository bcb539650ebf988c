"""Backups of the database and the uploaded files, in one archive, and their restore.

PostgreSQL is dumped with ``pg_dump --format=custom`` (one consistent snapshot) and
restored with ``pg_restore --clean --single-transaction`` (all or nothing). SQLite is
copied with its online backup API, which is consistent while the site keeps writing;
a live database file is never copied byte for byte. ``MEDIA_ROOT`` travels alongside.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connections

#: Bumped when the archive layout changes; restore refuses layouts it does not know.
ARCHIVE_FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}

ENGINE_MISMATCH = (
    "This backup was made from a {backup} database and cannot be restored into "
    "{current}. To move between engines, follow 'Moving from SQLite to PostgreSQL' "
    "in docs/operations.md."
)
UNKNOWN_FORMAT = (
    "Not a backup archive of this application (missing or unknown manifest)."
)


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    engine: str
    created_at: str
    media_files: int


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in DUMP_NAMES:
        raise BackupError(f"Backups of {vendor} databases are not supported.")
    return vendor


def _pg_command_env(alias: str) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump/pg_restore; the password goes in the environment."""
    db = connections[alias].settings_dict
    env = {**os.environ}
    args: list[str] = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args += ["--no-password"]
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:2000]}")


def _dump_database(alias: str, target: Path) -> None:
    vendor = _vendor(alias)
    connection = connections[alias]
    if vendor == "postgresql":
        args, env = _pg_command_env(alias)
        _run(
            [
                "pg_dump",
                *args,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(target),
                str(connection.settings_dict["NAME"]),
            ],
            env,
        )
        return
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()


def _restore_database(alias: str, source: Path) -> None:
    vendor = _vendor(alias)
    connection = connections[alias]
    if vendor == "postgresql":
        connection.close()
        args, env = _pg_command_env(alias)
        _run(
            [
                "pg_restore",
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                str(connection.settings_dict["NAME"]),
                str(source),
            ],
            env,
        )
        return
    connection.ensure_connection()
    backup = sqlite3.connect(source)
    try:
        # The online backup API, run in reverse: pages of the backup replace the live
        # database's in one step, and other connections see the restored data.
        backup.backup(connection.connection)
    finally:
        backup.close()


def default_backup_path() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.BACKUP_DIR) / f"yiwu-backup-{stamp}.tar.gz"


def create_backup(output: Path | None = None, *, alias: str = "default") -> BackupInfo:
    """Write the database and MEDIA_ROOT into one archive at ``output``."""
    vendor = _vendor(alias)
    output = Path(output) if output else default_backup_path()
    if output.is_dir():
        output = output / default_backup_path().name
    output.parent.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    media_files = (
        sum(1 for path in media_root.rglob("*") if path.is_file())
        if media_root.is_dir()
        else 0
    )
    created_at = datetime.now(UTC).isoformat(timespec="seconds")
    with tempfile.TemporaryDirectory(dir=output.parent) as work:
        dump = Path(work) / DUMP_NAMES[vendor]
        _dump_database(alias, dump)
        manifest = Path(work) / MANIFEST
        manifest.write_text(
            json.dumps(
                {
                    "format": ARCHIVE_FORMAT,
                    "engine": vendor,
                    "created_at": created_at,
                    "database": dump.name,
                    "media_files": media_files,
                },
                indent=2,
            )
        )
        partial = Path(work) / "archive.partial"
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(manifest, arcname=MANIFEST)
            archive.add(dump, arcname=dump.name)
            if media_root.is_dir():
                archive.add(media_root, arcname=MEDIA_DIR)
        os.replace(partial, output)
    return BackupInfo(output, vendor, created_at, media_files)


def read_manifest(archive_path: Path) -> dict:
    try:
        with tarfile.open(archive_path, "r:*") as archive:
            member = archive.extractfile(MANIFEST)
            manifest = json.loads(member.read()) if member else {}
    except (KeyError, OSError, tarfile.TarError, ValueError) as error:
        raise BackupError(UNKNOWN_FORMAT) from error
    if manifest.get("format") != ARCHIVE_FORMAT or manifest.get("engine") not in (
        DUMP_NAMES
    ):
        raise BackupError(UNKNOWN_FORMAT)
    return manifest


def _replace_media(extracted: Path) -> None:
    """Make MEDIA_ROOT hold exactly the files in ``extracted``."""
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    for child in media_root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    if extracted.is_dir():
        for child in extracted.iterdir():
            shutil.move(str(child), media_root / child.name)


def restore_backup(archive_path: Path, *, alias: str = "default") -> BackupInfo:
    """Put the database and MEDIA_ROOT back exactly as they were in the archive."""
    archive_path = Path(archive_path)
    manifest = read_manifest(archive_path)
    vendor = _vendor(alias)
    if manifest["engine"] != vendor:
        raise BackupError(
            ENGINE_MISMATCH.format(backup=manifest["engine"], current=vendor)
        )
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media_root.parent) as work:
        with tarfile.open(archive_path, "r:*") as archive:
            # The "data" filter refuses absolute paths, ".." and device files.
            archive.extractall(work, filter="data")
        dump = Path(work) / manifest["database"]
        if dump.name != DUMP_NAMES[vendor] or not dump.is_file():
            raise BackupError(UNKNOWN_FORMAT)
        _restore_database(alias, dump)
        _replace_media(Path(work) / MEDIA_DIR)
    return BackupInfo(
        archive_path, vendor, manifest["created_at"], manifest["media_files"]
    )
