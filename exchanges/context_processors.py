"""Template context shared by every page."""

from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_info

from . import citing
from .record_types import record_types as declared_record_types


def record_types(request) -> dict:
    """The record types, for the navigation."""
    return {"record_types": declared_record_types()}


def language_links(request) -> dict:
    """The current page in each interface language, query string and all, so that switching
    language keeps the reader's filters, sorting and page."""
    current = get_language()
    full_path = request.get_full_path()
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": translate_url(full_path, code),
                "current": code == current,
            }
        )
    return {"language_links": links}


def dataset(request) -> dict:
    """The directory's version and last change, for the footer; read (from the cache) only
    by a page that shows them."""
    return {"dataset": SimpleLazyObject(citing.dataset)}
