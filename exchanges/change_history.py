"""The change history as staff read it: who changed what, when, field by field.

django-simple-history keeps a row for every save of a record (``HistoricalRegion`` …), with a
copy of its many-to-many links for each. This module turns those rows into ``Entry`` objects
that read well in the reader's language: each change names its field by its verbose name, shows
a choice by its label, a partial date to its precision, a linked record by its name and an
empty value as empty; a many-to-many field lists the records added and removed.

- ``tracked_models()``: every directory model with a history, in the navigation's order.
- ``newest_first(parts)``: history rows of several tables (a record's own, its citations'; or
  every table) as one query of (time, table, row id), newest first, which a ``Paginator`` pages
  and counts in the database.
- ``describe(keys)``: the ``Entry`` of each of those rows, read in a fixed number of queries
  whatever their number: for each table, its rows, the rows before them and their links; for
  each model a changed link points to, the linked records.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from os.path import commonprefix

from django.apps import apps
from django.contrib.admin.utils import display_for_field
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import get_m2m_reverse_field_name

from .models.base import DatePrecisionField, PartialDateField
from .models.history import has_history
from .partial_dates import format_partial_date
from .record_types import is_record_type, record_type_of

ACTIONS = {"+": gettext_lazy("Created"), "~": gettext_lazy("Changed"), "-": gettext_lazy("Deleted")}
# A change of a part of the record (a citation, a sales route), on the record's own history.
PART_ACTIONS = {
    "+": gettext_lazy("%(part)s added"),
    "~": gettext_lazy("%(part)s changed"),
    "-": gettext_lazy("%(part)s removed"),
}
TEXT_LIMIT = 160  # characters of a long text shown around its first change


def tracked_models() -> list[type]:
    """The directory's models with a history: the record types in their navigation order,
    then the others (citations, exchange areas, sales routes) by name."""
    found = [model for model in apps.get_app_config("exchanges").get_models() if has_history(model)]
    return sorted(
        found,
        key=lambda model: (
            (0, record_type_of(model).position, "")
            if is_record_type(model)
            else (1, 0, model._meta.model_name)
        ),
    )


def history_of(model):
    return getattr(model, model._meta.simple_history_manager_attribute)


def newest_first(parts: list[tuple[type, models.QuerySet]]) -> models.QuerySet:
    """One query over the history rows of each ``(model, rows)`` part: ``(time, position of the
    model in parts, history id)``, newest first. ``keys(page)`` names the rows of a page."""
    queries = [
        rows.order_by()
        .annotate(history_part=Value(position, output_field=IntegerField()))
        .values_list("history_date", "history_part", "history_id")
        for position, (_model, rows) in enumerate(parts)
    ]
    first, *rest = queries
    union = first.union(*rest, all=True) if rest else first
    return union.order_by("-history_date", "-history_part", "-history_id")


def keys(parts: list[tuple[type, models.QuerySet]], rows) -> list[tuple[type, int]]:
    """The ``(model, history id)`` of each row ``newest_first(parts)`` gave."""
    return [(parts[position][0], history_id) for _time, position, history_id in rows]


def forward_links(model) -> list[models.ForeignKey]:
    """The record's links to other records (content types are not records)."""
    return [
        link
        for link in model._meta.concrete_fields
        if link.many_to_one and link.related_model is not ContentType
    ]


def parent_link(model) -> GenericForeignKey | None:
    """The record a model's rows belong to through a generic link: a citation's record."""
    return next(
        (link for link in model._meta.private_fields if isinstance(link, GenericForeignKey)), None
    )


def shown_fields(model, order: list[str] = ()) -> list[models.Field]:
    """The fields a change lists: those staff edit, those named in ``order`` (the admin form's)
    first and in its order, the others as the model declares them, many-to-many last.
    Timestamps, derived columns and the generic link's parts are left out."""
    history_model = history_of(model).model
    tracked = {tracked.name for tracked in history_model.tracked_fields}
    parent = parent_link(model)
    hidden = {parent.ct_field, parent.fk_field} if parent else set()
    plain = [
        shown
        for shown in model._meta.concrete_fields
        if shown.name in tracked
        and shown.editable
        and not shown.primary_key
        and not isinstance(shown, DatePrecisionField)  # shown with its date
    ]
    fields = [
        *(shown for shown in plain if shown.name not in hidden),
        *history_model._history_m2m_fields,
    ]
    place = {name: position for position, name in enumerate(order)}
    return sorted(fields, key=lambda shown: place.get(shown.name, len(place)))


def precision_of(model, date_field: models.Field) -> models.Field | None:
    """The precision field of a partial date (``established_precision``), if it is one."""
    if not isinstance(date_field, PartialDateField):
        return None
    return model._meta.get_field(date_field.precision_name)


class Gone:
    """A linked record that no longer exists and left no history to name it by."""

    def __init__(self, model, pk):
        self.model, self.pk = model, pk

    def __str__(self) -> str:
        kind = self.model._meta.verbose_name
        return _("%(type)s %(id)s (deleted)") % {"type": kind, "id": self.pk}


class Deleted:
    """A linked record that no longer exists, named as its history last knew it."""

    def __init__(self, record):
        self.record = record

    def __str__(self) -> str:
        return _("%(name)s (deleted)") % {"name": self.record}


class Names:
    """Linked records by model and id, read in one query a model (and one more for those since
    deleted, from their history), each with the records its name needs."""

    def __init__(self):
        self.wanted: dict[type, set] = defaultdict(set)
        self.found: dict[tuple[type, object], object] = {}

    def want(self, model, pk) -> None:
        if pk is not None:
            self.wanted[model].add(pk)

    def read(self) -> None:
        for model, pks in self.wanted.items():
            links = [link.name for link in forward_links(model)]
            for record in model._default_manager.filter(pk__in=pks).select_related(*links):
                self.found[model, record.pk] = record
            missing = {pk for pk in pks if (model, pk) not in self.found}
            if missing and has_history(model):
                pk_name = model._meta.pk.attname
                last = (
                    history_of(model)
                    .filter(**{f"{pk_name}__in": missing})
                    .latest_of_each()
                    .select_related(*links)
                    .order_by("history_date", "history_id")
                )
                for row in last:  # the latest last, when two share a time
                    self.found[model, getattr(row, pk_name)] = Deleted(record_of(row))
            for pk in missing:
                self.found.setdefault((model, pk), Gone(model, pk))
        self.wanted.clear()

    def __getitem__(self, key: tuple[type, object]):
        return self.found[key]


def last_known(row):
    """The record as a history row holds it, its links read for its name."""
    names = Names()
    for link in forward_links(row.instance_type):
        names.want(link.related_model, getattr(row, link.attname))
    names.read()
    return record_of(row, names)


def record_of(row, names: Names | None = None):
    """The record as a history row holds it, with its links (for its name) from the row's
    ``select_related`` or from ``names``. Builds no query."""
    record = row.history_object
    for link in forward_links(type(record)):
        copy = row._meta.get_field(link.name)
        value = getattr(row, link.attname)
        if copy.is_cached(row):
            link.set_cached_value(record, copy.get_cached_value(row))
        elif names is not None and value is not None:
            link.set_cached_value(record, names[link.related_model, value])
        elif value is None:
            link.set_cached_value(record, None)
    return record


@dataclass
class FieldChange:
    label: str
    old: str = ""
    new: str = ""
    added: list[str] = field(default_factory=list)  # many-to-many: the records linked
    removed: list[str] = field(default_factory=list)  # and those unlinked

    @property
    def is_list(self) -> bool:
        return bool(self.added or self.removed)


@dataclass
class Entry:
    model: type  # whose history the row is of
    row: models.Model
    changes: list[FieldChange]
    label: str  # the record as of the change
    exists: bool  # the record is still there
    parent: object = None  # for a citation, the cited record (or ``Deleted``/``Gone``)
    parent_key: tuple[type, object] | None = None  # its model and id

    @property
    def action(self) -> str:
        return self.row.history_type

    @property
    def action_label(self) -> str:
        return ACTIONS[self.action]

    @property
    def part_action_label(self) -> str:
        """The change as one of a record's parts: "Citation added"."""
        return PART_ACTIONS[self.action] % {"part": capfirst(self.model._meta.verbose_name)}

    @property
    def time(self) -> datetime.datetime:
        return self.row.history_date

    @property
    def user(self):
        return self.row.history_user

    @property
    def reason(self) -> str:
        return self.row.history_change_reason or ""

    @property
    def record_id(self):
        return getattr(self.row, self.model._meta.pk.attname)

    @property
    def type_label(self) -> str:
        return capfirst(self.model._meta.verbose_name)

    @property
    def parent_exists(self) -> bool:
        return self.parent is not None and not isinstance(self.parent, Deleted | Gone)


def describe(
    wanted: list[tuple[type, int]], empty: str, orders: dict[type, list[str]] | None = None
) -> list["Entry"]:
    """The entries of the history rows ``wanted`` (``(model, history id)``), in that order;
    ``empty`` is what an empty value shows as, ``orders`` the order of each model's fields in
    its form (``shown_fields``)."""
    by_model: dict[type, list[int]] = defaultdict(list)
    for model, history_id in wanted:
        by_model[model].append(history_id)
    names = Names()
    orders = orders or {}
    read = {
        model: ModelRows(model, ids, names, orders.get(model, ()))
        for model, ids in by_model.items()
    }
    names.read()
    return [read[model].entry(history_id, names, empty) for model, history_id in wanted]


class ModelRows:
    """The wanted history rows of one model, the row before each, and their many-to-many
    links: three queries and one a many-to-many field. What the changes link to goes into
    ``names``, read once for all models."""

    def __init__(self, model, history_ids: list[int], names: Names, order: list[str]):
        self.model = model
        self.fields = shown_fields(model, order)
        history = history_of(model)
        pk_name = model._meta.pk.attname
        earlier = history.filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")),
            **{pk_name: OuterRef(pk_name)},
        ).order_by("-history_date", "-history_id")
        rows = (
            history.filter(history_id__in=history_ids)
            .select_related("history_user")
            .annotate(
                previous_id=Subquery(earlier.values("history_id")[:1]),
                exists=Exists(model._default_manager.filter(pk=OuterRef(pk_name))),
            )
        )
        self.rows = {row.history_id: row for row in rows}
        previous_ids = [row.previous_id for row in self.rows.values() if row.previous_id]
        self.previous = {row.history_id: row for row in history.filter(history_id__in=previous_ids)}
        self.links = self.read_links([*self.rows, *self.previous])
        self.raw = {history_id: self.raw_changes(row) for history_id, row in self.rows.items()}
        self.want_names(names)

    def read_links(self, history_ids: list[int]) -> dict[str, dict[int, set]]:
        """For each many-to-many field, the ids it linked to at each history row."""
        links = {}
        history_model = history_of(self.model).model
        for m2m in history_model._history_m2m_fields:
            copies = link_copies(history_model, m2m)
            target = copies._meta.get_field(get_m2m_reverse_field_name(m2m)).attname
            linked = defaultdict(set)
            for history_id, target_id in copies.objects.filter(
                history_id__in=history_ids
            ).values_list("history_id", target):
                linked[history_id].add(target_id)
            links[m2m.name] = linked
        return links

    def raw_changes(self, row) -> list[tuple]:
        """``(field, old, new)`` for each field that differs from the row before; a partial
        date as ``(date field, (date, precision), (date, precision))``; a many-to-many field
        as ``(field, removed ids, added ids)``. A row of a part (a citation) added or removed
        lists nothing: its name says what it was."""
        previous = self.previous.get(row.previous_id)
        if row.history_type != "~" or previous is None:
            return []
        changes = []
        for shown in self.fields:
            if shown.many_to_many:
                before = self.links[shown.name].get(previous.history_id, set())
                after = self.links[shown.name].get(row.history_id, set())
                if before != after:
                    changes.append((shown, before - after, after - before))
                continue
            precision = precision_of(self.model, shown)
            if precision is not None:
                old = (raw(previous, shown), raw(previous, precision))
                new = (raw(row, shown), raw(row, precision))
            else:
                old, new = raw(previous, shown), raw(row, shown)
            if old != new:
                changes.append((shown, old, new))
        return changes

    def want_names(self, names: Names) -> None:
        links = forward_links(self.model)
        parent = parent_link(self.model)
        for history_id, row in self.rows.items():
            for link in links:  # for the record's own name
                names.want(link.related_model, getattr(row, link.attname))
            if parent is not None:
                names.want(*parent_of(row, parent))
            for changed, old, new in self.raw[history_id]:
                if changed.many_to_many:
                    for pk in old | new:
                        names.want(changed.related_model, pk)
                elif changed.many_to_one:
                    names.want(changed.related_model, old)
                    names.want(changed.related_model, new)

    def entry(self, history_id: int, names: Names, empty: str) -> Entry:
        row = self.rows[history_id]
        parent = parent_link(self.model)
        parent_key = parent_of(row, parent) if parent is not None else None
        changes = [self.change(*raw_change, names, empty) for raw_change in self.raw[history_id]]
        return Entry(
            model=self.model,
            row=row,
            changes=changes,
            label=str(record_of(row, names)),
            exists=row.exists,
            parent=names[parent_key] if parent_key else None,
            parent_key=parent_key,
        )

    def change(self, changed, old, new, names: Names, empty: str) -> FieldChange:
        label = str(capfirst(changed.verbose_name))
        if changed.many_to_many:
            named = sorted((str(names[changed.related_model, pk]), pk in new) for pk in old | new)
            return FieldChange(
                label,
                added=[name for name, added in named if added],
                removed=[name for name, added in named if not added],
            )
        if precision_of(self.model, changed) is not None:
            old, new = format_partial_date(*old), format_partial_date(*new)
            return FieldChange(label, old or empty, new or empty)
        old, new = shown_value(changed, old, names, empty), shown_value(changed, new, names, empty)
        if isinstance(changed, models.CharField | models.TextField) and not changed.choices:
            old, new = around_first_difference(old, new)
        return FieldChange(label, old, new)


def link_copies(history_model, m2m: models.ManyToManyField):
    """The model of the copies of a many-to-many field's links each history row keeps."""
    return getattr(history_model, m2m.name).model


def raw(row, of: models.Field):
    """The stored value (a country's code, not its ``Country``)."""
    return row.__dict__.get(of.attname)


def parent_of(row, parent: GenericForeignKey) -> tuple[type, object]:
    content_type = ContentType.objects.get_for_id(getattr(row, f"{parent.ct_field}_id"))
    return content_type.model_class(), getattr(row, parent.fk_field)


def shown_value(of: models.Field, value, names: Names, empty: str) -> str:
    """A value as the admin shows it, in the reader's language: a linked record's name, a
    choice's label, a number or date in the locale's format, ``empty`` for nothing."""
    if value is None or value == "":
        return empty
    if of.many_to_one:
        return str(names[of.related_model, value])
    if of.choices:
        return str(dict(of.flatchoices).get(value, value))
    return display_for_field(value, of, empty)


def around_first_difference(old: str, new: str) -> tuple[str, str]:
    """Long texts cut to ``TEXT_LIMIT`` characters from a little before their first
    difference, so that what changed shows."""
    if max(len(old), len(new)) <= TEXT_LIMIT:
        return old, new
    start = max(0, len(commonprefix([old, new])) - TEXT_LIMIT // 4)
    space = old.rfind(" ", max(0, start - 20), start + 1)
    start = space + 1 if space > 0 else start  # from the start of a word, where there are words

    def cut(text: str) -> str:
        part = text[start : start + TEXT_LIMIT]
        return ("…" if start else "") + part + ("…" if start + TEXT_LIMIT < len(text) else "")

    return cut(old), cut(new)
