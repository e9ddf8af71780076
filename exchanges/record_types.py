"""The directory's kinds of record, declared once, on their models.

A model becomes a record type with ``@record_type("tie", "ties", _("Ties"), position=2)``. It
then has a list page at ``/ties/`` and a page per record at ``/ties/<id>/``, URL names
``exchanges:sistertie-list`` and ``exchanges:sistertie-detail``; an API route at
``/api/v1/ties/``, URL names ``api:sistertie-list`` and ``api:sistertie-detail`` (pages and API
share the convention, after the model's name); the type ``tie`` in the API's change feed; and a
place in the navigation, the home page's counts and the site search, in ``position`` order.
What each face needs of the model it finds by the model: its FilterSet, table and serializer
are the classes of those kinds whose ``Meta.model`` is the model (``component``), and its
QuerySet says how each face reads it (``listed()``, ``serialized()``).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse


@dataclass(frozen=True)
class RecordType:
    model: type
    short_name: str  # what partners read as its type (the API's change feed): "tie"
    segment: str  # the path of its pages and API route: "ties"
    menu_label: str  # the navigation's short name: "Ties"
    position: int  # its place in the navigation and wherever the types are listed
    lookup: str = "pk"  # what addresses one record's page: its id, or its slug

    @property
    def name(self) -> str:
        """The stem of every URL name of the type: ``sistertie`` in ``sistertie-list``."""
        return self.model._meta.model_name

    def list_url(self, **query) -> str:
        """The list page, filtered by ``query`` when given (a filter's name and value)."""
        url = reverse(f"exchanges:{self.name}-list")
        return f"{url}?{urlencode(query)}" if query else url

    def detail_url(self, record) -> str:
        return reverse(f"exchanges:{self.name}-detail", args=[getattr(record, self.lookup)])

    @property
    def verbose_name_plural(self) -> str:
        return self.model._meta.verbose_name_plural


_RECORD_TYPES: dict[type, RecordType] = {}


def record_type(short_name: str, segment: str, menu_label, *, position: int, lookup: str = "pk"):
    """Declares the decorated model a record type (see the module's docstring)."""

    def declare(model):
        declared = RecordType(model, short_name, segment, menu_label, position, lookup)
        _RECORD_TYPES[model] = declared
        # As Django's ABSOLUTE_URL_OVERRIDES does: the admin's "view on site" and the API's
        # page_url ask the model.
        model.get_absolute_url = page_url
        return model

    return declare


def page_url(record) -> str:
    """The record's public page."""
    return _RECORD_TYPES[type(record)].detail_url(record)


def record_types() -> tuple[RecordType, ...]:
    """Every record type, in their navigation order."""
    return tuple(sorted(_RECORD_TYPES.values(), key=lambda declared: declared.position))


def record_type_of(model) -> RecordType:
    return _RECORD_TYPES[model]


def is_record_type(model) -> bool:
    return model in _RECORD_TYPES


def component(base: type, model) -> type:
    """The subclass of ``base`` (a FilterSet, a table, a serializer…) declared for ``model``
    in this project, found by its ``Meta.model``: each kind of component is declared once per
    record type, and every face that needs it asks for it here."""
    found = [
        cls
        for cls in subclasses(base)
        if cls.__module__.startswith("exchanges.")
        and getattr(getattr(cls, "Meta", None), "model", None) is model
    ]
    if len(found) != 1:
        names = ", ".join(cls.__qualname__ for cls in found) or "none"
        raise LookupError(f"One {base.__name__} for {model.__name__} expected, found {names}.")
    return found[0]


def subclasses(base: type) -> list[type]:
    found = []
    for cls in base.__subclasses__():
        found += [cls, *subclasses(cls)]
    return found


def record_type_named(short_name: str) -> RecordType:
    """The record type partners know as ``short_name`` ("tie")."""
    return next(declared for declared in record_types() if declared.short_name == short_name)
