"""Pages that picture the directory as a whole: statistics, a map and a network of ties.

Each takes the lists' own filters, so "only Japan–Korea" means the same rows on a chart as in
the ties list, and each picture has its numbers beside it as a table.
"""

from django.http import Http404
from django.shortcuts import render

from . import filters, network, stats, tie_map
from .exports import csv_bytes, download
from .models import OverseasOffice, Region
from .views import SisterTieListView, active_filters


def show_shared_filters_only(filterset):
    """Drop from the FilterSet's form the filters that not every chart understands."""
    for name in list(filterset.form.fields):
        if name not in stats.SHARED_FILTERS:
            del filterset.form.fields[name]
    return filterset


def statistics(request):
    filtersets = stats.filtersets(request.GET)
    ties_filterset = filtersets["ties"]
    valid = all(filterset.is_valid() for filterset in filtersets.values())
    context = {
        "filterset": show_shared_filters_only(ties_filterset),
        "active_filters": active_filters(ties_filterset) if valid else [],
        "statistics": stats.compute(filtersets, request.GET) if valid else [],
        "filter_query": request.GET.urlencode(),
    }
    return render(request, "exchanges/stats.html", context, status=200 if valid else 400)


def statistic_csv(request, slug: str):
    if slug not in stats.STATISTICS:
        raise Http404
    filtersets = stats.filtersets(request.GET)
    if not all(filterset.is_valid() for filterset in filtersets.values()):
        return statistics(request)  # the page, with its messages naming the fields
    (statistic,) = stats.compute(filtersets, request.GET, only=slug)
    return download(csv_bytes(*statistic.csv_records()), "text/csv; charset=utf-8", f"{slug}.csv")


def tie_filterset(request):
    """The ties list's FilterSet: the map and the network take every filter the list takes."""
    return filters.SisterTieFilterSet(
        request.GET, queryset=SisterTieListView.queryset.order_by("pk"), request=request
    )


def network_view(request):
    filterset = tie_filterset(request)
    valid = filterset.is_valid()
    context = {
        "filterset": filterset,
        "active_filters": active_filters(filterset) if valid else [],
        "network": network.build(list(filterset.qs)) if valid else None,
    }
    return render(request, "exchanges/network.html", context, status=200 if valid else 400)


def map_view(request):
    ties_filterset = tie_filterset(request)
    offices_filterset = filters.OverseasOfficeFilterSet(
        stats.shared_filter_data(request.GET),
        queryset=OverseasOffice.objects.select_related(
            "host_region", "operator_region", "operator_firm"
        ).order_by("pk"),
    )
    valid = ties_filterset.is_valid() and offices_filterset.is_valid()
    context = {"filterset": ties_filterset, "active_filters": [], "map": None}
    if valid:
        context["active_filters"] = active_filters(ties_filterset)
        # Unfiltered, the map shows every region it can place; filtered, only those taking part.
        others = [] if context["active_filters"] else Region.objects.exclude(latitude=None)
        context["map"] = tie_map.build(list(ties_filterset.qs), list(offices_filterset.qs), others)
    return render(request, "exchanges/map.html", context, status=200 if valid else 400)
