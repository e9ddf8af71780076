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
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

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


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
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
    "exchanges",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the signed-in user as the author of every historical record.
    "simple_history.middleware.HistoryRequestMiddleware",
    # A statement stopped by DATABASE_STATEMENT_TIMEOUT answers 503 with a reason, not 500.
    "exchanges.middleware.StatementTimeoutMiddleware",
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

# Bounded work: no statement of a web request holds the database longer than this (PostgreSQL).
STATEMENT_TIMEOUT = os.environ.get("DATABASE_STATEMENT_TIMEOUT", "")
if STATEMENT_TIMEOUT and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={STATEMENT_TIMEOUT}"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Statistics, the map and the network are cached until a record changes (exchanges/caching.py).
# With several workers the cache must be shared, or a worker may answer from before a change.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
CACHES["default"]["KEY_PREFIX"] = os.environ.get("CACHE_KEY_PREFIX", "regiontrade")

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
STATIC_ROOT = BASE_DIR / "staticfiles"
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
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_RATE", "120/minute"),
        "user": os.environ.get("API_TOKEN_RATE", "1200/minute"),
    },
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
        "MissionKindEnum": "exchanges.models.missions.MissionKind",
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

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
