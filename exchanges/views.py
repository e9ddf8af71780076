"""Public pages: lists that filter, sort, page and export, and detail pages that link.

A list view is a declaration (queryset, filterset, table); ``ObjectListView`` does the rest,
with one template for every model. Every page works without JavaScript.
"""

from urllib.parse import urlencode

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import Count, F, Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View
from django_tables2 import RequestConfig

from . import filters, tables
from .exports import EXPORT_FORMATS, export_response
from .models import Firm, Mission, OverseasOffice, Region, SisterTie, Source

PER_PAGE = 50


def region_list_prefetches():
    """Missions list their regions; fetch them in one query per relation."""
    return (
        Prefetch("origin_regions", queryset=Region.objects.order_by("name_en")),
        Prefetch("destination_regions", queryset=Region.objects.order_by("name_en")),
    )


def region_links(region) -> dict:
    """Everything linked to a region, each a queryset of constant cost (page and admin)."""
    return {
        "children": region.children.order_by("name_en"),
        "ties": SisterTie.objects.involving(region)
        .select_related("region_a", "region_b")
        .order_by(F("established").asc(nulls_last=True), "pk"),
        "offices_run": region.offices_run.select_related("host_region"),
        "offices_hosted": region.offices_hosted.select_related("operator_region", "operator_firm"),
        "firms": region.firms.order_by("name_en"),
        "sales_routes": region.sales_routes.select_related("firm").order_by(
            F("amount").desc(nulls_last=True)
        ),
        "missions_from": region.missions_from.prefetch_related(*region_list_prefetches()),
        "missions_to": region.missions_to.prefetch_related(*region_list_prefetches()),
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
        export_format = request.GET.get("export")
        bad_export = export_format is not None and export_format not in EXPORT_FORMATS
        if not filterset.is_valid() or bad_export:
            table = self.table_class(self.queryset.none(), request=request)
            return self.render(request, filterset, table, status=400, bad_export=bad_export)

        table = self.table_class(filterset.qs, request=request)
        if export_format:
            RequestConfig(request, paginate=False).configure(table)
            return export_response(table, export_format, str(self.model._meta.verbose_name_plural))
        RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
        return self.render(request, filterset, table)

    def render(self, request, filterset, table, status=200, bad_export=False):
        opts = self.model._meta
        context = {
            "title": opts.verbose_name_plural,
            "model_name": opts.model_name,
            "filterset": filterset,
            "table": table,
            "active_filters": active_filters(filterset),
            "bad_export": bad_export,
            "export_formats": EXPORT_FORMATS,
        }
        return render(request, self.template_name, context, status=status)


class RegionListView(ObjectListView):
    queryset = Region.objects.select_related("parent")
    filterset_class = filters.RegionFilterSet
    table_class = tables.RegionTable


class SisterTieListView(ObjectListView):
    queryset = SisterTie.objects.select_related("region_a", "region_b")
    filterset_class = filters.SisterTieFilterSet
    table_class = tables.SisterTieTable


class FirmListView(ObjectListView):
    queryset = Firm.objects.select_related("region")
    filterset_class = filters.FirmFilterSet
    table_class = tables.FirmTable


class OverseasOfficeListView(ObjectListView):
    queryset = OverseasOffice.objects.select_related(
        "operator_region", "operator_firm", "host_region"
    )
    filterset_class = filters.OverseasOfficeFilterSet
    table_class = tables.OverseasOfficeTable


class MissionListView(ObjectListView):
    queryset = Mission.objects.prefetch_related(*region_list_prefetches())
    filterset_class = filters.MissionFilterSet
    table_class = tables.MissionTable


class SourceListView(ObjectListView):
    queryset = Source.objects.annotate(citation_count=Count("citations")).order_by("file_name")
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
        return {"ancestors": region.ancestors(), **region_links(region)}


class SisterTieDetailView(ObjectDetailView):
    queryset = SisterTie.objects.select_related("region_a", "region_b")
    template_name = "exchanges/tie_detail.html"

    def related(self, tie):
        return {
            "exchange_areas": tie.exchange_areas.all(),
            "missions": tie.missions.prefetch_related(*region_list_prefetches()),
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
            "missions": (firm.missions_organised.all() | firm.missions_joined.all())
            .distinct()
            .prefetch_related(*region_list_prefetches()),
        }


class OverseasOfficeDetailView(ObjectDetailView):
    queryset = OverseasOffice.objects.select_related(
        "operator_region", "operator_firm", "host_region"
    )
    template_name = "exchanges/office_detail.html"

    def related(self, office):
        return {"missions": office.missions.prefetch_related(*region_list_prefetches())}


class MissionDetailView(ObjectDetailView):
    queryset = Mission.objects.select_related(
        "related_tie__region_a", "related_tie__region_b", "related_office"
    ).prefetch_related(
        *region_list_prefetches(),
        Prefetch("organisers", queryset=Firm.objects.order_by("name_en")),
        Prefetch("participating_firms", queryset=Firm.objects.order_by("name_en")),
    )
    template_name = "exchanges/mission_detail.html"


class SourceDetailView(ObjectDetailView):
    queryset = Source.objects.all()
    template_name = "exchanges/source_detail.html"

    def get_citations(self, source):
        """The citations of other records to this source, each with its record: one query
        per record type, whatever the number of citations."""
        return (
            source.citations.select_related("content_type")
            .prefetch_related(
                GenericPrefetch(
                    "record",
                    [
                        Region.objects.all(),
                        SisterTie.objects.select_related("region_a", "region_b"),
                        Firm.objects.all(),
                        OverseasOffice.objects.all(),
                        Mission.objects.all(),
                    ],
                )
            )
            .order_by("content_type__model", "object_id", "locator")
        )


def home(request):
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
    context = {
        "counts": counts,
        "pairs": pairs,
        "latest_ties": SisterTie.objects.select_related("region_a", "region_b").order_by(
            F("established").desc(nulls_last=True), "-pk"
        )[:5],
        "latest_missions": Mission.objects.prefetch_related(*region_list_prefetches()).order_by(
            F("start").desc(nulls_last=True), "-pk"
        )[:5],
    }
    return render(request, "exchanges/home.html", context)


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
    query = request.GET.get("q", "").strip()
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
    return render(request, "exchanges/search.html", {"query": query, "groups": groups})
