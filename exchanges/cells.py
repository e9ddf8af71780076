"""A table column's cell, worked out once per column instead of once per cell.

django-tables2 finds out anew for every cell how to read the value, whether the field has
choices, which arguments the column's ``render`` or ``value`` method takes and how to link it;
on a 50-row page that costs more than the queries and the rest of the page together, and on a
download of 200,000 rows it costs minutes. These functions answer those questions once per
column and return a function of the record that gives what django-tables2 would give: the
cell's HTML for a page (``cell_renderer``), its export value for a download (``value_reader``).
"""

import inspect
import operator
from collections.abc import Callable

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django_tables2 import A, Column

EMPTY = (None, "")


def attribute_reader(accessor: str) -> Callable:
    """Reads ``region_a__slug`` from a record as ``record.region_a.slug``; None where a link in
    the chain is missing."""
    getter = operator.attrgetter(accessor.replace("__", "."))

    def read(record):
        try:
            return getter(record)
        except (AttributeError, ObjectDoesNotExist):
            return None

    return read


def display_reader(model, accessor: str) -> Callable:
    """Reads what django-tables2 shows for the accessor: a choice field's translated label,
    else the value itself."""
    try:
        field = A(accessor).get_field(model)
    except FieldDoesNotExist:
        field = None
    read_value = attribute_reader(accessor)
    if field is None or not getattr(field, "choices", None):
        return read_value
    # The labels in the reader's language, translated once rather than once per cell.
    labels = {code: str(label) for code, label in field.flatchoices}

    def read(record):
        value = read_value(record)
        return labels.get(value, value)

    return read


def caller(method, bound_column, table) -> Callable:
    """Calls a ``render`` or ``value`` method with the arguments it names, as django-tables2
    does, from (value, record)."""
    wanted = set(inspect.signature(method).parameters)
    fixed = {"bound_column": bound_column, "column": bound_column.column, "table": table}
    fixed = {name: argument for name, argument in fixed.items() if name in wanted}
    takes_value, takes_record = "value" in wanted, "record" in wanted

    def call(value, record):
        arguments = dict(fixed)
        if takes_value:
            arguments["value"] = value
        if takes_record:
            arguments["record"] = record
        return method(**arguments)

    return call


def own_method(table, bound_column, kind: str):
    """The table's ``<kind>_<name>`` method or the column's own ``<kind>`` method, if any."""
    method = getattr(table, f"{kind}_{bound_column.name}", None)
    column = bound_column.column
    if method is None and getattr(type(column), kind) is not getattr(Column, kind):
        method = getattr(column, kind)
    return method


def cell_renderer(table, bound_column) -> Callable:
    """The HTML of the column's cell for a record, as django-tables2 renders it: the default
    for an empty value, else the rendered value, linked where the column links."""
    column = bound_column.column
    read = display_reader(table._meta.model, bound_column.accessor)
    render = own_method(table, bound_column, "render")
    render = caller(render, bound_column, table) if render else None
    link = bound_column.link
    default = conditional_escape(bound_column.default)
    empty = column.empty_values

    def cell(record):
        value = read(record)
        if value in empty:
            return default
        content = render(value, record) if render else value
        if link:
            content = link(
                content, value=value, record=record, column=column, bound_column=bound_column
            )
        return conditional_escape(localize(content))

    return cell


def value_reader(table, bound_column) -> Callable:
    """The column's export value for a record: its ``value`` method's where it has one, else
    the stored value (a choice field's code, not its translated label). A column that reads
    its value otherwise in a download (joined to the row, or gathered for many rows at once)
    says how with ``export_reader(accessor)``."""
    if export_reader := getattr(bound_column.column, "export_reader", None):
        return export_reader(bound_column.accessor)
    read = attribute_reader(bound_column.accessor)
    method = own_method(table, bound_column, "value")
    if method is None:
        return lambda record: None if (value := read(record)) in EMPTY else value
    call = caller(method, bound_column, table)

    def value_of(record):
        value = read(record)
        return None if value in EMPTY else call(value, record)

    return value_of
