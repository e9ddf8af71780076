"""Answers worth keeping: counts and pictures of the whole directory, cached until a record
changes.

Every cache key ends with the directory's data version, a number in the cache that goes up once
each time a transaction that changed a directory record commits (admin, API, spreadsheet import,
fixtures). Entries of older versions are never read again and expire on their own, so nothing
needs to know which entries a change affects. With several workers the cache must be shared
(``REDIS_URL``) for all of them to see a new version at once.
"""

import hashlib
import time

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language
from simple_history.models import HistoricalChanges

VERSION_KEY = "directory:version"
TIMEOUT = 60 * 60  # s; entries of the current version are recomputed at least this often
# Part of every key: raise it when what is cached changes shape, so that a new release never
# reads an object the previous one pickled.
FORMAT = 2


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A new number whenever the key is lost, so that no entry of an old version is reused.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY, 0)
    return version


def bump_data_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # the key was evicted: start a new series
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def cached(name: str, parts, compute, timeout: int = TIMEOUT):
    """``compute()``, or what it gave for the same ``name`` and ``parts`` in the reader's
    language since the directory last changed."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"directory:{FORMAT}:{name}:{get_language()}:{digest}:{data_version()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def is_directory_model(model) -> bool:
    return model._meta.app_label == "exchanges" and not issubclass(model, HistoricalChanges)


def record_changed(sender, **kwargs) -> None:
    if is_directory_model(sender):
        transaction.on_commit(bump_data_version)


def connect_signals() -> None:
    for model in apps.get_app_config("exchanges").get_models():
        if is_directory_model(model):
            post_save.connect(record_changed, sender=model, dispatch_uid=f"version-save-{model}")
            post_delete.connect(
                record_changed, sender=model, dispatch_uid=f"version-delete-{model}"
            )
    m2m_changed.connect(record_changed, dispatch_uid="version-m2m")
