"""Real, separate databases for operations tests, driven through ``manage.py``.

These tests rehearse what an operator does, so they work on a database of their own
(a fresh SQLite file or a fresh PostgreSQL database), never on pytest's test database
inside its transaction.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"

#: Data compared before and after: everything an operator would miss if it changed.
FINGERPRINT_EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


def postgres_server_url() -> str:
    """The PostgreSQL server of this run (DATABASE_URL when it is PostgreSQL)."""
    url = os.environ.get("DATABASE_URL", "")
    return (
        url
        if url.startswith(("postgres://", "postgresql://"))
        else (DEFAULT_POSTGRES_URL)
    )


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def postgres_database(purpose: str) -> Iterator[str]:
    """Create an empty PostgreSQL database, yield its URL, drop it afterwards."""
    server = postgres_server_url()
    base = urlsplit(server).path.lstrip("/") or "yiwu"
    name = f"{base}_{purpose}_{uuid.uuid4().hex[:8]}"[:63]
    admin_url = _with_database(server, "postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(server, name)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def database_url(engine: str, tmp_path: Path, purpose: str) -> Iterator[str]:
    if engine == "sqlite":
        yield f"sqlite:///{tmp_path / f'{purpose}.sqlite3'}"
    else:
        with postgres_database(purpose) as url:
            yield url


class Site:
    """One installation: its database URL and its MEDIA_ROOT, run via manage.py."""

    def __init__(self, url: str, tmp_path: Path):
        self.url = url
        self.media_root = tmp_path / "media"
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_MEDIA_ROOT": str(self.media_root),
            "DJANGO_BACKUP_DIR": str(tmp_path / "backups"),
            "DJANGO_SETTINGS_MODULE": "yiwu_catalog.settings",
        }

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
            )
        return result

    def python(self, code: str) -> str:
        return self.manage("shell", "--verbosity", "0", "-c", code).stdout

    def seed(self) -> None:
        self.manage("migrate", "--no-input", "-v0")
        self.manage("load_reference_data")
        self.manage(
            "seed_demo", "--wholesalers", "4", "--listings", "60", "--seed", "3"
        )
        self.manage("create_demo_accounts")

    def fingerprint(self, *, exclude: tuple[str, ...] = ()) -> list[dict]:
        """Every row of every table that matters, as dumpdata writes it."""
        args = ["dumpdata", "--indent", "0"]
        for label in [*FINGERPRINT_EXCLUDE, *exclude]:
            args += ["--exclude", label]
        return json.loads(self.manage(*args).stdout)

    def media_files(self) -> dict[str, bytes]:
        return {
            str(path.relative_to(self.media_root)): path.read_bytes()
            for path in sorted(self.media_root.rglob("*"))
            if path.is_file()
        }
