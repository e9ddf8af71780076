"""The public pages: every list filters, sorts, pages and exports; every detail page links.

The same checks run for every model; a ``PageSpec`` only supplies the data that differs.
"""

import csv
import datetime
import io
import json
import re
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exchanges.models import (
    Citation,
    Firm,
    Mission,
    OverseasOffice,
    Region,
    SisterTie,
    Source,
)
from exchanges.record_types import record_type_named

pytestmark = pytest.mark.django_db


@dataclass
class PageSpec:
    name: str  # the record type's short name (record_types): region, tie…
    model: type
    # query string -> the ids it must select, computed from the ORM independently of the filters
    filters: dict = field(default_factory=dict)
    sort: str = ""  # a column to sort by
    setup: object = None  # adds records the fixtures lack, so that every filter can narrow

    def list_url(self):
        return record_type_named(self.name).list_url()


def ids(queryset):
    return set(queryset.values_list("pk", flat=True))


def add_an_ended_japan_china_tie():
    SisterTie.objects.create(
        region_a=Region.objects.get(slug="jilin"),
        region_b=Region.objects.get(slug="niigata"),
        tie_type="friendship",
        status="ended",
        established=datetime.date(1995, 1, 1),
        established_precision="year",
        ended=datetime.date(2005, 1, 1),
        ended_precision="year",
    )


def either_country(first, second=None):
    second = second or first
    return lambda: (
        ids(SisterTie.objects.filter(region_a__country=first, region_b__country=second))
        | ids(SisterTie.objects.filter(region_a__country=second, region_b__country=first))
    )


SPECS = [
    PageSpec(
        "region",
        Region,
        {
            "country=KR": lambda: ids(Region.objects.filter(country="KR")),
            "kind=county": lambda: ids(Region.objects.filter(level="county")),
            "level=prefecture": lambda: ids(Region.objects.filter(level="prefecture")),
            "parent=yanbian": lambda: ids(Region.objects.filter(parent__slug="yanbian")),
            "q=延边": lambda: ids(Region.objects.filter(slug="yanbian")),
            "q=釜山": lambda: ids(Region.objects.filter(name_ja__contains="釜山")),
        },
        sort="population",
    ),
    PageSpec(
        "tie",
        SisterTie,
        {
            "pair=JP-KR": either_country("JP", "KR"),
            "pair=cn-jp": either_country("CN", "JP"),
            "country=CN": either_country("CN", "JP"),
            "kind=friendship": lambda: ids(SisterTie.objects.filter(tie_type="friendship")),
            "status=active": lambda: ids(SisterTie.objects.filter(status="active")),
            "region=busan": lambda: ids(
                SisterTie.objects.filter(region_b__slug__startswith="busan")
            ),
            "established_from=1980&established_to=1990": lambda: ids(
                SisterTie.objects.filter(established__year__range=(1980, 1990))
            ),
            "q=나가사키": lambda: ids(SisterTie.objects.filter(region_a__slug="nagasaki")),
        },
        sort="established",
        setup=add_an_ended_japan_china_tie,
    ),
    PageSpec(
        "firm",
        Firm,
        {
            "country=CN": lambda: ids(Firm.objects.filter(country="CN")),
            "kind=public_agency": lambda: ids(Firm.objects.filter(kind="public_agency")),
            "region=yanbian": lambda: ids(Firm.objects.filter(region__parent__slug="yanbian")),
            "sector=textiles": lambda: ids(Firm.objects.filter(sector__icontains="textiles")),
            "founded_from=1990&founded_to=2000": lambda: ids(
                Firm.objects.filter(founded_year__range=(1990, 2000))
            ),
            "q=見附": lambda: ids(Firm.objects.filter(name_ja__contains="見附")),
        },
        sort="founded_year",
    ),
    PageSpec(
        "office",
        OverseasOffice,
        {
            "country=VN": lambda: ids(OverseasOffice.objects.filter(host_region__country="VN")),
            "kind=business_centre": lambda: ids(
                OverseasOffice.objects.filter(kind="business_centre")
            ),
            "operator_country=JP": lambda: ids(
                OverseasOffice.objects.filter(host_region__slug__in=["seoul", "yanji"])
            ),
            "host_country=KR": lambda: ids(
                OverseasOffice.objects.filter(host_region__country="KR")
            ),
            "status=planned": lambda: ids(OverseasOffice.objects.filter(status="planned")),
            "region=yamaguchi": lambda: ids(
                OverseasOffice.objects.filter(host_region__slug="shimonoseki")
            ),
        },
        sort="opened",
    ),
    PageSpec(
        "mission",
        Mission,
        {
            "country=CN": lambda: (
                ids(Mission.objects.filter(origin_regions__country="CN"))
                | ids(Mission.objects.filter(destination_regions__country="CN"))
            ),
            "kind=official": lambda: ids(Mission.objects.filter(kind="official")),
            "origin_country=KR": lambda: ids(Mission.objects.filter(origin_regions__country="KR")),
            "destination_country=JP": lambda: ids(
                Mission.objects.filter(destination_regions__country="JP")
            ),
            "region=niigata": lambda: (
                ids(Mission.objects.filter(destination_regions__slug="niigata"))
                | ids(Mission.objects.filter(origin_regions__slug="mitsuke"))
            ),
            "year_from=2007&year_to=2009": lambda: ids(
                Mission.objects.filter(start__year__range=(2007, 2009))
            ),
            "q=Seoul": lambda: ids(Mission.objects.filter(destination_regions__slug="seoul")),
        },
        sort="start",
    ),
    PageSpec(
        "source",
        Source,
        {
            "kind=news": lambda: ids(Source.objects.filter(kind="news")),
            "language=ko": lambda: ids(Source.objects.filter(language="ko")),
            "country=VN": lambda: ids(Source.objects.filter(file_name__startswith="003")),
            "q=ERINA": lambda: ids(Source.objects.filter(publisher__contains="ERINA")),
        },
        sort="published",
    ),
]
BY_NAME = pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)


def export_ids(client, url, query=""):
    response = client.get(f"{url}?{query}&export=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.getvalue().decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the byte-order mark to read UTF-8"
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    return {int(row["id"]) for row in rows}


@BY_NAME
def test_list_and_every_detail_page_answer_200(client, spec):
    response = client.get(spec.list_url())
    assert response.status_code == 200
    for record in spec.model.objects.all():
        assert client.get(record.get_absolute_url()).status_code == 200, record


@BY_NAME
def test_each_filter_selects_exactly_its_rows(client, spec):
    if spec.setup:
        spec.setup()
    total = spec.model.objects.count()
    for query, expected in spec.filters.items():
        wanted = expected()
        assert wanted, f"{query} selects nothing in the fixtures: a useless check"
        assert len(wanted) < total, f"{query} does not narrow the list"
        assert export_ids(client, spec.list_url(), query) == wanted, query
        page = client.get(f"{spec.list_url()}?{query}")
        assert page.status_code == 200
        assert {row.record.pk for row in page.context["table"].paginated_rows} == wanted


@BY_NAME
def test_sorting_reverses_with_a_minus(client, spec):
    ascending = client.get(spec.list_url(), {"sort": spec.sort}).context["table"]
    descending = client.get(spec.list_url(), {"sort": f"-{spec.sort}"}).context["table"]
    values_up = [getattr(row.record, spec.sort) for row in ascending.rows]
    values_down = [getattr(row.record, spec.sort) for row in descending.rows]
    known_up = [value for value in values_up if value is not None]
    assert known_up == sorted(known_up)
    assert [value for value in values_down if value is not None] == sorted(known_up, reverse=True)


@BY_NAME
def test_export_holds_every_filtered_row_not_only_the_page(client, spec):
    assert export_ids(client, spec.list_url()) == ids(spec.model.objects.all())
    response = client.get(spec.list_url(), {"export": "json"})
    records = json.loads(response.getvalue().decode("utf-8"))
    assert {record["id"] for record in records} == ids(spec.model.objects.all())


@pytest.mark.parametrize("pair", ["JP-KR", "KR-JP", "jp-kr"])
def test_country_pair_selects_ties_in_either_order(client, pair):
    niigata, jilin = Region.objects.get(slug="niigata"), Region.objects.get(slug="jilin")
    japan_china = SisterTie.objects.create(region_a=jilin, region_b=niigata, tie_type="friendship")
    japan_korea = either_country("JP", "KR")()
    url = reverse("exchanges:sistertie-list")
    assert export_ids(client, url, f"pair={pair}") == japan_korea
    assert export_ids(client, url, "pair=CN-JP") == {japan_china.pk}
    assert export_ids(client, url, "pair=CN-KR") == set()
    assert export_ids(client, url, "country=CN") == {japan_china.pk}


def test_the_list_pages_fifty_rows_and_says_which(client):
    response = client.get(reverse("exchanges:region-list"))
    table = response.context["table"]
    total = Region.objects.count()
    assert total > 50
    assert len(table.page.object_list) == 50
    assert f"1–50 of {total}" in response.content.decode()
    second = client.get(reverse("exchanges:region-list"), {"page": 2})
    assert f"51–{total} of {total}" in second.content.decode()


def test_export_keeps_cjk_names_and_uses_stable_codes(client):
    response = client.get(reverse("exchanges:region-list"), {"country": "KR", "export": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    seoul = next(row for row in rows if row["slug"] == "seoul")
    assert (seoul["name_ko"], seoul["country"], seoul["level"]) == (
        "서울특별시",
        "KR",
        "metropolitan_city",
    )
    ties = client.get(reverse("exchanges:sistertie-list"), {"export": "csv", "kind": "sister"})
    tie = next(csv.DictReader(io.StringIO(ties.getvalue().decode("utf-8-sig"))))
    assert (tie["region_a"], tie["region_b"], tie["established"]) == (
        "gyeongsangnam-do",
        "yamaguchi",
        "1987",
    )


def test_active_filters_are_shown_with_a_link_to_clear_each(client):
    response = client.get(
        reverse("exchanges:sistertie-list"), {"pair": "JP-KR", "kind": "friendship"}
    )
    active = {item["name"]: item for item in response.context["active_filters"]}
    assert set(active) == {"pair", "kind"}
    assert active["pair"]["value"] == "JP–KR"
    assert active["kind"]["clear_url"] == "?pair=JP-KR"


def test_nothing_matching_says_so(client):
    response = client.get(reverse("exchanges:firm-list"), {"q": "no such firm anywhere"})
    assert response.status_code == 200
    assert "Nothing matches these filters." in response.content.decode()


@pytest.mark.parametrize(
    "url, query, field",
    [
        ("exchanges:sistertie-list", "pair=JAPAN", "Country pair"),
        ("exchanges:sistertie-list", "pair=JP-KR-CN", "Country pair"),
        ("exchanges:sistertie-list", "established_from=nineteen", "Established from (year)"),
        ("exchanges:region-list", "country=ZZ", "Country"),
        ("exchanges:firm-list", "kind=bank", "Kind"),
        ("exchanges:mission-list", "year_to=99999", "Until (year)"),
        ("exchanges:overseasoffice-list", "status=maybe", "Open or closed"),
        ("exchanges:source-list", "language=fr", "Language"),
    ],
)
def test_bad_filter_values_answer_400_naming_the_field(client, url, query, field):
    response = client.get(f"{reverse(url)}?{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert field in page
    assert 'role="alert"' in page


def test_unknown_records_answer_404_with_the_sites_own_page(client):
    for url in ["/regions/no-such-region/", "/ties/999999/", "/firms/0/", "/missions/123456/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "There is no record at this address." in response.content.decode()


ODD_QUERIES = [
    "sort=nonexistent",
    "sort=-",
    "page=abc",
    "page=-1",
    "page=99999",
    "export=xml",
    "q=%00",
    "q=" + "x" * 3000,
    "q=%27%22%3B--",
    "country=",
    "pair=-",
    "pair=JP-KR-CN",
    "established_from=1e9",
    "founded_to=-5",
    "region=%2F..%2F",
    "parent=../../etc",
    "q[]=a",
    "kind=sister&kind=friendship",
    "%FF=%FE",
]


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_no_query_string_produces_a_server_error(client, query):
    for name in ["region", "tie", "firm", "office", "mission", "source"]:
        response = client.get(f"{record_type_named(name).list_url()}?{query}")
        assert response.status_code < 500, (name, query)
    assert client.get(f"/search/?{query}").status_code < 500


def test_names_containing_markup_are_shown_as_text(client):
    Region.objects.create(
        slug="markup-test", name_en="<script>alert(1)</script>Evil", country="JP", level="city"
    )
    for url in ["/regions/?q=Evil", "/regions/markup-test/", "/search/?q=Evil"]:
        page = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;Evil" in page


def test_region_page_follows_every_link(client):
    page = client.get("/regions/yamaguchi/").content.decode()
    assert "/regions/gyeongsangnam-do/" in page  # a tie seen from its second region
    assert "/regions/shimonoseki/" in page  # child region
    missions = Mission.objects.filter(origin_regions__slug="yamaguchi")
    for mission in missions:
        assert mission.get_absolute_url() in page
    seoul = client.get("/regions/seoul/").content.decode()
    for office in OverseasOffice.objects.filter(host_region__slug="seoul"):
        assert office.get_absolute_url() in seoul
    operator = client.get("/regions/gyeongsangnam-do/").content.decode()
    assert (
        len(set(re.findall(r"/offices/\d+/", operator)))
        == OverseasOffice.objects.filter(operator_region__slug="gyeongsangnam-do").count()
    )


def test_detail_pages_show_their_citations(client):
    tie = SisterTie.objects.get(tie_type="sister")
    page = client.get(tie.get_absolute_url()).content.decode()
    for citation in Citation.objects.filter(sistertie=tie):
        assert citation.locator in page
        assert citation.source.get_absolute_url() in page
    source = Source.objects.get(file_name__startswith="003")
    page = client.get(source.get_absolute_url()).content.decode()
    assert tie.get_absolute_url() in page


def test_home_shows_counts_pairs_and_latest(client):
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    for pair in ["pair=JP-KR", "pair=JP-CN", "pair=CN-KR"]:
        assert pair in page
    assert f">{SisterTie.objects.count()}<" in page
    assert 'action="/search/"' in page


def test_search_finds_every_kind_of_record(client):
    response = client.get("/search/", {"q": "Yanbian"})
    groups = {str(group["title"]): group["count"] for group in response.context["groups"]}
    assert groups["regions"] == 1
    assert groups["firms"] >= 1  # Yanbian Dayang
    assert groups["missions"] >= 1


# --- speed by construction --------------------------------------------------------------


def make_regions(n):
    Region.objects.bulk_create(
        Region(slug=f"perf-{i}", name_en=f"Perf {i}", country="FR", level="city") for i in range(n)
    )
    return "country=FR"


def make_ties(n):
    hub = Region.objects.create(slug="perf-hub", name_en="Hub", country="FR", level="city")
    make_regions(n)
    for region in Region.objects.filter(slug__startswith="perf-").exclude(pk=hub.pk):
        SisterTie.objects.create(region_a=hub, region_b=region, tie_type="sister")
    return "country=FR"


def make_firms(n):
    region = Region.objects.create(slug="perf-r", name_en="R", country="FR", level="city")
    Firm.objects.bulk_create(
        Firm(name_en=f"Perf firm {i}", kind="company", country="FR", region=region)
        for i in range(n)
    )
    return "country=FR"


def make_offices(n):
    host = Region.objects.create(slug="perf-host", name_en="Host", country="FR", level="city")
    operator = Region.objects.get(slug="niigata")
    firm = Firm.objects.first()
    OverseasOffice.objects.bulk_create(
        OverseasOffice(
            name_en=f"Office {i}",
            kind="trade_office",
            host_region=host,
            operator_region=operator if i % 2 else None,
            operator_firm=None if i % 2 else firm,
        )
        for i in range(n)
    )
    return "host_country=FR"


def make_missions(n):
    origin = Region.objects.create(slug="perf-o", name_en="O", country="FR", level="city")
    destination = Region.objects.create(slug="perf-d", name_en="D", country="FR", level="city")
    for i in range(n):
        mission = Mission.objects.create(name_en=f"Mission {i}", kind="trade")
        mission.origin_regions.add(origin)
        mission.destination_regions.add(destination)
    return "country=FR"


def make_sources(n):
    region = Region.objects.create(slug="perf-s", name_en="S", country="FR", level="city")
    for i in range(n):
        source = Source.objects.create(title=f"Perf {i}", language="en", file_name=f"perf-{i}.txt")
        Citation.objects.create(source=source, record=region, locator="p. 1")
    return "country=FR"


MAKERS = {
    "region": make_regions,
    "tie": make_ties,
    "firm": make_firms,
    "office": make_offices,
    "mission": make_missions,
    "source": make_sources,
}


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("name", list(MAKERS))
def test_list_pages_run_the_same_queries_for_5_and_50_rows(client, name):
    counts = {}
    for rows in (5, 50):
        savepoint = connection.savepoint()
        query = MAKERS[name](rows)
        url = f"{record_type_named(name).list_url()}?{query}"
        counts[rows], response = count_queries(client, url)
        assert len(response.context["table"].page.object_list) == rows
        counts[f"export {rows}"], _ = count_queries(client, f"{url}&export=csv")
        connection.savepoint_rollback(savepoint)
    assert counts[5] == counts[50], counts
    assert counts["export 5"] == counts["export 50"], counts


def test_detail_pages_run_the_same_queries_for_5_and_50_links(client):
    counts = {}
    for links in (5, 50):
        savepoint = connection.savepoint()
        make_ties(links)
        hub = Region.objects.get(slug="perf-hub")
        Region.objects.filter(slug__startswith="perf-").exclude(pk=hub.pk).update(parent=hub)
        for i, region in enumerate(Region.objects.filter(parent=hub)):
            Citation.objects.create(source=Source.objects.first(), record=hub, locator=f"p. {i}")
            mission = Mission.objects.create(name_en=f"M{i}", kind="trade")
            mission.origin_regions.add(hub)
            mission.destination_regions.add(region)
            OverseasOffice.objects.create(
                name_en=f"O{i}", kind="trade_office", operator_region=hub, host_region=region
            )
        counts[f"region {links}"], _ = count_queries(client, hub.get_absolute_url())
        source = Source.objects.first()
        counts[f"source {links}"], _ = count_queries(client, source.get_absolute_url())
        connection.savepoint_rollback(savepoint)
    assert counts["region 5"] == counts["region 50"], counts
    assert counts["source 5"] == counts["source 50"], counts
