"""Settings for the Yiwu import pilot catalogue, driven by environment variables.

Development works with no variables at all (SQLite, DEBUG on). Production is
``DJANGO_DEBUG=0`` and then refuses to start without the values it cannot guess.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


def env_required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"{name} must be set when DJANGO_DEBUG=0 (see docs/operations.md)."
        )
    return value


DEBUG = env_bool("DJANGO_DEBUG", True)

if DEBUG:
    SECRET_KEY = os.environ.get(
        "DJANGO_SECRET_KEY", "development-only-key-never-used-in-production"
    )
    ALLOWED_HOSTS = env_list(
        "DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver"
    )
else:
    SECRET_KEY = env_required("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or [
        env_required("DJANGO_ALLOWED_HOSTS")
    ]

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

#: ``create_demo_accounts`` refuses to run unless this is on: never in production.
DEMO_ACCOUNTS_ALLOWED = DEBUG

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_countries",
    # Before pilot_products, whose admin takes the task queue's admin away again.
    "django_tasks",
    "django_tasks_db",
    # Before import_export: its own `manage.py import` / `export` would write any
    # model row by row past every rule; ours run through the spreadsheet engine.
    "pilot_products",
    # django.contrib.admin, with a throttled password change (yiwu_catalog.admin_site).
    # After pilot_products, whose admin/ templates override the admin's own.
    "yiwu_catalog.apps.PilotAdminConfig",
    "import_export",
    "simple_history",
    "pilot_products.apps.LoginProtectionConfig",  # django-axes
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pilot_products.middleware.ContentSecurityPolicyMiddleware",
    "pilot_products.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "pilot_products.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pilot_products.middleware.SessionSecurityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yiwu_catalog.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "yiwu_catalog.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while an import writes; the timeout waits out a busy writer.
    # IMMEDIATE: a transaction takes the write lock when it begins, so it waits its
    # turn instead of failing when another connection (a job's heartbeat) wrote since
    # it first read.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses any login attempt while its username and IP address are locked out.
    "axes.backends.AxesStandaloneBackend",
    "pilot_products.auth_backends.MembershipModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/portal/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Chinese (Simplified)")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "pilot_products" / "locale"]
# django-countries' Chinese name of Svalbard starts with a space: drop-downs showed it
# shifted and out of order, and typing its first character did not find it.
COUNTRIES_OVERRIDE = {"SJ": pgettext_lazy("country name", "Svalbard and Jan Mayen")}
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
#: Where ``manage.py backup`` writes its archives unless told otherwise.
BACKUP_DIR = Path(os.environ.get("DJANGO_BACKUP_DIR", BASE_DIR / "backups"))
#: Where uploaded spreadsheets, their previews and rejected-rows workbooks are kept
#: (pilot_products.spreadsheets.stored_files): every app server and worker must see
#: the same files, so with more than one machine this is an S3-compatible bucket.
IMPORT_STORAGE_BUCKET = os.environ.get("IMPORT_STORAGE_BUCKET", "").strip()
if IMPORT_STORAGE_BUCKET:
    # Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or an
    # instance role), as boto3 finds them; docs/operations.md lists the variables.
    IMPORT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": IMPORT_STORAGE_BUCKET,
            "location": os.environ.get("IMPORT_STORAGE_PREFIX", "imports"),
            "endpoint_url": os.environ.get("IMPORT_STORAGE_ENDPOINT_URL") or None,
            "region_name": os.environ.get("IMPORT_STORAGE_REGION") or None,
            "addressing_style": os.environ.get("IMPORT_STORAGE_ADDRESSING_STYLE")
            or None,
            "default_acl": "private",
            "file_overwrite": True,
        },
    }
else:
    IMPORT_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "imports", "allow_overwrite": True},
    }
#: Listing photos (pilot_products.photos): in the same bucket as the imports when
#: there is one, under their own prefix, so every app server sees every photo.
if IMPORT_STORAGE_BUCKET:
    PHOTO_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": IMPORT_STORAGE["OPTIONS"]
        | {
            "location": os.environ.get("PHOTO_STORAGE_PREFIX", "photos"),
            "file_overwrite": False,
        },
    }
else:
    PHOTO_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "photos"},
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "imports": IMPORT_STORAGE,
    "photos": PHOTO_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Spreadsheets: the formula-escaping switch of django-import-export, plus our own
# stricter escaping on every export path (pilot_products.spreadsheets).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_SKIP_ADMIN_ACTION_EXPORT_UI = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_MAX_FILE_BYTES = int(
    os.environ.get("IMPORT_MAX_FILE_BYTES", str(50 * 1024 * 1024))
)
#: Photo uploads: bytes and pixels capped before decoding (decompression bombs),
#: and how many photos one listing may have.
PHOTO_MAX_BYTES = int(os.environ.get("PHOTO_MAX_BYTES", str(10 * 1024 * 1024)))
PHOTO_MAX_PIXELS = int(os.environ.get("PHOTO_MAX_PIXELS", str(40_000_000)))
PHOTO_MAX_PER_LISTING = int(os.environ.get("PHOTO_MAX_PER_LISTING", "8"))
#: Files in a photos ZIP uploaded beside a listings sheet (photos by spreadsheet).
PHOTO_ZIP_MAX_MEMBERS = int(os.environ.get("PHOTO_ZIP_MAX_MEMBERS", "1000"))
#: Photo files no row names are removed by housekeeping once this old (rolled back).
PHOTO_ORPHAN_MINUTES = int(os.environ.get("PHOTO_ORPHAN_MINUTES", "60"))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "200000"))
# Rows an import validates (and writes) at a time, all in one transaction: memory
# for 100,000 rows stays near 300 MB instead of growing with the file.
IMPORT_SLICE_ROWS = int(os.environ.get("IMPORT_SLICE_ROWS", "10000"))
# An export of more rows than this is a background job with a page to follow and a
# download link; a smaller one is answered in its request (streamed).
EXPORT_INLINE_MAX_ROWS = int(os.environ.get("EXPORT_INLINE_MAX_ROWS", "10000"))
# Background jobs (imports) on Django's Tasks API. The queue lives in the project's
# database, so any number of `manage.py db_worker` processes on any machine take jobs
# from it; docs/operations.md says how to move to another backend.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# A running import renews its record's heartbeat this often (it also carries the
# rows done to the progress page); a record silent for the lease is interrupted.
IMPORT_HEARTBEAT_SECONDS = float(os.environ.get("IMPORT_HEARTBEAT_SECONDS", "1"))
IMPORT_LEASE_SECONDS = float(os.environ.get("IMPORT_LEASE_SECONDS", "30"))
#: Uploads expire this long after they were last touched (``remove_expired_uploads``).
IMPORT_FILES_MAX_AGE_HOURS = int(os.environ.get("IMPORT_FILES_MAX_AGE_HOURS", "24"))
# Request caps: form fields other than files at most 5 MB; a file above 5 MB goes to
# a temporary file, not memory, and one above IMPORT_MAX_FILE_BYTES (the largest any
# form takes) is not kept at all: the size-cap handler drops its bytes as they come.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = os.environ.get("DJANGO_FILE_UPLOAD_TEMP_DIR") or None
FILE_UPLOAD_HANDLERS = [
    "pilot_products.spreadsheets.uploads.SizeCapUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Security: on everywhere, strict in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "pilot_products.views.errors.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_AGE", str(8 * 60 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
#: Logged-in sessions end after this much inactivity; staff sessions sooner.
SESSION_IDLE_TIMEOUT = 60 * int(os.environ.get("DJANGO_SESSION_IDLE_MINUTES", "120"))
SESSION_STAFF_IDLE_TIMEOUT = 60 * int(
    os.environ.get("DJANGO_STAFF_SESSION_IDLE_MINUTES", "30")
)
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"


def trusted_proxy_count() -> int:
    """Read ``DJANGO_TRUSTED_PROXY_COUNT``: 0 unless set, and never a guess.

    0 trusts no ``X-Forwarded-For``. Any count above the number of proxies really in
    front of gunicorn lets a client forge its address on every attempt, which defeats
    the login lockout and the security log, so the count must be set, not assumed.
    """
    value = os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "").strip() or "0"
    if not value.isdigit():
        raise ImproperlyConfigured(
            "DJANGO_TRUSTED_PROXY_COUNT must be a whole number of proxies "
            "(0 when gunicorn faces clients; see docs/operations.md)."
        )
    return int(value)


#: Reverse proxies in front of the app whose X-Forwarded-For entries are trusted.
TRUSTED_PROXY_COUNT = trusted_proxy_count()
# The load balancer may probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(
        os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600))
    )
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# Content-Security-Policy (pilot_products.middleware): no inline script or style on
# the site's own pages. The admin adds only what its third-party templates need.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
if not DEBUG and SECURE_SSL_REDIRECT:
    CONTENT_SECURITY_POLICY["upgrade-insecure-requests"] = []
#: Directives added under /admin/ only: django-import-export and django-simple-history
#: templates carry style="..." attributes (never scripts).
CONTENT_SECURITY_POLICY_ADMIN = {"style-src-attr": ["'unsafe-inline'"]}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Brute-force protection (django-axes): a username is locked out from one IP address
# only, so wholesalers sharing a Mall hall's IP are not shut out by one attacker.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(
    minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A locked-out client retrying does not prolong its lockout: the cool-off is finite.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "pilot_products.views.errors.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "pilot_products.security_log.client_ip"
AXES_USERNAME_CALLABLE = "pilot_products.security_log.login_username"
AXES_VERBOSE = False

SECURITY_LOG_FILE = os.environ.get("DJANGO_SECURITY_LOG_FILE", "")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "omit_traceback_of_denials": {
            "()": "pilot_products.log_filters.OmitTracebackOfDenials"
        },
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        # Security events are already JSON lines (pilot_products.security_log).
        "json_line": {"format": "%(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "security": (
            {
                "class": "logging.handlers.WatchedFileHandler",
                "filename": SECURITY_LOG_FILE,
                "formatter": "json_line",
            }
            if SECURITY_LOG_FILE
            else {"class": "logging.StreamHandler", "formatter": "json_line"}
        ),
    },
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
    },
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["omit_traceback_of_denials"]},
        "yiwu.security": {
            "handlers": ["security"],
            "level": "INFO",
            "propagate": False,
        },
    },
}

# The cache every process shares: rendered catalogue pages and the catalogue's
# generation, which each write moves (pilot_products.catalogue_sync). With REDIS_URL,
# Redis, shared by every app server and worker. Without it, files under var/cache:
# nothing to install, yet shared by the processes of one machine (the development
# server and its worker, both gunicorn workers of `make serve`); a per-process memory
# cache would miss a change written by another process until its entries expire.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
CACHE_KEY_PREFIX = os.environ.get("DJANGO_CACHE_KEY_PREFIX", "yiwu")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("DJANGO_CACHE_DIR", BASE_DIR / "var" / "cache"),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }

# Public catalogue pages keep their render at most this many seconds (0 turns the
# page cache off). Every write that changes what they show retires them at once, on
# every server; the expiry is only a safety net.
CATALOGUE_PAGE_CACHE_SECONDS = int(
    os.environ.get("CATALOGUE_PAGE_CACHE_SECONDS", "300")
)

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# Off only while loading a dump that already holds the history (docs/operations.md).
SIMPLE_HISTORY_ENABLED = env_bool("DJANGO_HISTORY_ENABLED", True)
SIMPLE_HISTORY_REVERT_DISABLED = False
