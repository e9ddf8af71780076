"""The QuerySet every directory model shares.

- A page is read in two steps: the primary keys of its window first, which an index on the sort
  order can answer without reading the rows it skips (``OFFSET``), or which the database sorts
  as narrow rows when a filter keeps it from the index; then those few rows with their joins.
  Deep pages stay as fast as the first.
- A missing value sorts as the smallest one (undated ties come first from the oldest, last from
  the newest), on PostgreSQL as SQLite does it anyway: both databases give the same order, and
  one index serves a sort in both directions.

Django's paginator, django-tables2, Django REST framework and the admin all sort with
``order_by()`` and take their pages by slicing, so each gets both without knowing.
"""

from django.apps import apps
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Coalesce
from django.db.models.query import ModelIterable

# A record's citations with the sources they cite, as the API lists them.
CITED_SOURCES = "citations__source"


class DirectoryQuerySet(models.QuerySet):
    def order_by(self, *field_names):
        return super().order_by(*(self.nulls_smallest(name) for name in field_names))

    def nulls_smallest(self, name):
        """``-established`` as ``established DESC NULLS LAST``, ``established`` as ``established
        ASC NULLS FIRST``, when the field can be empty; anything else as it is."""
        if not isinstance(name, str) or name == "?":
            return name
        path = name.removeprefix("-")
        if not nullable(self.model, path):
            return name
        return (
            F(path).desc(nulls_last=True) if name.startswith("-") else F(path).asc(nulls_first=True)
        )

    def __getitem__(self, key):
        if (
            isinstance(key, slice)
            and key.step is None
            and (key.start or key.stop is not None)
            and self._result_cache is None
            and not self.query.is_sliced
            and self._iterable_class is ModelIterable
        ):
            window = self.prefetch_related(None).values("pk")[key]
            return self.rows_in(window)
        return super().__getitem__(key)

    def rows_in(self, window) -> "DirectoryQuerySet":
        """The rows whose keys ``window`` selects, shaped as these are (joins, deferred fields,
        prefetches, order) but without their filters: the window has applied them already,
        and a filter evaluated again would cost as much as the first time."""
        if self.query.annotations or self.query.distinct or self.query.extra:
            return self.filter(pk__in=window)  # columns computed under these filters
        rows = self.model._default_manager.filter(pk__in=window)
        rows.query.select_related = self.query.select_related
        rows.query.deferred_loading = self.query.deferred_loading
        rows.query.order_by = self.query.order_by
        rows.query.default_ordering = self.query.default_ordering
        rows.query.standard_ordering = self.query.standard_ordering
        rows._prefetch_related_lookups = self._prefetch_related_lookups
        return rows

    # The shapes every face reads records in. A record type whose pages or API show linked
    # records overrides them on its own QuerySet, joining those records once for all rows.

    def listed(self) -> "DirectoryQuerySet":
        """Shaped for a list page, its downloads and the site search: names, codes and dates."""
        return self.without_long_text()

    def serialized(self) -> "DirectoryQuerySet":
        """Shaped for the API's serializer: every field, with the record's citations."""
        return self.prefetch_related(CITED_SOURCES) if is_cited(self.model) else self

    def without_long_text(self, *related: str) -> "DirectoryQuerySet":
        """Leaves out the long free text (notes, descriptions, search text) of these rows and
        of the ``related`` records joined to them: a list shows names, codes and dates."""
        deferred = long_text_fields(self.model)
        for relation in related:
            target = self.model._meta.get_field(relation).related_model
            deferred += [f"{relation}__{name}" for name in long_text_fields(target)]
        return self.defer(*deferred)

    def with_citation_count(self) -> "DirectoryQuerySet":
        """Each record's number of citations as ``citation_count``: a correlated count that the
        database works out for the rows it returns, rather than grouping every citation."""
        citations = apps.get_model("exchanges", "Citation").objects.order_by()
        if self.model._meta.model_name == "source":
            citations = citations.filter(source=OuterRef("pk")).values("source")
        else:
            opts = self.model._meta
            citations = citations.filter(
                content_type__app_label=opts.app_label,
                content_type__model=opts.model_name,
                object_id=OuterRef("pk"),
            ).values("object_id")
        count = citations.annotate(n=Count("*")).values("n")
        return self.annotate(citation_count=Coalesce(Subquery(count), 0))

    def either_of(self, conditions) -> "DirectoryQuerySet":
        """Rows matching any of ``conditions`` (Q objects), as a UNION of one query per
        condition: an OR across foreign keys or subqueries would keep each from its index."""
        conditions = list(conditions)
        if len(conditions) == 1:
            return self.filter(conditions[0])
        base = self.model._base_manager.order_by()
        first, *others = (base.filter(condition).values("pk") for condition in conditions)
        return self.filter(pk__in=first.union(*others))


def is_cited(model) -> bool:
    """Whether records of ``model`` carry citations (a ``citations`` relation to Citation)."""
    return any(
        isinstance(field, GenericRelation) and field.related_model._meta.model_name == "citation"
        for field in model._meta.private_fields
    )


def keeps_update_time(model) -> bool:
    """Whether ``model`` records when each of its rows last changed (an ``updated`` column)."""
    return any(field.name == "updated" for field in model._meta.concrete_fields)


def long_text_fields(model) -> list[str]:
    return [
        field.name for field in model._meta.concrete_fields if isinstance(field, models.TextField)
    ]


def nullable(model, path: str) -> bool:
    """Whether the field ``path`` leads to (across relations) can hold NULL."""
    field = None
    for part in path.split(LOOKUP_SEP):
        if model is None or part == "pk":
            return False
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False  # an annotation or a property: leave it to the database
        model = field.related_model
    return bool(field is not None and field.null)
