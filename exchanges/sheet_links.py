"""How a spreadsheet cell names a linked record: a tie's regions, a mission's firms.

An export writes a linked record's slug where it has one (a region, an exchange area), else its
id, so that a sheet reads back as it was written. A sheet typed by staff may name the record in
any of the ways they know it: its slug, its id, or any of its four names (新潟県, Niigata
Prefecture, 니가타현). A cell that names no record, or names several by one name, is an error
of its row and column, with what to write instead; it never stops the rest of the import.
"""

import unicodedata

from django.db.models import Q
from django.utils.translation import gettext_lazy
from import_export.widgets import ForeignKeyWidget, ManyToManyWidget

from .models.base import MultilingualNames
from .models.search import matching, normalise

SEPARATOR = "|"  # between the linked records of a many-to-many cell
MAX_LISTED = 10  # records listed when a name matches several


def has_slug(model) -> bool:
    return any(field.name == "slug" for field in model._meta.fields)


def name_fields(model) -> tuple[str, ...]:
    fields = {field.name for field in model._meta.fields}
    return tuple(name for name in MultilingualNames.NAME_FIELDS if name in fields)


def written_key(model) -> str:
    """What an export writes for a linked record of ``model``: its slug, else its id."""
    return "slug" if has_slug(model) else "pk"


def cell_text(value) -> str:
    """A cell as text: a number a spreadsheet made of an id (12.0) as the id ("12")."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def find(model, value):
    """The record of ``model`` the cell names; ValueError with a message otherwise."""
    text = cell_text(value)
    manager = model._default_manager
    if has_slug(model):
        found = manager.filter(slug=text).first()
        if found is not None:
            return found
    if text.isascii() and text.isdigit():
        found = manager.filter(pk=int(text)).first()
        if found is not None:
            return found
    named = with_name(model, text)
    if len(named) == 1:
        return named[0]
    values = {"value": text, "record": model._meta.verbose_name}
    if named:
        listed = ", ".join(described(record) for record in named[:MAX_LISTED])
        values["listed"] = listed + (", …" if len(named) > MAX_LISTED else "")
        values["records"] = model._meta.verbose_name_plural
        raise ValueError(str(SEVERAL[has_slug(model)]) % values)
    raise ValueError(str(NONE[has_slug(model), bool(name_fields(model))]) % values)


# Whole sentences for each way a model's records can be named, for translators.
NONE = {
    (True, True): gettext_lazy("No %(record)s has the slug, id or name “%(value)s”."),
    (True, False): gettext_lazy("No %(record)s has the slug or id “%(value)s”."),
    (False, True): gettext_lazy("No %(record)s has the id or name “%(value)s”."),
    (False, False): gettext_lazy("No %(record)s has the id “%(value)s”."),
}
SEVERAL = {
    True: gettext_lazy(
        "“%(value)s” is the name of several %(records)s: %(listed)s. Give the slug of the one "
        "you mean."
    ),
    False: gettext_lazy(
        "“%(value)s” is the name of several %(records)s: %(listed)s. Give the id of the one "
        "you mean."
    ),
}


def with_name(model, text: str) -> list:
    """The records of ``model`` one of whose names is ``text``, whatever its case or width.
    The search index narrows them where the model has one that holds its names."""
    names = name_fields(model)
    if not names or not text:
        return []
    wanted = normalise(text)
    search = next((f for f in model._meta.fields if f.name == "search_text"), None)
    if search is not None and set(names) <= set(getattr(search, "source_fields", ())):
        condition = matching(model, text)
    else:
        condition = Q()
        for name in names:
            condition |= Q(**{f"{name}__iexact": text})
    candidates = model._default_manager.filter(condition).order_by("pk")
    return [
        record
        for record in candidates
        if any(normalise(getattr(record, name)) == wanted for name in names)
    ]


def described(record) -> str:
    key = getattr(record, "slug", None) or record.pk
    return f"{key} ({record})"


class LinkWidget(ForeignKeyWidget):
    """A foreign key's cell: written as the record's slug or id, read by ``find``."""

    def __init__(self, model, **kwargs):
        super().__init__(model, field=written_key(model), **kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None or cell_text(value) == "":
            return None
        return find(self.model, value)


class LinksWidget(ManyToManyWidget):
    """A many-to-many cell: the records' slugs or ids separated by "|", each read by ``find``;
    every part that names no record is reported together."""

    def __init__(self, model, **kwargs):
        super().__init__(model, separator=SEPARATOR, field=written_key(model), **kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return []
        records, problems = {}, []
        for part in cell_text(value).split(self.separator):
            if not part.strip():
                continue
            try:
                record = find(self.model, part)
            except ValueError as problem:
                problems.append(str(problem))
            else:
                records.setdefault(record.pk, record)
        if problems:
            raise ValueError(" ".join(problems))
        return list(records.values())
