"""Real app servers for the tests: gunicorn processes, an S3-compatible bucket, Redis.

Each ``AppServer`` is a gunicorn process of its own, with its own local media folder
(as two machines have their own disks) and whatever it shares with the others given
through the environment, exactly as an operator configures it: ``DATABASE_URL``,
``REDIS_URL`` and the ``IMPORT_STORAGE_*`` variables. The bucket is moto in server
mode, reached over HTTP through django-storages.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
#: Seconds a server has to come up, and a job or page to be ready.
START_SECONDS = 60
READY_SECONDS = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL


def delete_redis_keys(prefix: str) -> None:
    """Remove this run's keys only (never FLUSHALL: the Redis may be shared)."""
    import redis

    client = redis.Redis.from_url(redis_url())
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        client.delete(key)
    client.close()


def wait_for(check, what: str, seconds: float = READY_SECONDS):
    """Call ``check`` until it returns something true; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


class Bucket:
    """An S3-compatible server (moto) on a free port, with one bucket."""

    name = "yiwu-imports"

    def __init__(self, log_path: Path):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(self._answers, "the S3 server", START_SECONDS)
            self.client().create_bucket(Bucket=self.name)
        except BaseException:
            self.stop()
            raise

    def _answers(self) -> bool:
        try:
            return requests.get(self.endpoint, timeout=5).status_code < 500
        except requests.RequestException:
            return False

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def object_keys(self) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=self.name)
        return [entry["Key"] for entry in listed.get("Contents", [])]

    def env(self) -> dict[str, str]:
        return {
            "IMPORT_STORAGE_BUCKET": self.name,
            "IMPORT_STORAGE_ENDPOINT_URL": self.endpoint,
            "IMPORT_STORAGE_REGION": "us-east-1",
            "IMPORT_STORAGE_ADDRESSING_STYLE": "path",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self._log.close()


def base_env(database_url: str, folder: Path) -> dict[str, str]:
    """The environment of one machine: its database URL and its own disk."""
    for sub in ("media", "cache", "upload-tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "IMPORT_", "AWS_")) and k != "REDIS_URL"
    }
    return keep | {
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "1",
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "DJANGO_CACHE_DIR": str(folder / "cache"),
        "DJANGO_FILE_UPLOAD_TEMP_DIR": str(folder / "upload-tmp"),
        "DJANGO_SETTINGS_MODULE": "yiwu_catalog.settings",
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise AssertionError(f"manage.py {args[0]} failed:\n{result.stderr}")
    return result.stdout


SEED = """
import json
from decimal import Decimal
from django.test import Client
from tests import factories

wholesaler = factories.make_wholesaler(name_en="Two Servers Trading")
user = factories.make_wholesaler_user("two-servers", wholesaler)
product = factories.make_pilot_product(name_en="Two-server puzzle")
booth = factories.make_booth(wholesaler)
listing = factories.make_listing(
    wholesaler, product, sku="TWO-1", booth=booth, moq=1,
    unit_price=Decimal("1.11"), title_en="Two-server blocks",
)
client = Client()
client.force_login(user)
print(json.dumps({
    "session": client.cookies["sessionid"].value,
    "listing": listing.pk,
    "product": product.code,
    "wholesaler": wholesaler.pk,
    "credit_code": wholesaler.credit_code,
    "booth": booth.address,
    "customs_code": listing.customs_code,
}))
"""


def migrate_and_seed(env: dict[str, str]) -> dict:
    """Prepare the shared database; return the seeded world and a logged-in session."""
    manage(env, "migrate", "--no-input", "-v0")
    out = manage(env, "shell", "--verbosity", "0", "-c", SEED)
    return json.loads(out.strip().splitlines()[-1])


class AppServer:
    """One machine: a gunicorn process (one sync worker) and a job worker
    (``manage.py db_worker``) with its own environment."""

    def __init__(self, name: str, env: dict[str, str], folder: Path):
        self.name = name
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = (folder / "gunicorn.log").open("wb")
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "yiwu_catalog.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--timeout",
                "30",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.jobs = subprocess.Popen(
            [
                str(BIN / "python"),
                "manage.py",
                "db_worker",
                "--no-reload",
                "--interval",
                "0.2",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(self._healthy, f"server {name}", START_SECONDS)
        except BaseException:
            self.stop()
            raise

    def _healthy(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"server {self.name} exited: {self.log()}")
        try:
            return requests.get(f"{self.url}/healthz", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def log(self) -> str:
        return (self.folder / "gunicorn.log").read_text(errors="replace")[-3000:]

    def worker_pid(self) -> int:
        """The pid of the gunicorn worker that answers requests."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        (pid,) = children.read_text().split()
        return int(pid)

    def stop(self) -> None:
        for process in (self.jobs, self.process):
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._log.close()


def memory_kib(pid: int) -> dict[str, int]:
    """Resident memory now (VmRSS) and at its peak so far (VmHWM) of a process."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _colon, value = line.partition(":")
        if name in {"VmRSS", "VmHWM"}:
            found[name] = int(value.split()[0])
    return found


def disk_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


class Visitor:
    """A browser-like client (cookies for 127.0.0.1, any port) of the servers."""

    def __init__(self, session_key: str | None = None):
        self.http = requests.Session()
        self.http.cookies.set("django_language", "en")
        if session_key:
            self.http.cookies.set("sessionid", session_key)

    def get(self, server: AppServer, path: str, **kwargs) -> requests.Response:
        return self.http.get(server.url + path, allow_redirects=False, **kwargs)

    def post(self, server: AppServer, path: str, data=None, files=None):
        """Post as a form would, with the CSRF token the servers gave this visitor."""
        if "csrftoken" not in self.http.cookies:
            self.http.get(server.url + "/catalogue/")
        data = {**(data or {}), "csrfmiddlewaretoken": self.http.cookies["csrftoken"]}
        return self.http.post(
            server.url + path, data=data, files=files, allow_redirects=False
        )


class _FormParser(HTMLParser):
    """The fields of the posting forms on a page, as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.forms.append({})
        if not self.forms:
            return
        fields = self.forms[-1]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    fields[name] = attrs.get("value") or "on"
            elif kind not in {"submit", "button", "file"}:
                fields[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            fields[self._select] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1][self._textarea] += data


def form_with(html: str, field: str) -> dict[str, str]:
    """The posting form of the page that has this field, with its current values."""
    parser = _FormParser()
    parser.feed(html)
    for fields in parser.forms:
        if field in fields:
            return fields
    raise AssertionError(f"no form with {field} on the page")


def unique_prefix() -> str:
    return f"yiwu-test-{uuid.uuid4().hex[:10]}"


def post_large_file(
    server: AppServer,
    path: str,
    visitor: Visitor,
    *,
    size: int,
    midway,
    chunk: int = 1024 * 1024,
) -> tuple[int, str]:
    """Upload ``size`` bytes as a form's file; call ``midway()`` half-way through.

    The body goes out in chunks over one connection, so ``midway`` sees the server
    while it is still receiving the file. Return the status and the page.
    """
    import http.client

    if "csrftoken" not in visitor.http.cookies:
        visitor.get(server, "/catalogue/")
    token = visitor.http.cookies["csrftoken"]
    boundary = uuid.uuid4().hex
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f"{token}\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="huge.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
        "sku\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    cookies = "; ".join(f"{c.name}={c.value}" for c in visitor.http.cookies)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    connection.putrequest("POST", path)
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    connection.putheader("Content-Length", str(len(head) + size + len(tail)))
    connection.putheader("Cookie", cookies)
    connection.endheaders()
    connection.send(head)
    block = b"x" * 1023 + b"\n"
    piece = block * (chunk // len(block))
    sent = 0
    called = False
    while sent < size:
        part = piece[: size - sent]
        connection.send(part)
        sent += len(part)
        if not called and sent >= size // 2:
            time.sleep(0.5)  # let the server read what is in flight
            midway()
            called = True
    connection.send(tail)
    response = connection.getresponse()
    page = response.read().decode(errors="replace")
    connection.close()
    return response.status, page
