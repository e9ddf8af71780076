"""Public pages: lists that filter, sort, page and export, and detail pages that link.

A list view is a declaration (queryset, filterset, table); ``ObjectListView`` does the rest,
with one template for every model. Every page works without JavaScript.
"""

from dataclasses import dataclass

from django import forms
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, Value, When
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView
from django_tables2 import RequestConfig

from . import citing, filters, tables
from .caching import cached
from .exports import FORMAT_NAMES, export_formats, export_response
from .filtered_pages import FilteredPageView, active_filters
from .models import (
    Firm,
    FirmPartner,
    Indicator,
    Mission,
    OverseasOffice,
    Participation,
    Person,
    Region,
    SisterTie,
    Source,
)
from .models.querysets import CITED_SOURCES, is_cited
from .models.regions import ANCESTORS
from .models.search import normalise, search_condition_value
from .record_types import component, record_type_of, record_types, subclasses

PER_PAGE = 50
MAX_PER_PAGE = 500
# A detail page lists this many of each kind of linked record, then links to the full list.
SECTION_ROWS = 20


@dataclass
class Section:
    """The first SECTION_ROWS of a detail page's linked records, how many there are in all, and
    the list page that shows them all (with the regions within, where the list counts those)."""

    records: list
    count: int
    url: str = ""

    @property
    def more(self) -> bool:
        return self.count > len(self.records)


def section(queryset, listed_in=None, **query) -> Section:
    """The first rows of ``queryset``; ``listed_in`` is the model whose list page, filtered by
    ``query``, shows them all."""
    url = record_type_of(listed_in).list_url(**query) if listed_in else ""
    return Section(list(queryset[:SECTION_ROWS]), queryset.count(), url)


def records_linked_to(region) -> dict:
    """Everything linked to a region, a section each, of constant cost (page and admin)."""
    slug = region.slug
    return {
        "children": section(region.children.order_by("name_en", "pk"), Region, parent=slug),
        "ties": section(
            SisterTie.objects.involving(region)
            .with_regions()
            .order_by(F("established").asc(nulls_last=True), "pk"),
            SisterTie,
            region=slug,
        ),
        "offices_run": section(
            region.offices_run.select_related("host_region").order_by("name_en", "pk"),
            OverseasOffice,
            region=slug,
        ),
        "offices_hosted": section(
            region.offices_hosted.select_related("operator_region", "operator_firm").order_by(
                "name_en", "pk"
            ),
            OverseasOffice,
            host_region=slug,
        ),
        "office_roles": section(
            region.office_roles.select_related("office__host_region").order_by(
                "role", "office__name_en", "pk"
            )
        ),
        "firms": section(region.firms.order_by("name_en", "pk"), Firm, region=slug),
        "sales_routes": section(
            region.sales_routes.select_related("firm").order_by(
                F("amount").desc(nulls_last=True), "pk"
            )
        ),
        "missions_from": section(
            region.missions_from.with_regions().order_by(F("start").desc(nulls_last=True), "pk"),
            Mission,
            region=slug,
        ),
        "missions_to": section(
            region.missions_to.with_regions().order_by(F("start").desc(nulls_last=True), "pk"),
            Mission,
            region=slug,
        ),
        "people": section(
            region.people.order_by("name_en", "pk"),
            Person,
            region=slug,
            include_subregions="false",
        ),
        "participations": section(
            Participation.objects.either_of([Q(region=region), Q(person__body_region=region)])
            .with_participants()
            .order_by("mission", "pk"),
            Participation,
            region=slug,
            include_subregions="false",
        ),
        "indicators": section(
            figures_shown(Indicator.objects.about_region(region)),
            Indicator,
            region=slug,
            include_subregions="false",
        ),
    }


def figures_shown(indicators):
    """Figures as a page's table of them shows them: with their subject's records and the
    sources that state them, read in a constant number of queries, by measure and period."""
    return (
        indicators.listed()
        .prefetch_related(CITED_SOURCES)
        .order_by("measure", "period_start", "pk")
    )


class PagingForm(forms.Form):
    """Which page, and how many rows it shows: 50 unless asked, never more than MAX_PER_PAGE.
    A page past the last shows the last (a link kept from before a deletion still leads on)."""

    per_page = forms.IntegerField(
        label=_("Rows per page"), min_value=1, max_value=MAX_PER_PAGE, required=False
    )
    page = forms.IntegerField(label=_("Page"), min_value=1, required=False)


class ObjectListView(FilteredPageView):
    """Filter with the model's FilterSet, show its table 50 rows a page, or export every row.
    One view serves every record type: ``as_view(model=…)``."""

    model = None
    template_name = "exchanges/object_list.html"

    def get_queryset(self):
        return self.model.objects.listed()

    @property
    def filterset_class(self):
        return component(filters.DirectoryFilterSet, self.model)

    @property
    def table_class(self):
        return component(tables.DirectoryTable, self.model)

    def bind_filters(self, request) -> dict:
        self.paging = PagingForm(request.GET)
        self.export_format = request.GET.get("export")
        filterset = self.filterset_class(request.GET, queryset=self.get_queryset(), request=request)
        return {"records": filterset}

    def bad_export(self) -> bool:
        return self.export_format is not None and (
            self.export_format not in export_formats(self.model)
        )

    def refuses(self, request) -> bool:
        return not self.paging.is_valid() or self.bad_export()

    def refused_context(self, request, filtersets) -> dict:
        # The filters that were accepted stay listed, each with its link to drop it.
        table = self.table_class(self.model.objects.none())
        return {
            **self.page_context(table, bad_export=self.bad_export()),
            "active_filters": active_filters(filtersets["records"]),
        }

    def draw(self, request, filtersets):
        # RequestConfig below applies sorting and paging once; a table given the request
        # would do it already on creation, counting the rows twice.
        table = self.table_class(filtersets["records"].qs)
        if self.export_format:
            RequestConfig(request, paginate=False).configure(table)
            return export_response(table, self.export_format, request)
        per_page = self.paging.cleaned_data["per_page"] or PER_PAGE
        RequestConfig(request, paginate={"per_page": per_page}).configure(table)
        return self.page_context(table)

    def page_context(self, table, bad_export: bool = False) -> dict:
        opts = self.model._meta
        formats = export_formats(self.model)
        return {
            "title": opts.verbose_name_plural,
            "model_name": opts.model_name,
            "paging_form": self.paging,
            "table": table,
            "bad_export": bad_export,
            "export_formats": formats,
            "export_links": [(code, FORMAT_NAMES[code]) for code in formats],
        }


class ObjectDetailView(DetailView):
    """One record, its citations and the records it links to. A record type's page is its own
    subclass (``model`` and ``related``) where it has one, else this view; the template is
    ``exchanges/<model name>_detail.html``, else the generic ``object_detail.html``."""

    context_object_name = "record"

    def get_queryset(self):
        return self.queryset.all() if self.queryset is not None else self.model.objects.all()

    def get_template_names(self):
        return [*super().get_template_names(), "exchanges/object_detail.html"]

    def related(self, record) -> dict:
        return {}

    def get_citations(self, record):
        if not is_cited(type(record)):
            return []
        return record.citations.select_related("source").order_by("source__file_name", "locator")

    def get_context_data(self, **kwargs):
        record = self.object
        return super().get_context_data(
            opts=record._meta,
            record_type=record_type_of(type(record)),
            citations=self.get_citations(record),
            **self.related(record),
            **kwargs,
        )


def detail_view_for(model) -> type[ObjectDetailView]:
    """The record type's own detail view, or the generic one."""
    own = [view for view in subclasses(ObjectDetailView) if view.model is model]
    return own[0] if own else ObjectDetailView


class RegionDetailView(ObjectDetailView):
    model = Region
    queryset = Region.objects.select_related("parent__parent__parent", "capital")
    slug_field = "slug"

    def related(self, region):
        return {"ancestors": region.ancestors(), **records_linked_to(region)}


class SisterTieDetailView(ObjectDetailView):
    model = SisterTie
    queryset = SisterTie.objects.with_regions()

    def related(self, tie):
        return {
            "exchange_areas": tie.exchange_areas.all(),
            "missions": tie.missions.with_regions(),
            "indicators": figures_shown(Indicator.objects.about_pair(tie.region_a, tie.region_b)),
        }


class FirmDetailView(ObjectDetailView):
    model = Firm
    queryset = Firm.objects.select_related("region__parent")

    def related(self, firm):
        return {
            "sales_routes": firm.sales_routes.select_related("region")
            .prefetch_related(CITED_SOURCES)
            .order_by(F("amount").desc(nulls_last=True), "region__name_en"),
            "partnerships": sorted(
                FirmPartner.objects.involving(firm).shown(),
                key=lambda row: (row.partner_of(firm).name, row.pk),
            ),
            "offices_run": firm.offices_run.select_related("host_region"),
            "office_roles": firm.office_roles.select_related("office__host_region").order_by(
                "role", "office__name_en", "pk"
            ),
            "missions": Mission.objects.either_of(
                [Q(organisers=firm), Q(participating_firms=firm)]
            ).with_regions(),
            "indicators": figures_shown(
                Indicator.objects.either_of([Q(firm=firm), Q(operator_firm=firm)])
            ),
        }


class OverseasOfficeDetailView(ObjectDetailView):
    model = OverseasOffice
    queryset = OverseasOffice.objects.with_operator_and_host()

    def related(self, office):
        return {
            "roles": office.roles.select_related("region", "firm").order_by("role", "pk"),
            "missions": office.missions.with_regions(),
        }


class MissionDetailView(ObjectDetailView):
    model = Mission
    queryset = (
        Mission.objects.select_related(
            "related_tie__region_a", "related_tie__region_b", "related_office"
        )
        .with_regions()
        .with_organising_regions()
        .prefetch_related(
            Prefetch("organisers", queryset=Firm.objects.order_by("name_en")),
            Prefetch("participating_firms", queryset=Firm.objects.order_by("name_en")),
        )
    )

    def related(self, mission):
        return {"participations": mission.participations.with_participants().order_by("pk")}


class PersonDetailView(ObjectDetailView):
    model = Person
    queryset = Person.objects.select_related("body_region", "body_firm")

    def related(self, person):
        return {
            "participations": person.participations.with_participants().order_by(
                F("mission__start").desc(nulls_last=True), "pk"
            )
        }


class ParticipationDetailView(ObjectDetailView):
    model = Participation
    queryset = Participation.objects.with_participants()


class IndicatorDetailView(ObjectDetailView):
    model = Indicator
    queryset = Indicator.objects.select_related(
        "region", "partner_region", "operator_region", "operator_firm", "firm"
    )


class SourceDetailView(ObjectDetailView):
    model = Source

    def get_citations(self, source):
        return []  # a source is what others cite: see related()

    def related(self, source):
        """For each kind of record citing the source: how many, the first citations with their
        records, and the list of them all. A few queries per kind, whatever the numbers."""
        counts = dict(
            source.citations.values_list("content_type__model")
            .annotate(records=Count("object_id", distinct=True))
            .order_by()
        )
        cited_by = []
        for cited in record_types():
            if not counts.get(cited.name):
                continue
            citations = (
                source.citations.filter(content_type__model=cited.name)
                .select_related("content_type")
                .prefetch_related(GenericPrefetch("record", [cited.model.objects.listed()]))
                .order_by("object_id", "locator", "pk")[:SECTION_ROWS]
            )
            cited_by.append(
                {
                    "title": cited.verbose_name_plural,
                    "citations": Section(
                        list(citations), counts[cited.name], cited.list_url(source=source.pk)
                    ),
                }
            )
        return {
            "cited_by": cited_by,
            "record_count": sum(counts.values()),
            "document_citations": citing.source_citations(source),
        }


def home(request):
    context = cached("home", (), home_counts)
    # The lists' own order (newest first, undated last), which their indexes serve.
    context["latest_ties"] = SisterTie.objects.with_regions()[:5]
    context["latest_missions"] = Mission.objects.with_regions()[:5]
    return render(request, "exchanges/home.html", context)


def home_counts() -> dict:
    """The directory's size and its ties by country pair, counted over every record."""
    ties = record_type_of(SisterTie)
    pairs = [
        {
            "code": code,
            "label": label,
            "count": filters.SisterTieFilterSet(
                {"pair": code}, queryset=SisterTie.objects.all()
            ).qs.count(),
            "url": ties.list_url(pair=code),
        }
        for code, label in filters.COUNTRY_PAIRS
    ]
    counts = [
        (listed.verbose_name_plural, listed.model.objects.count(), listed.list_url())
        for listed in record_types()
    ]
    return {"counts": counts, "pairs": pairs}


SEARCH_PREVIEW = 10


def search(request):
    """Everything whose names match ``q``, a few of each type, linking to the full lists."""
    form = filters.RegionFilterSet(request.GET).form
    form.fields = {"q": form.fields["q"]}
    if not form.is_valid():
        context = {"query": request.GET.get("q", ""), "groups": [], "form": form}
        return render(request, "exchanges/search.html", context, status=400)
    query = (form.cleaned_data["q"] or "").strip()
    groups = []
    if query:
        for searched in record_types():
            filterset_class = component(filters.DirectoryFilterSet, searched.model)
            # A preview shows names and links: the lists' joins, not their prefetched links.
            shown = searched.model.objects.listed().prefetch_related(None)
            matches = filterset_class({"q": query}, queryset=shown).qs
            groups.append(
                {
                    "title": searched.verbose_name_plural,
                    "count": matches.count(),
                    "records": matches[:SEARCH_PREVIEW],
                    "url": searched.list_url(q=query),
                }
            )
    return render(
        request, "exchanges/search.html", {"query": query, "groups": groups, "form": form}
    )


SUGGESTIONS = 10
NAMES = Region.NAME_FIELDS
# A word the trigram index can find: three characters, or two CJK ones (釜山, 부산).
SUGGEST_MIN_OPERAND = 3


def region_suggest(request):
    """The regions whose names, or whose parents' names, hold every word of ``q``, at most
    SUGGESTIONS of them, as JSON: what a region box of the filter forms offers while a reader
    types (static/js/region-suggest.js). Regions named so exactly come first, then those whose
    own names hold the words, then those within them. One query, served by the index on the
    regions' search text; a query no index could serve (a single Latin letter) suggests nothing."""
    form = filters.RegionFilterSet(request.GET).form
    form.fields = {"q": form.fields["q"]}
    if not form.is_valid():
        errors = {name: list(messages) for name, messages in form.errors.items()}
        return JsonResponse(errors, status=400)
    query = (form.cleaned_data["q"] or "").strip()
    words = query.split()
    if not any(
        len(search_condition_value(normalise(word))) >= SUGGEST_MIN_OPERAND for word in words
    ):
        return JsonResponse([], safe=False)
    exact = Q(name_en__iexact=query) | Q(name_ja=query) | Q(name_zh=query) | Q(name_ko=query)
    own = Q()
    for word in words:
        own &= Q(name_en__icontains=word) | Q(
            *(Q(**{f"{name}__contains": word}) for name in NAMES[1:]), _connector=Q.OR
        )
    regions = (
        filters.RegionFilterSet({"q": query}, queryset=Region.objects.select_related(ANCESTORS))
        .qs.annotate(
            rank=Case(
                When(exact, then=Value(0)),
                When(own, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "name_en", "pk")[:SUGGESTIONS]
    )
    return JsonResponse([suggestion(region) for region in regions], safe=False)


def suggestion(region: Region) -> dict:
    """A region as the suggestions list shows it: its name in the reader's language with its
    parents', and the slug that names it alone."""
    parents = region.parent_names()
    return {
        "id": region.pk,
        "slug": region.slug,
        "label": f"{region.name} ({', '.join(parents)})" if parents else region.name,
        "name": region.name,
        "parents": parents,
        "country": str(region.country),
        "names": {name.removeprefix("name_"): getattr(region, name) for name in NAMES},
    }
