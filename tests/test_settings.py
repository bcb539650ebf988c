"""Production settings: check --deploy is clean and missing values fail loudly."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
    "DJANGO_ALLOWED_HOSTS": "catalogue.example.com",
}


def test_check_deploy_is_clean_under_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_missing_production_value_fails_loudly(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert f"{missing} must be set when DJANGO_DEBUG=0" in result.stderr


def test_production_refuses_to_create_demo_accounts():
    result = _manage("create_demo_accounts", **PRODUCTION)
    assert result.returncode != 0
    assert "never created in production" in result.stderr


def test_site_defaults(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hans", "en"]
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE


def _setting(name: str, **env: str) -> subprocess.CompletedProcess:
    return _manage(
        "shell", "-v0", "-c", f"from django.conf import settings; print(settings.{name})",
        **env,
    )  # fmt: skip


def test_production_trusts_no_forwarded_for_unless_told():
    assert _setting("TRUSTED_PROXY_COUNT", **PRODUCTION).stdout.strip() == "0"
    behind_nginx = PRODUCTION | {"DJANGO_TRUSTED_PROXY_COUNT": "1"}
    assert _setting("TRUSTED_PROXY_COUNT", **behind_nginx).stdout.strip() == "1"


@pytest.mark.parametrize("value", ["-1", "one", "1.5"])
def test_a_proxy_count_that_is_not_a_count_fails_loudly(value):
    result = _manage("check", **PRODUCTION, DJANGO_TRUSTED_PROXY_COUNT=value)
    assert result.returncode != 0
    assert "DJANGO_TRUSTED_PROXY_COUNT must be a whole number" in result.stderr
