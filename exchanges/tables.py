"""One table per model: the columns a list page shows, sorts by and exports.

Visible columns are what a reader sees; hidden ones (ids, slugs, every name column) join them in
the CSV and JSON downloads, so an export carries enough to cite and re-link each row. A download
also names each linked region in the four scripts with its country (``<link>_name_ja``,
``<link>_country``) and lists the record's citations, so that it stands on its own. Exported
values are stable codes (``JP``, ``sister``, ``1996-07``) rather than translated labels.
"""

from collections.abc import Callable
from decimal import Decimal

import django_tables2 as tables
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import F
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_tables2.utils import OrderByTuple

from .cells import attribute_reader, cell_renderer
from .models import (
    Citation,
    Firm,
    Indicator,
    Mission,
    OfficeRole,
    OverseasOffice,
    Participation,
    Person,
    Region,
    SisterTie,
    Source,
)
from .models.base import MultilingualNames
from .models.indicators import SUBJECT_FIELD_NAMES
from .partial_dates import DatePrecision, format_partial_date
from .templatetags.directory import subject_links

NAME_FIELDS = MultilingualNames.NAME_FIELDS


def partial_date_value(value, precision: str) -> str:
    """Export form of a partial date: 1987, 1996-07 or 2008-10-15."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


class PartialDateColumn(tables.Column):
    """A date shown to the precision its source gives: "1987", "July 1996"."""

    def export_fields(self, accessor: str) -> list[str]:
        return [accessor, f"{accessor}_precision"]

    def render(self, value, record):
        return format_partial_date(value, getattr(record, f"{self.accessor}_precision"))

    def value(self, value, record):
        return partial_date_value(value, getattr(record, f"{self.accessor}_precision"))


class NameColumn(tables.Column):
    """The name in the reader's language, with the native name beside it when different."""

    def __init__(self, **kwargs):
        kwargs.setdefault("accessor", "name")
        kwargs.setdefault("order_by", ("name_en",))
        kwargs.setdefault("verbose_name", _("Name"))
        kwargs.setdefault("linkify", True)
        kwargs.setdefault("exclude_from_export", True)
        super().__init__(**kwargs)

    def render(self, value, record):
        native = record.native_name
        if native and native != value:
            return format_html(
                '{} <span class="native" lang="{}">{}</span>', value, record.native_language, native
            )
        return value


class Gathering:
    """Something a download reads for a whole chunk of records in one query (their citations,
    a mission's regions) rather than record by record: columns that read it share one, and the
    download calls ``gather(records)`` before it writes each chunk (``exports.chunked_records``).
    """

    def __init__(self):
        self.gathered: dict | None = None  # pk -> what was read, for the chunk being written

    def gather(self, records) -> None:
        self.gathered = self.read([record.pk for record in records]) if records else {}

    def read(self, pks: list) -> dict:
        raise NotImplementedError

    def of(self, record, fallback: Callable):
        """What was gathered for ``record``; ``fallback(record)`` outside a download."""
        if self.gathered is None:
            return fallback(record)
        return self.gathered.get(record.pk)


def annotation_reader(name: str, fallback: Callable) -> Callable:
    """Reads the value a download's query annotated as ``name`` on each record, or, on a
    record that was not read by one, ``fallback(record)``."""

    def read(record):
        value = record.__dict__.get(name, _MISSING)
        return fallback(record) if value is _MISSING else value

    return read


_MISSING = object()


class RegionLinkColumn(tables.Column):
    """A related region, linked, named in the reader's language; exported as its slug, which a
    download reads joined to its row (``<link>_slug``) without building the region."""

    def __init__(self, **kwargs):
        kwargs.setdefault("linkify", True)
        super().__init__(**kwargs)

    def render(self, value):
        return value.name

    def export_annotations(self, accessor: str) -> dict:
        return {f"{accessor}_slug": F(f"{accessor}__slug")}

    def export_reader(self, accessor: str) -> Callable:
        return annotation_reader(f"{accessor}_slug", attribute_reader(f"{accessor}__slug"))


class RegionListGathering(Gathering):
    """The regions of each record by one many-to-many relation (a mission's origins), as
    dictionaries of slug, names and country, sorted by English name, read in two queries a
    chunk: the chunk's links, then their regions by key. (Prefetching builds a queryset per
    record; and for a join of links and regions over two thousand records SQLite's planner
    scans every region.)"""

    FIELDS = ("slug", *NAME_FIELDS, "country")

    def __init__(self, model, relation: str):
        super().__init__()
        self.relation = relation
        field = model._meta.get_field(relation)
        self.links = field.remote_field.through.objects
        self.owner = f"{field.m2m_field_name()}_id"
        self.region = f"{field.m2m_reverse_field_name()}_id"

    def read(self, pks: list) -> dict:
        links = list(
            self.links.filter(**{f"{self.owner}__in": pks}).values_list(self.owner, self.region)
        )
        regions = {
            pk: dict(zip(self.FIELDS, values, strict=True))
            for pk, *values in Region.objects.filter(pk__in={region for _, region in links})
            .order_by()
            .values_list("pk", *self.FIELDS)
        }
        listed: dict[int, list[dict]] = {}
        for owner, region in links:
            listed.setdefault(owner, []).append(regions[region])
        for of_one in listed.values():
            of_one.sort(key=lambda region: (region["name_en"], region["slug"]))
        return listed

    def prefetched(self, record) -> list[dict]:
        """The same, outside a download, from the record's prefetched regions."""
        regions = sorted(
            getattr(record, self.relation).all(), key=lambda region: (region.name_en, region.slug)
        )
        return [{name: str(getattr(region, name)) for name in self.FIELDS} for region in regions]

    def reader(self, field: str) -> Callable:
        """The export value of ``field`` of each of a record's regions, joined with "|"."""

        def read(record):
            regions = self.of(record, self.prefetched) or []
            return "|".join(str(region[field]) for region in regions) or None

        return read


class RegionListColumn(tables.Column):
    """Many regions (a mission's origins or destinations), each linked; exported as slugs."""

    def __init__(self, **kwargs):
        kwargs.setdefault("orderable", False)
        super().__init__(**kwargs)
        self.gathering: RegionListGathering | None = None  # set by the table

    def render(self, value):
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((region.get_absolute_url(), region.name) for region in value.all()),
        )

    def export_fields(self, accessor: str) -> list[str]:
        return []  # gathered

    def export_reader(self, accessor: str) -> Callable:
        return self.gathering.reader("slug")


class LinkedRegionFieldColumn(tables.Column):
    """Download only: one field (a name, the country) of a linked region, read joined to its
    row (``<link>_<field>``), or of each of a record's regions joined with "|" (gathered).
    Hidden on the page, which links the region instead."""

    def __init__(self, field: str, gathering: RegionListGathering | None = None, **kwargs):
        kwargs.setdefault("visible", False)
        kwargs.setdefault("orderable", False)
        super().__init__(**kwargs)
        self.field, self.gathering = field, gathering

    def export_fields(self, accessor: str) -> list[str]:
        return []  # annotated or gathered

    def export_annotations(self, accessor: str) -> dict:
        if self.gathering:
            return {}
        return {f"{accessor}_{self.field}": F(f"{accessor}__{self.field}")}

    def export_reader(self, accessor: str) -> Callable:
        if self.gathering:
            return self.gathering.reader(self.field)
        stored = attribute_reader(f"{accessor}__{self.field}")
        return annotation_reader(
            f"{accessor}_{self.field}", lambda record: none_or_text(stored(record))
        )


def none_or_text(value) -> str | None:
    return None if value is None else str(value)


def linked_region_columns(
    link: str, gathering: RegionListGathering | None = None
) -> list[tuple[str, tables.Column]]:
    """``<link>_name_en`` … ``<link>_name_ko`` and ``<link>_country`` for a download."""
    return [
        (f"{link}_{field}", LinkedRegionFieldColumn(field, gathering, accessor=link))
        for field in (*NAME_FIELDS, "country")
    ]


def citation_document(citation) -> str:
    """The cited document as a download names it: its file name, else its title."""
    return citation.source.file_name or citation.source.title


def citation_text(citation) -> str:
    """A citation as a download writes it: the document and the place in it."""
    return f"{citation_document(citation)} {citation.locator}".strip()


class CitationGathering(Gathering):
    """The citations of each record, "<document> <locator>" joined with " | " in the order of
    document and locator, read in one query of four columns a chunk: prefetching the generic
    relation would build three objects and a queryset for each record."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def read(self, pks: list) -> dict:
        content_type = ContentType.objects.get_for_model(self.model, for_concrete_model=False)
        rows = Citation.objects.filter(content_type=content_type, object_id__in=pks).values_list(
            "object_id", "source__file_name", "source__title", "locator", "pk"
        )
        cited: dict[int, list[tuple]] = {}
        for object_id, file_name, title, locator, pk in rows:
            document = file_name or title
            cited.setdefault(object_id, []).append((document.casefold(), locator, pk, document))
        return {
            object_id: " | ".join(
                f"{document} {locator}".strip() for _, locator, _, document in sorted(citations)
            )
            for object_id, citations in cited.items()
        }

    @staticmethod
    def queried(record) -> str:
        """The same, outside a download, from the record's citations."""
        citations = sorted(
            record.citations.all(), key=lambda c: (citation_document(c).casefold(), c.locator, c.pk)
        )
        return " | ".join(citation_text(citation) for citation in citations)


class CitationsColumn(tables.Column):
    """Download only: the record's citations, "<document> <locator>" joined with " | "."""

    def __init__(self, model, **kwargs):
        kwargs.setdefault("accessor", "pk")
        kwargs.setdefault("visible", False)
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("verbose_name", _("Citations"))
        super().__init__(**kwargs)
        self.gathering = CitationGathering(model)

    def export_fields(self, accessor: str) -> list[str]:
        return []  # gathered

    def export_reader(self, accessor: str) -> Callable:
        return lambda record: self.gathering.of(record, CitationGathering.queried) or None


class CountryColumn(tables.Column):
    """The ISO code, with the country's name in the reader's language as its title."""

    def render(self, record, bound_column):
        country = getattr(record, bound_column.accessor)
        return format_html('<abbr title="{}">{}</abbr>', country.name, country.code)

    def value(self, record, bound_column):
        return str(getattr(record, bound_column.accessor))


class ChoiceColumn(tables.Column):
    """Shows the translated label, exports the stable code.

    django-tables2 hands choice fields over as their display label already, so the export
    reads the raw attribute from the record.
    """

    def value(self, record, bound_column):
        return getattr(record, bound_column.accessor)


def is_field_path(model, path: str) -> bool:
    """Whether ``region_a__slug`` names a stored field, following relations."""
    if path == "pk":
        return True
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if not field.concrete:
            return False
        model = field.related_model
    return True


class DirectoryTableMetaclass(tables.Table.__class__):
    """A table's ``export_only`` names the model fields it gives a column in downloads and
    none on the page (the reader sees, say, one name in their language; a download has them
    all). They are the table's only columns made from the model's fields: django-tables2's
    ``Meta.fields``, which is set from them."""

    def __new__(mcs, name, bases, attrs):
        if "Meta" in attrs and "export_only" in attrs:
            attrs["Meta"].fields = tuple(attrs["export_only"])
        return super().__new__(mcs, name, bases, attrs)


class DirectoryTable(tables.Table, metaclass=DirectoryTableMetaclass):
    """Columns of ``export_only`` fields are exported but not shown on the page.

    Every sort ends with the primary key, so that rows with equal values keep one order and
    each row appears on exactly one page. ``linked_regions`` names the region links (and
    ``region_lists`` the many-region relations) whose names and country a download spells out;
    ``cited`` adds the record's citations to it.
    """

    export_only: tuple[str, ...] = ()
    linked_regions: tuple[str, ...] = ()
    region_lists: tuple[str, ...] = ()
    cited = True

    class Meta:
        attrs = {"class": "records"}
        orderable = True
        fields = ()  # no column from every model field: only the declared and export_only ones

    def __init__(self, *args, **kwargs):
        model = self._meta.model
        extra = list(kwargs.pop("extra_columns", None) or ())
        for link in self.linked_regions:
            extra += linked_region_columns(link)
        gatherings = {
            relation: RegionListGathering(model, relation) for relation in self.region_lists
        }
        for relation, gathering in gatherings.items():
            extra += linked_region_columns(relation, gathering)
        if self.cited:
            extra.append(("citations", CitationsColumn(model)))
        super().__init__(*args, extra_columns=extra, **kwargs)
        for relation, gathering in gatherings.items():
            self.columns[relation].column.gathering = gathering
        for name in self.export_only:
            self.columns.hide(name)
        for bound_column in self.columns.iterall():
            keys = bound_column.column.order_by or (bound_column.accessor,)
            if not {"pk", "id"} & {key.lstrip("-") for key in keys}:
                bound_column.column.order_by = OrderByTuple((*keys, "pk"))

    def exported_columns(self) -> list:
        return [c for c in self.columns.iterall() if not c.column.exclude_from_export]

    def export_queryset(self, queryset):
        """Only the fields the export's columns read: building the records of a download of
        every row costs more than anything else in it, and grows with each field. Columns say
        what they read with ``export_fields(accessor)``, where one cannot, every field is read;
        fields of linked records are read as values joined to the row (``export_annotations``),
        without building those records."""
        fields, annotations = [], {}
        for bound_column in self.exported_columns():
            column, accessor = bound_column.column, bound_column.accessor
            reads = getattr(column, "export_fields", None)
            fields += reads(accessor) if reads else [accessor]
            if annotate := getattr(column, "export_annotations", None):
                annotations.update(annotate(accessor))
        if all(is_field_path(queryset.model, field) for field in fields):
            relations = {field.rpartition("__")[0] for field in fields if "__" in field}
            queryset = queryset.select_related(None).only(*fields)
            if relations:  # select_related() without names would join every relation
                queryset = queryset.select_related(*relations)
        return queryset.prefetch_related(None).annotate(**annotations)

    def export_gatherings(self) -> list[Gathering]:
        """What the exported columns read a chunk of records at a time, each once."""
        gatherings = {
            id(gathering): gathering
            for bound_column in self.exported_columns()
            if (gathering := getattr(bound_column.column, "gathering", None))
        }
        return list(gatherings.values())

    def body_html(self) -> str:
        """The ``<tr>`` rows of the current page, as django-tables2 would render its cells,
        with each column's way of rendering worked out once (``cells.py``)."""
        columns = list(self.columns)
        cells = [cell_renderer(self, column) for column in columns]
        openings = [
            format_html(
                '<td{} data-label="{}">',
                format_html(' class="{}"', css) if (css := column.attrs["td"].get("class")) else "",
                column.header,
            )
            for column in columns
        ]
        rows = (
            "<tr>"
            + "".join(
                f"{opening}{cell(record)}</td>"
                for opening, cell in zip(openings, cells, strict=True)
            )
            + "</tr>"
            for record in self.page.object_list.data
        )
        return mark_safe("\n".join(rows))


class RegionTable(DirectoryTable):
    name = NameColumn()
    country = CountryColumn()
    level = ChoiceColumn()
    parent = RegionLinkColumn(verbose_name=_("Part of"), order_by=("parent__name_en",))
    population = tables.Column(attrs={"td": {"class": "number"}})

    export_only = (
        "id",
        "slug",
        *NAME_FIELDS,
        "population_year",
        "latitude",
        "longitude",
        "coordinates_basis",
    )

    class Meta(DirectoryTable.Meta):
        model = Region
        sequence = ("id", "name", "country", "level", "parent", "population", "...")


class HolderColumn(tables.Column):
    """A marker on a tie whose holder the source leaves open; exported as the field's value."""

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", _("Holder"))
        kwargs.setdefault("orderable", False)
        super().__init__(**kwargs)

    def render(self, value):
        if value:
            return ""
        return format_html(
            '<span class="badge" title="{}">{}</span>',
            _("The source names the partners but not who holds the tie."),
            _("holder not stated"),
        )

    def value(self, value):
        return value


class SisterTieTable(DirectoryTable):
    linked_regions = ("region_a", "region_b")
    region_a = RegionLinkColumn(order_by=("region_a__name_en",))
    region_b = RegionLinkColumn(verbose_name=_("Partner"), order_by=("region_b__name_en",))
    tie_type = ChoiceColumn()
    source_label = tables.Column()
    established = PartialDateColumn()
    status = ChoiceColumn()
    holder_stated = HolderColumn()
    detail = tables.Column(
        accessor="pk",
        verbose_name=_("Record"),
        linkify=True,
        orderable=False,
        exclude_from_export=True,
    )

    export_only = ("id",)

    class Meta(DirectoryTable.Meta):
        model = SisterTie
        sequence = (
            "id",
            "region_a",
            "region_b",
            "tie_type",
            "source_label",
            "established",
            "status",
            "holder_stated",
            "detail",
            "...",
        )

    def render_detail(self, value):
        return _("Tie %(number)s") % {"number": value}


class FirmTable(DirectoryTable):
    linked_regions = ("region",)
    name = NameColumn()
    kind = ChoiceColumn()
    country = CountryColumn()
    region = RegionLinkColumn(verbose_name=_("Region"), order_by=("region__name_en",))
    founded_year = tables.Column()
    employees = tables.Column(attrs={"td": {"class": "number"}})
    sector = tables.Column()

    export_only = ("id", *NAME_FIELDS)

    class Meta(DirectoryTable.Meta):
        model = Firm
        sequence = (
            "id",
            "name",
            "kind",
            "country",
            "region",
            "founded_year",
            "employees",
            "sector",
            "...",
        )


def office_role_text(role: str, slug: str | None, name_en: str | None) -> str:
    """A role as a download writes it: "set_up_by: jilin" (a region's slug, a firm's name)."""
    return f"{role}: {slug or name_en}"


class OfficeRoleGathering(Gathering):
    """The other roles of each office, "<role>: <region slug or firm name>" joined with " | ",
    read in one query a chunk."""

    def read(self, pks: list) -> dict:
        rows = (
            OfficeRole.objects.filter(office__in=pks)
            .order_by("office", "role", "pk")
            .values_list("office", "role", "region__slug", "firm__name_en")
        )
        roles: dict[int, list[str]] = {}
        for office, role, slug, name_en in rows:
            roles.setdefault(office, []).append(office_role_text(role, slug, name_en))
        return {office: " | ".join(texts) for office, texts in roles.items()}

    @staticmethod
    def queried(office) -> str:
        return " | ".join(
            office_role_text(
                role.role, getattr(role.region, "slug", None), role.firm and role.firm.name_en
            )
            for role in office.roles.all()
        )


class OfficeRolesColumn(tables.Column):
    """Download only: who else has a part in the office, and which."""

    def __init__(self, **kwargs):
        kwargs.setdefault("accessor", "pk")
        kwargs.setdefault("visible", False)
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("verbose_name", _("Other roles"))
        super().__init__(**kwargs)
        self.gathering = OfficeRoleGathering()

    def export_fields(self, accessor: str) -> list[str]:
        return []  # gathered

    def export_reader(self, accessor: str) -> Callable:
        return lambda record: self.gathering.of(record, OfficeRoleGathering.queried) or None


class OverseasOfficeTable(DirectoryTable):
    linked_regions = ("operator_region", "host_region")
    name = NameColumn()
    kind = ChoiceColumn()
    operator = tables.Column(
        verbose_name=_("Run by"),
        linkify=True,
        order_by=("operator_region__name_en", "operator_firm__name_en"),
    )
    host_region = RegionLinkColumn(order_by=("host_region__name_en",))
    opened = PartialDateColumn()
    status = ChoiceColumn()
    roles = OfficeRolesColumn()

    export_only = ("id", *NAME_FIELDS, "head_name")

    class Meta(DirectoryTable.Meta):
        model = OverseasOffice
        sequence = ("id", "name", "kind", "operator", "host_region", "opened", "status", "...")

    def render_operator(self, value):
        return value.name

    def value_operator(self, value):
        return getattr(value, "slug", None) or value.name_en


class MissionTable(DirectoryTable):
    region_lists = ("origin_regions", "destination_regions")
    name = NameColumn()
    kind = ChoiceColumn()
    status = ChoiceColumn()
    start = PartialDateColumn(verbose_name=_("Date"))
    origin_regions = RegionListColumn(verbose_name=_("From"))
    destination_regions = RegionListColumn(verbose_name=_("To"))
    delegation_size = tables.Column(verbose_name=_("Delegation"), attrs={"td": {"class": "number"}})

    export_only = ("id", *NAME_FIELDS)

    class Meta(DirectoryTable.Meta):
        model = Mission
        sequence = (
            "id",
            "name",
            "kind",
            "status",
            "start",
            "origin_regions",
            "destination_regions",
            "delegation_size",
            "...",
        )


class RecordLinkColumn(tables.Column):
    """A linked record (not a region): its name, linked, on the page; its id in a download,
    read from the row without building the record."""

    def __init__(self, **kwargs):
        kwargs.setdefault("linkify", True)
        super().__init__(**kwargs)

    def render(self, value):
        return value.name

    def export_fields(self, accessor: str) -> list[str]:
        return [f"{accessor}_id"]

    def export_reader(self, accessor: str) -> Callable:
        return attribute_reader(f"{accessor}_id")


class PersonTable(DirectoryTable):
    linked_regions = ("body_region",)
    name = NameColumn(order_by=("name_en", "name_ko", "name_ja", "name_zh"))
    title = tables.Column()
    body_region = RegionLinkColumn(
        verbose_name=_("Body (region)"), order_by=("body_region__name_en",)
    )
    body_firm = RecordLinkColumn(verbose_name=_("Body (firm)"), order_by=("body_firm__name_en",))
    body_text = tables.Column(verbose_name=_("Body as the source names it"))

    export_only = ("id", *NAME_FIELDS)

    class Meta(DirectoryTable.Meta):
        model = Person
        sequence = ("id", "name", "title", "body_region", "body_firm", "body_text", "...")


class ParticipationTable(DirectoryTable):
    linked_regions = ("region",)
    mission = RecordLinkColumn(verbose_name=_("Mission"), order_by=("mission__start",))
    participant = tables.Column(
        verbose_name=_("Who"),
        linkify=lambda record: record.participant and record.participant.get_absolute_url(),
        empty_values=(),  # a side counted as a whole is named by its country
        orderable=False,  # one of three links: sort by role, side or mission instead
        exclude_from_export=True,
    )
    role = ChoiceColumn(linkify=True)
    talk_title = tables.Column()
    country = CountryColumn(verbose_name=_("Side"))
    count = tables.Column(attrs={"td": {"class": "number"}})
    # In downloads: the participant by its link (one of the three).
    person = RecordLinkColumn(visible=False, orderable=False)
    region = RegionLinkColumn(visible=False, orderable=False)
    firm = RecordLinkColumn(visible=False, orderable=False)

    export_only = ("id",)

    class Meta(DirectoryTable.Meta):
        model = Participation
        sequence = (
            "id",
            "mission",
            "participant",
            "role",
            "talk_title",
            "country",
            "count",
            "person",
            "region",
            "firm",
            "...",
        )

    def render_participant(self, value, record):
        return record.participant_name


class SubjectColumn(ChoiceColumn):
    """What a figure is about: its regions, firm or countries, linked; exported as the kind's
    code, the download naming each subject field in its own column."""

    def render(self, record):
        return subject_links(record.subject_records)


class IndicatorTable(DirectoryTable):
    linked_regions = ("region", "partner_region", "operator_region")
    measure = tables.Column(linkify=True)
    subject = SubjectColumn(orderable=False)  # a kind with its own fields: filter by it instead
    # Figures of different measures, units and scales do not compare: not sorted by.
    value = tables.Column(attrs={"td": {"class": "number"}}, orderable=False)
    unit = tables.Column(orderable=False)
    currency = ChoiceColumn(orderable=False)
    scale = ChoiceColumn(orderable=False)
    period_start = tables.Column(verbose_name=_("Years"))
    qualifier = ChoiceColumn()
    # In downloads: the subject's fields, each in its own column.
    region = RegionLinkColumn(visible=False, orderable=False)
    partner_region = RegionLinkColumn(visible=False, orderable=False)
    operator_region = RegionLinkColumn(visible=False, orderable=False)
    operator_firm = RecordLinkColumn(visible=False, orderable=False)
    firm = RecordLinkColumn(visible=False, orderable=False)
    country = CountryColumn(visible=False, orderable=False)
    partner_country = CountryColumn(visible=False, orderable=False)

    # Download only, and not sorted by: each is bound to another column's value (value,
    # period_start) by the figure's rules, which a sort test's data must keep.
    value_to = tables.Column(visible=False, orderable=False)
    period_end = tables.Column(visible=False, orderable=False)

    export_only = ("id", "wording", "published_year")

    class Meta(DirectoryTable.Meta):
        model = Indicator
        sequence = (
            "id",
            "measure",
            "subject",
            "value",
            "unit",
            "currency",
            "scale",
            "period_start",
            "qualifier",
            "value_to",
            "period_end",
            *SUBJECT_FIELD_NAMES,
            "...",
        )

    # What is measured is written in English, and so is a unit's gloss ("firms", "건 (ties)").
    def render_measure(self, value):
        return format_html('<span lang="en">{}</span>', value)

    def render_unit(self, value):
        return format_html('<span lang="en">{}</span>', value)

    def render_value(self, record):
        return record.number_display

    def value_value(self, value):
        return plain_decimal(value)

    def value_value_to(self, value):
        return plain_decimal(value)

    def render_period_start(self, record):
        return record.years_display


def plain_decimal(value: Decimal) -> Decimal:
    """The value without trailing zeros nor an exponent: 379.6000 → 379.6, 100 stays 100."""
    return Decimal(format(value.normalize(), "f"))


class SourceTitleColumn(tables.Column):
    """The title in the reader's language (``Source.reader_title``), marked with the language
    it is written in; a download keeps the document's own title (``title``)."""

    def render(self, value, record):
        return format_html(
            '<span lang="{}">{}</span>', record.reader_title_language, record.reader_title
        )


class SourceTable(DirectoryTable):
    cited = False  # a source is the document cited, not a cited record
    title = SourceTitleColumn(linkify=True)
    authors = tables.Column()
    publisher = tables.Column(verbose_name=_("Publisher"))
    published = PartialDateColumn(verbose_name=_("Published"))
    kind = ChoiceColumn()
    language = ChoiceColumn()
    citation_count = tables.Column(verbose_name=_("Citations"), attrs={"td": {"class": "number"}})

    export_only = ("id", "title_en", "file_name")

    class Meta(DirectoryTable.Meta):
        model = Source
        sequence = (
            "id",
            "title",
            "authors",
            "publisher",
            "published",
            "kind",
            "language",
            "citation_count",
            "...",
        )
