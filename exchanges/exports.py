"""Downloads of exactly the rows a list's filters select, shared by the pages and the API.

Every list downloads as CSV, JSON and XLSX; regions, ties and offices also as GeoJSON
(``geojson.py``). A download is named in English whatever the page's language (``ties.csv``,
``overseas-offices.xlsx``), from the model's English plural name.

Columns come from the model's table (``tables.py``): the header is each column's name
(``name_en``, ``established``), stable across languages, and values are export values
(country codes, choice codes, partial dates such as 1996-07).

A download is streamed: rows are read from the database a chunk at a time and written out as they
come, so the whole directory downloads in constant memory. How each column reads its export
value is worked out once per column (``cells.py``).

A CSV is safe to open in a spreadsheet: a text that a spreadsheet would run as a formula (one
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with a leading
single quote, numbers stay numbers (``spreadsheets.safe_cell``); so is each cell of an XLSX, which
is written row by row to a temporary file (openpyxl's write-only mode) and sent from there, so
that its memory stays bounded too. JSON and GeoJSON are written raw.
"""

import csv
import io
import json
import tempfile
from collections.abc import Callable, Iterator
from itertools import islice

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from rest_framework.renderers import BaseRenderer

from . import geojson
from .cells import value_reader
from .spreadsheets import NATIVE, safe_cell
from .text_encodings import BYTE_ORDER_MARK

EXPORT_FORMATS = ("csv", "json", "xlsx")  # every list's
GEOJSON = "geojson"  # the lists whose records have a place (``geojson.supports``)
CHUNK_ROWS = 2000  # rows read per database round trip, and written per chunk of the download
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": XLSX_MEDIA_TYPE,
    GEOJSON: f"{geojson.MEDIA_TYPE}; charset=utf-8",
}


# The sources list's reference-manager formats (``citing.py``), beside the formats above. The
# API's downloads stay CSV, XLSX and GeoJSON: these are files for a reference manager, not rows.
CITATION_FORMATS = ("bibtex", "ris", "csljson")
# How a download link names each format: the names readers know them by.
FORMAT_NAMES = {
    "csv": "CSV",
    "json": "JSON",
    "xlsx": "XLSX",
    GEOJSON: "GeoJSON",
    "bibtex": "BibTeX",
    "ris": "RIS",
    "csljson": "CSL-JSON",
}


def export_formats(model) -> tuple[str, ...]:
    """The formats a list of ``model`` downloads as."""
    formats = (*EXPORT_FORMATS, GEOJSON) if geojson.supports(model) else EXPORT_FORMATS
    return (*formats, *CITATION_FORMATS) if cites_as_reference(model) else formats


def cites_as_reference(model) -> bool:
    """Whether the records of ``model`` are documents a reference manager holds: the sources."""
    return model._meta.label == "exchanges.Source"


def file_stem(model) -> str:
    """The model's plural name in English, as a file name: ``ties``, ``overseas-offices``. A
    translated name would not do: slugify keeps no Japanese, Korean or Chinese letter."""
    with translation.override("en"):
        return slugify(str(model._meta.verbose_name_plural))


def export_columns(table) -> tuple[list[str], list[Callable]]:
    columns = [c for c in table.columns.iterall() if not c.column.exclude_from_export]
    return [c.name for c in columns], [value_reader(table, c) for c in columns]


def chunked_records(table, queryset) -> Iterator:
    """The queryset's records, read CHUNK_ROWS at a time; before a chunk is written, the
    columns that read something for many records at once (citations) read it for the chunk."""
    gatherings = table.export_gatherings()
    records = queryset.iterator(chunk_size=CHUNK_ROWS)
    while chunk := list(islice(records, CHUNK_ROWS)):
        for gathering in gatherings:
            gathering.gather(chunk)
        yield from chunk


def table_records(table) -> tuple[list[str], Iterator[list]]:
    """The header and every row of the table, across all pages, read as they are needed."""
    header, getters = export_columns(table)
    records = table.data.data
    if hasattr(records, "iterator"):
        records = chunked_records(table, table.export_queryset(records))
    return header, ([get(record) for get in getters] for record in records)


def csv_chunks(header: list[str], rows, byte_order_mark: bool = True) -> Iterator[bytes]:
    """The CSV, CHUNK_ROWS rows a chunk, each cell safe to open in a spreadsheet. The
    byte-order mark makes Excel read the file as UTF-8, keeping CJK names intact; a data
    package, whose descriptor declares the encoding, goes without it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if byte_order_mark:
        buffer.write(BYTE_ORDER_MARK)
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


def xlsx_cell(value):
    """What openpyxl can write: numbers and dates as they are, anything else as text without
    the control characters XML cannot hold (openpyxl refuses them), formula-safe."""
    if value is None or isinstance(value, NATIVE):
        return safe_cell(value)
    return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def xlsx_file(header: list[str], rows, title: str):
    """An open temporary file holding the workbook, at its start. Write-only mode writes each
    row out as it is appended, so the rows are never all held at once."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([xlsx_cell(value) for value in row])
    output = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it, which removes it
    book.save(output)
    output.seek(0)
    return output


def export_response(table, export_format: str, request=None):
    """The download of every row the table selects, in ``export_format``. The request, when
    given, makes the GeoJSON's links to each record absolute."""
    model = table._meta.model
    if export_format in CITATION_FORMATS:
        from .citing import sources_download  # citing builds on this module

        return sources_download(table.data.data, export_format)
    file_name = f"{file_stem(model)}.{export_format}"
    if export_format == GEOJSON:
        header, getters = export_columns(table)
        records = table.data.data
        if hasattr(records, "iterator"):
            records = geojson.loading(table.export_queryset(records), geojson.LAYERS[model].fields)
            records = chunked_records(table, records)
        origin = request.build_absolute_uri("/").rstrip("/") if request is not None else ""
        chunks = geojson.feature_chunks(model, header, getters, records, origin)
        return attach(StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[GEOJSON]), file_name)
    header, rows = table_records(table)
    if export_format == "xlsx":
        book = xlsx_file(header, rows, file_stem(model))
        return FileResponse(
            book, as_attachment=True, filename=file_name, content_type=XLSX_MEDIA_TYPE
        )
    chunks = csv_chunks(header, rows) if export_format == "csv" else json_chunks(header, rows)
    return attach(
        StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[export_format]), file_name
    )


def download(body: bytes, content_type: str, file_name: str) -> HttpResponse:
    return attach(HttpResponse(body, content_type=content_type), file_name)


def attach(response, file_name: str):
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


class DownloadRenderer(BaseRenderer):
    """Lets ``?format=csv`` (xlsx, geojson) through the API's content negotiation; the list
    answers it with ``export_response``, and an error in JSON."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raise NotImplementedError("A download is produced by the list action from the table.")


class CSVRenderer(DownloadRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"


class XLSXRenderer(DownloadRenderer):
    media_type = XLSX_MEDIA_TYPE
    format = "xlsx"
    charset = None


class GeoJSONRenderer(DownloadRenderer):
    media_type = geojson.MEDIA_TYPE
    format = GEOJSON
    charset = "utf-8"


def download_renderers(model) -> list[DownloadRenderer]:
    """The API list's download formats for ``model``: CSV, XLSX and, for records with a
    place, GeoJSON."""
    renderers = [CSVRenderer(), XLSXRenderer()]
    return [*renderers, GeoJSONRenderer()] if geojson.supports(model) else renderers


def format_parameter(model) -> OpenApiParameter:
    """The API list's ``format`` parameter for ``model``, naming each download it offers."""
    formats = [renderer.format for renderer in download_renderers(model)]
    return OpenApiParameter(
        "format",
        OpenApiTypes.STR,
        enum=["json", *formats],
        description=(
            f"json (default), or a download of the same filtered rows, every page of them: "
            f"{', '.join(formats)}. The download has the columns of the list page's own."
        ),
    )


def download_responses(model) -> dict:
    """The API list's answers in each download format, for ``extend_schema(responses=…)``
    beside the JSON page: a CSV text, an XLSX file, a GeoJSON FeatureCollection. Each is an
    OpenApiResponse, not a bare type, so that the operation stays documented as a list."""
    kinds = {
        CSVRenderer.media_type: OpenApiTypes.STR,
        XLSXRenderer.media_type: OpenApiTypes.BINARY,
        GeoJSONRenderer.media_type: OpenApiTypes.OBJECT,
    }
    return {
        (200, renderer.media_type): OpenApiResponse(kinds[renderer.media_type])
        for renderer in download_renderers(model)
    }
