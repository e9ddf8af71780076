"""Statistics, map and network: their numbers are the database's, they follow the lists'
filters, bad input is a 400, and their cost does not grow with the data.

``directory`` builds a small directory of the tests' own around a Japanese prefecture
(``tf-ov-pref``): the pictures of that region are checked against the numbers it was built with,
the pictures of the whole directory against counts the test makes itself."""

import csv
import datetime
import io
import math
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse

from exchanges.models import (
    Mission,
    MissionKind,
    OfficeStatus,
    OverseasOffice,
    Region,
    SisterTie,
    TieStatus,
    TieType,
)
from exchanges.pictures import charts, network, tie_map
from tests.query_counts import RecordQueries

from . import factories as make

pytestmark = pytest.mark.django_db

PAIRS = {"JP-KR": ("JP", "KR"), "JP-CN": ("JP", "CN"), "CN-KR": ("CN", "KR")}
PREFECTURE = "tf-ov-pref"
FILTERS = ["", "pair=JP-KR", "pair=KR-JP", "country=KR", "country=CN", f"region={PREFECTURE}"]


def placed(latitude, longitude):
    return {
        "latitude": Decimal(str(latitude)),
        "longitude": Decimal(str(longitude)),
        "coordinates_basis": "context",
    }


@pytest.fixture
def directory():
    """A Japanese prefecture and a city within it, two Korean regions, a Chinese one, a
    Japanese region without a position and an American one beyond the map; ties, offices and
    missions between them, some without a date."""
    token = make.new_token()
    prefecture = make.region(token, slug=PREFECTURE, level="prefecture", **placed(35, 135))
    city = make.region(token, slug="tf-ov-city", parent=prefecture, **placed(35.5, 135.5))
    korea = [make.region(token, country="KR", **placed(36 + i, 128)) for i in range(2)]
    china = make.region(token, country="CN", **placed(43, 129))
    nowhere = make.region(token, slug="tf-ov-nowhere")
    far = make.region(token, slug="tf-ov-far", country="US", **placed(34, -118))
    ties = [
        make.tie(token, region_a=prefecture, region_b=korea[0], **make.year("established", 1990)),
        make.tie(
            token,
            region_a=korea[1],
            region_b=city,
            tie_type="friendship",
            status="dormant",
            **make.year("established", 1995),
        ),
        make.tie(
            token,
            region_a=prefecture,
            region_b=china,
            tie_type="friendship",
            status="ended",
            **make.year("established", 1990),
        ),
        make.tie(token, region_a=prefecture, region_b=nowhere, tie_type="other"),
        make.tie(token, region_a=china, region_b=korea[0]),
    ]
    offices = [
        make.office(token, operator_region=prefecture, host_region=korea[0]),
        make.office(
            token,
            operator_firm=make.firm(token, country="KR"),
            host_region=city,
            status="closed",
        ),
        make.office(token, operator_region=prefecture, host_region=far, status="planned"),
    ]
    missions = [
        make.mission(
            token,
            status="held",
            origin_regions=[prefecture],
            destination_regions=[korea[0]],
            **make.year("start", 2001),
        ),
        make.mission(
            token,
            kind="buying",
            status="held",
            origin_regions=[korea[1]],
            destination_regions=[city],
            **make.year("start", 2001),
        ),
        make.mission(
            token,
            kind="forum",
            status="held",
            origin_regions=[china],
            destination_regions=[prefecture],
        ),
        # Announced, not held: the statistics leave it out.
        make.mission(
            token,
            status="planned",
            origin_regions=[prefecture],
            destination_regions=[korea[0]],
            **make.year("start", 2001),
        ),
    ]
    return {
        "prefecture": prefecture,
        "city": city,
        "korea": korea,
        "china": china,
        "nowhere": nowhere,
        "far": far,
        "ties": ties,
        "offices": offices,
        "missions": missions,
    }


def tie_condition(query: str) -> Q:
    """The ties a shared filter selects, written out independently of the FilterSets."""
    if not query:
        return Q()
    name, value = query.split("=")
    if name == "pair":
        first, second = sorted(value.split("-"))
        return Q(region_a__country=first, region_b__country=second) | Q(
            region_a__country=second, region_b__country=first
        )
    if name == "country":
        return Q(region_a__country=value) | Q(region_b__country=value)
    region = Q(slug=value) | Q(parent__slug=value) | Q(parent__parent__slug=value)
    inside = Region.objects.filter(region).values("pk")
    return Q(region_a__in=inside) | Q(region_b__in=inside)


def office_ids(query: str) -> set[int]:
    offices = OverseasOffice.objects.all()
    if query.startswith("pair="):
        first, second = query.split("=")[1].split("-")
        matching = set()
        for office in offices.select_related("operator_region", "operator_firm", "host_region"):
            operator = office.operator_region or office.operator_firm
            if {str(operator.country), str(office.host_region.country)} == {first, second}:
                matching.add(office.pk)
        return matching
    if query.startswith("country="):
        code = query.split("=")[1]
        return set(
            offices.filter(
                Q(host_region__country=code)
                | Q(operator_region__country=code)
                | Q(operator_region=None, operator_firm__country=code)
            ).values_list("pk", flat=True)
        )
    if query.startswith("region="):
        slug = query.split("=")[1]
        inside = Region.objects.filter(
            Q(slug=slug) | Q(parent__slug=slug) | Q(parent__parent__slug=slug)
        )
        return set(
            offices.filter(Q(host_region__in=inside) | Q(operator_region__in=inside)).values_list(
                "pk", flat=True
            )
        )
    return set(offices.values_list("pk", flat=True))


def mission_ids(query: str) -> set[int]:
    missions = Mission.objects.prefetch_related("origin_regions", "destination_regions")
    matching = set()
    for mission in missions:
        origins = {str(region.country) for region in mission.origin_regions.all()}
        destinations = {str(region.country) for region in mission.destination_regions.all()}
        regions = [*mission.origin_regions.all(), *mission.destination_regions.all()]
        if query.startswith("pair="):
            first, second = query.split("=")[1].split("-")
            keep = (first in origins and second in destinations) or (
                second in origins and first in destinations
            )
        elif query.startswith("country="):
            keep = query.split("=")[1] in origins | destinations
        elif query.startswith("region="):
            slug = query.split("=")[1]
            keep = any(
                slug in {region.slug, getattr(region.parent, "slug", None)} for region in regions
            )
        else:
            keep = True
        if keep:
            matching.add(mission.pk)
    return matching


def download(client, slug: str, query: str) -> dict[str, dict[str, int]]:
    response = client.get(reverse("exchanges:stats_csv", args=[slug]) + f"?{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    return {row.pop("category"): {key: int(value) for key, value in row.items()} for row in rows}


@pytest.mark.parametrize("query", FILTERS)
def test_ties_per_year_equal_database_counts(client, query, directory):
    table = download(client, "ties-per-year", query)
    ties = SisterTie.objects.filter(tie_condition(query))
    years = sorted({tie.established.year for tie in ties if tie.established})
    # Every year from the first to the last, gaps included; no row at all without dated ties.
    expected_years = range(years[0], years[-1] + 1) if years else range(0)
    assert list(table) == [str(year) for year in expected_years]
    for year, row in table.items():
        dated = ties.filter(established__year=int(year))
        for pair, (first, second) in PAIRS.items():
            assert row[pair] == dated.filter(tie_condition(f"pair={first}-{second}")).count()
        assert row["total"] == dated.count()
    assert sum(row["total"] for row in table.values()) == ties.exclude(established=None).count()


@pytest.mark.parametrize("query", FILTERS)
def test_ties_by_type_and_status_equal_database_counts(client, query, directory):
    table = download(client, "ties-by-type-and-status", query)
    ties = SisterTie.objects.filter(tie_condition(query))
    assert list(table) == TieType.values
    for tie_type, row in table.items():
        for status in TieStatus.values:
            assert row[status] == ties.filter(tie_type=tie_type, status=status).count()
    assert sum(row["total"] for row in table.values()) == ties.count()


@pytest.mark.parametrize("query", FILTERS)
def test_regions_with_most_ties_equal_database_counts(client, query, directory):
    table = download(client, "regions-with-most-ties", query)
    ties = SisterTie.objects.filter(tie_condition(query))
    counts = [row["ties"] for row in table.values()]
    assert counts == sorted(counts, reverse=True)
    for slug, row in table.items():
        assert row["ties"] == ties.involving(Region.objects.get(slug=slug)).count()
    tied = [region for region in Region.objects.all() if ties.involving(region).exists()]
    assert len(table) == min(10, len(tied))
    # Nobody left out has more ties than the last one listed.
    for region in Region.objects.exclude(slug__in=set(table)):
        assert ties.involving(region).count() <= (counts[-1] if counts else 0)


@pytest.mark.parametrize("query", FILTERS)
def test_offices_by_host_country_equal_database_counts(client, query, directory):
    table = download(client, "offices-by-host-country", query)
    offices = OverseasOffice.objects.filter(pk__in=office_ids(query))
    assert set(table) == {
        str(code) for code in offices.values_list("host_region__country", flat=True)
    }
    for country, row in table.items():
        for status in OfficeStatus.values:
            expected = offices.filter(host_region__country=country, status=status).count()
            assert row[status] == expected
    assert sum(row["total"] for row in table.values()) == offices.count()


@pytest.mark.parametrize("query", FILTERS)
def test_missions_per_year_equal_database_counts(client, query, directory):
    table = download(client, "missions-per-year", query)
    missions = Mission.objects.filter(pk__in=mission_ids(query), status="held")
    for year, row in table.items():
        for kind in MissionKind.values:
            assert row[kind] == missions.filter(start__year=int(year), kind=kind).count()
    assert sum(row["total"] for row in table.values()) == missions.exclude(start=None).count()


def test_the_built_regions_statistics_are_the_numbers_it_was_built_with(client, directory):
    query = f"region={PREFECTURE}"
    per_year = download(client, "ties-per-year", query)
    assert {year: row["total"] for year, row in per_year.items()} == {
        "1990": 2,
        "1991": 0,
        "1992": 0,
        "1993": 0,
        "1994": 0,
        "1995": 1,
    }
    assert (per_year["1990"]["JP-KR"], per_year["1990"]["JP-CN"]) == (1, 1)
    by_type = download(client, "ties-by-type-and-status", query)
    assert (by_type["sister"]["active"], by_type["friendship"]["dormant"]) == (1, 1)
    assert (by_type["friendship"]["ended"], by_type["other"]["total"]) == (1, 1)
    most = download(client, "regions-with-most-ties", query)
    assert list(most)[0] == PREFECTURE and most[PREFECTURE]["ties"] == 3
    offices = download(client, "offices-by-host-country", query)
    assert {country: row["total"] for country, row in offices.items()} == {
        "KR": 1,
        "JP": 1,
        "US": 1,
    }
    assert (offices["JP"]["closed"], offices["US"]["planned"]) == (1, 1)
    missions = download(client, "missions-per-year", query)
    assert {year: row["total"] for year, row in missions.items()} == {"2001": 2}
    assert (missions["2001"]["trade"], missions["2001"]["buying"]) == (1, 1)


def test_the_page_table_and_picture_show_the_csvs_numbers(client, directory):
    response = client.get(reverse("exchanges:stats") + "?country=KR")
    html = response.content.decode()
    for statistic in response.context["statistics"]:
        table = download(client, statistic.slug, "country=KR")
        assert table, statistic.slug
        section = html.split(f'id="{statistic.slug}"')[1].split("</section>")[0]
        # Each bar carries its total; its segments add up to it.
        bars = re.findall(r'data-key="([^"]+)" data-total="(\d+)"', section)
        assert {key: int(total) for key, total in bars} == {
            key: row["total"] for key, row in table.items()
        }
        for key, row in table.items():
            bar = section.split(f'data-key="{key}"')[1].split("</g>")[0]
            values = [int(value) for value in re.findall(r'data-value="(\d+)"', bar)]
            assert sum(values) == row["total"]
        # The accessible table lists every row's total.
        assert len(re.findall(r'<tr><th scope="row">', section)) == len(table)
        assert 'role="img"' in section and "<title" in section


def test_csv_links_carry_the_filters_and_the_search_box_stays_empty(client):
    html = client.get(reverse("exchanges:stats") + "?pair=JP-KR").content.decode()
    assert 'href="/stats/ties-per-year.csv?pair=JP-KR"' in html
    assert 'id="site-search-q" type="search" name="q" value=""' in html


def test_undated_records_are_counted_and_said(client, directory):
    response = client.get(reverse("exchanges:stats"))
    undated = SisterTie.objects.filter(established=None).count()
    assert undated >= 2  # two of the directory's own
    notes = {statistic.slug: statistic.note for statistic in response.context["statistics"]}
    assert str(undated) in notes["ties-per-year"]


def test_statistics_rows_link_to_the_lists_with_the_same_filters(client, directory):
    response = client.get(reverse("exchanges:stats") + f"?pair=JP-KR&region={PREFECTURE}")
    by_slug = {statistic.slug: statistic for statistic in response.context["statistics"]}
    row = by_slug["ties-per-year"].rows[0]
    listed = client.get(row.url)
    assert "pair=JP-KR" in row.url and f"region={PREFECTURE}" in row.url
    assert [tie.record.pk for tie in listed.context["table"].paginated_rows] == [
        directory["ties"][0].pk
    ]
    assert row.total == 1


@pytest.mark.parametrize(
    "url, field",
    [
        ("/stats/?pair=JP", "pair"),
        ("/stats/?country=ZZ", "country"),
        ("/stats/ties-per-year.csv?pair=JP-K", "pair"),
        ("/map/?established_from=abc", "established_from"),
        ("/network/?status=nonsense", "status"),
        ("/ja/map/?pair=JP", "pair"),
    ],
)
def test_bad_filters_answer_400_naming_the_field(client, url, field):
    response = client.get(url)
    assert response.status_code == 400
    assert f'href="#id_{field}"' in response.content.decode()


def test_unknown_statistic_is_404(client):
    assert client.get("/stats/nothing-like-this.csv").status_code == 404


@pytest.mark.parametrize("path", ["/stats/", "/map/", "/network/"])
@pytest.mark.parametrize(
    "query",
    ["?pair=%00", "?region=%F0%9F%98%80", "?country=" + "A" * 5000, "?pair=jp-kr&pair=cn-kr"],
)
def test_odd_query_strings_never_produce_a_server_error(client, path, query):
    assert client.get(path + query).status_code in (200, 400)


def coordinates(lat, lon):
    return {"latitude": lat, "longitude": lon, "coordinates_basis": "context"}


def make_star(n):
    """A hub in Japan tied to n regions in Korea, all with coordinates, plus offices."""
    hub = Region.objects.create(
        slug="perf-hub", name_en="Hub", country="JP", level="city", **coordinates(35, 135)
    )
    for i in range(n):
        region = Region.objects.create(
            slug=f"perf-{i}",
            name_en=f"Perf {i}",
            country="KR",
            level="city",
            **coordinates(35 + i / 100, 127 + i / 100),
        )
        SisterTie.objects.create(region_a=hub, region_b=region, tie_type="sister")
        OverseasOffice.objects.create(
            name_en=f"Office {i}", kind="trade_office", operator_region=hub, host_region=region
        )
        mission = Mission.objects.create(
            name_en=f"Mission {i}", kind="trade", start="2010-01-01", start_precision="day"
        )
        mission.origin_regions.add(hub)
        mission.destination_regions.add(region)
    return "region=perf-hub"


PICTURES = ["/stats/", "/map/", "/network/", "/ja/map/"]


def test_pictures_run_the_same_queries_for_5_and_50_records(client):
    counts = {}
    for n in (5, 50):
        savepoint = connection.savepoint()
        query = make_star(n)  # once for every picture: building is the slow part
        for path in PICTURES:
            cache.clear()  # the records are new but uncommitted: no new data version
            with RecordQueries() as queries:
                response = client.get(f"{path}?{query}")
            assert response.status_code == 200, path
            counts[path, n] = len(queries)
        connection.savepoint_rollback(savepoint)
    queries_by_size = {path: (counts[path, 5], counts[path, 50]) for path in PICTURES}
    assert all(small == large for small, large in queries_by_size.values()), queries_by_size


def test_map_draws_every_tie_whose_regions_have_coordinates(client, directory):
    response = client.get(reverse("exchanges:map"), {"region": PREFECTURE})
    the_map = response.context["map"]
    # The tie with the region that has no position is left out.
    assert {line.tie.pk for line in the_map.ties} == {tie.pk for tie in directory["ties"][:3]}
    html = response.content.decode()
    assert html.count('class="tie tie-') == 3
    # Every office hosted in a placed region has its marker; the one beyond the map has none.
    hosted = {office.pk for marker in the_map.offices for office in marker.offices}
    assert hosted == {office.pk for office in directory["offices"][:2]}
    # Drawn inside the picture, over a base map with Japan, China and Korea.
    for place in the_map.regions:
        assert 0 <= place.x <= the_map.width and 0 <= place.y <= the_map.height
    assert {"JP", "CN", "KR"} <= {country["alpha2"] for country in the_map.land}


def test_map_of_the_whole_directory_draws_each_tie_it_can_place(client, directory):
    the_map = client.get(reverse("exchanges:map")).context["map"]
    placeable = {
        tie.pk
        for tie in SisterTie.objects.select_related("region_a", "region_b")
        if all(tie_map.coordinates(region) for region in (tie.region_a, tie.region_b))
        and all(in_map_bounds(region) for region in (tie.region_a, tie.region_b))
    }
    assert {line.tie.pk for line in the_map.ties} == placeable
    assert {tie.pk for tie in directory["ties"][:3]} <= placeable


def in_map_bounds(region) -> bool:
    west, south, east, north = tie_map.MAP_BOUNDS
    return west <= region.longitude <= east and south <= region.latitude <= north


def test_map_lists_what_it_cannot_place(client, directory):
    the_map = client.get(reverse("exchanges:map"), {"region": PREFECTURE}).context["map"]
    # One region has no recorded position; the other hosts an office beyond the map.
    assert {region.slug for region in the_map.unplaced} == {"tf-ov-nowhere", "tf-ov-far"}


def test_map_follows_the_ties_filters(client, directory):
    the_map = client.get(reverse("exchanges:map"), {"region": "tf-ov-city"}).context["map"]
    assert [line.tie.pk for line in the_map.ties] == [directory["ties"][1].pk]
    # Filtered, only the regions taking part are drawn, and the frame closes in on them.
    assert {place.region.slug for place in the_map.regions} == {
        "tf-ov-city",
        directory["korea"][1].slug,
    }
    assert all(place.labelled for place in the_map.regions)
    assert the_map.frame.east - the_map.frame.west < 147 - 112


def test_coordinates_need_their_basis():
    region = make.region()
    region.latitude, region.longitude = 40, 141
    with pytest.raises(ValidationError) as error:
        region.full_clean()
    assert "coordinates_basis" in error.value.message_dict
    with transaction.atomic(), pytest.raises(IntegrityError):
        Region.objects.filter(pk=region.pk).update(latitude=40, longitude=141)


def test_network_nodes_and_degrees_are_the_ties(client, directory):
    graph = client.get(reverse("exchanges:network")).context["network"]
    ties = SisterTie.objects.all()
    regions = {pk for pair in ties.values_list("region_a", "region_b") for pk in pair}
    assert {node.region.pk for node in graph.nodes} == regions
    for node in graph.nodes:
        assert node.degree == ties.involving(node.region).count()
    assert len(graph.edges) == ties.count()


def test_network_of_a_region_draws_its_hub_first_and_largest(client, directory):
    response = client.get(reverse("exchanges:network"), {"region": PREFECTURE})
    graph = response.context["network"]
    prefecture = directory["prefecture"]
    degrees = {node.region.slug: node.degree for node in graph.nodes}
    assert degrees == {
        PREFECTURE: 3,
        "tf-ov-city": 1,
        "tf-ov-nowhere": 1,
        directory["korea"][0].slug: 1,
        directory["korea"][1].slug: 1,
        directory["china"].slug: 1,
    }
    assert len(graph.edges) == 4
    # The prefecture, with 3 ties, is the hub: first, largest, labelled as such.
    hub = graph.nodes[0]
    assert hub.region == prefecture and hub.is_hub
    assert hub.radius > max(node.radius for node in graph.nodes[1:])
    html = response.content.decode()
    assert html.count('class="node hub"') == len(graph.hubs) == 1
    assert f'href="{prefecture.get_absolute_url()}" class="node hub"' in html


def test_network_layout_is_tidy_and_repeatable(client, directory):
    first = client.get(reverse("exchanges:network")).content
    second = client.get(reverse("exchanges:network")).content
    assert first == second
    graph = client.get(reverse("exchanges:network")).context["network"]
    for node in graph.nodes:
        assert 0 <= node.x <= graph.width and 0 <= node.y <= graph.height
    for i, a in enumerate(graph.nodes):
        for b in graph.nodes[i + 1 :]:
            assert math.hypot(a.x - b.x, a.y - b.y) > a.radius + b.radius, (a, b)


def test_network_follows_the_ties_filters(client, directory):
    graph = client.get(reverse("exchanges:network"), {"region": "tf-ov-city"}).context["network"]
    assert {node.region.slug for node in graph.nodes} == {"tf-ov-city", directory["korea"][1].slug}
    assert [edge.tie.pk for edge in graph.edges] == [directory["ties"][1].pk]


@pytest.mark.parametrize(
    "years, drawn",
    [
        ({"established_from": "1991"}, [1]),
        ({"established_to": "1990"}, [0, 2]),
        ({"established_from": "1990", "established_to": "1994"}, [0, 2]),
        ({"established_from": "1996"}, []),
    ],
)
def test_map_and_network_filter_ties_by_establishment_year(client, directory, years, drawn):
    query = {"region": PREFECTURE, **years}
    expected = {directory["ties"][i].pk for i in drawn}
    the_map = client.get(reverse("exchanges:map"), query).context["map"]
    assert {line.tie.pk for line in the_map.ties} == expected
    graph = client.get(reverse("exchanges:network"), query).context["network"]
    assert {edge.tie.pk for edge in graph.edges} == expected


@pytest.mark.parametrize("name", ["map", "network"])
def test_the_year_slider_spans_the_directorys_ties(client, directory, name):
    first, last = SisterTie.objects.established_years()
    assert first <= 1990 and last >= 1995
    response = client.get(reverse(f"exchanges:{name}"), {"established_from": "1991"})
    assert response.context["year_range"] == {"first": first, "last": last}
    html = response.content.decode()
    # The slider waits for its script; the year fields submit with the form without it.
    assert 'class="year-range" data-year-range' in html and " hidden>" in html
    assert f'id="year-range-from" data-bound="from" min="{first}" max="{last}"' in html
    assert 'name="established_from"' in html and 'value="1991"' in html
    assert "js/year-range.js" in html
    # A refused year answers 400 with the form and its slider.
    refused = client.get(reverse(f"exchanges:{name}"), {"established_from": "abc"})
    assert refused.status_code == 400
    assert 'id="year-range-to"' in refused.content.decode()


def test_established_years_are_the_first_and_last_dated_ties():
    token = make.new_token()
    region = make.region(token)
    ties = SisterTie.objects.filter(region_a=region)
    assert ties.established_years() is None
    make.tie(token, region_a=region)  # undated
    make.tie(token, region_a=region, **make.year("established", 1972))
    make.tie(
        token,
        region_a=region,
        established=datetime.date(2004, 5, 1),
        established_precision="month",
    )
    assert ties.established_years() == (1972, 2004)


def test_network_of_many_ties_keeps_every_node_apart():
    hub = Region(pk=1, slug="hub", name_en="Hub", country="JP", level="city")
    leaves = [
        Region(pk=i, slug=f"r{i}", name_en=f"R{i}", country="KR", level="city")
        for i in range(2, 42)
    ]
    ties = [
        SisterTie(pk=i, region_a=hub, region_b=leaf, tie_type="sister")
        for i, leaf in enumerate(leaves)
    ]
    graph = network.build(ties)
    for i, a in enumerate(graph.nodes):
        for b in graph.nodes[i + 1 :]:
            assert math.hypot(a.x - b.x, a.y - b.y) > a.radius + b.radius


def test_nice_ticks_cover_the_maximum_in_round_steps():
    assert charts.nice_ticks(0) == [0, 1]
    assert charts.nice_ticks(7) == [0, 2, 4, 6, 8]
    assert charts.nice_ticks(48) == [0, 10, 20, 30, 40, 50]
    assert charts.nice_ticks(1200)[-1] >= 1200


@pytest.mark.parametrize("draw", [charts.stacked_columns, charts.stacked_bars])
def test_stacked_segments_are_proportional_and_adjacent(draw):
    categories = [("a", "Alpha"), ("b", "長崎県"), ("c", "Gamma")]
    series = [("x", "X"), ("y", "Y")]
    values = {("a", "x"): 3, ("a", "y"): 1, ("b", "x"): 0, ("b", "y"): 5, ("c", "x"): 0}
    chart = draw(categories, series, values)
    assert [bar.total for bar in chart.bars] == [4, 5, 0]
    length = "height" if chart.orientation == "columns" else "width"
    unit = getattr(chart.bars[0].segments[0], length) / 3
    for bar in chart.bars:
        assert sum(getattr(s, length) for s in bar.segments) == pytest.approx(bar.total * unit)
        assert all(segment.value for segment in bar.segments)  # no zero-size slivers
    bar_a = chart.bars[0].segments
    if chart.orientation == "bars":
        assert bar_a[0].x + bar_a[0].width == pytest.approx(bar_a[1].x)
    else:
        assert bar_a[1].y + bar_a[1].height == pytest.approx(bar_a[0].y)
    assert chart.ticks[-1].value >= 5
