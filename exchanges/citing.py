"""Citing the directory: its version and last change, a citation for any page, and the sources
as reference-manager files.

- **Version**: the project's own (``pyproject.toml``, read from the installed package's
  metadata) with the date the data last changed: "0.1.0, data of 2026-11-26". The last change is
  the latest ``updated`` of any record or entry of any change history (which also holds
  deletions and changes of links), as the data package's version is (``datapackage.py``): one
  query over the indexed columns, cached until the data version moves (``caching.py``).
- **A page's citation**: an APA-like text, BibTeX and RIS naming the page's title, the version,
  the day it was read and a permalink: the page's absolute address with its filters in a fixed
  order, without the page number, the page size or a download format. The address is built by
  Django from the request, so behind a proxy it follows ``SECURE_PROXY_SSL_HEADER`` and
  ``ALLOWED_HOSTS`` as every other absolute link of the site does.
- **Sources** download as BibTeX (bibtexparser), RIS (rispy) and CSL-JSON (plain JSON in the
  Citation Style Language's schema), from the sources list (every source its filters select,
  in one query) and from each source's page. Titles and names are kept as the document gives
  them, in UTF-8: a name list is one literal name, never split into first and last names.
"""

import datetime
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from urllib.parse import quote

import bibtexparser
import rispy
from bibtexparser import model as bibtex
from django.apps import apps
from django.db import connection, models
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from simple_history.models import HistoricalChanges

from .caching import cached
from .exports import attach, file_stem
from .models import Source
from .models.querysets import keeps_update_time
from .models.sources import SourceKind
from .partial_dates import DatePrecision

AUTHOR = "regiontrade"
# Query parameters that change how a view is shown or downloaded, not what it selects.
NOT_IN_PERMALINK = frozenset({"page", "per_page", "export", "format"})

BIBTEX, RIS, CSL_JSON = "bibtex", "ris", "csljson"
CITATION_FORMATS = (BIBTEX, RIS, CSL_JSON)
CONTENT_TYPES = {
    BIBTEX: "application/x-bibtex; charset=utf-8",
    RIS: "application/x-research-info-systems; charset=utf-8",
    CSL_JSON: "application/vnd.citationstyles.csl+json; charset=utf-8",
}
# The file name endings of each format, as a source's own address ends: /sources/3.bib.
EXTENSIONS = {BIBTEX: "bib", RIS: "ris", CSL_JSON: "csl.json"}
FORMAT_OF_EXTENSION = {extension: name for name, extension in EXTENSIONS.items()}
FORMAT_LABELS = {BIBTEX: "BibTeX", RIS: "RIS", CSL_JSON: "CSL-JSON"}


# --- The dataset's version -----------------------------------------------------------------


@cache
def project_version() -> str:
    """The project's version, as ``pyproject.toml`` states it."""
    try:
        return metadata.version("regiontrade")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a plain checkout
        return "0"


def change_tables() -> list[tuple[str, str]]:
    """Each table and column whose maximum is a last change: the ``updated`` of every record
    type that keeps one, the ``history_date`` of every change history."""
    tables = []
    for model in apps.get_app_config("exchanges").get_models():
        columns = {field.name: field.column for field in model._meta.concrete_fields}
        if issubclass(model, HistoricalChanges):  # its copy of ``updated`` is no index's
            if "history_date" in columns:  # a record's history (a link table's has none)
                tables.append((model._meta.db_table, columns["history_date"]))
        elif keeps_update_time(model):
            tables.append((model._meta.db_table, model._meta.get_field("updated").column))
    return sorted(tables)


def read_last_change() -> datetime.datetime | None:
    """The latest of the columns ``change_tables`` names, in one query: a maximum per table,
    which each column's index answers without reading the table."""
    quote = connection.ops.quote_name
    maxima = " UNION ALL ".join(
        f"SELECT MAX({quote(column)}) AS latest FROM {quote(table)}"
        for table, column in change_tables()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(latest) FROM ({maxima}) AS changes")
        (value,) = cursor.fetchone()
    if value is None:
        return None
    moment = models.DateTimeField().to_python(value)
    if timezone.is_naive(moment):  # SQLite hands back the stored UTC text
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment


@dataclass(frozen=True)
class Dataset:
    software: str
    last_change: datetime.datetime | None

    @property
    def data_date(self) -> datetime.date | None:
        return self.last_change.astimezone(datetime.UTC).date() if self.last_change else None

    @property
    def version(self) -> str:
        """ "0.1.0, data of 2026-11-26"; the software's version alone for an empty directory."""
        if self.data_date is None:
            return self.software
        return _("%(version)s, data of %(date)s") % {
            "version": self.software,
            "date": self.data_date.isoformat(),
        }


def dataset() -> Dataset:
    """The directory's version and last change, computed once per data version. A footer is
    no reason to fail a page: with the cache unreachable, the one query runs each time."""
    try:
        moment = cached("last-change", (), lambda: {"moment": read_last_change()})["moment"]
    except Exception:  # whatever the cache backend raises when it cannot be reached
        moment = read_last_change()
    return Dataset(project_version(), moment)


# --- A page's citation ----------------------------------------------------------------------


def permalink(request, filterset=None) -> str:
    """The page's absolute address with the parameters that select what it shows, in a fixed
    order: the filters in the order the FilterSet declares them, then any other parameter
    (the sort order) by name. Empty values and paging or download parameters are left out.
    static/js/cite.js puts an address changed in place in the same order."""
    declared = declared_filters(filterset)
    names = [name for name in request.GET if name not in NOT_IN_PERMALINK]
    names.sort(key=lambda name: (0, declared.index(name)) if name in declared else (1, name))
    pairs = [(name, value) for name in names for value in request.GET.getlist(name) if value != ""]
    query = "&".join(f"{quote_param(name)}={quote_param(value)}" for name, value in pairs)
    return request.build_absolute_uri(request.path + (f"?{query}" if query else ""))


def declared_filters(filterset) -> list[str]:
    return list(filterset.filters) if filterset is not None else []


def quote_param(text: str) -> str:
    """Percent-encoded as JavaScript's encodeURIComponent does it, so that cite.js writes
    the same address."""
    return quote(text, safe="!'()*")


@dataclass(frozen=True)
class PageCitation:
    title: str
    url: str
    version: str
    year: int
    retrieved: datetime.date
    order: tuple[str, ...] = ()  # the filters in their declared order, for cite.js

    @property
    def key(self) -> str:
        return f"{AUTHOR}{self.year}"

    @property
    def text(self) -> str:
        return _(
            "%(author)s (%(year)s). %(title)s [Data set], version %(version)s, "
            "retrieved %(date)s, %(url)s"
        ) % {
            "author": AUTHOR,
            "year": self.year,
            "title": self.title,
            "version": self.version,
            "date": self.retrieved.isoformat(),
            "url": self.url,
        }

    @property
    def bibtex(self) -> str:
        fields = {
            "author": f"{{{AUTHOR}}}",
            "title": bibtex_text(self.title),
            "year": str(self.year),
            "version": bibtex_text(self.version),
            "publisher": AUTHOR,
            "howpublished": pgettext("citation", "Data set"),
            "url": self.url,
            "urldate": self.retrieved.isoformat(),
        }
        return bibtex_string([("misc", self.key, fields)])

    @property
    def ris(self) -> str:
        entry = {
            "type_of_reference": "DATA",
            "authors": [AUTHOR],
            "title": self.title,
            "year": str(self.year),
            "edition": self.version,
            "name_of_database": AUTHOR,
            "publisher": AUTHOR,
            "urls": [self.url],
            "access_date": self.retrieved.isoformat(),
        }
        return ris_string([entry])

    @property
    def entries(self) -> list[dict]:
        """The citation in each format, for the page's Cite box."""
        return [
            {"format": "text", "label": _("Text (APA style)"), "text": self.text, "open": True},
            {"format": BIBTEX, "label": FORMAT_LABELS[BIBTEX], "text": self.bibtex},
            {"format": RIS, "label": FORMAT_LABELS[RIS], "text": self.ris},
        ]


def page_citation(request, title: str, filterset=None) -> PageCitation:
    current = dataset()
    retrieved = timezone.localdate()
    year = current.data_date.year if current.data_date else retrieved.year
    return PageCitation(
        str(title),
        permalink(request, filterset),
        current.version,
        year,
        retrieved,
        tuple(declared_filters(filterset)),
    )


# --- Sources as reference-manager files ---------------------------------------------------

# A source's kind as each format names it: BibTeX's entry type, RIS's reference type, CSL's.
KIND_TYPES = {
    SourceKind.ARTICLE: ("article", "JOUR", "article-journal"),
    SourceKind.SUMMARY: ("misc", "ABST", "article"),
    SourceKind.SPEECH: ("misc", "CPAPER", "speech"),
    SourceKind.NEWS: ("article", "NEWS", "article-newspaper"),
    SourceKind.REPORT: ("techreport", "RPRT", "report"),
    SourceKind.OTHER: ("misc", "GEN", "document"),
}
# Where the publisher or outlet goes: the journal or newspaper of an article, the institution
# of a report, the event of a speech, else the publisher.
CONTAINED = {SourceKind.ARTICLE, SourceKind.NEWS}
LANGUAGE_NAMES = {"en": "english", "ja": "japanese", "ko": "korean", "zh": "chinese"}
# The pages at the start of an extent: "pp. 36–42", "p. 7", "pp. 36–42 (summary p. 42)".
PAGE_RANGE = re.compile(r"^pp?\.\s*(\d+)(?:\s*[–—-]\s*(\d+))?(?![\w–—-])")
BIBTEX_SPECIAL = re.compile(r"([\\{}&%$#_])")
SOURCE_FIELDS = (
    "id",
    "title",
    "title_en",
    "authors",
    "publisher",
    "published",
    "published_precision",
    "kind",
    "language",
    "extent",
    "url",
)


class RisWriter(rispy.RisWriter):
    """RIS entries as reference managers write them, without rispy's "1." before each."""

    def set_header(self, count: int) -> str:
        return ""


def ris_string(entries: list[dict]) -> str:
    return rispy.dumps(entries, implementation=RisWriter)


def bibtex_text(text: str) -> str:
    """A text as a BibTeX value: LaTeX's special characters escaped, letters kept (UTF-8)."""
    return BIBTEX_SPECIAL.sub(r"\\\1", text)


def bibtex_string(entries) -> str:
    library = bibtexparser.Library()
    for entry_type, key, fields in entries:
        library.add(
            bibtex.Entry(
                entry_type, key, [bibtex.Field(name, value) for name, value in fields.items()]
            )
        )
    return bibtexparser.write_string(library)


def source_key(source) -> str:
    return f"regiontrade-source-{source.pk}"


def page_range(extent: str) -> tuple[str, str] | None:
    """``pp. 36–42`` as (36, 42), ``p. 7`` as (7, 7); None for an extent that is not pages."""
    match = PAGE_RANGE.match(extent.strip())
    if match is None:
        return None
    first, last = match.groups()
    return first, last or first


def is_page_range(extent: str) -> bool:
    """Whether the extent says nothing but its pages, which the page fields hold."""
    match = PAGE_RANGE.match(extent.strip())
    return bool(match) and match.end() == len(extent.strip())


def date_parts(source) -> list[int]:
    """The publication date to the precision the document states it: [2009, 11]."""
    if source.published is None:
        return []
    parts = [source.published.year, source.published.month, source.published.day]
    depth = {DatePrecision.YEAR: 1, DatePrecision.MONTH: 2}.get(source.published_precision, 3)
    return parts[:depth]


def source_notes(source) -> list[str]:
    notes = []
    if source.title_en and source.title_en != source.title:
        notes.append(f"English title: {source.title_en}")
    if source.extent and not is_page_range(source.extent):
        notes.append(source.extent)  # sections, or pages with more said about them
    return notes


def source_bibtex_fields(source) -> tuple[str, dict]:
    entry_type = KIND_TYPES[source.kind][0]
    fields = {"title": bibtex_text(source.title)}
    if source.authors:
        fields["author"] = "{" + bibtex_text(source.authors) + "}"  # one literal name
    if source.publisher:
        outlet = bibtex_text(source.publisher)
        if source.kind in CONTAINED:
            fields["journal"] = outlet
        elif source.kind == SourceKind.REPORT:
            fields["institution"] = outlet
        else:
            fields["howpublished"] = outlet
    parts = date_parts(source)
    if parts:
        fields["year"] = str(parts[0])
        fields["date"] = "-".join(f"{part:02d}" for part in parts)
        if len(parts) > 1:
            fields["month"] = str(parts[1])
    pages = page_range(source.extent)
    if pages:
        fields["pages"] = pages[0] if pages[0] == pages[1] else f"{pages[0]}--{pages[1]}"
    fields["language"] = LANGUAGE_NAMES[source.language]
    if source.url:
        fields["url"] = source.url
    notes = source_notes(source)
    if notes:
        fields["note"] = bibtex_text("; ".join(notes))
    return entry_type, fields


def sources_bibtex(sources) -> str:
    entries = []
    for source in sources:
        entry_type, fields = source_bibtex_fields(source)
        entries.append((entry_type, source_key(source), fields))
    return bibtex_string(entries)


def source_ris_entry(source) -> dict:
    entry = {"type_of_reference": KIND_TYPES[source.kind][1], "id": source_key(source)}
    entry["title"] = source.title
    if source.title_en and source.title_en != source.title:
        entry["translated_title"] = source.title_en
    if source.authors:
        entry["authors"] = [source.authors]
    if source.publisher:
        key = "secondary_title" if source.kind in CONTAINED else "publisher"
        entry[key] = source.publisher
    parts = date_parts(source)
    if parts:
        entry["year"] = str(parts[0])
        entry["date"] = "/".join(f"{part:02d}" for part in parts)
    pages = page_range(source.extent)
    if pages:
        entry["start_page"], entry["end_page"] = pages
    entry["language"] = LANGUAGE_NAMES[source.language]
    if source.url:
        entry["urls"] = [source.url]
    notes = [note for note in source_notes(source) if not note.startswith("English title")]
    if notes:
        entry["notes"] = notes
    return entry


def sources_ris(sources) -> str:
    return ris_string([source_ris_entry(source) for source in sources])


def source_csl_item(source) -> dict:
    item = {"id": source_key(source), "type": KIND_TYPES[source.kind][2], "title": source.title}
    if source.authors:
        item["author"] = [{"literal": source.authors}]
    if source.publisher:
        item["container-title" if source.kind in CONTAINED else "publisher"] = source.publisher
    parts = date_parts(source)
    if parts:
        item["issued"] = {"date-parts": [parts]}
    pages = page_range(source.extent)
    if pages:
        item["page"] = pages[0] if pages[0] == pages[1] else f"{pages[0]}-{pages[1]}"
    item["language"] = source.language
    if source.url:
        item["URL"] = source.url
    notes = source_notes(source)
    if notes:
        item["note"] = "; ".join(notes)
    return item


def sources_csl_json(sources) -> str:
    items = [source_csl_item(source) for source in sources]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


WRITERS = {BIBTEX: sources_bibtex, RIS: sources_ris, CSL_JSON: sources_csl_json}


def sources_download(queryset, citation_format: str, stem: str = ""):
    """The sources ``queryset`` selects, in its order, as one file in ``citation_format``;
    read in one query of the columns the formats use."""
    sources = list(queryset.only(*SOURCE_FIELDS).prefetch_related(None))
    body = WRITERS[citation_format](sources)
    file_name = f"{stem or file_stem(Source)}.{EXTENSIONS[citation_format]}"
    return attach(HttpResponse(body, content_type=CONTENT_TYPES[citation_format]), file_name)


def source_citations(source) -> list[dict]:
    """A source's own entry in each format, for its page: label, text and file address."""
    return [
        {
            "format": name,
            "label": FORMAT_LABELS[name],
            "text": WRITERS[name]([source]),
            "url": reverse(
                "exchanges:source_citation", kwargs={"pk": source.pk, "extension": EXTENSIONS[name]}
            ),
        }
        for name in CITATION_FORMATS
    ]
