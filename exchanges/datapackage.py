"""The whole directory as a Frictionless Data package (Data Package v1, tabular).

One CSV file per table and a ``datapackage.json`` that describes them, all derived from the
models, so a field added to a model appears in the package with its type, title and rules:

- **Resources**: each record type and, after it, the link tables of its many-to-many fields
  (the declared ``LinkRow`` through models). Left out: change history, columns a record derives
  from its own values (``search_text``, the copied countries of ties and missions) and the
  content types the citations point through.
- **Fields**: one per column, named as the column (a foreign key as ``<name>_id``), typed from the
  Django field, titled and described from its ``verbose_name`` and ``help_text`` (English in the
  file, the reader's language on ``/data/``), with its rules as constraints: ``required``,
  ``unique``, ``enum`` (choices; for a country the codes the field accepts), ``maxLength``. Every
  table has ``id`` as its primary key, and each foreign key is declared, so that a validator
  checks every reference.
- **Citations** point at a record of any type (a generic foreign key): ``record_type`` names the
  resource and ``record_id`` the row in it.
- **Partial dates** are a date column and its ``<name>_precision`` column (year, month or day).
- **CSV**: UTF-8, a header row of field names, rows in the order of their id. A text that a
  spreadsheet would run as a formula gets a leading apostrophe (``spreadsheets.safe_cell``), as in
  every CSV the site writes.
- **version** is the UTC time of the directory's last change, ``YYYY.MM.DD.HHMMSS``: the latest
  ``updated`` of any record or entry of any change history (which also records deletions and
  changes of links). Two packages with the same version hold the same data.

Rows are read from the database a chunk at a time and written out as they come, so the package
is made in constant memory whatever the size of the directory; on PostgreSQL every table is read
in one snapshot, so no row refers to a row that the package does not hold.
"""

import datetime
import hashlib
import inspect
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import Case, Max, Value, When
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from . import exports
from .caching import data_version
from .exports import file_stem
from .licences import DATA_LICENSES
from .models import (
    Citation,
    ExchangeArea,
    Firm,
    FirmPartner,
    Indicator,
    Mission,
    OfficeRole,
    OverseasOffice,
    Participation,
    Person,
    Region,
    SalesRoute,
    SisterTie,
    Source,
)
from .models.base import LinkRow
from .models.derived import DerivedField
from .models.history import has_history
from .models.querysets import is_cited, keeps_update_time
from .record_types import record_types
from .spreadsheets import QUOTE

NAME = "regiontrade"
ZIP_NAME = f"{NAME}.zip"
DESCRIPTOR_NAME = "datapackage.json"
DATA_FOLDER = "data/"  # where the CSV files lie in the zip and in a written directory
# The package's tables in order, each followed by the link tables of its many-to-many fields;
# a record type not named here (record_types) comes after them.
RECORD_MODELS = (
    Region,
    ExchangeArea,
    SisterTie,
    Firm,
    FirmPartner,
    SalesRoute,
    OverseasOffice,
    OfficeRole,
    Mission,
    Person,
    Participation,
    Indicator,
    Source,
    Citation,
)
# Django field → Frictionless type; the first match wins (a DateTimeField is a DateField).
TYPES = (
    (models.BooleanField, "boolean"),
    (models.DateTimeField, "datetime"),
    (models.DateField, "date"),
    (models.DecimalField, "number"),
    (models.FloatField, "number"),
    (models.IntegerField, "integer"),  # the auto fields too
)

DESCRIPTION = _(
    "Every table of the regiontrade directory of trade links between Japanese, Chinese and "
    "Korean regions: regions, ties, firms, overseas offices and missions, the tables that link "
    "them, and the sources and citations every fact comes from. One CSV file per table, in "
    "UTF-8 with a header row of field names, rows in the order of their id. A text that a "
    "spreadsheet would run as a formula (one starting with =, +, -, @, a tab or a carriage "
    "return) is written with a leading apostrophe ('), as in every CSV the site writes; "
    "maxLength allows for it. A partial date is a date column and its <name>_precision column "
    "(year, month or day): a year alone is written as 1 January of it, a month as its first "
    "day. A citation names the record it supports by record_type (the resource) and record_id. "
    "The version is the UTC time of the directory's last change, deletions included, as "
    "YYYY.MM.DD.HHMMSS."
)


def resolved(value):
    """The descriptor with its translatable texts read in the active language."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {key: resolved(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [resolved(item) for item in value]
    return value


def frictionless_type(model_field) -> str:
    if model_field.is_relation:
        model_field = model_field.target_field
    return next((name for kind, name in TYPES if isinstance(model_field, kind)), "string")


def is_published(model_field) -> bool:
    """Whether the column is data: a value somebody entered, the id, or a time stamp. A column
    no one enters and no clock stamps is derived from the others, and left out."""
    if isinstance(model_field, DerivedField):
        return False
    stamped = getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False)
    return model_field.editable or model_field.primary_key or stamped


def is_required(model_field) -> bool:
    """A text column that may be blank is empty rather than missing; any other column that
    cannot be null always has a value."""
    if model_field.null:
        return False
    return not model_field.blank or frictionless_type(model_field) != "string"


def allowed_values(model_field) -> list:
    if isinstance(model_field, CountryField):
        return sorted({country.code for country in model_field.countries if country.code})
    if model_field.choices:
        return [value for value, _label in model_field.flatchoices if value not in ("", None)]
    return []


def constraints_of(model_field) -> dict:
    constraints = {}
    if is_required(model_field):
        constraints["required"] = True
    if model_field.unique and not model_field.primary_key:
        constraints["unique"] = True
    if enum := allowed_values(model_field):
        constraints["enum"] = enum
    elif model_field.max_length and frictionless_type(model_field) == "string":
        # A formula-like text is written with a leading apostrophe: one more character.
        constraints["maxLength"] = model_field.max_length + len(QUOTE)
    return constraints


def precision_field_of(model, model_field):
    name = f"{model_field.name}_precision"
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def description_of(model, model_field, target: str | None):
    """The field's help text, or what a reader of the CSV needs instead: how a partial date and
    its precision go together, which resource an id refers to."""
    if isinstance(model_field, models.DateField) and precision_field_of(model, model_field):
        return format_lazy(
            _(
                "A partial date: {precision} says whether the source gives the year, the month "
                "or the day; a year alone is written as 1 January of it, a month as its first "
                "day."
            ),
            precision=precision_field_of(model, model_field).attname,
        )
    if model_field.name.endswith("_precision") and model_field.choices:
        return format_lazy(
            _("How much of the date in {date} the source states: the year, the month or the day."),
            date=model_field.name.removesuffix("_precision"),
        )
    if target is not None:
        refers = format_lazy(_("The id of a row of {resource}."), resource=target)
        if not model_field.help_text:
            return refers
        return format_lazy("{} {}", model_field.help_text, refers)
    return model_field.help_text


def field_descriptor(model, model_field, target: str | None = None) -> dict:
    descriptor = {
        "name": model_field.attname,
        "type": frictionless_type(model_field),
        "title": capfirst(model_field.verbose_name),
    }
    if description := description_of(model, model_field, target):
        descriptor["description"] = description
    if constraints := constraints_of(model_field):
        descriptor["constraints"] = constraints
    return descriptor


@dataclass(frozen=True)
class Column:
    name: str
    lookup: str  # what ``values_list`` reads for it
    descriptor: dict  # the Frictionless field, its texts translatable


@dataclass(frozen=True)
class Resource:
    model: type[models.Model]
    name: str
    columns: tuple[Column, ...]
    foreign_keys: tuple[dict, ...]
    # A generic foreign key (the citations'): its record types, as {model: resource name}.
    record_types: dict = field(default_factory=dict)
    record_type_column: str = ""

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    def queryset(self) -> models.QuerySet:
        rows = self.model._default_manager.all()
        if self.record_types:
            # Each content type as the name of its resource, written by the database.
            content_types = ContentType.objects.get_for_models(*self.record_types)
            rows = rows.filter(content_type__in=content_types.values()).annotate(
                **{
                    self.record_type_column: Case(
                        *(
                            When(content_type=content_type, then=Value(self.record_types[model]))
                            for model, content_type in content_types.items()
                        ),
                        output_field=models.CharField(),
                    )
                }
            )
        return rows

    def count(self) -> int:
        return self.queryset().count()

    def rows(self) -> Iterator[list[str]]:
        lookups = [column.lookup for column in self.columns]
        values = self.queryset().values_list(*lookups).order_by("pk")
        for row in values.iterator(chunk_size=exports.CHUNK_ROWS):
            yield [cell(value) for value in row]

    def csv_chunks(self, written: dict | None = None) -> Iterator[bytes]:
        """The CSV file, a chunk of rows at a time; ``written`` receives its number of rows.
        No byte-order mark: the package declares its encoding, and a reader that does not strip
        a mark would take it as part of the first field's name (the lists' CSV downloads carry
        one so that Excel, which reads no descriptor, guesses UTF-8)."""
        counted = {self.name: 0}

        def counting(rows):
            for row in rows:
                counted[self.name] += 1
                yield row

        header = [column.name for column in self.columns]
        yield from exports.csv_chunks(header, counting(self.rows()), byte_order_mark=False)
        if written is not None:
            written.update(counted)

    def descriptor(self, folder: str) -> dict:
        descriptor = {
            "name": self.name,
            "path": f"{folder}{self.file_name}",
            "profile": "tabular-data-resource",
            "title": capfirst(self.model._meta.verbose_name_plural),
        }
        if description := model_description(self.model):
            descriptor["description"] = description
        schema = {
            "fields": [column.descriptor for column in self.columns],
            "primaryKey": [self.model._meta.pk.attname],
        }
        if self.foreign_keys:
            schema["foreignKeys"] = list(self.foreign_keys)
        descriptor.update(format="csv", mediatype="text/csv", encoding="utf-8", schema=schema)
        return resolved(descriptor)


def cell(value) -> str | None:
    """A value as the CSV writes it: ISO 8601 dates and times (UTC), plain decimals; text as it
    is (``exports.csv_chunks`` makes it safe to open in a spreadsheet)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def model_description(model) -> str:
    """The model's own docstring, first paragraph; none when Django made it up (a link table)."""
    doc = model.__dict__.get("__doc__") or ""
    if not doc or doc.startswith(f"{model.__name__}("):
        return ""
    return " ".join(inspect.cleandoc(doc).split("\n\n")[0].split())


def resource_name(model) -> str:
    """The English plural, as every download of the site is named, whatever the language."""
    return file_stem(model)


def package_models() -> list[type[models.Model]]:
    ordered = []
    unnamed = [declared.model for declared in record_types() if declared.model not in RECORD_MODELS]
    for model in (*RECORD_MODELS, *unnamed):
        ordered.append(model)
        for many in model._meta.local_many_to_many:
            through = many.remote_field.through
            if issubclass(through, LinkRow):
                ordered.append(through)
    return ordered


def cited_models(models_list) -> list[type[models.Model]]:
    """The record types that carry citations (a ``GenericRelation`` to ``Citation``)."""
    return [model for model in models_list if is_cited(model)]


def build_resource(model, names: dict) -> Resource:
    generic = next(
        (f for f in model._meta.private_fields if isinstance(f, GenericForeignKey)), None
    )
    record_types = {}
    columns, foreign_keys = [], []
    for model_field in model._meta.concrete_fields:
        if not is_published(model_field):
            continue
        if generic is not None and model_field.name == generic.fk_field:
            continue  # written beside the record type, below
        if generic is not None and model_field.name == generic.ct_field:
            record_types = {cited: names[cited] for cited in cited_models(names)}
            columns.extend(generic_columns(model, generic, list(record_types.values())))
            continue
        target = None
        if model_field.is_relation:
            related = model_field.related_model
            if related not in names:
                raise ImproperlyConfigured(
                    f"{model.__name__}.{model_field.name} refers to {related.__name__}, "
                    "which the data package does not hold."
                )
            target = names[related]
            foreign_keys.append(
                {
                    "fields": [model_field.attname],
                    "reference": {
                        # Data Package v1 names the resource itself "".
                        "resource": "" if related is model else target,
                        "fields": [model_field.target_field.attname],
                    },
                }
            )
        columns.append(
            Column(
                model_field.attname,
                model_field.attname,
                field_descriptor(model, model_field, target),
            )
        )
    return Resource(
        model=model,
        name=names[model],
        columns=tuple(columns),
        foreign_keys=tuple(foreign_keys),
        record_types=record_types,
        record_type_column=f"{generic.name}_type" if generic else "",
    )


def generic_columns(model, generic, resource_names: list[str]) -> list[Column]:
    """``<name>_type`` (the resource the record is a row of) and ``<name>_id`` in place of
    the content type and object id of a generic foreign key."""
    type_field = model._meta.get_field(generic.ct_field)
    id_field = model._meta.get_field(generic.fk_field)
    type_name, id_name = f"{generic.name}_type", f"{generic.name}_id"
    return [
        Column(
            type_name,
            type_name,
            {
                "name": type_name,
                "type": "string",
                "title": capfirst(type_field.verbose_name),
                "description": format_lazy(
                    _("The resource that the record with the id in {id} is a row of."),
                    id=id_name,
                ),
                "constraints": {"required": True, "enum": resource_names},
            },
        ),
        Column(
            id_name,
            id_field.attname,
            {
                "name": id_name,
                "type": "integer",
                "title": capfirst(id_field.verbose_name),
                "description": format_lazy(
                    _(
                        "The id of the record in the resource that {type} names. The record can "
                        "be in any of those resources, so no foreign key is declared for it."
                    ),
                    type=type_name,
                ),
                "constraints": {"required": True},
            },
        ),
    ]


@cache
def resources() -> tuple[Resource, ...]:
    ordered = package_models()
    names = {model: resource_name(model) for model in ordered}
    return tuple(build_resource(model, names) for model in ordered)


def resource_named(name: str) -> Resource | None:
    return next((resource for resource in resources() if resource.name == name), None)


def last_change() -> datetime.datetime | None:
    """When a record last changed: the latest ``updated`` of any record and the latest entry of
    any change history (deletions and changes of links are in their owner's history). Each is
    a maximum that the column's index answers."""
    stamps = []
    for model in package_models():
        if keeps_update_time(model):
            stamps.append(model._default_manager.aggregate(latest=Max("updated"))["latest"])
        if has_history(model):
            stamps.append(model.history.aggregate(latest=Max("history_date"))["latest"])
    return max((stamp for stamp in stamps if stamp is not None), default=None)


def version_of(moment: datetime.datetime | None) -> str:
    """``2026.11.26.093015``: the UTC second of the last change; ``0`` for a directory that
    never held a record."""
    if moment is None:
        return "0"
    return moment.astimezone(datetime.UTC).strftime("%Y.%m.%d.%H%M%S")


def utc_text(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sources_descriptor() -> list[dict]:
    entries = []
    for title, title_en, url in Source.objects.order_by("pk").values_list(
        "title", "title_en", "url"
    ):
        entry = {"title": title_en or title}
        if url:
            entry["path"] = url
        entries.append(entry)
    return entries


@dataclass(frozen=True)
class Package:
    resources: tuple[Resource, ...]
    last_change: datetime.datetime | None
    licence: str

    @classmethod
    def current(cls) -> "Package":
        return cls(resources(), last_change(), settings.DATA_LICENSE)

    @property
    def version(self) -> str:
        return version_of(self.last_change)

    def descriptor(
        self,
        folder: str = DATA_FOLDER,
        homepage: str = "",
        created: datetime.datetime | None = None,
    ) -> dict:
        """The ``datapackage.json`` in the active language, its CSV files in ``folder``."""
        descriptor = {
            "profile": "tabular-data-package",
            "name": NAME,
            "title": _("regiontrade: trade links between Japanese, Chinese and Korean regions"),
            "description": DESCRIPTION,
            "version": self.version,
        }
        if created is not None:
            descriptor["created"] = utc_text(created)
        if homepage:
            descriptor["homepage"] = homepage
        descriptor["licenses"] = [{"name": self.licence, **DATA_LICENSES[self.licence]}]
        descriptor["sources"] = sources_descriptor()
        descriptor["resources"] = [resource.descriptor(folder) for resource in self.resources]
        return resolved(descriptor)

    def descriptor_bytes(self, folder: str = DATA_FOLDER, homepage: str = "", created=None):
        with translation.override("en"):
            descriptor = self.descriptor(folder, homepage, created)
        return (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def etag(self, homepage: str = "") -> str:
        """A weak tag (each file states when it was made, so two copies differ in that) that
        changes with the data (the exact time of the last change, and the cache's count of
        committed changes, which also sees a load that kept old time stamps), with the
        licence and with the shape of the tables."""
        basis = "|".join(
            [
                self.last_change.isoformat() if self.last_change else "",
                str(data_version()),
                hashlib.sha256(self.descriptor_bytes("", homepage)).hexdigest(),
            ]
        )
        return f'W/"{hashlib.sha256(basis.encode()).hexdigest()[:32]}"'


@contextmanager
def one_snapshot(using: str = DEFAULT_DB_ALIAS):
    """On PostgreSQL, every query inside reads the database as it was at the first: a record
    added halfway through cannot be referred to from a table read later without being in its
    own. SQLite is left in autocommit: its transactions here begin by taking the write lock,
    which would hold up every writer, the request limits' counters included, for the whole
    download."""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


class Pipe:
    """A write-only, unseekable file whose bytes are taken out as they come. ``zipfile`` writes
    to such a file as it streams: each member followed by its sizes (a data descriptor), since
    it cannot go back to fill them in before."""

    def __init__(self):
        self.chunks: list[bytes] = []

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def zip_member(path: str, created: datetime.datetime) -> zipfile.ZipInfo:
    member = zipfile.ZipInfo(path, date_time=created.astimezone(datetime.UTC).timetuple()[:6])
    member.compress_type = zipfile.ZIP_DEFLATED
    member.external_attr = 0o644 << 16  # rw-r--r-- when unpacked
    return member


def zip_chunks(
    package: Package, created: datetime.datetime, homepage: str = "", written=None
) -> Iterator[bytes]:
    """The package as one zip, ``datapackage.json`` at its root and the CSV files in ``data/``,
    in pieces as they are compressed: constant memory, and the first bytes leave at once."""
    pipe = Pipe()
    with one_snapshot(), zipfile.ZipFile(pipe, "w") as archive:
        descriptor = package.descriptor_bytes(DATA_FOLDER, homepage, created)
        archive.writestr(zip_member(DESCRIPTOR_NAME, created), descriptor)
        yield pipe.take()
        for resource in package.resources:
            member = zip_member(f"{DATA_FOLDER}{resource.file_name}", created)
            with archive.open(member, "w") as output:
                for chunk in resource.csv_chunks(written):
                    output.write(chunk)
                    yield pipe.take()
            yield pipe.take()
    yield pipe.take()


def now() -> datetime.datetime:
    return timezone.now().replace(microsecond=0)
