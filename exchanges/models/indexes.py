"""Indexes that PostgreSQL and SQLite cannot declare alike.

Each creates the same index on both where it can, and on PostgreSQL what PostgreSQL alone knows:
trigram indexes for searching inside text, and the placement of NULL in a sort order.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import F


class TrigramIndex(GinIndex):
    """A pg_trgm GIN index, serving ``LIKE '%word%'`` on PostgreSQL; nothing elsewhere.

    Give ``fields``, or expressions written exactly as the lookups the index serves compile
    (``icontains`` compares ``UPPER(column::text)``).
    """

    def __init__(self, *expressions, fields=(), name):
        expressions = [OpClass(expression, name="gin_trgm_ops") for expression in expressions]
        opclasses = ["gin_trgm_ops"] * len(fields)
        super().__init__(*expressions, fields=fields, name=name, opclasses=opclasses)

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs.pop("opclasses", None)
        args = tuple(expression.source_expressions[0] for expression in args)
        return path, args, kwargs

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return ""
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return ""
        return super().remove_sql(model, schema_editor, **kwargs)


class SortIndex(models.Index):
    """Serves ``ORDER BY <field> DESC NULLS LAST, id`` (the newest first, undated last) and,
    read backwards, the ascending order with NULL first: NULL sorts as the smallest value, as
    ``DirectoryQuerySet.order_by`` has it on every database. With ``within``, that order among
    the rows of one value of another column (``status``), so that a filter and the list's order
    come from the same index.

    SQLite sorts NULL as the smallest value anyway, and cannot say NULLS LAST in an index.
    """

    def __init__(self, field: str, *, name: str, within: str = ""):
        self.date_field, self.within = field, within
        leading = [F(within)] if within else []
        super().__init__(*leading, F(field).desc(nulls_last=True), F("id"), name=name)

    def deconstruct(self):
        path, _args, kwargs = super().deconstruct()
        extra = {"within": self.within} if self.within else {}
        return path, (self.date_field,), {"name": kwargs["name"], **extra}

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "sqlite":
            leading = [F(self.within)] if self.within else []
            plain = models.Index(*leading, F(self.date_field).desc(), F("id"), name=self.name)
            return plain.create_sql(model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)
