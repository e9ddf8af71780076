"""System checks for what the directory needs of its database, cache and files in production."""

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.checks import Error, Tags, Warning, register
from django.db import connection
from django.db.utils import DatabaseError


@register(Tags.database)
def trigram_keeps_cjk(app_configs, databases=None, **kwargs):
    """On PostgreSQL, search is served by trigram indexes; they only see CJK characters when
    the database classifies them as letters, which a UTF-8 ctype does and the C locale does not."""
    if not databases or "default" not in databases or connection.vendor != "postgresql":
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT array_length(show_trgm('釜山'), 1)")
            (trigrams,) = cursor.fetchone()
    except DatabaseError:
        return []  # pg_trgm not installed yet: migrate installs it
    if trigrams:
        return []
    return [
        Warning(
            "The database's character classification drops CJK characters from trigrams, "
            "so searches in Japanese, Chinese or Korean cannot use their indexes.",
            hint="Create the database with a UTF-8 ctype, e.g. createdb --locale=C.UTF-8.",
            id="exchanges.W001",
        )
    ]


@register(Tags.caches, deploy=True)
def cache_shared_by_workers(app_configs, **kwargs):
    """Cached statistics are dropped when a record changes; with several workers only a shared
    cache lets all of them see the change."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return [
            Warning(
                "The cache lives in each worker's memory: with more than one worker, a worker "
                "may show statistics from before a record changed until its entry expires.",
                hint="Set REDIS_URL to share one cache among the workers.",
                id="exchanges.W002",
            )
        ]
    return []


def static_files_missing() -> bool:
    """True when pages would name static files by a manifest that ``collectstatic`` has not
    written: every page would then fail."""
    hashed_files = getattr(staticfiles_storage, "hashed_files", None)
    return hashed_files is not None and not hashed_files


@register(Tags.staticfiles, deploy=True)
def static_files_collected(app_configs, **kwargs):
    if not static_files_missing():
        return []
    return [
        Error(
            f"Static files have not been collected into {settings.STATIC_ROOT}.",
            hint="Run manage.py collectstatic --noinput (make serve does).",
            id="exchanges.E003",
        )
    ]
