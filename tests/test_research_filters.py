"""The filters researchers use: ties by exchange area (``area``, several allowed) and by decade
(``decade``), on the list pages, their downloads, the API and the pictures, and the statistics
of ties per decade and per exchange area that follow every filter of the statistics page.

``research`` builds a small directory of the tests' own around a Japanese prefecture, so that
``region=<prefecture>`` keeps the production fixtures out of every count."""

import csv
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from tests.query_counts import RecordQueries
from tests.record_type_cases import API_ROWS, ROWS, exported_rows

from . import factories as make

pytestmark = pytest.mark.django_db

TIES = reverse("exchanges:sistertie-list")
API_TIES = reverse("api:sistertie-list")


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def research():
    """A prefecture and a city in it, two Korean regions and a Chinese one; three exchange
    areas; ties of the 1990s and 2000s covering none, one or two areas, one undated, and one
    between Korean regions outside the prefecture."""
    token = make.new_token()
    prefecture = make.region(token, level="prefecture")
    city = make.region(token, parent=prefecture)
    korea = [make.region(token, country="KR") for _ in range(2)]
    china = make.region(token, country="CN")
    culture = make.exchange_area(token, name_en=f"Culture {token}")
    economy = make.exchange_area(token, name_en=f"Economy {token}")
    tourism = make.exchange_area(token, name_en=f"Tourism {token}")

    def tie(first, second, year=None, areas=()):
        dated = make.year("established", year) if year else {}
        made = make.tie(token, region_a=first, region_b=second, **dated)
        made.exchange_areas.add(*areas)
        return made

    ties = {
        "both": tie(prefecture, korea[0], 1990, [culture, economy]),
        "cultural": tie(city, korea[1], 1995, [culture]),
        "economic": tie(prefecture, china, 2003, [economy]),
        "undated": tie(city, china),
        "elsewhere": tie(korea[0], korea[1], 1990, [culture, tourism]),
    }
    return {
        "token": token,
        "prefecture": prefecture,
        "areas": {"culture": culture, "economy": economy, "tourism": tourism},
        "ties": ties,
    }


def ids(*records) -> list[int]:
    return sorted(record.pk for record in records)


def page_ids(client, query: dict) -> list[int]:
    response = client.get(TIES, {**ROWS, **query})
    assert response.status_code == 200, response.context["filterset"].errors
    return sorted(row.record.pk for row in response.context["table"].paginated_rows)


def api_ids(api, query: dict) -> list[int]:
    response = api.get(API_TIES, {**API_ROWS, **query})
    assert response.status_code == 200, response.content
    return sorted(result["id"] for result in response.json()["results"])


# Ties by exchange area ---------------------------------------------------------------------


def test_an_area_selects_the_ties_covering_it(client, api, research):
    areas, ties = research["areas"], research["ties"]
    query = {"q": research["token"], "area": areas["culture"].slug}
    wanted = ids(ties["both"], ties["cultural"], ties["elsewhere"])
    assert page_ids(client, query) == wanted
    assert api_ids(api, query) == wanted


def test_several_areas_select_the_ties_covering_any_each_once(client, api, research):
    areas, ties = research["areas"], research["ties"]
    query = {"q": research["token"], "area": [areas["culture"].slug, areas["economy"].slug]}
    wanted = ids(ties["both"], ties["cultural"], ties["economic"], ties["elsewhere"])
    assert page_ids(client, query) == wanted  # sorted lists: a tie twice would show
    assert api_ids(api, query) == wanted
    assert api.get(API_TIES, query).json()["count"] == len(wanted)


def test_an_empty_area_is_no_filter(client, api, research):
    query = {"q": research["token"], "area": ""}
    assert page_ids(client, query) == ids(*research["ties"].values())
    assert api_ids(api, query) == ids(*research["ties"].values())


def test_an_unknown_area_answers_400_naming_the_field_and_the_known_areas(client, api, research):
    culture = research["areas"]["culture"]
    query = {"area": [culture.slug, "no-such-area"]}
    page = client.get(TIES, query)
    assert page.status_code == 400
    html = page.content.decode()
    assert 'href="#id_area"' in html
    assert "no-such-area is not an exchange area" in html and culture.slug in html
    answer = api.get(API_TIES, query)
    assert answer.status_code == 400
    (message,) = answer.json()["area"]
    assert "no-such-area" in message and culture.slug in message


@pytest.mark.parametrize("value", ["%00", "culture%00"])
def test_a_null_character_in_an_area_is_refused(client, api, value):
    assert client.get(f"{TIES}?area={value}").status_code == 400
    assert "area" in api.get(f"{API_TIES}?area={value}").json()


# Ties by decade ----------------------------------------------------------------------------


def test_a_decade_selects_its_ten_years(client, api, research):
    ties = research["ties"]
    query = {"q": research["token"], "decade": "1990"}
    wanted = ids(ties["both"], ties["cultural"], ties["elsewhere"])
    assert page_ids(client, query) == wanted
    assert api_ids(api, query) == wanted
    several = {**query, "decade": ["1990", "2000"]}
    assert page_ids(client, several) == ids(*wanted_and(ties, "economic"))
    assert api_ids(api, several) == ids(*wanted_and(ties, "economic"))


def wanted_and(ties, *more):
    return [ties[name] for name in ("both", "cultural", "elsewhere", *more)]


@pytest.mark.parametrize("value", ["1995", "199", "abc", "1990.0", "990", "2110", "-1990", "1_990"])
def test_a_bad_decade_answers_400_naming_the_field(client, api, value):
    page = client.get(TIES, {"decade": value})
    assert page.status_code == 400
    assert 'href="#id_decade"' in page.content.decode()
    answer = api.get(API_TIES, {"decade": value})
    assert answer.status_code == 400
    assert "multiple of 10" in answer.json()["decade"][0]


# Combined, and downloaded ------------------------------------------------------------------


def test_area_and_decade_combine_with_the_other_filters(client, api, research):
    areas, ties = research["areas"], research["ties"]
    query = {
        "q": research["token"],
        "area": [areas["culture"].slug, areas["economy"].slug],
        "decade": ["1990", "2000"],
        "region": research["prefecture"].slug,
        "pair": "JP-KR",
    }
    assert page_ids(client, query) == ids(ties["both"], ties["cultural"])
    assert api_ids(api, query) == ids(ties["both"], ties["cultural"])


@pytest.mark.parametrize("export_format", ["csv", "xlsx", "json"])
def test_a_download_holds_exactly_the_filtered_rows(client, api, research, export_format):
    areas, ties = research["areas"], research["ties"]
    query = {
        "q": research["token"],
        "area": [areas["economy"].slug, areas["tourism"].slug],
        "decade": "1990",
        "per_page": 1,
        "export": export_format,
    }
    rows = exported_rows(client.get(TIES, query), export_format)
    wanted = ids(ties["both"], ties["elsewhere"])
    assert sorted(int(row["id"]) for row in rows) == wanted
    if export_format != "json":
        api_query = {key: value for key, value in query.items() if key != "per_page"}
        api_query.pop("export")
        from_api = exported_rows(
            api.get(API_TIES, {**api_query, "format": export_format}), export_format
        )
        assert sorted(int(row["id"]) for row in from_api) == wanted


def test_the_list_form_offers_the_areas_and_decades_and_keeps_the_choice(client, research):
    culture = research["areas"]["culture"]
    html = client.get(TIES, {"area": culture.slug, "decade": "1850"}).content.decode()
    assert '<select name="area"' in html and '<select name="decade"' in html
    assert f'<option value="{culture.slug}" selected>' in html
    assert '<option value="1990">1990s</option>' in html
    assert '<option value="1850" selected>1850s</option>' in html


def test_active_filters_name_each_area_and_decade(client, research):
    areas = research["areas"]
    response = client.get(
        TIES, {"area": [areas["culture"].slug, areas["economy"].slug], "decade": "1990"}
    )
    active = {item["name"]: item["value"] for item in response.context["active_filters"]}
    assert active["area"] == f"{areas['culture'].name}, {areas['economy'].name}"
    assert active["decade"] == "1990s"


def test_list_pages_filtered_by_area_and_decade_run_the_same_queries_for_5_and_50(client):
    counts = {}
    for size in (5, 50):
        savepoint = connection.savepoint()
        token = make.new_token()
        area = make.exchange_area(token)
        for _ in range(size):
            make.tie(token, **make.year("established", 1994)).exchange_areas.add(area)
        url = f"{TIES}?q={token}&area={area.slug}&decade=1990&per_page={size}"
        with RecordQueries() as queries:
            response = client.get(url)
        assert len(response.context["table"].page.object_list) == size
        counts[size] = len(queries)
        with RecordQueries() as queries:
            assert client.get(f"{url}&export=csv").status_code == 200
        counts[f"export {size}"] = len(queries)
        connection.savepoint_rollback(savepoint)
    assert counts[5] == counts[50] and counts["export 5"] == counts["export 50"], counts


# Pictures ----------------------------------------------------------------------------------


def test_map_and_network_follow_area_and_decade(client, research):
    region, culture = research["prefecture"].slug, research["areas"]["culture"].slug
    for path in ("/map/", "/network/"):
        assert client.get(path, {"region": region, "area": culture}).status_code == 200
        assert client.get(path, {"area": "no-such-area"}).status_code == 400
        assert client.get(path, {"decade": "1995"}).status_code == 400
    network = client.get("/network/", {"region": region, "area": culture}).context["network"]
    shown = {edge.tie.pk for edge in network.edges if edge.tie is not None}
    ties = research["ties"]
    assert shown == {ties["both"].pk, ties["cultural"].pk}


# Statistics --------------------------------------------------------------------------------


def statistics(client, query: dict) -> dict:
    response = client.get(reverse("exchanges:stats"), query)
    assert response.status_code == 200
    return {statistic.slug: statistic for statistic in response.context["statistics"]}


def csv_rows(client, slug: str, query: dict) -> dict[str, dict[str, str]]:
    response = client.get(reverse("exchanges:stats_csv", args=[slug]), query)
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    return {row["category"]: row for row in csv.DictReader(io.StringIO(text))}


def listed_ids(client, url: str) -> list[int]:
    response = client.get(f"{url}&per_page={ROWS['per_page']}")
    assert response.status_code == 200
    return sorted(row.record.pk for row in response.context["table"].paginated_rows)


def test_ties_per_decade_by_country_pair_with_the_undated_in_a_note(client, research):
    query = {"region": research["prefecture"].slug}
    statistic = statistics(client, query)["ties-per-decade"]
    assert [(row.key, row.label, row.values) for row in statistic.rows] == [
        ("1990", "1990s", [2, 0, 0, 0]),
        ("2000", "2000s", [0, 1, 0, 0]),
    ]
    assert "1 record with no known year" in statistic.note
    rows = csv_rows(client, "ties-per-decade", query)
    assert rows["1990"] == {
        "category": "1990",
        "JP-KR": "2",
        "JP-CN": "0",
        "CN-KR": "0",
        "other": "0",
        "total": "2",
    }
    assert rows["2000"]["JP-CN"] == "1" and rows["2000"]["total"] == "1"


def test_ties_per_exchange_area_count_a_tie_once_in_each_of_its_areas(client, research):
    areas, ties = research["areas"], research["ties"]
    query = {"region": research["prefecture"].slug}
    statistic = statistics(client, query)["ties-per-exchange-area"]
    assert [(row.key, row.label, row.values) for row in statistic.rows] == [
        (areas["culture"].slug, areas["culture"].name, [2, 0, 0, 0]),
        (areas["economy"].slug, areas["economy"].name, [1, 1, 0, 0]),
    ]
    assert "counts once in each" in statistic.description
    assert statistic.note.startswith("1 tie for which the sources name no exchange area")
    rows = csv_rows(client, "ties-per-exchange-area", query)
    assert rows[areas["economy"].slug]["JP-KR"] == "1"
    assert rows[areas["economy"].slug]["JP-CN"] == "1"
    assert rows[areas["economy"].slug]["total"] == "2"
    assert areas["tourism"].slug not in rows  # only the tie outside the region covers it
    assert ties["elsewhere"].pk not in listed_ids(client, statistic.rows[0].url)


def test_statistics_rows_link_to_the_ties_they_count_with_the_current_filters(client, research):
    areas, ties = research["areas"], research["ties"]
    region = research["prefecture"].slug
    query = {"region": region, "pair": "JP-KR", "decade": ["1990", "2000"]}
    by_slug = statistics(client, query)
    (culture_row, economy_row) = by_slug["ties-per-exchange-area"].rows
    linked = parse_qs(urlsplit(culture_row.url).query)
    assert linked == {
        "region": [region],
        "pair": ["JP-KR"],
        "decade": ["1990", "2000"],
        "area": [areas["culture"].slug],
    }
    assert listed_ids(client, culture_row.url) == ids(ties["both"], ties["cultural"])
    assert listed_ids(client, economy_row.url) == ids(ties["both"])
    assert economy_row.total == 1
    (nineties,) = by_slug["ties-per-decade"].rows
    assert parse_qs(urlsplit(nineties.url).query)["decade"] == ["1990"]
    assert listed_ids(client, nineties.url) == ids(ties["both"], ties["cultural"])
    # The other statistics of ties follow the decade too, and their rows carry it.
    year_rows = by_slug["ties-per-year"].rows
    assert "decade=1990&decade=2000" in year_rows[0].url
    assert sum(row.total for row in year_rows) == 2


def test_every_tie_statistic_follows_area_and_decade(client, research):
    areas = research["areas"]
    query = {"region": research["prefecture"].slug, "area": areas["economy"].slug}
    by_slug = statistics(client, query)
    # Most ties first: the tie covering both areas counts for culture too.
    assert [(row.key, row.total) for row in by_slug["ties-per-exchange-area"].rows] == [
        (areas["economy"].slug, 2),
        (areas["culture"].slug, 1),
    ]
    assert sum(row.total for row in by_slug["ties-per-decade"].rows) == 2
    assert sum(row.total for row in by_slug["ties-by-type-and-status"].rows) == 2
    # Offices and missions have neither: they are counted without them, and the page says so.
    assert "select ties" in by_slug["offices-by-host-country"].note
    unfiltered = statistics(client, {"region": research["prefecture"].slug})
    assert "select ties" not in unfiltered["missions-per-year"].note
    decade = statistics(client, {**query, "decade": "2000"})
    assert [row.total for row in decade["ties-per-exchange-area"].rows] == [1]
    csv_link = reverse("exchanges:stats_csv", args=["ties-per-decade"])
    html = client.get(reverse("exchanges:stats"), query).content.decode()
    assert f'href="{csv_link}?region={research["prefecture"].slug}&amp;area=' in html


def test_the_statistics_page_shows_both_new_charts_and_tables(client, research):
    html = client.get(reverse("exchanges:stats"), {"region": research["prefecture"].slug})
    text = html.content.decode()
    for slug in ("ties-per-decade", "ties-per-exchange-area"):
        assert f'id="{slug}"' in text
        assert f"/stats/{slug}.csv?region=" in text
    assert '<select name="area"' in text and '<select name="decade"' in text
    assert "Ties per exchange area</caption>" in text
    assert "Ties established per decade</caption>" in text


@pytest.mark.parametrize(
    "url, field",
    [
        ("/stats/?area=no-such-area", "area"),
        ("/stats/?decade=1995", "decade"),
        ("/stats/ties-per-decade.csv?decade=abc", "decade"),
        ("/stats/ties-per-exchange-area.csv?area=no-such-area", "area"),
    ],
)
def test_bad_area_or_decade_on_the_statistics_answer_400_naming_the_field(client, url, field):
    response = client.get(url)
    assert response.status_code == 400
    assert f'href="#id_{field}"' in response.content.decode()


def test_the_statistics_run_the_same_queries_for_5_and_50_ties_with_areas(client):
    counts = {}
    for size in (5, 50):
        savepoint = connection.savepoint()
        token = make.new_token()
        hub = make.region(token)
        areas = [make.exchange_area(token) for _ in range(2)]
        for number in range(size):
            tie = make.tie(token, region_a=hub, **make.year("established", 1960 + number))
            tie.exchange_areas.add(*areas[: 1 + number % 2])
        for query in ("", f"&area={areas[0].slug}&decade=1960"):
            cache.clear()
            with RecordQueries() as queries:
                response = client.get(f"/stats/?region={hub.slug}{query}")
            assert response.status_code == 200
            counts[size, query] = len(queries)
        connection.savepoint_rollback(savepoint)
    assert counts[5, ""] == counts[50, ""], counts
    assert len({n for (size, query), n in counts.items() if query}) == 1, counts


def test_no_area_and_no_decade_are_no_active_filter(client):
    response = client.get(TIES, {"pair": "JP-KR", "area": "", "decade": ""})
    assert [item["name"] for item in response.context["active_filters"]] == ["pair"]
