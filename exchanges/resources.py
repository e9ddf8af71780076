"""Spreadsheet (CSV, XLSX) import and export of directory records for the admin.

Linked records are referred to by slug where they have one (regions, exchange areas), else by
id, so an exported sheet can be edited
and imported back. Every imported row goes through the model's ``full_clean()``: a row that
breaks a rule is refused with the row number and the field named. A row that would change an
existing record is refused unless the importing user may change such records: the import
permission is only the add permission.

A partial date's column takes what people write (1996, 1996-07, July 1996, 1996年7月, 平成8年7月,
as ``partial_dates.parse_partial_date`` reads them); its ``<name>_precision`` column, when
empty or absent, is what was written. An export writes the ISO date and the precision, which
import back as they are.
"""

import datetime
from decimal import Decimal
from functools import cache

from django.contrib.auth import get_permission_codename
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.widgets import CharWidget, DateWidget, ForeignKeyWidget, ManyToManyWidget

from .models.base import PartialDateField, partial_date_pairs
from .partial_dates import (
    DatePrecision,
    PartialDate,
    UnreadableDate,
    as_partial_date,
    finer,
    parse_partial_date,
)


def sheet_row(kwargs) -> int:
    """The row as the spreadsheet numbers it: the header is row 1, the first record row 2."""
    return kwargs.get("row_number", 0) + 1


class PartialDateWidget(DateWidget):
    """A partial date's column: a date cell is that day; a text, what ``parse_partial_date``
    reads (a ``PartialDate``); a whole number, a year. Exported as the ISO date."""

    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return None
        if isinstance(value, datetime.date):
            return as_partial_date(value)
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            if value != int(value):
                # A number cell cannot tell 1996.1 from 1996.10.
                raise UnreadableDate(
                    _(
                        "“%(value)s” is a number in the spreadsheet, which cannot tell 1996.1 "
                        "from 1996.10: write the date as text, e.g. 1996-10."
                    )
                    % {"value": value}
                )
            value = str(int(value))
        return parse_partial_date(str(value))


class DirectoryResource(resources.ModelResource):
    # Text columns read back from a spreadsheet as "" rather than None, like CharFields do.
    WIDGETS_MAP = {**resources.ModelResource.WIDGETS_MAP, "TextField": CharWidget}

    class Meta:
        abstract = True
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        exclude = ("created", "updated")

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        """A linked record is read and written by its slug where it has one (a region, an
        exchange area), else by its id; several linked records are separated by "|". A partial
        date's column reads what people write."""
        if isinstance(django_field, PartialDateField):
            return fields.Field(
                attribute=field_name,
                column_name=field_name,
                widget=PartialDateWidget(),
                readonly=readonly,
            )
        target = django_field.related_model if django_field.is_relation else None
        by_slug = target is not None and any(f.name == "slug" for f in target._meta.fields)
        if django_field.many_to_many:
            key = "slug" if by_slug else "pk"
            widget = ManyToManyWidget(target, field=key, separator="|")
        elif django_field.many_to_one and by_slug:
            widget = ForeignKeyWidget(target, field="slug")
        else:
            return super().field_from_django_field(field_name, django_field, readonly)
        return fields.Field(
            attribute=field_name, column_name=field_name, widget=widget, readonly=readonly
        )

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        try:
            super().import_field(field, instance, row, is_m2m, **kwargs)
        except UnreadableDate as error:
            raise ValueError(
                _("Row %(row)s, column %(column)s: %(reason)s")
                % {"row": sheet_row(kwargs), "column": field.column_name, "reason": error}
            ) from error

    def import_instance(self, instance, row, **kwargs):
        """Each partial date as its date and precision: the precision column's when it has one,
        else what the date column says."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for date_name, precision_name in partial_date_pairs(self._meta.model):
            value = getattr(instance, date_name)
            if date_name in errors or not isinstance(value, PartialDate):
                continue  # refused, or not in the sheet: the record keeps its date
            setattr(instance, date_name, value.date)
            date_column = self.fields[date_name].column_name
            precision_field = self.fields.get(precision_name)
            column = precision_field.column_name if precision_field else precision_name
            given = str(row.get(column) or "").strip()
            if not given:
                setattr(instance, precision_name, str(value.precision))
            elif given in DatePrecision.values and finer(given, value.precision):
                errors[date_name] = [
                    _(
                        "Row %(row)s, column %(column)s: “%(value)s” gives the %(written)s, but "
                        "%(precision_column)s says %(given)s: make them agree, or leave "
                        "%(precision_column)s empty."
                    )
                    % {
                        "row": sheet_row(kwargs),
                        "column": date_column,
                        "value": row.get(date_column),
                        "written": value.precision.label,
                        "precision_column": column,
                        "given": DatePrecision(given).label,
                    }
                ]
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        """Refuses a row that changes an existing record for a user without the change
        permission (an admin import passes ``user``). An unchanged row is skipped before this."""
        user = kwargs.get("user")
        if user is None or instance._state.adding:
            return
        opts = instance._meta
        if not user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}"):
            raise ValidationError(
                _(
                    "Row %(row)s: the %(record)s with id %(id)s already exists, and you may "
                    "add %(records)s but not change them."
                )
                % {
                    "row": sheet_row(kwargs),
                    "record": opts.verbose_name,
                    "id": instance.pk,
                    "records": opts.verbose_name_plural,
                },
                code="permission",
            )


@cache
def resource_for(model) -> type[DirectoryResource]:
    """The import/export resource of ``model``: every field, linked records as
    ``DirectoryResource`` refers to them."""
    meta = type("Meta", (DirectoryResource.Meta,), {"model": model, "abstract": False})
    return type(f"{model.__name__}Resource", (DirectoryResource,), {"Meta": meta})
