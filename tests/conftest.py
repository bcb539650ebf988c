"""Shared pytest fixtures: fast hashing, reference data, users for each role."""

import json
import logging

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from pilot_products import roles
from pilot_products.reference_data import load_reference_data
from tests import factories


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_shared_cache():
    """Each test starts with an empty cache: a test's rows are rolled back after it,
    and what a page cached from them must not answer the next test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _import_files_in_tmp(settings, tmp_path):
    """Keep each test's uploads, previews and photos in its own folder, never in media/."""
    settings.STORAGES = settings.STORAGES | {
        "imports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "imports", "allow_overwrite": True},
        },
        "photos": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "photos"},
        },
    }


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    """Give each test an empty in-process cache instead of the shared files."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tests",
        }
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_unless_asked(settings):
    """Run tests in English; Chinese is tested where a test asks for it.

    The site's default language is zh-hans, so a request without Accept-Language is
    answered in Chinese; tests that assert messages compare them with the English source.
    """
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _role_groups_exist(request):
    """Put the role groups back for tests that follow a transactional test.

    A ``transaction=True`` test ends by flushing every table, and the groups made by the
    roles data migration go with it; permissions come back through post_migrate.
    """
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or {"db", "transactional_db"} & set(
        request.fixturenames
    )
    if not uses_db:
        return
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    if Group.objects.filter(name__in=roles.ROLE_PERMISSIONS).count() < len(
        roles.ROLE_PERMISSIONS
    ):
        roles.sync_roles(django_apps)


@pytest.fixture
def reference_data(db):
    """The real reference data from fixtures/ (35 illustrative pilot products)."""
    return load_reference_data()


@pytest.fixture
def reviewer(db):
    return factories.make_staff_user("reviewer", roles.PILOT_REVIEWER)


@pytest.fixture
def second_reviewer(db):
    return factories.make_staff_user("reviewer-2", roles.PILOT_REVIEWER)


@pytest.fixture
def editor(db):
    return factories.make_staff_user("editor", roles.CATALOGUE_EDITOR)


@pytest.fixture
def operator(db):
    return factories.make_staff_user("operator", roles.MALL_OPERATOR)


@pytest.fixture
def wholesaler_a(db):
    return factories.make_wholesaler(name_en="Alpha Import Trading")


@pytest.fixture
def wholesaler_b(db):
    return factories.make_wholesaler(name_en="Beta Import Trading")


@pytest.fixture
def user_a(wholesaler_a):
    return factories.make_wholesaler_user("wholesaler-a", wholesaler_a)


@pytest.fixture
def user_b(wholesaler_b):
    return factories.make_wholesaler_user("wholesaler-b", wholesaler_b)


@pytest.fixture
def role_groups(db):
    return {group.name: group for group in Group.objects.all()}


@pytest.fixture
def security_events():
    """Security log records written during the test, parsed from their JSON lines."""
    events = SecurityEvents()
    security_logger = logging.getLogger("yiwu.security")
    security_logger.addHandler(events.handler)
    yield events
    security_logger.removeHandler(events.handler)


class SecurityEvents(list):
    """Parsed records, with the raw lines in ``raw``."""

    def __init__(self):
        super().__init__()
        self.raw: list[str] = []
        events = self

        class Collect(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                line = record.getMessage()
                events.raw.append(line)
                events.append(json.loads(line))

        self.handler = Collect(level=logging.DEBUG)

    def named(self, name: str) -> list[dict]:
        return [record for record in self if record["event"] == name]


@pytest.fixture(autouse=True)
def _autocommit_back_on():
    """Put the default connection back in autocommit mode if a test left it out.

    A known defect, not yet found: on 2026-12-02 one CI run on SQLite (random order)
    had a browser test leave the shared in-memory connection in manual transaction
    mode outside any atomic block, and the next 18 transactional tests failed at
    set-up ("on_commit() cannot be used in manual transaction management"). This
    keeps one test's leak from failing the others; the leak itself is still to fix.
    """
    yield
    if (
        connection.connection is not None
        and not connection.in_atomic_block
        and not connection.autocommit
    ):
        connection.set_autocommit(True)
