"""Downloads of exactly the rows a list's filters select, shared by the pages and the API.

Columns come from the model's table (``tables.py``): the header is each column's name
(``name_en``, ``established``), stable across languages, and values are export values
(country codes, choice codes, partial dates such as 1996-07).

A download is streamed: rows are read from the database a chunk at a time and written out as they
come, so the whole directory downloads in constant memory. How each column reads its export
value is worked out once per column (``cells.py``).

A CSV is safe to open in a spreadsheet: a text that a spreadsheet would run as a formula (one
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with a leading
single quote, numbers stay numbers (``spreadsheets.safe_cell``). JSON is written raw.
"""

import csv
import io
import json
from collections.abc import Callable, Iterator

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.text import slugify

from .cells import value_reader
from .spreadsheets import safe_cell

EXPORT_FORMATS = ("csv", "json")
CHUNK_ROWS = 2000  # rows read per database round trip, and written per chunk of the download


def export_columns(table) -> tuple[list[str], list[Callable]]:
    columns = [c for c in table.columns.iterall() if not c.column.exclude_from_export]
    return [c.name for c in columns], [value_reader(table, c) for c in columns]


def table_records(table) -> tuple[list[str], Iterator[list]]:
    """The header and every row of the table, across all pages, read as they are needed."""
    header, getters = export_columns(table)
    records = table.data.data
    if hasattr(records, "iterator"):
        records = table.export_queryset(records).iterator(chunk_size=CHUNK_ROWS)
    return header, ([get(record) for get in getters] for record in records)


def csv_chunks(header: list[str], rows) -> Iterator[bytes]:
    # The byte-order mark makes Excel read the file as UTF-8, keeping CJK names intact.
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow(["" if value is None else safe_cell(value) for value in row])
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def csv_bytes(header: list[str], rows) -> bytes:
    return b"".join(csv_chunks(header, rows))


def json_chunks(header: list[str], rows) -> Iterator[bytes]:
    yield b"["
    separator = "\n"
    for row in rows:
        record = dict(zip(header, row, strict=True))
        yield (separator + json.dumps(record, ensure_ascii=False, default=str)).encode("utf-8")
        separator = ",\n"
    yield b"\n]\n"


def export_response(table, export_format: str, name: str) -> StreamingHttpResponse:
    header, rows = table_records(table)
    if export_format == "csv":
        chunks, content_type = csv_chunks(header, rows), "text/csv; charset=utf-8"
    else:
        chunks, content_type = json_chunks(header, rows), "application/json; charset=utf-8"
    response = StreamingHttpResponse(chunks, content_type=content_type)
    return attach(response, f"{slugify(name)}.{export_format}")


def download(body: bytes, content_type: str, file_name: str) -> HttpResponse:
    return attach(HttpResponse(body, content_type=content_type), file_name)


def attach(response, file_name: str):
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
