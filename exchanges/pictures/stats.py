"""The numbers behind /stats/: seven counts over the same filtered rows the lists show.

Each statistic is a small table (rows of categories, columns of series) that is drawn as a bar
chart, shown as an accessible table and downloaded as CSV, so the picture, the table and the
file can never disagree. Every count goes through the lists' own FilterSets.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries

from .. import filters
from ..models import (
    ExchangeArea,
    Mission,
    MissionKind,
    MissionStatus,
    OfficeStatus,
    OverseasOffice,
    Region,
    SisterTie,
)
from ..models.ties import SisterTieExchangeArea, TieStatus, TieType
from ..record_types import record_type_of
from . import charts

# The query parameters every picture understands: each is a filter of the ties, offices and
# missions lists alike, with the same meaning.
SHARED_FILTERS = ("pair", "country", "region", "include_subregions")
# Filters of the ties alone, which the statistics of ties follow too; each may be given several
# times (area=culture&area=economy).
TIE_FILTERS = ("decade", "area")
TOP_REGIONS = 10

PAIR_SERIES = [*filters.COUNTRY_PAIRS, ("other", _("Other pairs"))]


@dataclass
class Row:
    key: str
    label: str
    values: list[int]
    url: str = ""

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass
class Statistic:
    slug: str
    title: str
    description: str
    category_label: str
    series: list[tuple[str, str]]
    rows: list[Row]
    orientation: str = "bars"
    note: str = ""

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)

    @property
    def chart(self) -> charts.BarChart:
        categories = [(row.key, row.label) for row in self.rows]
        values = {
            (row.key, key): value
            for row in self.rows
            for (key, _label), value in zip(self.series, row.values, strict=True)
        }
        draw = charts.stacked_columns if self.orientation == "columns" else charts.stacked_bars
        return draw(categories, self.series, values)

    def csv_records(self) -> tuple[list[str], list[list]]:
        """Stable codes, not translated labels, as in the lists' downloads."""
        header = ["category", *(key for key, _label in self.series), "total"]
        return header, [[row.key, *row.values, row.total] for row in self.rows]


def shared_filter_data(data, names=SHARED_FILTERS) -> QueryDict:
    """The shared filters (or these ``names``) from a query string, the values as given."""
    shared = QueryDict(mutable=True)
    for name in names:
        values = [value for value in data.getlist(name) if value]
        if values:
            shared.setlist(name, values)
    return shared


def tie_filter_data(data) -> QueryDict:
    """The filters the statistics of ties follow: the shared ones and the ties' own."""
    return shared_filter_data(data, SHARED_FILTERS + TIE_FILTERS)


def list_url(model, data, **extra) -> str:
    """The list page of ``model``'s records under the filters its statistics follow, narrowed
    by ``extra`` (which replaces a filter of the same name)."""
    query = tie_filter_data(data) if model is SisterTie else shared_filter_data(data)
    for name, value in extra.items():
        query.setlist(name, [value])
    url = record_type_of(model).list_url()
    return f"{url}?{query.urlencode()}" if query else url


def period_range(periods, step: int = 1) -> list[int]:
    """Every year (or decade) from the first to the last, gaps included: a pause is a fact worth
    seeing."""
    periods = [period for period in periods if period is not None]
    return list(range(min(periods), max(periods) + 1, step)) if periods else []


def ties_per_pair_and_year(ties) -> Counter:
    """How many ties each country pair established each year (None when the year is unknown)."""
    counts: Counter = Counter()
    grouped = ties.values_list("established__year", "country_a", "country_b").annotate(
        n=Count("pk")
    )
    for year, first, second, n in grouped.order_by():
        counts[year, filters.pair_of(first, second)] += n
    return counts


def ties_per_year(ties, data) -> Statistic:
    rows, undated = rows_per_period(
        ties_per_pair_and_year(ties),
        [key for key, _label in PAIR_SERIES],
        lambda year: list_url(SisterTie, data, established_from=year, established_to=year),
    )
    return Statistic(
        slug="ties-per-year",
        title=_("Ties established per year"),
        description=_("Ties by the year they were established, stacked by country pair."),
        category_label=_("Year"),
        series=PAIR_SERIES,
        rows=rows,
        orientation="columns",
        note=undated_note(undated),
    )


def ties_per_decade(ties, data) -> Statistic:
    counts: Counter = Counter()
    for (year, pair), n in ties_per_pair_and_year(ties).items():
        counts[None if year is None else year // 10 * 10, pair] += n
    rows, undated = rows_per_period(
        counts,
        [key for key, _label in PAIR_SERIES],
        lambda decade: list_url(SisterTie, data, decade=decade),
        step=10,
        label=filters.decade_label,
    )
    return Statistic(
        slug="ties-per-decade",
        title=_("Ties established per decade"),
        description=_("Ties by the decade they were established, stacked by country pair."),
        category_label=_("Decade"),
        series=PAIR_SERIES,
        rows=rows,
        orientation="columns",
        note=undated_note(undated),
    )


def ties_per_exchange_area(ties, data) -> Statistic:
    counts: Counter = Counter()
    links = SisterTieExchangeArea.objects.filter(sistertie__in=ties.order_by().values("pk"))
    grouped = links.values_list(
        "exchangearea_id", "sistertie__country_a", "sistertie__country_b"
    ).annotate(n=Count("sistertie_id"))
    for area, first, second, n in grouped.order_by():
        counts[area, filters.pair_of(first, second)] += n
    keys = [key for key, _label in PAIR_SERIES]
    totals = Counter()
    for (area, _key), n in counts.items():
        totals[area] += n
    areas = sorted(
        (area for area in ExchangeArea.objects.all() if totals[area.pk]),
        key=lambda area: (-totals[area.pk], area.name, area.slug),
    )
    rows = [
        Row(
            area.slug,
            area.name,
            [counts[area.pk, key] for key in keys],
            list_url(SisterTie, data, area=area.slug),
        )
        for area in areas
    ]
    # NOT EXISTS, an anti-join: NOT IN (subquery) is checked row by row once its ids no longer
    # fit in PostgreSQL's work_mem.
    without = ties.filter(
        ~Exists(SisterTieExchangeArea.objects.filter(sistertie_id=OuterRef("pk")))
    ).count()
    return Statistic(
        slug="ties-per-exchange-area",
        title=_("Ties per exchange area"),
        description=_(
            "Ties by the fields of exchange they cover, stacked by country pair. A tie covering "
            "two areas counts once in each, so the rows add up to more than the ties."
        ),
        category_label=_("Exchange area"),
        series=PAIR_SERIES,
        rows=rows,
        note=no_area_note(without),
    )


def no_area_note(count: int) -> str:
    if not count:
        return ""
    return ngettext(
        "%(count)s tie for which the sources name no exchange area is not counted here.",
        "%(count)s ties for which the sources name no exchange area are not counted here.",
        count,
    ) % {"count": count}


def rows_per_period(
    counts: Counter, series_keys: list[str], url, step: int = 1, label=str
) -> tuple[list[Row], int]:
    """Rows of counts per year (or per decade, ``step=10``) and series from counts by (period,
    series key), every period from the first to the last; and how many had no year."""
    undated = sum(n for (period, _key), n in counts.items() if period is None)
    rows = [
        Row(str(period), label(period), [counts[period, key] for key in series_keys], url(period))
        for period in period_range((period for period, _key in counts), step)
    ]
    return rows, undated


def undated_note(count: int) -> str:
    if not count:
        return ""
    return ngettext(
        "%(count)s record with no known year is counted in the other charts but not here.",
        "%(count)s records with no known year are counted in the other charts but not here.",
        count,
    ) % {"count": count}


def ties_by_type_and_status(ties, data) -> Statistic:
    counts = {
        (row["tie_type"], row["status"]): row["n"]
        for row in ties.values("tie_type", "status").annotate(n=Count("pk")).order_by()
    }
    rows = [
        Row(
            tie_type,
            label,
            [counts.get((tie_type, status), 0) for status in TieStatus.values],
            list_url(SisterTie, data, kind=tie_type),
        )
        for tie_type, label in TieType.choices
    ]
    return Statistic(
        slug="ties-by-type-and-status",
        title=_("Ties by type and status"),
        description=_("Each type of tie, split by status: active, dormant, suspended or ended."),
        category_label=_("Type"),
        series=list(TieStatus.choices),
        rows=rows,
    )


def regions_with_most_ties(ties, data) -> Statistic:
    degree = dict(ties.most_tied_regions(TOP_REGIONS))
    regions = Region.objects.in_bulk(list(degree))
    rows = [
        Row(regions[pk].slug, regions[pk].name, [n], regions[pk].get_absolute_url())
        for pk, n in degree.items()
    ]
    return Statistic(
        slug="regions-with-most-ties",
        title=_("Regions with most ties"),
        description=_("The regions that take part in most ties, on either side."),
        category_label=_("Region"),
        series=[("ties", _("Ties"))],
        rows=rows,
    )


def offices_by_host_country(offices, data) -> Statistic:
    counts: Counter = Counter()
    for row in offices.values("host_region__country", "status").annotate(n=Count("pk")).order_by():
        counts[row["host_region__country"], row["status"]] += row["n"]
    hosts: Counter = Counter()
    for (country, _status), n in counts.items():
        hosts[country] += n
    ranked = sorted(hosts, key=lambda code: (-hosts[code], code))
    rows = [
        Row(
            code,
            str(countries.name(code)) or code,
            [counts[code, status] for status in OfficeStatus.values],
            list_url(OverseasOffice, data, host_country=code),
        )
        for code in ranked
    ]
    return Statistic(
        slug="offices-by-host-country",
        title=_("Offices by host country"),
        description=_("Offices run abroad, by the country they stand in, split by status."),
        category_label=_("Host country"),
        series=list(OfficeStatus.choices),
        rows=rows,
    )


def missions_per_year(missions, data) -> Statistic:
    """Missions that were held, by the year they started: a planned mission (announced, "next
    month") or one whose outcome no source states is left out, and the note says how many."""
    held: Counter = Counter()
    left_out: Counter = Counter()
    grouped = missions.values_list("start__year", "kind", "status").annotate(n=Count("pk"))
    for year, kind, status, n in grouped.order_by():
        if status == MissionStatus.HELD:
            held[year, kind] += n
        else:
            left_out[status] += n
    rows, undated = rows_per_period(
        held,
        MissionKind.values,
        lambda year: list_url(
            Mission, data, year_from=year, year_to=year, status=MissionStatus.HELD
        ),
    )
    notes = [str(not_held_note(left_out)), undated_note(undated)]
    return Statistic(
        slug="missions-per-year",
        title=_("Missions per year"),
        description=_(
            "Missions and fairs that were held, by the year they started, stacked by kind."
        ),
        category_label=_("Year"),
        series=list(MissionKind.choices),
        rows=rows,
        orientation="columns",
        note=" ".join(filter(None, notes)),
    )


def not_held_note(left_out: Counter) -> str:
    """How many missions not known to have been held a count of held missions leaves out."""
    if not sum(left_out.values()):
        return ""
    messages = {
        MissionStatus.PLANNED: lambda n: ngettext(
            "%(count)s planned mission", "%(count)s planned missions", n
        ),
        MissionStatus.CANCELLED: lambda n: ngettext(
            "%(count)s cancelled mission", "%(count)s cancelled missions", n
        ),
        MissionStatus.UNKNOWN: lambda n: ngettext(
            "%(count)s mission not known to have taken place",
            "%(count)s missions not known to have taken place",
            n,
        ),
    }
    parts = [
        messages[status](left_out[status]) % {"count": left_out[status]}
        for status in MissionStatus.values
        if left_out[status] and status in messages
    ]
    return _("Only missions that were held are counted; left out: %(missions)s.") % {
        "missions": ", ".join(parts)
    }


# slug → (how to count, which list's rows it counts)
STATISTICS = {
    "ties-per-year": (ties_per_year, "ties"),
    "ties-per-decade": (ties_per_decade, "ties"),
    "ties-per-exchange-area": (ties_per_exchange_area, "ties"),
    "ties-by-type-and-status": (ties_by_type_and_status, "ties"),
    "regions-with-most-ties": (regions_with_most_ties, "ties"),
    "offices-by-host-country": (offices_by_host_country, "offices"),
    "missions-per-year": (missions_per_year, "missions"),
}


def filtersets(data) -> dict:
    """The ties, offices and missions lists' FilterSets, bound to the shared filters; the
    ties' to their own filters too."""
    ties = tie_filter_data(data)
    data = shared_filter_data(data)
    return {
        "ties": filters.SisterTieFilterSet(ties, queryset=SisterTie.objects.all()),
        "offices": filters.OverseasOfficeFilterSet(data, queryset=OverseasOffice.objects.all()),
        "missions": filters.MissionFilterSet(data, queryset=Mission.objects.all()),
    }


def compute(bound: dict, data, only: str | None = None) -> list[Statistic]:
    """The statistics over the rows of ``bound``, the valid FilterSets of ``filtersets(data)``."""
    querysets = {name: filterset.qs for name, filterset in bound.items()}
    statistics = [
        count(querysets[source], data)
        for slug, (count, source) in STATISTICS.items()
        if only in (None, slug)
    ]
    if shared_filter_data(data, TIE_FILTERS):
        for statistic in statistics:
            if STATISTICS[statistic.slug][1] != "ties":
                statistic.note = " ".join(filter(None, [statistic.note, str(TIES_ONLY_NOTE)]))
    return statistics


TIES_ONLY_NOTE = _(
    "The decade and exchange area filters select ties: offices and missions are counted "
    "without them."
)
