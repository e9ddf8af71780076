"""Pages that picture the directory as a whole: statistics, a map and a network of ties.

Each takes the lists' own filters, so "only Japan–Korea" means the same rows on a chart as in
the ties list, and each picture has its numbers beside it as a table.
"""

from django.http import Http404
from django.urls import reverse

from .. import filters
from ..caching import cached
from ..exports import csv_bytes, download
from ..filtered_pages import FilteredPageView, active_filters
from ..models import OverseasOffice, Region, SisterTie
from . import network, stats, tie_map


def filter_key(data) -> tuple:
    """The query string as a cache key part, the same whatever the order of its parameters."""
    return tuple(sorted((name, tuple(values)) for name, values in data.lists()))


def show_shared_filters_only(filterset):
    """Drop from the FilterSet's form the filters the statistics do not follow."""
    for name in list(filterset.form.fields):
        if name not in stats.SHARED_FILTERS + stats.TIE_FILTERS:
            del filterset.form.fields[name]
    return filterset


class StatisticsView(FilteredPageView):
    """Counts of the ties, offices and missions the shared filters select, each a chart and a
    table with a CSV download."""

    template_name = "exchanges/stats.html"

    def bind_filters(self, request) -> dict:
        return stats.filtersets(request.GET)  # the ties' first: their form is the page's

    def shown_filterset(self, filtersets):
        return show_shared_filters_only(filtersets["ties"])

    def draw(self, request, filtersets):
        shared = filter_key(stats.tie_filter_data(request.GET))
        return {
            "statistics": cached("stats", shared, lambda: stats.compute(filtersets, request.GET)),
            "filter_query": request.GET.urlencode(),
        }

    def refused_context(self, request, filtersets) -> dict:
        return {"statistics": [], "filter_query": request.GET.urlencode()}


class StatisticCsvView(StatisticsView):
    """One statistic's table as CSV; refused filters answer with the statistics page."""

    def get(self, request, slug: str):
        if slug not in stats.STATISTICS:
            raise Http404
        self.slug = slug
        return super().get(request)

    def draw(self, request, filtersets):
        slug = self.slug
        (statistic,) = cached(
            f"stats-{slug}",
            filter_key(stats.tie_filter_data(request.GET)),
            lambda: stats.compute(filtersets, request.GET, only=slug),
        )
        return download(
            csv_bytes(*statistic.csv_records()), "text/csv; charset=utf-8", f"{slug}.csv"
        )


def year_range() -> dict | None:
    """The first and last establishment year of the directory's ties, the ends of the year
    slider on the map and the network (cached like the pictures)."""
    span = cached("tie-years", (), lambda: SisterTie.objects.established_years())
    return {"first": span[0], "last": span[1]} if span else None


def tie_filterset(request):
    """The ties list's FilterSet: the map and the network take every filter the list takes."""
    return filters.SisterTieFilterSet(
        request.GET, queryset=SisterTie.objects.listed().order_by("pk"), request=request
    )


class NetworkView(FilteredPageView):
    """The regions the filtered ties link, as a graph."""

    template_name = "exchanges/network.html"

    def bind_filters(self, request) -> dict:
        return {"ties": tie_filterset(request)}

    def draw(self, request, filtersets):
        ties = filtersets["ties"]
        graph = cached("network", filter_key(request.GET), lambda: draw_network(ties))
        link_list_urls([edge for edge in graph.edges if edge.tie is None], request.GET)
        return {"network": graph, "list_query": list_query(request.GET), "year_range": year_range()}

    def refused_context(self, request, filtersets) -> dict:
        return {"network": None, "year_range": year_range()}


def draw_network(filterset) -> network.Network:
    """Each tie when there are few, else the links between first-level regions."""
    ties = filterset.qs
    total = ties.count()
    if total <= network.NETWORK_TIES:
        return network.build(list(ties))
    pairs = ties.between_top_regions()
    return network.build_between_top_regions(pairs, total, regions_named_in(pairs))


def regions_named_in(pairs, *more) -> dict:
    ids = {pk for pair in pairs for pk in pair} | {pk for counts in more for pk in counts}
    return Region.objects.in_bulk(ids)


class MapView(FilteredPageView):
    """The filtered ties as lines between regions, and the offices where they stand."""

    template_name = "exchanges/map.html"

    def bind_filters(self, request) -> dict:
        offices = filters.OverseasOfficeFilterSet(
            stats.shared_filter_data(request.GET),
            queryset=OverseasOffice.objects.with_operator_and_host().order_by("pk"),
        )
        return {"ties": tie_filterset(request), "offices": offices}

    def draw(self, request, filtersets):
        ties, offices = filtersets["ties"], filtersets["offices"]
        filtered = bool(active_filters(ties))
        the_map = cached("map", filter_key(request.GET), lambda: draw_map(ties, offices, filtered))
        link_list_urls(the_map.links, request.GET)
        return {
            "map": the_map,
            "list_query": list_query(request.GET),
            "office_query": stats.shared_filter_data(request.GET).urlencode(),
            "year_range": year_range(),
        }

    def refused_context(self, request, filtersets) -> dict:
        return {"map": None, "year_range": year_range()}


def list_query(data, **replace) -> str:
    """The query string of the ties list with these filters (not the page), changed by
    ``replace``."""
    query = data.copy()
    for name in ("page", *replace):
        query.pop(name, None)
    for name, value in replace.items():
        query[name] = value
    return query.urlencode()


def link_list_urls(links, data) -> None:
    """Each line between two first-level regions (``link.ends``) opens the list of its ties."""
    base = reverse("exchanges:sistertie-list")
    for link in links:
        first, second = (region.slug for region in link.ends)
        link.url = f"{base}?{list_query(data, region=first, partner=second)}"


def draw_map(ties_filterset, offices_filterset, filtered: bool) -> tie_map.TieMap:
    """Each tie and office when there are few, else gathered on first-level regions; with no
    filter, the other regions the map can place as dots, while there are not too many."""
    ties, offices = ties_filterset.qs, offices_filterset.qs
    tie_total, office_total = ties.count(), offices.count()
    drawing: dict = {}
    if tie_total <= tie_map.MAP_TIES:
        drawing["ties"] = list(ties)
    else:
        drawing["pairs"] = ties.between_top_regions()
        drawing["tie_total"] = tie_total
    if office_total <= tie_map.MAP_OFFICES:
        drawing["offices"] = list(offices)
    else:
        drawing["office_counts"] = offices.by_top_host_region()
    others = Region.objects.exclude(latitude=None)
    if not filtered and others.count() <= tie_map.OTHER_REGIONS:
        drawing["other_regions"] = list(others)
    drawing["top_regions"] = regions_named_in(
        drawing.get("pairs", {}), drawing.get("office_counts", {})
    )
    return tie_map.build(**drawing)
