"""The Django admin where chamber-of-commerce and prefectural staff keep the directory.

Every record admin shares ``DirectoryAdmin``: spreadsheet import/export with a preview
(``admin_imports.py``), a change history with the fields that changed (``admin_history.py``),
the record's citations inline, lists of linked records (``admin_links.py``), and saves that
never undo a colleague's change or answer a 500 (``admin_guards.py``). A partial date is one
text box that takes what staff write (1996年7月, July 1996, 平成8年7月): the model field's own
form field, in every form.
"""

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import filters
from .admin_guards import GuardedAdmin
from .admin_history import HistoryAdmin
from .admin_imports import ImportExportModelAdmin
from .admin_links import LinkFieldsAdminMixin
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
from .models.base import MultilingualNames
from .models.indicators import SUBJECT_FIELD_NAMES
from .models.regions import ANCESTORS
from .views import records_linked_to

NAME_FIELDS = MultilingualNames.NAME_FIELDS


def name_search(prefix: str = "") -> tuple[str, ...]:
    """Search lookups over all four name columns, optionally through a relation."""
    return tuple(f"{prefix}__{field}" if prefix else field for field in NAME_FIELDS)


def searched_columns(model) -> tuple[str, ...]:
    """The columns the directory's search (``q``) looks in for ``model``: the record's own and
    those of the related records its FilterSet also searches. The admin searches with ``q``
    (``DirectoryAdmin.get_search_results``); this declares the search box from the same
    source."""

    def own(target) -> tuple[str, ...]:
        return target._meta.get_field("search_text").source_fields

    related = filters.filterset_of(model).related_search
    return (
        *own(model),
        *(f"{relation}__{name}" for relation, target in related for name in own(target)),
    )


class CitationInline(GenericTabularInline):
    model = Citation
    extra = 0
    min_num = 0
    autocomplete_fields = ["source"]
    fields = ["source", "locator", "quote"]
    verbose_name_plural = _("citations: where each fact is stated")


class ParticipationInline(admin.TabularInline):
    """Who took part in a mission, and how: edited on the mission and on the person."""

    model = Participation
    extra = 0
    autocomplete_fields = ["mission", "person", "region", "firm"]
    fields = ["mission", "person", "region", "firm", "role", "talk_title", "country", "count"]
    verbose_name_plural = _("participation: who took part, and how")


class DirectoryAdmin(GuardedAdmin, LinkFieldsAdminMixin, ImportExportModelAdmin, HistoryAdmin):
    """Import/export, history and citations for every directory record."""

    inlines = [CitationInline]
    readonly_fields = ("created", "updated")
    list_per_page = 50

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        # The search box (and the autocompletes of other admins) declares what q searches.
        self.search_fields = searched_columns(model)

    def get_queryset(self, request):
        return super().get_queryset(request).with_citation_count()

    def get_search_results(self, request, queryset, search_term):
        """The directory's own search, as on the lists and in the API (``q``): each word in
        any script, served by the search indexes. Django's own search compares every column of
        ``search_fields`` across joins, which no index serves once the directory is full; the
        fields stay declared for the search box. Autocompletes search this way too."""
        filterset_class = filters.filterset_of(self.model)
        if filterset_class is None or not search_term.strip():
            return super().get_search_results(request, queryset, search_term)
        filterset = filterset_class({"q": search_term}, queryset=queryset)
        if not filterset.is_valid():
            return queryset.none(), False
        return filterset.qs, False

    @admin.display(description=_("citations"), ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count


@admin.register(Source)
class SourceAdmin(GuardedAdmin, ImportExportModelAdmin, HistoryAdmin):
    list_display = (
        "reader_title",
        "authors",
        "publisher",
        "published_display",
        "language",
        "file_name",
    )
    list_filter = ("language",)
    search_fields = searched_columns(Source)
    date_hierarchy = "published"

    @admin.display(description=_("title"), ordering="title")
    def reader_title(self, obj):
        return format_html('<span lang="{}">{}</span>', obj.reader_title_language, obj.reader_title)

    @admin.display(description=_("publication date"), ordering="published")
    def published_display(self, obj):
        return obj.published_display


@admin.register(Citation)
class CitationAdmin(GuardedAdmin, ImportExportModelAdmin, HistoryAdmin):
    list_display = ("source", "locator", "content_type", "object_id", "record")
    list_filter = ("source", "content_type")
    list_select_related = ("source", "content_type")
    search_fields = ("locator", "quote", "source__title", "source__title_en")
    autocomplete_fields = ["source"]


@admin.register(Region)
class RegionAdmin(DirectoryAdmin):
    list_display = (
        *NAME_FIELDS,
        "country",
        "level",
        "parent",
        "population",
        "population_year",
        "national_code",
        "citation_count",
    )
    list_filter = ("country", "level", "origin")
    list_select_related = ("parent",)
    # Where the record came from is history: a region staff add is theirs ("staff").
    readonly_fields = ("origin", "created", "updated")
    autocomplete_fields = ["parent", "capital"]
    prepopulated_fields = {"slug": ("name_en",)}
    fieldsets = (
        (None, {"fields": ("slug", "country", "level", "parent", "capital", "origin")}),
        (_("Codes"), {"fields": ("iso_3166_2", "national_code")}),
        (_("Names"), {"fields": (*NAME_FIELDS, "other_names")}),
        (_("Figures"), {"fields": ("population", "population_year")}),
        (_("Location"), {"fields": ("latitude", "longitude", "coordinates_basis", "wikidata_id")}),
        (_("Notes"), {"fields": ("notes", "created", "updated")}),
    )

    def autocomplete_queryset(self, queryset):
        return queryset.select_related(ANCESTORS)

    def autocomplete_label(self, region) -> str:
        """The name with the parents' names: which 서구 is meant."""
        parents = ", ".join(region.parent_names())
        return f"{region} — {parents}" if parents else str(region)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Show what links to the region: its ties both ways, offices, child regions, firms."""
        extra_context = extra_context or {}
        region = self.get_object(request, object_id)
        if region is not None:
            extra_context["linked"] = records_linked_to(region)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(ExchangeArea)
class ExchangeAreaAdmin(GuardedAdmin, ImportExportModelAdmin, HistoryAdmin):
    list_display = ("slug", *NAME_FIELDS)
    search_fields = ("slug", *name_search())
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(SisterTie)
class SisterTieAdmin(DirectoryAdmin):
    list_display = (
        "__str__",
        "tie_type",
        "source_label",
        "established_display",
        "status",
        "holder_stated",
        "citation_count",
    )
    list_filter = (
        "tie_type",
        "status",
        "holder_stated",
        "region_a__country",
        "region_b__country",
    )
    list_select_related = ("region_a", "region_b")
    autocomplete_fields = ["region_a", "region_b", "exchange_areas"]
    date_hierarchy = "established"
    fieldsets = (
        (
            None,
            {"fields": ("region_a", "region_b", "holder_stated", "tie_type", "source_label")},
        ),
        (
            _("Dates and status"),
            {
                "fields": (
                    "established",
                    "ended",
                    "status",
                    "end_reason",
                )
            },
        ),
        (_("Content"), {"fields": ("exchange_areas", "description")}),
        (_("Notes"), {"fields": ("notes", "created", "updated")}),
    )

    @admin.display(description=_("established"), ordering="established")
    def established_display(self, obj):
        return obj.established_display


class SalesRouteInline(admin.TabularInline):
    model = SalesRoute
    extra = 0
    show_change_link = True  # the route's own page holds its citations
    autocomplete_fields = ["region"]
    fields = ("region", "amount", "currency", "unit", "year", "note")


class PartnershipInline(admin.TabularInline):
    """A firm's partnerships, stored once: those naming it first, and those naming it second.
    Each partnership's own page holds its citations."""

    model = FirmPartner
    fk_name = "from_firm"
    extra = 0
    show_change_link = True
    autocomplete_fields = ["to_firm"]
    fields = ["to_firm", "kind", "start", "end", "note"]
    verbose_name_plural = _("partnerships naming this firm first (as agent or buyer)")


class PartnershipOfInline(PartnershipInline):
    fk_name = "to_firm"
    autocomplete_fields = ["from_firm"]
    fields = ["from_firm", "kind", "start", "end", "note"]
    verbose_name_plural = _("partnerships naming this firm second")


@admin.register(Firm)
class FirmAdmin(DirectoryAdmin):
    inlines = [SalesRouteInline, PartnershipInline, PartnershipOfInline, CitationInline]
    list_display = (
        *NAME_FIELDS,
        "kind",
        "country",
        "region",
        "founded_year",
        "employees",
        "citation_count",
    )
    list_filter = ("kind", "country")
    list_select_related = ("region",)
    autocomplete_fields = ["region"]
    fieldsets = (
        (None, {"fields": ("kind", "country", "region", "founded_year")}),
        (_("Names"), {"fields": NAME_FIELDS}),
        (
            _("Business"),
            {
                "fields": (
                    "sector",
                    "goods",
                    ("employees", "employees_year"),
                    "import_sources",
                    "key_people",
                    "description",
                )
            },
        ),
        (
            _("Registered capital"),
            {
                "fields": (
                    ("registered_capital", "capital_currency", "capital_unit", "capital_year"),
                )
            },
        ),
        (
            _("Annual sales"),
            {"fields": (("annual_sales", "sales_currency", "sales_unit", "sales_year"),)},
        ),
        (_("Notes"), {"fields": ("notes", "created", "updated")}),
    )


@admin.register(SalesRoute)
class SalesRouteAdmin(GuardedAdmin, ImportExportModelAdmin, HistoryAdmin):
    list_display = ("firm", "region", "amount", "currency", "unit", "year")
    list_select_related = ("firm", "region")
    list_filter = ("currency", "region__country")
    search_fields = (*name_search("firm"), *name_search("region"))
    autocomplete_fields = ["firm", "region"]
    inlines = [CitationInline]


@admin.register(FirmPartner)
class FirmPartnerAdmin(GuardedAdmin, ImportExportModelAdmin, HistoryAdmin):
    list_display = ("from_firm", "kind", "to_firm", "start_display", "end_display")
    list_select_related = ("from_firm", "to_firm")
    list_filter = ("kind",)
    search_fields = (*name_search("from_firm"), *name_search("to_firm"))
    autocomplete_fields = ["from_firm", "to_firm"]
    fields = ["from_firm", "kind", "to_firm", "start", "end", "note"]
    inlines = [CitationInline]

    @admin.display(description=_("since"), ordering="start")
    def start_display(self, obj):
        return obj.start_display

    @admin.display(description=_("until"), ordering="end")
    def end_display(self, obj):
        return obj.end_display


class OfficeRoleInline(admin.TabularInline):
    """Who else has a part in the office: set it up, co-operates it, hosts it."""

    model = OfficeRole
    extra = 0
    autocomplete_fields = ["region", "firm"]
    fields = ["region", "firm", "role"]
    verbose_name_plural = _("other roles: who set it up, co-operates or hosts it")


@admin.register(OverseasOffice)
class OverseasOfficeAdmin(DirectoryAdmin):
    inlines = [OfficeRoleInline, CitationInline]
    list_display = (
        "name_en",
        "kind",
        "status",
        "operator_region",
        "operator_firm",
        "host_region",
        "opened_display",
        "head_name",
        "citation_count",
    )
    list_filter = ("kind", "status", "host_region__country", "operator_region__country")
    list_select_related = ("operator_region", "operator_firm", "host_region")
    autocomplete_fields = ["operator_region", "operator_firm", "host_region"]
    date_hierarchy = "opened"
    fieldsets = (
        (None, {"fields": ("kind", "status", "operator_region", "operator_firm", "host_region")}),
        (_("Names"), {"fields": NAME_FIELDS}),
        (_("Dates"), {"fields": ("opened", "closed")}),
        (_("People and work"), {"fields": ("head_name", "head_title", "functions")}),
        (_("Notes"), {"fields": ("notes", "created", "updated")}),
    )

    @admin.display(description=_("opened"), ordering="opened")
    def opened_display(self, obj):
        return obj.opened_display


@admin.register(Mission)
class MissionAdmin(DirectoryAdmin):
    list_display = (
        "name_en",
        "kind",
        "status",
        "start_display",
        "origins",
        "destinations",
        "delegation_size",
        "citation_count",
    )
    inlines = [CitationInline, ParticipationInline]
    list_filter = ("kind", "status", "origin_regions__country", "destination_regions__country")
    autocomplete_fields = [
        "organisers",
        "origin_regions",
        "destination_regions",
        "participating_firms",
        "related_tie",
        "related_office",
    ]
    date_hierarchy = "start"
    fieldsets = (
        (None, {"fields": ("kind", "origin_regions", "destination_regions")}),
        (_("Names"), {"fields": NAME_FIELDS}),
        (
            _("When and where"),
            {
                "fields": (
                    "status",
                    "status_reported",
                    "start",
                    "end",
                    "venue",
                )
            },
        ),
        (
            _("People"),
            {
                "fields": (
                    "organisers",
                    "leader",
                    "delegation_size",
                    "participating_firms",
                )
            },
        ),
        (
            _("Purpose and outcome"),
            {
                "fields": (
                    "purpose",
                    "outcome",
                    ("outcome_value", "outcome_currency"),
                )
            },
        ),
        (_("Related records"), {"fields": ("related_tie", "related_office")}),
        (_("Notes"), {"fields": ("notes", "created", "updated")}),
    )

    def get_queryset(self, request):
        return (
            super().get_queryset(request).prefetch_related("origin_regions", "destination_regions")
        )

    @admin.display(description=_("from"))
    def origins(self, obj):
        return ", ".join(region.name_en for region in obj.origin_regions.all())

    @admin.display(description=_("to"))
    def destinations(self, obj):
        return ", ".join(region.name_en for region in obj.destination_regions.all())

    @admin.display(description=_("start"), ordering="start")
    def start_display(self, obj):
        return obj.start_display


@admin.register(Person)
class PersonAdmin(DirectoryAdmin):
    inlines = [CitationInline, ParticipationInline]
    list_display = ("__str__", "title", "body_region", "body_firm", "body_text", "citation_count")
    list_select_related = ("body_region", "body_firm")
    autocomplete_fields = ["body_region", "body_firm"]
    fieldsets = (
        (_("Names"), {"fields": NAME_FIELDS}),
        (_("Title and body"), {"fields": ("title", "body_region", "body_firm", "body_text")}),
        (_("Notes"), {"fields": ("notes", "created", "updated")}),
    )


@admin.register(Participation)
class ParticipationAdmin(DirectoryAdmin):
    list_display = (
        "mission",
        "person",
        "region",
        "firm",
        "role",
        "talk_title",
        "country",
        "count",
        "citation_count",
    )
    list_select_related = ("mission", "person", "region", "firm")
    list_filter = ("role", "country")
    autocomplete_fields = ["mission", "person", "region", "firm"]
    fieldsets = (
        (None, {"fields": ("mission", "person", "region", "firm", "role")}),
        (_("Talk and side"), {"fields": ("talk_title", "country", "count")}),
        (_("Notes"), {"fields": ("notes", "created", "updated")}),
    )


@admin.register(Indicator)
class IndicatorAdmin(DirectoryAdmin):
    list_display = (
        "measure",
        "subject_display",
        "value_display",
        "years_display",
        "qualifier",
        "published_year",
        "citation_count",
    )
    list_select_related = ("region", "partner_region", "operator_region", "operator_firm", "firm")
    list_filter = ("subject", "qualifier", "currency", "scale", "country", "published_year")
    autocomplete_fields = ["region", "partner_region", "operator_region", "operator_firm", "firm"]
    fieldsets = (
        (None, {"fields": ("measure", "wording")}),
        (
            _("Subject"),
            {"fields": ("subject", *SUBJECT_FIELD_NAMES)},
        ),
        (
            _("Figure"),
            {"fields": (("value", "value_to"), "unit", "currency", "scale", "qualifier")},
        ),
        (_("Years"), {"fields": ("period_start", "period_end", "published_year")}),
        (_("Notes"), {"fields": ("notes", "created", "updated")}),
    )

    @admin.display(description=_("subject"), ordering="subject")
    def subject_display(self, obj):
        return " – ".join(str(getattr(item, "name", item)) for item in obj.subject_records)

    @admin.display(description=_("value"), ordering="value")
    def value_display(self, obj):
        return obj.value_display

    @admin.display(description=_("years"), ordering="period_start")
    def years_display(self, obj):
        return obj.years_display
