"""Security headers on a catalogue page, a portal page and an admin page."""

import json
import os
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent

SITE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
ADMIN_POLICY = SITE_POLICY + "; style-src-attr 'unsafe-inline'"

PUBLIC_PAGES = ["/", "/accounts/login/", "/no-such-page/"]


class InlineCodeFinder(HTMLParser):
    """Collect inline scripts, event-handler attributes and style attributes."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_script_without_src = False

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self._in_script_without_src = True
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"{tag}[{name}]" for name in names if name.startswith("on")]
        if "style" in names:
            self.found.append(f"{tag}[style]")

    def handle_endtag(self, tag):
        self._in_script_without_src = False

    def handle_data(self, data):
        if self._in_script_without_src and data.strip():
            self.found.append(f"<script>{data.strip()[:40]}")


def _inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.found


def _assert_common_headers(response):
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_site_pages_send_the_strict_policy_and_carry_no_inline_code(client, path):
    response = client.get(path)
    assert response.status_code in {200, 404}
    assert response["Content-Security-Policy"] == SITE_POLICY
    _assert_common_headers(response)
    assert _inline_code(response.content.decode()) == []


def test_portal_page_for_a_logged_in_wholesaler_sends_the_strict_policy(user_a):
    client = Client()
    client.force_login(user_a)
    response = client.get("/")
    assert response.wsgi_request.user.is_authenticated
    assert response["Content-Security-Policy"] == SITE_POLICY
    _assert_common_headers(response)
    assert _inline_code(response.content.decode()) == []


@pytest.mark.parametrize(
    "path",
    [
        "/admin/login/",
        "/admin/",
        "/admin/pilot_products/wholesaler/",
        "/admin/pilot_products/wholesaler/add/",
    ],
)
def test_admin_pages_allow_style_attributes_but_never_inline_script(operator, path):
    client = Client()
    client.force_login(operator)
    response = client.get(path)
    assert response.status_code in {200, 302}
    assert response["Content-Security-Policy"] == ADMIN_POLICY
    _assert_common_headers(response)
    inline = _inline_code(response.content.decode())
    assert [item for item in inline if item.startswith("<script")] == []
    assert [item for item in inline if "[on" in item] == []


def test_the_admin_policy_only_adds_style_attributes():
    assert ADMIN_POLICY.startswith(SITE_POLICY)
    assert "'unsafe-inline'" not in SITE_POLICY
    assert "'unsafe-eval'" not in ADMIN_POLICY
    assert "script-src 'self';" in ADMIN_POLICY


def test_cookies_are_http_only(client):
    response = client.get("/accounts/login/")
    assert response.cookies["csrftoken"]["httponly"]
    assert django_settings.SESSION_COOKIE_HTTPONLY


# --- production settings, in a separate process (settings are read at start-up) ---

PRODUCTION_PROBE = """
import json, django
django.setup()
from django.test import Client
out = {}
client = Client()
for path in ["/", "/accounts/login/", "/admin/login/"]:
    response = client.get(path, secure=True, headers={"host": "example.com"})
    out[path] = {
        "status": response.status_code,
        "headers": dict(response.headers),
        "cookies": {
            name: {"secure": bool(c["secure"]), "httponly": bool(c["httponly"])}
            for name, c in response.cookies.items()
        },
    }
plain = client.get("/accounts/login/", headers={"host": "example.com"})
out["plain"] = {"status": plain.status_code, "location": plain.get("Location")}
health = client.get("/healthz", headers={"host": "example.com"})
out["health"] = {"status": health.status_code}
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def production_env(tmp_path_factory):
    base = tmp_path_factory.mktemp("production")
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "example.com",
        "DJANGO_STATIC_ROOT": str(base / "static"),
        "DATABASE_URL": f"sqlite:///{base / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "yiwu_catalog.settings",
    }
    for command in (["collectstatic", "--noinput", "-v0"], ["migrate", "-v0"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True
        )
    return env


def test_check_deploy_is_clean_under_production_settings(production_env):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_sends_hsts_secure_cookies_and_redirects_to_https(
    production_env,
):
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=production_env,
        capture_output=True,
        text=True,
        check=True,
    )
    pages = json.loads(result.stdout.strip().splitlines()[-1])

    for path in ["/", "/accounts/login/", "/admin/login/"]:
        page = pages[path]
        headers = page["headers"]
        assert page["status"] == 200, path
        assert headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "upgrade-insecure-requests" in headers["Content-Security-Policy"]
        assert "script-src 'self';" in headers["Content-Security-Policy"]
    login_cookies = pages["/accounts/login/"]["cookies"]
    assert login_cookies["csrftoken"] == {"secure": True, "httponly": True}

    assert pages["plain"]["status"] == 301
    assert pages["plain"]["location"] == "https://example.com/accounts/login/"
    # The load balancer's plain-HTTP probe is not redirected.
    assert pages["health"]["status"] == 200


def test_production_refuses_to_start_without_a_secret_key(production_env):
    env = {**production_env, "DJANGO_SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_debug_error_pages_keep_their_inline_code_in_development(client, settings):
    settings.DEBUG = True
    assert "Content-Security-Policy" not in client.get("/no-such-page/")
    assert client.get("/")["Content-Security-Policy"] == SITE_POLICY
