"""What every process shares comes from the environment: the cache and the storage."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json; from django.conf import settings; "
    "print(json.dumps({'cache': settings.CACHES['default']['BACKEND'], "
    "'location': str(settings.CACHES['default']['LOCATION']), "
    "'imports': settings.STORAGES['imports']['BACKEND'], "
    "'options': {k: str(v) for k, v in settings.STORAGES['imports']['OPTIONS'].items()}}))"
)
SHARED = ("REDIS_URL", "IMPORT_STORAGE_BUCKET", "IMPORT_STORAGE_ENDPOINT_URL")


def settings_with(**env: str) -> dict:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k not in SHARED
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SHOW],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_with_nothing_set_the_processes_of_one_machine_share_files():
    found = settings_with()
    assert found["cache"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert found["location"] == str(ROOT / "var" / "cache")
    assert found["imports"] == "django.core.files.storage.FileSystemStorage"
    assert found["options"]["location"] == str(ROOT / "media" / "imports")


def test_redis_url_and_a_bucket_make_every_server_share_them():
    found = settings_with(
        REDIS_URL="redis://cache.internal:6379/3",
        IMPORT_STORAGE_BUCKET="yiwu-imports",
        IMPORT_STORAGE_ENDPOINT_URL="https://oss.example.cn",
    )
    assert found["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert found["location"] == "redis://cache.internal:6379/3"
    assert found["imports"] == "storages.backends.s3.S3Storage"
    assert found["options"]["bucket_name"] == "yiwu-imports"
    assert found["options"]["endpoint_url"] == "https://oss.example.cn"
    assert found["options"]["location"] == "imports"
