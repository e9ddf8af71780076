"""The QuerySet every directory model shares.

Pages deep into a list stay as fast as the first: a slice that skips rows (``OFFSET``) first
fetches only the primary keys of its window, which an index on the sort order can answer without
reading the rows it skips, then loads those few rows with their joins. Django's paginator,
django-tables2 and Django REST framework all take their pages by slicing, so each gets this
without knowing.
"""

from django.db import models
from django.db.models.query import ModelIterable


class DirectoryQuerySet(models.QuerySet):
    def __getitem__(self, key):
        if (
            isinstance(key, slice)
            and key.start
            and self._result_cache is None
            and not self.query.is_sliced
            and self._iterable_class is ModelIterable
        ):
            window = self.prefetch_related(None).values("pk")[key]
            return self.filter(pk__in=window)
        return super().__getitem__(key)

    def either_of(self, conditions) -> "DirectoryQuerySet":
        """Rows matching any of ``conditions`` (Q objects), as a UNION of one query per
        condition: an OR across foreign keys or subqueries would keep each from its index."""
        conditions = list(conditions)
        if len(conditions) == 1:
            return self.filter(conditions[0])
        base = self.model._base_manager.order_by()
        first, *others = (base.filter(condition).values("pk") for condition in conditions)
        return self.filter(pk__in=first.union(*others))
