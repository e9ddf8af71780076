"""Spreadsheets that are safe to open, and spreadsheets that are safe to read.

**Safe to open.** Excel, LibreOffice and Google Sheets run a cell that starts with ``=``, ``+``,
``-`` or ``@`` as a formula, and a leading tab or carriage return can hide one, so a region or
firm named ``=HYPERLINK("http://…","x")`` would become a live link, or worse, in every download.
Every CSV, TSV, XLSX and HTML table the project writes (the lists' ``?export=csv``, the API's
``?format=csv``, the statistics' CSV and the admin's exports) passes its cells through
``safe_cell``: such a text gets a leading single quote, as OWASP advises, which the spreadsheet
shows as text. Numbers stay numbers: a negative longitude is written as ``-135.5``, as a number
in XLSX. JSON and YAML downloads stay raw: they are data, not sheets. A sheet the admin exported
imports back unchanged: the quote is taken off again on import (``plain_cell``).

**Readable in any spreadsheet.** The admin's CSV and TSV exports start with a UTF-8 byte-order
mark, as the public downloads do, so that Excel and LibreOffice keep CJK names intact.

**Safe to read.** The admin's import formats refuse, with a message, a file that is too big, a
sheet with too many rows, an XLSX that is not a zip or whose zip would inflate to an absurd
size (a zip bomb, refused before any XML is parsed), a file that cannot be decoded or parsed,
and a sheet holding garbled text (``text_encodings.garbled``). Text files reach the formats
decoded already (``admin_imports.LimitedImportForm``). The limits are settings:
``SPREADSHEET_IMPORT_MAX_BYTES`` (upload size), ``SPREADSHEET_IMPORT_MAX_ROWS`` and
``SPREADSHEET_IMPORT_MAX_UNZIPPED_BYTES``.
"""

import datetime
import io
import re
import zipfile
from decimal import Decimal

import tablib
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from import_export.formats import base_formats

from .text_encodings import BYTE_ORDER_MARK, garbled

# What makes a spreadsheet read a text cell as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
RISKY_STARTS = (*FORMULA_STARTS, QUOTE)
# A text that is a plain number is read as that number, never as a formula: "-135.5" stays.
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
NATIVE = (int, float, Decimal, datetime.date, datetime.time, datetime.timedelta)

# A worksheet's XML deflates about 5 to 20 times; a zip bomb's member a thousand times.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM = 1024 * 1024  # members smaller than this cannot hurt, whatever their ratio
MAX_COLUMNS = 200  # far more than any resource has; a sheet may claim 16,384


def max_bytes() -> int:
    return settings.SPREADSHEET_IMPORT_MAX_BYTES


def max_rows() -> int:
    return settings.SPREADSHEET_IMPORT_MAX_ROWS


def max_unzipped_bytes() -> int:
    return settings.SPREADSHEET_IMPORT_MAX_UNZIPPED_BYTES


def _quoted_formula(text: str) -> bool:
    """Whether the text, after any quotes already in front, starts like a formula. Counting the
    quotes keeps escaping reversible: "'=x" is written "''=x" and reads back as "'=x"."""
    return text.lstrip(QUOTE)[:1] in FORMULA_STARTS


def safe_cell(value):
    """The value as a spreadsheet should receive it: a text that a spreadsheet would run as a
    formula gets a leading single quote; numbers, dates and empty cells are left alone."""
    if isinstance(value, str):
        text = value
    elif value is None or isinstance(value, NATIVE):
        return value
    else:
        text = str(value)
    # The first test is all that most cells cost: a download may hold millions of them.
    if text[:1] in RISKY_STARTS and _quoted_formula(text) and not NUMBER.fullmatch(text):
        return QUOTE + text
    return value


def plain_cell(value):
    """The value ``safe_cell`` was given, from what it wrote."""
    if isinstance(value, str) and value.startswith(QUOTE) and _quoted_formula(value):
        return value[1:]
    return value


def _mapped(dataset: tablib.Dataset, function) -> tablib.Dataset:
    copy = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        copy.append([function(value) for value in row])
    return copy


class SpreadsheetRefused(ValueError):
    """A file the import will not read, with a message for the person who sent it."""


def check_row_count(rows: int) -> None:
    if rows > max_rows():
        raise SpreadsheetRefused(
            _("The sheet has more than %(limit)s rows; split it into smaller files.")
            % {"limit": f"{max_rows():,}"}
        )


def check_size(size: int) -> None:
    if size > max_bytes():
        raise SpreadsheetRefused(
            _("The file is %(size)s; files up to %(limit)s can be imported.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())}
        )


def check_zip(data: bytes) -> None:
    """Refuses, before anything is inflated, an XLSX that is no zip or would inflate to an
    absurd size. The sizes checked are the ones the zip declares; Python's zipfile never
    inflates a member beyond its declared size, so they are the sizes openpyxl can meet."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise SpreadsheetRefused(
            _("The file is not a valid XLSX workbook (an XLSX file is a zip archive).")
        ) from error
    unzipped = sum(member.file_size for member in members)
    if unzipped > max_unzipped_bytes():
        raise SpreadsheetRefused(
            _(
                "The workbook would unpack to %(size)s; workbooks up to %(limit)s unpacked can "
                "be imported. Split it into smaller files."
            )
            % {"size": filesizeformat(unzipped), "limit": filesizeformat(max_unzipped_bytes())}
        )
    ratio = max(
        (
            member.file_size / max(member.compress_size, 1)
            for member in members
            if member.file_size > RATIO_CHECKED_FROM
        ),
        default=0,
    )
    if ratio > MAX_COMPRESSION_RATIO:
        raise SpreadsheetRefused(
            _(
                "The workbook would unpack to %(ratio)s times its size, which no spreadsheet "
                "does (up to %(limit)s times is accepted); it looks crafted or damaged."
            )
            % {"ratio": round(ratio), "limit": MAX_COMPRESSION_RATIO}
        )


MAX_CELL_CHARACTERS = 32_767  # the most an Excel or LibreOffice cell holds


class SafeExport:
    """A format whose exported cells are made safe to open and whose imported cells are read
    back as they were before."""

    def export_data(self, dataset, **kwargs):
        return super().export_data(_mapped(dataset, safe_cell), **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        return _mapped(super().create_dataset(in_stream, **kwargs), plain_cell)


class CheckedImport:
    """A format that refuses, with a message, a file it cannot read or that has too many rows."""

    def create_dataset(self, in_stream, **kwargs):
        check_size(len(in_stream or b""))
        try:
            dataset = super().create_dataset(in_stream, **kwargs)
        except SpreadsheetRefused:
            raise
        except Exception as error:  # each parser fails its own way on a garbled file
            raise SpreadsheetRefused(
                _(
                    "The file could not be read as %(format)s: it is damaged or in another "
                    "format. Save it as %(format)s (UTF-8 for text) and try again."
                )
                % {"format": self.get_title().upper()}
            ) from error
        check_row_count(len(dataset))
        self.check_cell_lengths(dataset)
        check_text(dataset)
        return dataset

    def check_cell_lengths(self, dataset) -> None:
        """A cell longer than any spreadsheet holds is refused here rather than left to the
        parser, whose limit (the csv module's, process-wide) another library may have lifted."""
        for row in dataset:
            if any(isinstance(cell, str) and len(cell) > MAX_CELL_CHARACTERS for cell in row):
                raise SpreadsheetRefused(
                    _(
                        "The file could not be read as %(format)s: a cell holds more than "
                        "%(limit)s characters, more than a spreadsheet cell can."
                    )
                    % {"format": self.get_title().upper(), "limit": f"{MAX_CELL_CHARACTERS:,}"}
                )


def check_text(dataset) -> None:
    """Refuses a sheet with garbled text, naming its first such cell as a spreadsheet shows it
    (the header is row 1)."""
    for number, row in enumerate(dataset, start=2):
        for column, cell in zip(dataset.headers or (), row, strict=False):
            stretch = garbled(cell) if isinstance(cell, str) else None
            if stretch:
                raise SpreadsheetRefused(
                    _(
                        "The text in row %(row)s, column %(column)s is garbled (“%(text)s”), as "
                        "when a file is opened in the wrong encoding and saved again. Import the "
                        "original file, choosing its encoding if it is not found."
                    )
                    % {"row": number, "column": column, "text": stretch}
                )


class ByteOrderMarked:
    """A text format written as UTF-8 with a byte-order mark."""

    def export_data(self, dataset, **kwargs):
        return BYTE_ORDER_MARK + super().export_data(dataset, **kwargs)

    def get_content_type(self):
        return f"{super().get_content_type()}; charset=utf-8"


class CSV(CheckedImport, ByteOrderMarked, SafeExport, base_formats.CSV):
    pass


class TSV(CheckedImport, ByteOrderMarked, SafeExport, base_formats.TSV):
    pass


class JSON(CheckedImport, base_formats.JSON):
    pass


class HTML(SafeExport, base_formats.HTML):
    pass


class BoundedXLSX(base_formats.XLSX):
    """The library's XLSX, reading within the limits. The library asks openpyxl for every row
    and column the sheet claims: a few KB that claim the last cell of the last row (XFD1048576)
    ask for seventeen billion cells."""

    def create_dataset(self, in_stream, **kwargs):
        check_zip(in_stream)
        return read_first_sheet(in_stream)


class XLSX(CheckedImport, SafeExport, BoundedXLSX):
    pass


def read_first_sheet(data: bytes) -> tablib.Dataset:
    """The first sheet's header and rows, at most ``MAX_COLUMNS`` wide; refused past the row
    limit. Blank rows count towards the limit: they are what a crafted sheet is made of."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.active
        header = next(sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS, values_only=True), ())
        header = list(header)
        while header and header[-1] is None:
            header.pop()
        dataset = tablib.Dataset(headers=header)
        if not header:
            return dataset
        ignore_blanks = getattr(settings, "IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES", False)
        rows = sheet.iter_rows(
            min_row=2, max_row=max_rows() + 2, max_col=len(header), values_only=True
        )
        for count, row in enumerate(rows, start=1):
            check_row_count(count)
            if not (ignore_blanks and all(value is None for value in row)):
                dataset.append(list(row))
        return dataset
    finally:
        workbook.close()


def _available(formats) -> list:
    return [fmt for fmt in formats if fmt.is_available()]


# The admin's formats, spreadsheets first: the import form's first choice is CSV.
EXPORT_FORMATS = _available([CSV, XLSX, TSV, JSON, base_formats.YAML, HTML])
IMPORT_FORMATS = _available([CSV, XLSX, TSV, JSON])
BINARY_FORMATS = (XLSX,)  # their numbers and dates are written as numbers and dates
