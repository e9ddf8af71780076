"""Public pages: lists that filter, sort, page and export, and detail pages that link.

A list view is a declaration (queryset, filterset, table); ``ObjectListView`` does the rest,
with one template for every model. Every page works without JavaScript.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import Count, F, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_tables2 import RequestConfig

from . import filters, tables
from .caching import cached
from .exports import export_formats, export_response
from .models import Firm, Mission, OverseasOffice, Region, SisterTie, Source

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


def section(queryset, list_name: str = "", **query) -> Section:
    url = reverse(f"exchanges:{list_name}_list") + "?" + urlencode(query) if list_name else ""
    return Section(list(queryset[:SECTION_ROWS]), queryset.count(), url)


def records_linked_to(region) -> dict:
    """Everything linked to a region, a section each, of constant cost (page and admin)."""
    slug = region.slug
    return {
        "children": section(region.children.order_by("name_en", "pk"), "region", parent=slug),
        "ties": section(
            SisterTie.objects.involving(region)
            .select_related("region_a", "region_b")
            .order_by(F("established").asc(nulls_last=True), "pk"),
            "tie",
            region=slug,
        ),
        "offices_run": section(
            region.offices_run.select_related("host_region").order_by("name_en", "pk"),
            "office",
            region=slug,
        ),
        "offices_hosted": section(
            region.offices_hosted.select_related("operator_region", "operator_firm").order_by(
                "name_en", "pk"
            ),
            "office",
            host_region=slug,
        ),
        "firms": section(region.firms.order_by("name_en", "pk"), "firm", region=slug),
        "sales_routes": section(
            region.sales_routes.select_related("firm").order_by(
                F("amount").desc(nulls_last=True), "pk"
            )
        ),
        "missions_from": section(
            region.missions_from.with_regions().order_by(F("start").desc(nulls_last=True), "pk"),
            "mission",
            region=slug,
        ),
        "missions_to": section(
            region.missions_to.with_regions().order_by(F("start").desc(nulls_last=True), "pk"),
            "mission",
            region=slug,
        ),
    }


def active_filters(filterset) -> list[dict]:
    """Each filter in use, with its label, the value as a reader reads it, and a link without it."""
    if not filterset.is_bound or not hasattr(filterset.form, "cleaned_data"):
        return []
    active = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", [], ()):
            continue
        field = filterset.form.fields[name]
        display = dict(field.choices).get(value, value) if hasattr(field, "choices") else value
        if isinstance(display, tuple):
            display = "–".join(display)
        remaining = filterset.data.copy()
        for key in (name, "page"):
            remaining.pop(key, None)
        active.append(
            {
                "name": name,
                "label": field.label,
                "value": display,
                "clear_url": "?" + remaining.urlencode() if remaining else "?",
            }
        )
    return active


class PagingForm(forms.Form):
    """Which page, and how many rows it shows: 50 unless asked, never more than MAX_PER_PAGE.
    A page past the last shows the last (a link kept from before a deletion still leads on)."""

    per_page = forms.IntegerField(
        label=_("Rows per page"), min_value=1, max_value=MAX_PER_PAGE, required=False
    )
    page = forms.IntegerField(label=_("Page"), min_value=1, required=False)


class ObjectListView(View):
    """Filter with the model's FilterSet, show its table 50 rows a page, or export every row."""

    queryset = None
    filterset_class = None
    table_class = None
    template_name = "exchanges/object_list.html"

    def get_queryset(self):
        return self.queryset.all()

    @property
    def model(self):
        return self.queryset.model

    def get(self, request):
        filterset = self.filterset_class(request.GET, queryset=self.get_queryset(), request=request)
        paging = PagingForm(request.GET)
        export_format = request.GET.get("export")
        bad_export = export_format is not None and export_format not in export_formats(self.model)
        if not (filterset.is_valid() and paging.is_valid()) or bad_export:
            table = self.table_class(self.queryset.none())
            return self.render(request, filterset, table, paging, status=400, bad_export=bad_export)

        # RequestConfig below applies sorting and paging once; a table given the request
        # would do it already on creation, counting the rows twice.
        table = self.table_class(filterset.qs)
        if export_format:
            RequestConfig(request, paginate=False).configure(table)
            return export_response(table, export_format, request)
        per_page = paging.cleaned_data["per_page"] or PER_PAGE
        RequestConfig(request, paginate={"per_page": per_page}).configure(table)
        return self.render(request, filterset, table, paging)

    def render(self, request, filterset, table, paging, status=200, bad_export=False):
        opts = self.model._meta
        context = {
            "title": opts.verbose_name_plural,
            "model_name": opts.model_name,
            "filterset": filterset,
            "paging_form": paging,
            "table": table,
            "active_filters": active_filters(filterset),
            "bad_export": bad_export,
            "export_formats": export_formats(self.model),
        }
        return render(request, self.template_name, context, status=status)


class RegionListView(ObjectListView):
    queryset = Region.objects.select_related("parent").without_long_text("parent")
    filterset_class = filters.RegionFilterSet
    table_class = tables.RegionTable


class SisterTieListView(ObjectListView):
    queryset = SisterTie.objects.select_related("region_a", "region_b").without_long_text(
        "region_a", "region_b"
    )
    filterset_class = filters.SisterTieFilterSet
    table_class = tables.SisterTieTable


class FirmListView(ObjectListView):
    queryset = Firm.objects.select_related("region").without_long_text("region")
    filterset_class = filters.FirmFilterSet
    table_class = tables.FirmTable


class OverseasOfficeListView(ObjectListView):
    queryset = OverseasOffice.objects.select_related(
        "operator_region", "operator_firm", "host_region"
    ).without_long_text("operator_region", "operator_firm", "host_region")
    filterset_class = filters.OverseasOfficeFilterSet
    table_class = tables.OverseasOfficeTable


class MissionListView(ObjectListView):
    queryset = Mission.objects.with_regions().without_long_text()
    filterset_class = filters.MissionFilterSet
    table_class = tables.MissionTable


class SourceListView(ObjectListView):
    queryset = Source.objects.with_citation_count().order_by("file_name").without_long_text()
    filterset_class = filters.SourceFilterSet
    table_class = tables.SourceTable


class ObjectDetailView(View):
    """Shows one record, its citations and the records it links to."""

    queryset = None
    lookup = "pk"
    template_name = None

    def get_object(self, key):
        return get_object_or_404(self.queryset, **{self.lookup: key})

    def related(self, record) -> dict:
        return {}

    def get_citations(self, record):
        return record.citations.select_related("source").order_by("source__file_name", "locator")

    def get(self, request, key):
        record = self.get_object(key)
        context = {
            "record": record,
            "opts": record._meta,
            "citations": self.get_citations(record),
            **self.related(record),
        }
        return render(request, self.template_name, context)


class RegionDetailView(ObjectDetailView):
    queryset = Region.objects.select_related("parent__parent__parent", "capital")
    lookup = "slug"
    template_name = "exchanges/region_detail.html"

    def related(self, region):
        return {"ancestors": region.ancestors(), **records_linked_to(region)}


class SisterTieDetailView(ObjectDetailView):
    queryset = SisterTie.objects.select_related("region_a", "region_b")
    template_name = "exchanges/tie_detail.html"

    def related(self, tie):
        return {
            "exchange_areas": tie.exchange_areas.all(),
            "missions": tie.missions.with_regions(),
        }


class FirmDetailView(ObjectDetailView):
    queryset = Firm.objects.select_related("region__parent")
    template_name = "exchanges/firm_detail.html"

    def related(self, firm):
        return {
            "sales_routes": firm.sales_routes.select_related("region").order_by(
                F("amount").desc(nulls_last=True), "region__name_en"
            ),
            "partners": firm.partners.select_related("region").order_by("name_en"),
            "offices_run": firm.offices_run.select_related("host_region"),
            "missions": Mission.objects.either_of(
                [Q(organisers=firm), Q(participating_firms=firm)]
            ).with_regions(),
        }


class OverseasOfficeDetailView(ObjectDetailView):
    queryset = OverseasOffice.objects.select_related(
        "operator_region", "operator_firm", "host_region"
    )
    template_name = "exchanges/office_detail.html"

    def related(self, office):
        return {"missions": office.missions.with_regions()}


class MissionDetailView(ObjectDetailView):
    queryset = (
        Mission.objects.select_related(
            "related_tie__region_a", "related_tie__region_b", "related_office"
        )
        .with_regions()
        .prefetch_related(
            Prefetch("organisers", queryset=Firm.objects.order_by("name_en")),
            Prefetch("participating_firms", queryset=Firm.objects.order_by("name_en")),
        )
    )
    template_name = "exchanges/mission_detail.html"


class SourceDetailView(ObjectDetailView):
    queryset = Source.objects.all()
    template_name = "exchanges/source_detail.html"

    # The kinds of record a source can be cited by, with the list page of each.
    CITED = [
        (Region, "region", Region.objects.all()),
        (SisterTie, "tie", SisterTie.objects.select_related("region_a", "region_b")),
        (Firm, "firm", Firm.objects.all()),
        (OverseasOffice, "office", OverseasOffice.objects.all()),
        (Mission, "mission", Mission.objects.all()),
    ]

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
        for model, name, records in self.CITED:
            if not counts.get(model._meta.model_name):
                continue
            citations = (
                source.citations.filter(content_type__model=model._meta.model_name)
                .select_related("content_type")
                .prefetch_related(GenericPrefetch("record", [records]))
                .order_by("object_id", "locator", "pk")[:SECTION_ROWS]
            )
            cited_by.append(
                {
                    "title": model._meta.verbose_name_plural,
                    "citations": Section(
                        list(citations),
                        counts[model._meta.model_name],
                        reverse(f"exchanges:{name}_list") + f"?source={source.pk}",
                    ),
                }
            )
        return {"cited_by": cited_by, "record_count": sum(counts.values())}


def home(request):
    context = cached("home", (), home_counts)
    # The lists' own order (newest first, undated last), which their indexes serve.
    context["latest_ties"] = SisterTie.objects.select_related("region_a", "region_b")[:5]
    context["latest_missions"] = Mission.objects.with_regions()[:5]
    return render(request, "exchanges/home.html", context)


def home_counts() -> dict:
    """The directory's size and its ties by country pair, counted over every record."""
    tie_filters = filters.SisterTieFilterSet
    pairs = [
        {
            "code": code,
            "label": label,
            "count": tie_filters({"pair": code}, queryset=SisterTie.objects.all()).qs.count(),
            "url": reverse("exchanges:tie_list") + f"?pair={code}",
        }
        for code, label in filters.COUNTRY_PAIRS
    ]
    counts = [
        (model._meta.verbose_name_plural, model.objects.count(), reverse(f"exchanges:{name}_list"))
        for model, name in LIST_PAGES
    ]
    return {"counts": counts, "pairs": pairs}


LIST_PAGES = [
    (Region, "region"),
    (SisterTie, "tie"),
    (Firm, "firm"),
    (OverseasOffice, "office"),
    (Mission, "mission"),
    (Source, "source"),
]
SEARCHED = [
    (filters.RegionFilterSet, RegionListView.queryset, "region"),
    (filters.SisterTieFilterSet, SisterTieListView.queryset, "tie"),
    (filters.FirmFilterSet, FirmListView.queryset, "firm"),
    (filters.OverseasOfficeFilterSet, OverseasOfficeListView.queryset, "office"),
    (filters.MissionFilterSet, Mission.objects.all(), "mission"),
    (filters.SourceFilterSet, Source.objects.all(), "source"),
]
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
        for filterset_class, queryset, name in SEARCHED:
            matches = filterset_class({"q": query}, queryset=queryset).qs
            groups.append(
                {
                    "title": queryset.model._meta.verbose_name_plural,
                    "count": matches.count(),
                    "records": matches[:SEARCH_PREVIEW],
                    "url": reverse(f"exchanges:{name}_list") + "?" + urlencode({"q": query}),
                }
            )
    return render(
        request, "exchanges/search.html", {"query": query, "groups": groups, "form": form}
    )
