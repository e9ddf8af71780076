"""Downloads of exactly the rows a list's filters select, shared by the pages and the API.

Columns come from the model's table (``tables.py``): the header is each column's name
(``name_en``, ``established``), stable across languages, and values are export values
(country codes, choice codes, partial dates such as 1996-07).
"""

import csv
import io
import json

from django.http import HttpResponse
from django.utils.text import slugify

EXPORT_FORMATS = ("csv", "json")


def table_records(table) -> tuple[list[str], list[list]]:
    """The header and every row of the table, across all pages."""
    values = iter(table.as_values())
    next(values)  # django-tables2's header row holds translated titles; use stable names instead
    header = [
        column.name for column in table.columns.iterall() if not column.column.exclude_from_export
    ]
    return header, [list(row) for row in values]


def render_csv(table) -> bytes:
    return csv_bytes(*table_records(table))


def csv_bytes(header: list[str], rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    # The byte-order mark makes Excel read the file as UTF-8, keeping CJK names intact.
    return buffer.getvalue().encode("utf-8-sig")


def render_json(table) -> bytes:
    header, rows = table_records(table)
    records = [dict(zip(header, row, strict=True)) for row in rows]
    return json.dumps(records, ensure_ascii=False, indent=1, default=str).encode("utf-8")


def export_response(table, export_format: str, name: str) -> HttpResponse:
    if export_format == "csv":
        body, content_type = render_csv(table), "text/csv; charset=utf-8"
    else:
        body, content_type = render_json(table), "application/json; charset=utf-8"
    return download(body, content_type, f"{slugify(name)}.{export_format}")


def download(body: bytes, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
