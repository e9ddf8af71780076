"""Settings for regiontrade.

Everything that differs between machines comes from environment variables, so the
same module serves a laptop, CI and production:

- ``DATABASE_URL``: unset means the SQLite file ``db.sqlite3`` in the repository root;
  ``postgres://user@host:port/name`` means PostgreSQL through psycopg2.
- ``SECRET_KEY``: required when ``DEBUG`` is off.
- ``DEBUG``: ``1``/``true``/``yes`` turns on Django's debug pages (default: on, for local use).
- ``ALLOWED_HOSTS``: comma-separated host names (default: localhost only).
- ``REDIS_URL``: a Redis server for the cache that every worker shares (default: each
  process keeps its own cache in memory); ``CACHE_KEY_PREFIX`` keeps apart sites sharing one.
- ``DATABASE_STATEMENT_TIMEOUT``: on PostgreSQL, the longest a single SQL statement may run,
  e.g. ``5s``; ``regiontrade/wsgi.py`` sets it for web requests, management commands have none.
- ``HTTPS``, ``SECURE_PROXY_SSL_HEADER``, ``SECURE_SSL_REDIRECT``, ``HSTS_SECONDS``,
  ``CSRF_TRUSTED_ORIGINS``, ``TRUSTED_PROXY_COUNT``: how the site is reached (see the README).
- ``API_ANON_RATE``, ``API_TOKEN_RATE``, ``PAGE_RATE``, ``EXPORT_RATE``: request limits.
- ``LOG_LEVEL``, ``LOG_FORMAT``: what is logged to standard output, and as ``json`` or ``text``.
- ``DATA_LICENSE``: the SPDX id of the licence the data package (``/data/``) is published under:
  ``CC-BY-4.0`` (default), ``CC0-1.0`` or ``ODbL-1.0``.

The README's configuration table lists every variable with its default.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from exchanges.licences import DATA_LICENSES, DEFAULT_DATA_LICENSE

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off "
            "(e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "insecure-local-development-key-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "exchanges.admin_site.DirectoryAdminConfig",  # Django's admin, with the recent changes
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Trigram indexes on expressions (OpClass); only PostgreSQL makes use of them.
    "django.contrib.postgres",
    "django_countries",
    "django_filters",
    "django_tables2",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "simple_history",
    "axes",
    "exchanges",
]

MIDDLEWARE = [
    # An id for every request, in its log lines, its response header and the error page.
    "exchanges.logs.RequestIdMiddleware",
    # /healthz answers before host checks, HTTPS redirects and limits, as load balancers need.
    "exchanges.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Anonymous readers of pages and downloads, counted in the cache all workers share.
    "exchanges.ratelimits.RateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the signed-in user as the author of every historical record.
    "simple_history.middleware.HistoryRequestMiddleware",
    # A statement stopped by DATABASE_STATEMENT_TIMEOUT answers 503 with a reason, not 500.
    "exchanges.middleware.StatementTimeoutMiddleware",
    # A write the database refused in a race answers 409 with the rule's message, not 500.
    "exchanges.integrity.IntegrityErrorMiddleware",
    # Locks out repeated failed sign-ins (django-axes); last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "regiontrade.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "exchanges.context_processors.language_links",
                "exchanges.context_processors.record_types",
                "exchanges.context_processors.dataset",
            ],
        },
    },
]

WSGI_APPLICATION = "regiontrade.wsgi.application"
ASGI_APPLICATION = "regiontrade.asgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Writers wait for each other instead of failing with "database is locked" when a
    # transaction that began by reading wants to write (the shared cache's counters do).
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"

# Bounded work: no statement of a web request holds the database longer than this (PostgreSQL).
STATEMENT_TIMEOUT = os.environ.get("DATABASE_STATEMENT_TIMEOUT", "")
if STATEMENT_TIMEOUT and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={STATEMENT_TIMEOUT}"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache for every worker and every machine: request limits are counted in it, and
# statistics, the map and the network are kept in it until a record changes
# (exchanges/caching.py). Redis when REDIS_URL is set, otherwise a table of the database
# (created by migrate), whose counters are made atomic by exchanges/database_cache.py.
REDIS_URL = os.environ.get("REDIS_URL", "")
# Created by every migrate, also while Redis is in use, so that the site can move off Redis.
DATABASE_CACHE_TABLE = "regiontrade_cache"
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "exchanges.database_cache.AtomicDatabaseCache",
            "LOCATION": DATABASE_CACHE_TABLE,
            # Django culls a third of the entries past MAX_ENTRIES, counters included.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    )
}
CACHES["default"]["KEY_PREFIX"] = os.environ.get("CACHE_KEY_PREFIX", "regiontrade")

# Request limits, "<number>/<second|minute|hour|day>" or "none" (exchanges/ratelimits.py).
RATE_LIMITS = {
    "api-anon": os.environ.get("API_ANON_RATE", "120/minute"),
    "api-token": os.environ.get("API_TOKEN_RATE", "1200/minute"),
    "page": os.environ.get("PAGE_RATE", "300/minute"),
    "export": os.environ.get("EXPORT_RATE", "30/minute"),
}
# How many proxies in front of the site append the client's address to X-Forwarded-For.
# 0: the address is the socket's peer, and X-Forwarded-For is ignored.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Admin sign-in: after AXES_FAILURE_LIMIT wrong passwords for one user from one address, that
# pair is locked out for AXES_COOLOFF_MINUTES (django-axes; a superuser unlocks it by deleting
# the access attempt in the admin, or with manage.py axes_reset_username).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "exchanges.ratelimits.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failed sign-in, kept for the admin to read
AXES_SENSITIVE_PARAMETERS = []  # the log names the user and address locked out (never passwords)
AXES_VERBOSE = False  # no banner at every start; failures and lock-outs are still logged
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: the four languages of the directory's readers.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ja", _("Japanese")),
    ("ko", _("Korean")),
    ("zh-hans", _("Simplified Chinese")),
]
# locale/ holds the project's own strings (``make messages``); locale/extra/ translates what the
# libraries do not ship: Korean country names (django-countries) and the change-history
# screens in Japanese and Korean (django-simple-history).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "extra"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Flags first in country choices: the directory is about these three.
COUNTRIES_FIRST = ["JP", "CN", "KR"]
COUNTRIES_FIRST_BREAK = "──────────"

# REST API for partner systems: everyone reads; writing takes a token (issued in the admin)
# whose user holds the model's permission. Rates: "<number>/<second|minute|hour|day>".
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # RATE_LIMITS below, shared with the pages' limits.
    "DEFAULT_THROTTLE_CLASSES": ["exchanges.ratelimits.APIThrottle"],
    # Request bodies bounded in size and JSON nesting (exchanges/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "exchanges.api.parsers.BoundedJSONParser",
        "exchanges.api.parsers.BoundedFormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "regiontrade API",
    "DESCRIPTION": (
        "Trade links between Japanese, Chinese and Korean regions: ties, firms, offices, "
        "missions and their sources. Reading is open; writing takes a token "
        "(`Authorization: Token <key>`) whose user holds the model's permission."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set, shared by every field and filter that uses it.
    "ENUM_NAME_OVERRIDES": {
        "CurrencyEnum": "exchanges.models.base.Currency",
        "AmountUnitEnum": "exchanges.models.base.AmountUnit",
        "DatePrecisionEnum": "exchanges.models.base.DatePrecision",
        "RegionLevelEnum": "exchanges.models.regions.RegionLevel",
        "CoordinatesBasisEnum": "exchanges.models.regions.CoordinatesBasis",
        "TieTypeEnum": "exchanges.models.ties.TieType",
        "TieStatusEnum": "exchanges.models.ties.TieStatus",
        "FirmKindEnum": "exchanges.models.firms.FirmKind",
        "OfficeKindEnum": "exchanges.models.offices.OfficeKind",
        "OfficeStatusEnum": "exchanges.models.offices.OfficeStatus",
        "OfficeRoleKindEnum": "exchanges.models.offices.OfficeRoleKind",
        "PartnershipKindEnum": "exchanges.models.firms.PartnershipKind",
        "MissionKindEnum": "exchanges.models.missions.MissionKind",
        "MissionStatusEnum": "exchanges.models.missions.MissionStatus",
        "ParticipationRoleEnum": "exchanges.models.people.ParticipationRole",
        "IndicatorSubjectEnum": "exchanges.models.indicators.IndicatorSubject",
        "IndicatorQualifierEnum": "exchanges.models.indicators.IndicatorQualifier",
        "SourceKindEnum": "exchanges.models.sources.SourceKind",
        "SourceLanguageEnum": "exchanges.models.sources.SourceLanguage",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "exchanges.api.schema.document_error_responses",
    ],
}

# Change history: staff read a record's history with the historical model's view permission.
SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = True

# Spreadsheet import/export in the admin.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# What one admin import may hold (exchanges/spreadsheets.py): the upload, its rows, and an
# XLSX's declared unpacked size (a few KB can unpack to gigabytes).
SPREADSHEET_IMPORT_MAX_BYTES = 5 * 1024 * 1024
SPREADSHEET_IMPORT_MAX_ROWS = 10_000
SPREADSHEET_IMPORT_MAX_UNZIPPED_BYTES = 50 * 1024 * 1024

# The licence the whole directory is published under as a data package (exchanges/datapackage.py).
DATA_LICENSE = os.environ.get("DATA_LICENSE", "").strip() or DEFAULT_DATA_LICENSE
if DATA_LICENSE not in DATA_LICENSES:
    raise ImproperlyConfigured(
        f"DATA_LICENSE must be one of {', '.join(DATA_LICENSES)}, not {DATA_LICENSE!r}."
    )

# Reaching the site. HTTPS (on by default when DEBUG is off) marks cookies secure, sends HSTS
# and redirects plain HTTP to HTTPS. Behind a proxy that terminates TLS, SECURE_PROXY_SSL_HEADER
# names the header it sets (X-Forwarded-Proto); a proxy that sets none must redirect itself
# (SECURE_SSL_REDIRECT=0), and CSRF_TRUSTED_ORIGINS lets the admin's forms through.
HTTPS = env_bool("HTTPS", not DEBUG)
proxy_ssl_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip()
if proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + proxy_ssl_header.upper().replace("-", "_"), "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): pages, admin and API docs load only the site's own
# scripts, styles and images; nothing inline runs, nothing is fetched from another server.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Logs: one JSON object per line on standard output (LOG_FORMAT=text for reading by eye, the
# default with DEBUG on), each with the id of its request (exchanges/logs.py). Django writes a
# warning for every 4xx answer and an error with the traceback for every 500.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "exchanges.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "exchanges.logs.JSONLineFormatter"},
        "text": {"format": "{asctime} {levelname} {name} [{request_id}] {message}", "style": "{"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    },
}
