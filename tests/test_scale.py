"""What keeps the directory fast when it is full, tested on small data of the tests' own:
search served the same way on both databases, indexes PostgreSQL can use for every filter and
sort, deep pages, streamed downloads, bounded requests, cached overviews that follow every
change, and pictures that gather many ties instead of drawing each."""

import csv
import io
import json
import re

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection, transaction
from django.http import StreamingHttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from exchanges import caching, checks, exports, filters, synthetic, tables
from exchanges.middleware import StatementTimeoutMiddleware
from exchanges.models import (
    Citation,
    Firm,
    Indicator,
    Mission,
    OverseasOffice,
    Participation,
    Person,
    Region,
    SalesRoute,
    SisterTie,
    Source,
)
from exchanges.models.search import cjk_pairs, normalise, search_text
from exchanges.pictures import labels, network, tie_map
from exchanges.record_types import component

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's planner and statement timeout"
)


def clear_directory():
    """No directory records, inside the test's transaction."""
    Citation.objects.all().delete()
    Firm.partners.through.objects.all().delete()  # a partner firm refuses to be deleted
    for model in (
        Indicator,
        Participation,
        Person,
        Mission,
        SalesRoute,
        OverseasOffice,
        SisterTie,
        Firm,
        Source,
    ):
        model.objects.all().delete()
    Region.objects.update(parent=None, capital=None)
    Region.objects.all().delete()


@pytest.fixture
def empty_directory():
    """The production fixtures are loaded for every test; these tests build data of their own."""
    clear_directory()


def make_region(slug, country="JP", parent=None, **names):
    names.setdefault("name_en", slug.replace("-", " ").title())
    return Region.objects.create(slug=slug, country=country, level="city", parent=parent, **names)


def tie(first, second, tie_type="sister", **fields):
    return SisterTie.objects.create(region_a=first, region_b=second, tie_type=tie_type, **fields)


# Search ------------------------------------------------------------------------------------


def test_search_text_is_normalised_once_for_every_script():
    assert normalise("Ｂｕｓａｎ") == "busan"
    assert normalise("ﾐﾂｹ") == "ミツケ"
    assert normalise("STRASSE") == normalise("straße")
    assert cjk_pairs("釜山広域市") == sorted(["釜山", "山広", "広域", "域市"])
    assert cjk_pairs("Busan 부산") == ["부산"]
    # Pairs never span two values of the record.
    assert "市見" not in search_text(["見附市", "見附"])


SEARCHES = {
    "釜山": {"busan"},
    "부산": {"busan", "seo-gu"},
    "Busan": {"busan", "seo-gu"},
    "ＢＵＳＡＮ": {"busan", "seo-gu"},
    "見附": {"mitsuke"},
    "見附市": {"mitsuke"},
    "延吉": {"yanji"},
    "yan": {"yanji"},
    "市": {"busan", "mitsuke", "yanji"},
    "ｼﾝｼﾞｭｸ": {"shinjuku"},
    "busan seo": {"seo-gu"},
    "釜山 見附": set(),
    "山広": {"busan"},
    "広域市": {"busan"},
}


@pytest.mark.parametrize("query, expected", SEARCHES.items())
def test_search_finds_words_in_any_script_on_every_database(empty_directory, query, expected):
    make_region("busan", "KR", name_ja="釜山広域市", name_zh="釜山广域市", name_ko="부산광역시")
    make_region("seo-gu", "KR", name_en="Seo District, Busan", name_ko="부산 서구")
    make_region("mitsuke", name_ja="見附市", name_ko="미쓰케시")
    make_region("yanji", "CN", name_ja="延吉市", name_zh="延吉市", name_ko="연길시")
    make_region("shinjuku", name_ja="シンジュク")
    found = filters.RegionFilterSet({"q": query}, queryset=Region.objects.all()).qs
    assert set(found.values_list("slug", flat=True)) == expected


def test_ties_are_found_by_either_region_or_their_own_label(empty_directory):
    busan = make_region("busan", "KR", name_ja="釜山広域市")
    nagasaki = make_region("nagasaki", name_ja="長崎県")
    yanji = make_region("yanji", "CN", name_zh="延吉市")
    by_region = tie(busan, nagasaki)
    by_partner = tie(yanji, busan, "friendship")
    by_label = tie(yanji, nagasaki, source_label="友好城市")
    found = filters.SisterTieFilterSet({"q": "釜山"}, queryset=SisterTie.objects.all()).qs
    assert set(found) == {by_region, by_partner}
    found = filters.SisterTieFilterSet({"q": "友好"}, queryset=SisterTie.objects.all()).qs
    assert list(found) == [by_label]


def test_search_follows_renames_and_deletions(empty_directory):
    def found(word):
        filterset = filters.RegionFilterSet({"q": word}, queryset=Region.objects.all())
        return set(filterset.qs.values_list("slug", flat=True))

    busan = make_region("busan", "KR", name_ja="釜山広域市")
    assert found("釜山広域") == {"busan"}
    busan.name_ja = "釜山市"
    busan.save()
    assert found("釜山広域") == set() and found("釜山市") == {"busan"}
    Region.objects.filter(pk=busan.pk).update(search_text="renamed by hand")
    assert found("釜山市") == set() and found("renamed") == {"busan"}
    busan.delete()
    assert found("renamed") == set()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 search tables")
def test_sqlite_search_tables_are_repaired_after_migrations(empty_directory):
    from exchanges.models.search import ensure_sqlite_search_tables

    with connection.cursor() as cursor:
        cursor.execute('DROP TRIGGER "exchanges_region_search_insert"')
    make_region("mitsuke", name_ja="見附市")  # not mirrored: its trigger is gone
    ensure_sqlite_search_tables()
    found = filters.RegionFilterSet({"q": "見附市"}, queryset=Region.objects.all()).qs
    assert list(found.values_list("slug", flat=True)) == ["mitsuke"]


@pytest.mark.parametrize(
    "query, field",
    [("a b c d e f g h i", "q"), ("x" * (filters.MAX_SEARCH_LENGTH + 1), "q")],
)
def test_search_is_bounded_with_a_clear_400(client, query, field):
    for url in ["/ties/", "/firms/", "/search/"]:
        response = client.get(url, {"q": query})
        assert response.status_code == 400, url
        assert 'role="alert"' in response.content.decode()
    response = client.get("/api/v1/missions/", {"q": query})
    assert response.status_code == 400
    assert field in response.json()


def test_eight_words_are_still_a_search(client):
    response = client.get("/ties/", {"q": "a b c d e f g h"})
    assert response.status_code == 200


# Indexes -----------------------------------------------------------------------------------


def plan(queryset, *disabled: str) -> str:
    """PostgreSQL's plan for the queryset with these ways of reading disabled, so that the
    plan shows whether an index can serve the query, whatever the size of the test's tables."""
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in disabled:
            cursor.execute(f"SET LOCAL enable_{setting} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


INDEXED = [
    (SisterTie, filters.SisterTieFilterSet, {"pair": "JP-KR"}, "sistertie_countries"),
    (SisterTie, filters.SisterTieFilterSet, {"country": "KR"}, "sistertie_countries"),
    (SisterTie, filters.SisterTieFilterSet, {"q": "busan"}, "sistertie_search_trigram"),
    (SisterTie, filters.SisterTieFilterSet, {"q": "釜山"}, "region_search_trigram"),
    (SisterTie, filters.SisterTieFilterSet, {"status": "ended"}, "status"),
    (SisterTie, filters.SisterTieFilterSet, {"kind": "friendship"}, "tie_type"),
    (SisterTie, filters.SisterTieFilterSet, {"established_from": "2000"}, "established_order"),
    (SisterTie, filters.SisterTieFilterSet, {"region": "busan"}, "region_a_id"),
    (SisterTie, filters.SisterTieFilterSet, {"decade": "1990"}, "established_order"),
    (SisterTie, filters.SisterTieFilterSet, {"area": "culture"}, "sistertie_area_ties"),
    (
        SisterTie,
        filters.SisterTieFilterSet,
        {"region": "Busan", "include_subregions": "false"},
        "region_a_id",
    ),
    (Region, filters.RegionFilterSet, {"q": "부산"}, "region_search_trigram"),
    (Region, filters.RegionFilterSet, {"parent": "busan"}, "parent_id"),
    (Region, filters.RegionFilterSet, {"parent": "부산광역시"}, "parent_id"),
    (Region, filters.RegionFilterSet, {"iso_3166_2": "kr-26"}, "region_iso_3166_2_unique"),
    (Region, filters.RegionFilterSet, {"national_code": "2614000000"}, "region_national_code"),
    (Region, filters.RegionFilterSet, {"origin": "gazetteer"}, "region_origin_order"),
    (Firm, filters.FirmFilterSet, {"q": "見附"}, "firm_search_trigram"),
    (Firm, filters.FirmFilterSet, {"sector": "textiles"}, "firm_sector_trigram"),
    (Firm, filters.FirmFilterSet, {"founded_from": "1990"}, "firm_founded_order"),
    (Firm, filters.FirmFilterSet, {"country": "CN"}, "country"),
    (Mission, filters.MissionFilterSet, {"year_from": "2000"}, "mission_start_order"),
    (Mission, filters.MissionFilterSet, {"pair": "JP-KR"}, "mission_countries"),
    (Mission, filters.MissionFilterSet, {"origin_country": "JP"}, "mission_countries"),
    (Mission, filters.MissionFilterSet, {"destination_country": "KR"}, "mission_destination"),
    (Mission, filters.MissionFilterSet, {"kind": "forum"}, "mission_kind_order"),
    (Mission, filters.MissionFilterSet, {"status": "held"}, "mission_status_order"),
    (Mission, filters.MissionFilterSet, {"q": "延吉"}, "mission_search_trigram"),
    (OverseasOffice, filters.OverseasOfficeFilterSet, {"q": "seoul"}, "search_trigram"),
    (Person, filters.PersonFilterSet, {"q": "김"}, "person_search_trigram"),
    (Person, filters.PersonFilterSet, {"region": "busan"}, "body_region_id"),
    (Person, filters.PersonFilterSet, {"role": "keynote"}, "participation_role"),
    (Participation, filters.ParticipationFilterSet, {"role": "keynote"}, "participation_role"),
    (Participation, filters.ParticipationFilterSet, {"country": "KR"}, "participation_country"),
    (Participation, filters.ParticipationFilterSet, {"mission": "7"}, "participation_mission"),
    (Participation, filters.ParticipationFilterSet, {"person": "7"}, "person_id"),
    (Indicator, filters.IndicatorFilterSet, {"q": "gross"}, "indicator_search_trigram"),
    (Indicator, filters.IndicatorFilterSet, {"region": "busan"}, "indicator_operator_region"),
    (Indicator, filters.IndicatorFilterSet, {"firm": "7"}, "indicator_operator_firm"),
    (Indicator, filters.IndicatorFilterSet, {"subject": "firm"}, "indicator_subject"),
    (Indicator, filters.IndicatorFilterSet, {"measure": "gross"}, "indicator_measure_trigram"),
    (Indicator, filters.IndicatorFilterSet, {"country": "KR"}, "indicator_partner_country"),
    (Indicator, filters.IndicatorFilterSet, {"qualifier": "trips"}, "indicator_qualifier"),
    (Indicator, filters.IndicatorFilterSet, {"currency": "CNY"}, "indicator_currency"),
    (Indicator, filters.IndicatorFilterSet, {"period_from": "2000"}, "indicator_period_end"),
    (Indicator, filters.IndicatorFilterSet, {"period_to": "2000"}, "indicator_period_order"),
    (Indicator, filters.IndicatorFilterSet, {"published_year": "2008"}, "indicator_published"),
]


@on_postgresql
@pytest.mark.parametrize("model, filterset_class, data, index", INDEXED)
def test_postgresql_can_serve_each_filter_from_an_index(model, filterset_class, data, index):
    filterset = filterset_class(data, queryset=model.objects.all())
    assert filterset.is_valid(), filterset.errors
    # With neither sequential nor plain index scans, a filter is read through a bitmap index
    # scan of an index that serves it, or not at all.
    explained = plan(filterset.qs.order_by(), "seqscan", "indexscan", "indexonlyscan")
    assert f"Bitmap Index Scan on {index}" in explained or index in explained, explained
    assert "Seq Scan" not in explained, explained


SORTED = [
    (SisterTie.objects.all(), "sistertie_established_order"),
    (SisterTie.objects.filter(tie_type="sister"), "sistertie_type_order"),
    (SisterTie.objects.order_by("source_label", "pk"), "sistertie_source_label"),
    (Region.objects.all(), "region_name_order"),
    (Firm.objects.all(), "firm_name_order"),
    (OverseasOffice.objects.all(), "overseasoffice_name_order"),
    (Mission.objects.order_by("name_en", "pk"), "mission_name_order"),
    (Region.objects.filter(parent=1), "region_parent_order"),
    (SisterTie.objects.filter(status="ended"), "sistertie_status_order"),
    (Region.objects.order_by("-population", "-pk"), "region_population_order"),
    (Firm.objects.order_by("employees", "pk"), "firm_employees_order"),
    (Mission.objects.all(), "mission_start_order"),
    (Mission.objects.filter(status="held"), "mission_status_order"),
    (OverseasOffice.objects.order_by("opened", "pk"), "overseasoffice_opened_order"),
    (Person.objects.all(), "person_name_order"),
    (Participation.objects.all(), "participation_mission"),
    (Participation.objects.filter(role="keynote"), "participation_role"),
    (Indicator.objects.all(), "indicator_measure_order"),
    (Indicator.objects.order_by("-period_start", "pk"), "indicator_period_order"),
    (Indicator.objects.order_by("published_year", "pk"), "indicator_published_order"),
    (Indicator.objects.order_by("qualifier", "pk"), "indicator_qualifier"),
]


@on_postgresql
@pytest.mark.parametrize("queryset, index", SORTED)
def test_postgresql_can_serve_each_sort_from_an_index(queryset, index):
    explained = plan(queryset[:50], "seqscan", "sort")
    assert index in explained, explained
    assert not re.search(r"(^|-> +)Sort ", explained, re.MULTILINE), explained


def test_trigram_indexes_see_cjk_characters():
    assert checks.trigram_keeps_cjk(None, databases=["default"]) == []


# Pages -------------------------------------------------------------------------------------


def test_a_deep_slice_fetches_its_keys_first_and_keeps_the_order(empty_directory):
    regions = [make_region(f"r-{i:03}") for i in range(30)]
    for i, region in enumerate(regions[1:], start=1):
        tie(regions[0], region, established=f"{1990 + i % 7}-01-01", established_precision="year")
    ordered = list(SisterTie.objects.values_list("pk", flat=True))
    window = SisterTie.objects.all()[10:20]
    with CaptureQueriesContext(connection) as queries:
        assert [t.pk for t in window] == ordered[10:20]
    assert "LIMIT" in queries[0]["sql"].split("IN (", 1)[1], "the window is a subquery"
    assert [t.pk for t in SisterTie.objects.all()[:5]] == ordered[:5]


def test_every_sort_gives_each_row_one_page(client, empty_directory):
    hub = make_region("hub")
    for i in range(12):
        tie(hub, make_region(f"same-{i:02}", "KR", name_en="Same name"))
    seen = []
    for page in (1, 2, 3):
        response = client.get("/ties/", {"sort": "region_b", "per_page": 5, "page": page})
        seen += [row.record.pk for row in response.context["table"].paginated_rows]
    assert sorted(seen) == sorted(SisterTie.objects.values_list("pk", flat=True))


@pytest.mark.parametrize("per_page", ["0", "-1", "501", "many"])
def test_rows_per_page_are_bounded(client, per_page):
    response = client.get("/regions/", {"per_page": per_page})
    assert response.status_code == 400
    assert "per_page" in response.content.decode()


def test_rows_per_page_can_be_chosen(client):
    response = client.get("/regions/", {"per_page": "7"})
    assert len(response.context["table"].page.object_list) == 7


def test_a_hub_region_page_shows_its_first_ties_and_links_to_the_rest(client, empty_directory):
    hub = make_region("hub")
    for i in range(30):
        tie(hub, make_region(f"p-{i:02}", "KR"))
    response = client.get(hub.get_absolute_url())
    ties = response.context["ties"]
    assert ties.count == 30 and len(ties.records) == 20 and ties.more
    assert ties.url == "/ties/?region=hub"
    assert 'href="/ties/?region=hub"' in response.content.decode()


def test_a_source_page_counts_its_records_and_links_to_their_lists(client, empty_directory):
    source = Source.objects.create(title="Report", language="en", file_name="r.txt")
    regions = [make_region(f"c-{i:02}") for i in range(25)]
    for i, region in enumerate(regions):
        Citation.objects.create(source=source, record=region, locator=f"p. {i}")
    response = client.get(source.get_absolute_url())
    (kind,) = response.context["cited_by"]
    assert kind["citations"].count == 25 and len(kind["citations"].records) == 20
    listed = client.get(kind["citations"].url).context["table"].paginator.count
    assert listed == 25


def test_the_partner_filter_selects_the_ties_between_two_regions(empty_directory):
    niigata, jilin, busan = make_region("niigata"), make_region("jilin", "CN"), make_region("busan")
    yanji = make_region("yanji", "CN", parent=jilin)
    between = [tie(niigata, jilin), tie(yanji, niigata, "friendship")]
    tie(niigata, busan)
    tie(jilin, busan)
    found = filters.SisterTieFilterSet(
        {"region": "niigata", "partner": "jilin"}, queryset=SisterTie.objects.all()
    ).qs
    assert set(found) == set(between)


def test_tie_countries_follow_their_regions(empty_directory):
    seoul, osaka = make_region("seoul", "KR"), make_region("osaka")
    made = tie(seoul, osaka)
    assert (made.country_a, made.country_b) == ("KR", "JP")
    osaka.country = "CN"
    osaka.save()
    made.refresh_from_db()
    assert made.country_b == "CN"
    assert list(SisterTie.objects.between_countries("CN", "KR")) == [made]


def test_fixture_ties_carry_their_regions_countries():
    for each in SisterTie.objects.select_related("region_a", "region_b"):
        assert each.country_a == each.region_a.country.code
        assert each.country_b == each.region_b.country.code
        assert each.search_text == search_text([each.source_label])


# Downloads ---------------------------------------------------------------------------------


def test_downloads_stream_every_row_in_chunks(client, empty_directory, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_ROWS", 7)
    hub = make_region("hub", name_ja="見附市")
    for i in range(23):
        tie(
            hub,
            make_region(f"d-{i:02}", "KR"),
            established="2001-03-01",
            established_precision="month",
        )
    response = client.get("/ties/", {"export": "csv"})
    assert isinstance(response, StreamingHttpResponse)
    chunks = list(response.streaming_content)
    assert len(chunks) > 3
    text = b"".join(chunks).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 23 and {row["established"] for row in rows} == {"2001-03"}
    assert {row["region_a"] for row in rows} == {"hub"}
    response = client.get("/ties/", {"export": "json"})
    records = json.loads(b"".join(response.streaming_content))
    assert len(records) == 23 and records[0]["tie_type"] == "sister"


# Bounded work ------------------------------------------------------------------------------


@on_postgresql
def test_a_statement_past_the_timeout_answers_503_with_the_reason():
    with (
        pytest.raises(OperationalError) as stopped,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL statement_timeout = 10")
        cursor.execute("SELECT pg_sleep(1)")
    middleware = StatementTimeoutMiddleware(lambda request: None)
    page = middleware.process_exception(RequestFactory().get("/ties/"), stopped.value)
    assert page.status_code == 503 and "Narrow" in page.content.decode()
    api = middleware.process_exception(RequestFactory().get("/api/v1/ties/"), stopped.value)
    assert api.status_code == 503 and "detail" in json.loads(api.content)


def test_other_database_errors_are_left_alone():
    middleware = StatementTimeoutMiddleware(lambda request: None)
    assert middleware.process_exception(RequestFactory().get("/"), OperationalError()) is None


# Caching -----------------------------------------------------------------------------------


def test_statistics_are_cached_until_a_record_changes(
    client, empty_directory, django_capture_on_commit_callbacks
):
    jp, kr = make_region("jp-city"), make_region("kr-city", "KR")
    tie(jp, kr, established="2001-01-01", established_precision="year")

    def ties_in_2001():
        rows = client.get("/stats/").context["statistics"][0].rows
        return {row.key: row.total for row in rows}.get("2001")

    assert ties_in_2001() == 1
    with CaptureQueriesContext(connection) as queries:
        assert ties_in_2001() == 1
    assert not any("sistertie" in query["sql"] for query in queries), "answered from the cache"
    with django_capture_on_commit_callbacks(execute=True):
        tie(kr, make_region("jp-town"), established="2001-05-01", established_precision="month")
    assert ties_in_2001() == 2


def test_an_admin_edit_moves_the_cache_on(admin_client, django_capture_on_commit_callbacks):
    version = caching.data_version()
    region = Region.objects.first()
    with django_capture_on_commit_callbacks(execute=True):
        region.notes = "Edited."
        region.save()
    assert caching.data_version() > version
    cache.clear()
    assert caching.data_version() > 0, "a lost version starts a new series"


# Pictures of many ties ---------------------------------------------------------------------


def many_ties_between_provinces():
    """Two Japanese and two Korean first-level regions, with cities below, tied across."""
    provinces = {
        slug: Region.objects.create(
            slug=slug,
            name_en=slug.title(),
            country=country,
            level="province",
            latitude=lat,
            longitude=lon,
            coordinates_basis="context",
        )
        for slug, country, lat, lon in [
            ("niigata", "JP", 37.9, 139.0),
            ("nagasaki", "JP", 32.7, 129.9),
            ("busan", "KR", 35.1, 129.0),
            ("jeju", "KR", 33.5, 126.5),
        ]
    }
    cities = {
        slug: [make_region(f"{slug}-{i}", str(p.country), parent=p) for i in range(4)]
        for slug, p in provinces.items()
    }
    for japanese in ("niigata", "nagasaki"):
        for korean in ("busan", "jeju"):
            for first in cities[japanese]:
                for second in cities[korean][: 2 if korean == "jeju" else 4]:
                    tie(first, second)
    return provinces


def test_many_ties_are_drawn_between_first_level_regions(client, empty_directory, monkeypatch):
    monkeypatch.setattr(tie_map, "MAP_TIES", 10)
    many_ties_between_provinces()
    response = client.get("/map/")
    drawn = response.context["map"]
    assert drawn.aggregated and drawn.aggregated_ties == SisterTie.objects.count()
    links = {tuple(sorted(r.slug for r in link.ends)): link.ties for link in drawn.links}
    assert links == {
        ("busan", "niigata"): 16,
        ("busan", "nagasaki"): 16,
        ("jeju", "niigata"): 8,
        ("jeju", "nagasaki"): 8,
    }
    for link in drawn.links:
        listed = client.get(link.url).context["table"].paginator.count
        assert listed == link.ties, link.url
    page = response.content.decode()
    assert "too many to draw one by one" in page
    assert page.count('class="link"') == 4


def test_map_names_never_cover_each_other(client, empty_directory):
    for i in range(40):
        Region.objects.create(
            slug=f"crowd-{i}",
            name_en=f"Crowded Place {i}",
            country="KR",
            level="city",
            latitude=35 + i * 0.01,
            longitude=129 + i * 0.01,
            coordinates_basis="context",
        )
    hub = Region.objects.get(slug="crowd-0")
    for other in Region.objects.exclude(pk=hub.pk)[:20]:
        tie(hub, other)
    drawn = client.get("/map/").context["map"]
    named = [spot for spot in drawn.regions if spot.placement]
    assert named
    markers = [(m.host.x, m.host.y, m.box) for m in drawn.offices]
    for scale in (0.37, 1.0, 1.17, 2.0, 4.0, 8.0):

        def at(x, y, box, scale=scale):
            return x * scale + box[0], y * scale + box[1], x * scale + box[2], y * scale + box[3]

        boxes = [
            at(spot.x, spot.y, spot.placement.box)
            for spot in named
            if spot.placement.min_scale <= scale
        ]
        for i, box in enumerate(boxes):
            assert not any(labels.intersects(box, other) for other in boxes[i + 1 :])
            assert box[0] >= 0 and box[2] <= drawn.width * scale
            assert not any(labels.intersects(box, at(*marker)) for marker in markers)


def test_the_network_of_many_ties_is_drawn_between_first_level_regions(
    client, empty_directory, monkeypatch
):
    monkeypatch.setattr(network, "NETWORK_TIES", 10)
    provinces = many_ties_between_provinces()
    graph = client.get("/network/").context["network"]
    assert graph.aggregated and graph.aggregated_regions == 4
    assert {node.region.slug for node in graph.nodes} == set(provinces)
    assert {node.region.slug: node.degree for node in graph.nodes}["busan"] == 32
    for edge in graph.edges:
        assert client.get(edge.url).context["table"].paginator.count == edge.ties


@pytest.mark.parametrize("path", ["/map/", "/network/", "/stats/"])
def test_gathered_pictures_cost_the_same_for_few_and_many_ties(
    client, empty_directory, monkeypatch, path
):
    monkeypatch.setattr(tie_map, "MAP_TIES", 3)
    monkeypatch.setattr(tie_map, "MAP_OFFICES", 3)
    monkeypatch.setattr(network, "NETWORK_TIES", 3)
    counts = []
    for cities in (2, 4):
        savepoint = connection.savepoint()
        provinces = [
            Region.objects.create(slug=f"p{i}", name_en=f"P{i}", country=c, level="province")
            for i, c in enumerate(["JP", "KR"])
        ]
        places = [
            [make_region(f"c{p.pk}-{i}", str(p.country), parent=p) for i in range(cities)]
            for p in provinces
        ]
        for first in places[0]:
            for second in places[1]:
                tie(first, second)
                OverseasOffice.objects.create(
                    name_en="O", kind="trade_office", operator_region=first, host_region=second
                )
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts.append(len(queries))
        connection.savepoint_rollback(savepoint)
    assert counts[0] == counts[1], counts


# The synthetic directory -------------------------------------------------------------------


def test_populate_synthetic_refuses_a_database_with_records():
    with pytest.raises(CommandError, match="already holds"):
        call_command("populate_synthetic", "--scale", "0.1", verbosity=0)


def snapshot() -> list:
    return list(
        SisterTie.objects.order_by("pk").values_list(
            "region_a__slug", "region_b__slug", "tie_type", "established", "status"
        )[:200]
    )


def test_the_synthetic_directory_is_the_same_every_time(empty_directory):
    synthetic.populate(0.05, seed=7, log=lambda message: None)
    first = snapshot()
    clear_directory()
    synthetic.populate(0.05, seed=7, log=lambda message: None)
    assert snapshot() == first


def test_a_synthetic_directory_at_scale_1_obeys_every_rule_and_serves_its_pages(
    client, empty_directory
):
    counts = synthetic.populate(1, log=lambda message: None)
    assert counts["regions"] == synthetic.REGIONS_PER_SCALE
    assert counts["ties"] == synthetic.TIES_PER_SCALE
    assert counts["citations"] >= sum(
        counts[key]
        for key in (
            "regions",
            "ties",
            "firms",
            "offices",
            "missions",
            "people",
            "participations",
            "figures",
        )
    )
    assert counts["people"] == synthetic.PEOPLE_PER_SCALE
    assert counts["figures"] == synthetic.INDICATORS_PER_SCALE
    assert counts["participations"] > counts["missions"]
    directory = (Region, SisterTie, Firm, OverseasOffice, Mission, Person, Participation, Indicator)
    for model in (*directory, Source):
        for record in model.objects.order_by("?")[:25]:
            record.full_clean()
    assert not Region.objects.filter(search_text="").exists()
    # Hubs: a few regions hold far more ties than the rest.
    top = SisterTie.objects.most_tied_regions(1)[0][1]
    assert top > 10 * (2 * counts["ties"] / counts["regions"])
    hub = Region.objects.get(pk=SisterTie.objects.most_tied_regions(1)[0][0])
    for url in [
        "/",
        "/ties/?pair=JP-KR",
        f"/ties/?region={hub.slug}",
        "/ties/?q=%E5%B1%B1",
        "/ties/?page=150",
        "/firms/?q=trading",
        "/missions/?pair=CN-JP",
        "/people/?q=%EA%B9%80",
        "/participations/?role=keynote",
        hub.get_absolute_url(),
        "/stats/",
        "/map/",
        "/network/",
        "/search/?q=%EB%B6%80",
        "/api/v1/ties/?pair=JP-KR",
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get("/map/").context["map"].aggregated
    assert client.get("/network/").context["network"].aggregated


# Copies kept by the database's records ------------------------------------------------------


def test_missions_keep_the_countries_of_their_regions(empty_directory):
    osaka, kyoto = make_region("osaka"), make_region("kyoto")
    busan, dalian = make_region("busan", "KR"), make_region("dalian", "CN")
    mission = Mission.objects.create(name_en="Trade mission", kind="trade")
    mission.origin_regions.add(osaka)
    mission.destination_regions.add(busan)
    mission.refresh_from_db()
    assert (mission.origin_country, mission.destination_country) == ("JP", "KR")
    mission.destination_regions.add(dalian)
    mission.refresh_from_db()
    assert mission.destination_country == "*"
    dalian.missions_to.remove(mission)  # from the region's side of the relation
    mission.refresh_from_db()
    assert mission.destination_country == "KR"
    kyoto.missions_from.add(mission)
    osaka.missions_from.clear()
    mission.refresh_from_db()
    assert mission.origin_country == "JP"
    kyoto.country = "CN"
    kyoto.save()
    mission.refresh_from_db()
    assert mission.origin_country == "CN"
    kyoto.missions_from.remove(mission)
    mission.refresh_from_db()
    assert mission.origin_country == ""


def test_mission_country_filters_read_the_copies_and_the_regions(empty_directory):
    osaka, busan, dalian = (
        make_region("osaka"),
        make_region("busan", "KR"),
        make_region("dalian", "CN"),
    )
    one_way = Mission.objects.create(name_en="One way", kind="trade")
    one_way.origin_regions.add(osaka)
    one_way.destination_regions.add(busan)
    several = Mission.objects.create(name_en="Several", kind="trade")
    several.origin_regions.add(dalian, busan)
    several.destination_regions.add(osaka)
    other = Mission.objects.create(name_en="Other", kind="trade")
    other.origin_regions.add(dalian)
    other.destination_regions.add(busan)

    def selected(**data):
        found = filters.MissionFilterSet(data, queryset=Mission.objects.all()).qs
        return {mission.name_en for mission in found}

    assert selected(pair="JP-KR") == {"One way", "Several"}
    assert selected(pair="CN-JP") == {"Several"}
    assert selected(origin_country="KR") == {"Several"}
    assert selected(destination_country="KR") == {"One way", "Other"}
    assert selected(country="CN") == {"Several", "Other"}


def test_fixture_missions_carry_their_regions_countries():
    for mission in Mission.objects.prefetch_related("origin_regions", "destination_regions"):
        for relation, column in (
            ("origin_regions", "origin_country"),
            ("destination_regions", "destination_country"),
        ):
            countries = {region.country.code for region in getattr(mission, relation).all()}
            expected = "*" if len(countries) > 1 else (countries.pop() if countries else "")
            assert getattr(mission, column) == expected, mission


# Pages and downloads render what django-tables2 would --------------------------------------


@pytest.mark.parametrize("name", ["region", "tie", "firm", "office", "mission", "source"])
@pytest.mark.parametrize("language", ["en", "ja"])
def test_cells_render_as_django_tables2_renders_them(client, name, language):
    from django.template import Context
    from django.template.base import render_value_in_context

    from exchanges.cells import cell_renderer

    prefix = "" if language == "en" else f"/{language}"
    response = client.get(f"{prefix}/{name}s/" if name != "tie" else f"{prefix}/ties/")
    table = response.context["table"]
    rows = list(table.paginated_rows)
    assert rows
    for row in rows:
        for column, cell in row.items():
            expected = render_value_in_context(cell, Context(autoescape=True))
            assert str(cell_renderer(table, column)(row.record)) == str(expected), column.name


@pytest.mark.parametrize("model", [Region, SisterTie, Firm, Mission], ids=lambda m: m.__name__)
def test_downloads_read_only_the_fields_they_write(client, model):
    table = component(tables.DirectoryTable, model)(model.objects.listed())
    slim = table.export_queryset(model.objects.listed())
    assert slim.query.deferred_loading[1] is False, "only() names what is read"
    header, getters = exports.export_columns(table)
    full_rows = [[get(record) for get in getters] for record in model.objects.listed()]
    slim_rows = [[get(record) for get in getters] for record in slim]
    assert slim_rows == full_rows


def test_a_cache_in_each_worker_is_flagged_for_deployment(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [warning.id for warning in checks.cache_shared_by_workers(None)] == ["exchanges.W002"]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }
    }
    assert checks.cache_shared_by_workers(None) == []
