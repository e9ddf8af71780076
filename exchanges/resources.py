"""Spreadsheet (CSV, XLSX) import and export of directory records for the admin.

Linked records are written by slug where they have one (regions, exchange areas), else by id,
so an exported sheet can be edited and imported back; a sheet may also name them by any of
their names (``sheet_links.py``). Every imported row goes through the model's
``full_clean()``: a row that breaks a rule, or names a record that does not exist, is refused
with its row numbered as the spreadsheet numbers it (the header is row 1) and the column
named. A row that would change an existing record is refused unless the importing user may
change such records: the import permission is only the add permission.

A partial date's column takes what people write (1996, 1996-07, July 1996, 1996年7月, 平成8年7月,
as ``partial_dates.parse_partial_date`` reads them); its ``<name>_precision`` column, when
empty or absent, is what was written. An export writes the ISO date and the precision, which
import back as they are.

Any other cell a library widget reads is made the value the model stores (``stored_value``),
so that a row the sheet leaves as it was exported compares equal to its record and is skipped,
writing no history: an XLSX gives dates as midnight datetimes and decimals as floats, a CSV
empty cells as "".
"""

import contextlib
import datetime
from decimal import Decimal, InvalidOperation
from functools import cache

from django.contrib.auth import get_permission_codename
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.results import Result
from import_export.widgets import CharWidget, DateWidget, ManyToManyWidget

from .models import Firm
from .models.base import PartialDateField, partial_date_pairs
from .partial_dates import (
    DatePrecision,
    PartialDate,
    UnreadableDate,
    as_partial_date,
    finer,
    parse_partial_date,
)
from .sheet_links import LinksWidget, LinkWidget


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


class ClassMarkedDiff(resources.Diff):
    """The preview's changed cells, with insertions and deletions styled by admin.css: the
    library's diff writes ``style`` attributes, which the Content-Security-Policy refuses."""

    STYLES = {
        '<ins style="background:#e6ffe6;">': '<ins class="import-diff">',
        '<del style="background:#ffe6e6;">': '<del class="import-diff">',
    }

    def as_html(self):
        cells = []
        for html in super().as_html():
            for styled, marked in self.STYLES.items():
                html = html.replace(styled, marked)
            cells.append(mark_safe(html))  # the library's escaped diff, only its tags renamed
        return cells


class DirectoryResource(resources.ModelResource):
    # Text columns read back from a spreadsheet as "" rather than None, like CharFields do.
    WIDGETS_MAP = {**resources.ModelResource.WIDGETS_MAP, "TextField": CharWidget}

    class Meta:
        abstract = True
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        exclude = ("created", "updated")

    def get_diff_class(self):
        return ClassMarkedDiff

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        """A linked record is written by its slug where it has one (a region, an exchange
        area), else by its id, and read by ``sheet_links``; several linked records are
        separated by "|". A partial date's column reads what people write. A value the record
        derives (``search_text``, a tie's countries) is exported but never read: the record
        computes it again on saving."""
        if isinstance(django_field, PartialDateField):
            return fields.Field(
                attribute=field_name,
                column_name=field_name,
                widget=PartialDateWidget(),
                readonly=readonly,
            )
        readonly = readonly or (not django_field.editable and not django_field.primary_key)
        if django_field.many_to_many:
            widget = LinksWidget(django_field.related_model)
        elif django_field.many_to_one:
            widget = LinkWidget(django_field.related_model)
        else:
            return super().field_from_django_field(field_name, django_field, readonly)
        return fields.Field(
            attribute=field_name, column_name=field_name, widget=widget, readonly=readonly
        )

    @classmethod
    def get_result_class(cls):
        return SheetResult

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        """Sets the field from its cell. A value a library widget read is made the value the
        model stores (``stored_value``), and a cell it cannot read is refused with the model
        field's own message, in the reader's language, rather than the parser's."""
        by_library = type(field.widget).__module__.startswith("import_export.")
        model_field = concrete_field(instance, field.attribute) if field.attribute else None
        try:
            super().import_field(field, instance, row, is_m2m, **kwargs)
        except UnreadableDate as error:
            raise ValueError(
                _("Row %(row)s, column %(column)s: %(reason)s")
                % {"row": sheet_row(kwargs), "column": field.column_name, "reason": error}
            ) from error
        except (ValueError, TypeError, ArithmeticError) as error:
            if model_field is None or not by_library:
                raise
            raise ValueError(invalid_message(model_field, row[field.column_name], error)) from error
        read = field.column_name in row and not (is_m2m or field.readonly)
        if by_library and model_field is not None and read:
            try:
                value = stored_value(model_field, getattr(instance, field.attribute))
            except ValidationError as invalid:
                raise ValueError(" ".join(invalid.messages)) from invalid
            setattr(instance, field.attribute, value)

    def import_instance(self, instance, row, **kwargs):
        """Each partial date as its date and precision: the precision column's when it has one,
        else what the date column says. A many-to-many cell naming a record that does not exist
        is an error of its column too."""
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
        # The library reads many-to-many cells only when saving: here they are read beside
        # the others, so that their errors are the row's too.
        for field in self.get_import_fields():
            if isinstance(field.widget, ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row, **kwargs)
                except ValueError as error:
                    errors[field.attribute] = [str(error)]
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


class SheetResult(Result):
    """An import's result with its rows numbered as the spreadsheet numbers them: the header is
    row 1, the first record row 2 (the library counts records from 1)."""

    def append_invalid_row(self, number, row, validation_error):
        super().append_invalid_row(number + 1, row, validation_error)

    def append_error_row(self, number, row, errors):
        super().append_error_row(number + 1, row, errors)

    def row_errors(self):
        return [(row.number, row.errors) for row in self.error_rows]


def concrete_field(instance, name: str):
    """The model field a column sets, when it is one of the record's own values."""
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return None if field.is_relation or not field.concrete else field


def stored_value(field, value):
    """``value`` as ``field`` stores it, so that an unchanged cell compares equal to the
    record: an empty cell as "" in a text field and as None elsewhere, a datetime as its date,
    a float as a decimal of the field's places. Raises ValidationError for a value the field
    cannot hold."""
    text_field = isinstance(field, models.CharField | models.TextField)
    if value is None or value == "":
        return "" if text_field and not field.null else None
    value = field.to_python(value)
    if isinstance(field, models.DecimalField) and isinstance(value, Decimal):
        # More digits than the field holds: left for full_clean() to say so.
        with contextlib.suppress(InvalidOperation):
            value = value.quantize(Decimal(1).scaleb(-field.decimal_places))
    return value


def invalid_message(field, value, error) -> str:
    """The model field's message for a value it cannot read, else the error's own."""
    try:
        field.to_python(value)
    except ValidationError as invalid:
        return " ".join(invalid.messages)
    return str(error)


class PartnersField(fields.Field):
    """A firm's ``partners`` column: every partner, whichever firm a partnership names first.
    Saving adds and removes partnerships as the API's ``partners`` does (``Firm.set_partners``),
    so a sheet cannot store a partnership a second time, the other way round."""

    def get_value(self, firm):
        return firm.partner_firms_queryset()

    def save(self, firm, row, is_m2m=False, **kwargs):
        if is_m2m and not self.readonly:
            firm.set_partners(self.clean(row, **kwargs))


@cache
def resource_for(model) -> type[DirectoryResource]:
    """The import/export resource of ``model``: every field, linked records as
    ``DirectoryResource`` refers to them."""
    meta = type("Meta", (DirectoryResource.Meta,), {"model": model, "abstract": False})
    declared = {"Meta": meta}
    if model is Firm:
        declared["partners"] = PartnersField(
            attribute="partners", column_name="partners", widget=LinksWidget(Firm)
        )
    return type(f"{model.__name__}Resource", (DirectoryResource,), declared)
