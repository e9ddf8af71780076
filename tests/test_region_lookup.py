"""Regions found in any script: the region filters of pages, API and pictures take a slug, an
id or a full name in any of the four scripts, refuse an ambiguous or unknown one with 400, and
``include_subregions`` says whether the regions within count; search finds a region by its
parents' names; /regions/suggest/ offers matching regions while typing.

The production fixtures are loaded in the test database: every name built here carries the
test's token, so that a name is ambiguous or unique by what the test built alone."""

import json

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from exchanges.models import Region
from tests.query_counts import RecordQueries

from . import factories as make
from .test_scale import on_postgresql, plan

pytestmark = pytest.mark.django_db

# The lists with a region filter, with the parameters naming a region on each.
REGION_PARAMETERS = {
    "ties": ["region", "partner"],
    "firms": ["region"],
    "offices": ["region", "host_region"],
    "missions": ["region"],
    "regions": ["parent"],
}


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def city():
    """A metropolitan city in four scripts with two districts, each with a tie, and a city
    elsewhere with a district of the same name as one of them."""
    token = make.new_token()
    busan = make.region(
        token,
        country="KR",
        level="metropolitan_city",
        name_en=f"Busan {token}",
        name_ja=f"釜山{token}",
        name_zh=f"釜山市{token}",
        name_ko=f"부산광역시{token}",
    )
    seo = make.region(
        country="KR", level="district", parent=busan, name_en="Seo District", name_ko="서구"
    )
    yeongdo = make.region(
        country="KR",
        level="district",
        parent=busan,
        name_en="Yeongdo District",
        name_ko="영도구",
    )
    incheon = make.region(
        token,
        country="KR",
        level="metropolitan_city",
        name_en=f"Incheon {token}",
        name_ko=f"인천광역시{token}",
    )
    partner = make.region(token, country="JP", level="city")
    ties = {
        "own": make.tie(token, region_a=busan, region_b=partner),
        "seo": make.tie(token, region_a=seo, region_b=partner),
        "yeongdo": make.tie(token, region_a=partner, region_b=yeongdo),
    }
    make.tie(token, region_a=incheon, region_b=partner)
    return {
        "token": token,
        "busan": busan,
        "seo": seo,
        "yeongdo": yeongdo,
        "incheon": incheon,
        "partner": partner,
        "ties": ties,
    }


def ids_of(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def listed_ties(api, **query) -> set[int]:
    response = api.get("/api/v1/ties/", {"page_size": 100, **query})
    assert response.status_code == 200, response.content
    return ids_of(response)


# --- naming a region --------------------------------------------------------------------------


def test_a_region_is_named_by_slug_id_or_full_name_in_any_script(api, client, city):
    busan = city["busan"]
    expected = {tie.pk for tie in city["ties"].values()}
    values = [
        busan.slug,
        busan.slug.upper(),
        str(busan.pk),
        busan.name_en,
        busan.name_en.lower(),
        f"  {busan.name_en.upper()} ",
        busan.name_ja,
        busan.name_zh,
        busan.name_ko,
    ]
    for value in values:
        assert listed_ties(api, region=value) == expected, value
        page = client.get("/ties/", {"region": value})
        assert page.status_code == 200, value
        for tie in city["ties"].values():
            assert reverse("exchanges:sistertie-detail", args=[tie.pk]) in page.content.decode()


def test_each_region_like_filter_takes_a_name(api, city):
    busan, seo = city["busan"], city["seo"]
    firm = make.firm(city["token"], region=seo, country="KR")
    office = make.office(city["token"], host_region=seo)
    mission = make.mission(city["token"], destination_regions=[seo])
    name = busan.name_ko
    assert ids_of(api.get("/api/v1/firms/", {"region": name})) == {firm.pk}
    assert ids_of(api.get("/api/v1/offices/", {"host_region": name})) == {office.pk}
    assert ids_of(api.get("/api/v1/offices/", {"region": name})) == {office.pk}
    assert ids_of(api.get("/api/v1/missions/", {"region": name})) == {mission.pk}
    assert ids_of(api.get("/api/v1/regions/", {"parent": busan.name_ja})) == {
        seo.pk,
        city["yeongdo"].pk,
    }
    assert listed_ties(api, region=name, partner=city["partner"].name_en) == {
        tie.pk for tie in city["ties"].values()
    }


def test_an_ambiguous_name_is_refused_listing_the_candidates_with_their_parents(api, client, city):
    token = city["token"]
    shared = f"서구{token}"
    first = make.region(country="KR", level="district", parent=city["busan"], name_ko=shared)
    second = make.region(country="KR", level="district", parent=city["incheon"], name_ko=shared)
    response = api.get("/api/v1/ties/", {"region": shared})
    assert response.status_code == 400
    (message,) = response.json()["region"]
    assert f"“{shared}” is ambiguous" in message
    for candidate, parent in ((first, city["busan"]), (second, city["incheon"])):
        assert candidate.slug in message
        assert parent.name_en in message

    page = client.get("/ko/ties/", {"region": shared})
    assert page.status_code == 400
    text = page.content.decode()
    assert 'class="error-summary"' in text
    # In Korean the parents are named in Korean.
    assert city["busan"].name_ko in text and city["incheon"].name_ko in text
    assert first.slug in text and second.slug in text

    # The slug of either names it alone.
    assert api.get("/api/v1/ties/", {"region": first.slug}).status_code == 200


@pytest.mark.parametrize(
    ("segment", "parameter"),
    [
        (segment, parameter)
        for segment, parameters in REGION_PARAMETERS.items()
        for parameter in parameters
    ],
)
def test_an_unknown_region_is_refused_naming_the_parameter(api, client, segment, parameter):
    unknown = f"tf-nowhere-{make.new_token()}"
    response = api.get(f"/api/v1/{segment}/", {parameter: unknown})
    assert response.status_code == 400
    assert list(response.json()) == [parameter]
    assert unknown in response.json()[parameter][0]
    page = client.get(f"/{segment}/", {parameter: unknown})
    assert page.status_code == 400
    assert f'href="#id_{parameter}"' in page.content.decode()


@pytest.mark.parametrize("path", ["/stats/", "/map/", "/network/"])
def test_the_pictures_take_region_names_and_refuse_unknown_ones(client, city, path):
    assert client.get(path, {"region": city["busan"].name_ko}).status_code == 200
    assert (
        client.get(path, {"region": city["busan"].slug, "include_subregions": "false"}).status_code
        == 200
    )
    assert client.get(path, {"region": f"tf-nowhere-{city['token']}"}).status_code == 400


# --- include_subregions -----------------------------------------------------------------------


def test_include_subregions_is_on_unless_turned_off(api, client, city):
    busan, ties = city["busan"], city["ties"]
    everything = {tie.pk for tie in ties.values()}
    assert listed_ties(api, region=busan.slug, include_subregions="true") == everything
    assert listed_ties(api, region=busan.slug, include_subregions="false") == {ties["own"].pk}
    assert listed_ties(api, region=busan.slug, include_subregions="0") == {ties["own"].pk}
    page = client.get("/ties/", {"region": busan.slug, "include_subregions": "false"})
    text = page.content.decode()
    assert reverse("exchanges:sistertie-detail", args=[ties["own"].pk]) in text
    assert reverse("exchanges:sistertie-detail", args=[ties["seo"].pk]) not in text
    # The departure from the default shows among the active filters; the default does not.
    assert "Include the regions within" in text.split('class="results"')[1]
    default = client.get("/ties/", {"region": busan.slug, "include_subregions": ""})
    assert "Include the regions within" not in default.content.decode().split('class="results"')[1]


@pytest.mark.parametrize("segment", ["ties", "firms", "offices", "missions"])
def test_include_subregions_refuses_anything_but_true_or_false(api, client, segment):
    response = api.get(f"/api/v1/{segment}/", {"include_subregions": "perhaps"})
    assert response.status_code == 400
    assert list(response.json()) == ["include_subregions"]
    assert client.get(f"/{segment}/", {"include_subregions": "perhaps"}).status_code == 400


def test_the_schema_documents_region_names_and_include_subregions(api):
    schema = yaml.safe_load(api.get("/api/v1/schema/").content)
    for segment, names in REGION_PARAMETERS.items():
        parameters = {
            parameter["name"]: parameter
            for parameter in schema["paths"][f"/api/v1/{segment}/"]["get"]["parameters"]
        }
        for name in names:
            assert "full name" in parameters[name]["description"], (segment, name)
        if segment != "regions":
            include = parameters["include_subregions"]
            assert include["schema"] == {"type": "boolean", "default": True}
            assert "regions within" in include["description"]


# --- search by the parents' names -------------------------------------------------------------


def test_searching_a_parents_name_finds_the_regions_within(api, client, city):
    busan, seo, yeongdo = city["busan"], city["seo"], city["yeongdo"]
    for query in (busan.name_ko, f"부산 {city['token']}", f"{busan.name_ja} 서구"):
        found = ids_of(api.get("/api/v1/regions/", {"q": query, "page_size": 100}))
        assert seo.pk in found, query
    assert ids_of(api.get("/api/v1/regions/", {"q": f"{busan.name_en} 서구"})) == {seo.pk}
    # Ties search their regions' search text: a district's ties by the city's name.
    ties = listed_ties(api, q=f"{busan.name_ko} 영도구")
    assert ties == {city["ties"]["yeongdo"].pk}
    assert yeongdo.name_ko in client.get("/search/", {"q": busan.name_ko}).content.decode()


def test_renaming_a_region_renews_the_search_text_of_the_regions_within(api, city):
    busan, seo = city["busan"], city["seo"]
    grandchild = make.region(country="KR", level="town", parent=seo, name_en="Test Dong")
    renamed = f"Renamed{make.new_token()}"
    busan.name_en = renamed
    busan.save()
    for region in (seo, grandchild):
        region.refresh_from_db()
        assert renamed.lower() in region.search_text
    assert ids_of(api.get("/api/v1/regions/", {"q": f"{renamed} dong"})) == {grandchild.pk}
    # Moved under another parent: its old parent's names leave its search text.
    seo.parent = city["incheon"]
    seo.save()
    grandchild.refresh_from_db()
    assert renamed.lower() not in grandchild.search_text
    assert city["incheon"].name_ko in grandchild.search_text


def test_other_names_are_searched_shown_and_kept_in_the_api(api, client):
    """A common form beside the standard one (연길시 beside 옌지시) finds the region."""
    token = make.new_token()
    yanji = make.region(
        token,
        country="CN",
        level="city",
        name_en=f"Yanji {token}",
        name_ko=f"옌지시{token}",
        other_names=f"연길시{token}; Yenki",
    )
    make.region(token, country="CN", level="city", name_ko=f"둔화시{token}")
    for query in (f"연길시{token}", "yenki"):
        assert ids_of(api.get("/api/v1/regions/", {"q": query})) == {yanji.pk}, query
        assert yanji.slug in {item["slug"] for item in suggest(client, query).json()}, query
    assert api.get(f"/api/v1/regions/{yanji.pk}/").json()["other_names"] == yanji.other_names
    page = client.get(yanji.get_absolute_url()).content.decode()
    assert f"연길시{token}; Yenki" in page
    # Renamed away, the old form no longer finds it.
    yanji.other_names = ""
    yanji.save()
    assert ids_of(api.get("/api/v1/regions/", {"q": "yenki"})) == set()


# --- suggestions ------------------------------------------------------------------------------


def suggest(client, query, language=""):
    prefix = f"/{language}" if language else ""
    response = client.get(f"{prefix}/regions/suggest/", {"q": query})
    assert response["Content-Type"] == "application/json"
    return response


def test_suggestions_name_the_regions_and_their_parents_in_the_readers_language(client, city):
    busan, seo = city["busan"], city["seo"]
    query = f"부산 {city['token']}"
    english = suggest(client, query).json()
    assert [item["slug"] for item in english][:1] == [busan.slug]  # its own name matches first
    assert {seo.slug, city["yeongdo"].slug} <= {item["slug"] for item in english}
    first = english[0]
    assert first["id"] == busan.pk and first["label"] == busan.name_en
    assert first["names"] == {
        "en": busan.name_en,
        "ja": busan.name_ja,
        "zh": busan.name_zh,
        "ko": busan.name_ko,
    }
    district = next(item for item in english if item["slug"] == seo.slug)
    assert district["label"] == f"Seo District ({busan.name_en})"
    korean = suggest(client, query, "ko").json()
    district = next(item for item in korean if item["slug"] == seo.slug)
    assert district["label"] == f"서구 ({busan.name_ko})"
    japanese = suggest(client, query, "ja").json()
    assert japanese[0]["label"] == busan.name_ja
    # Named exactly, it comes first.
    assert suggest(client, busan.name_zh).json()[0]["slug"] == busan.slug


def test_suggestions_are_few_from_one_query_and_need_a_word_an_index_finds(client):
    token = make.new_token()
    parent = make.region(token, level="prefecture")
    for _ in range(15):
        make.region(token, parent=parent)
    with RecordQueries() as queries:
        response = suggest(client, token)
    assert response.status_code == 200
    assert len(response.json()) == 10
    assert len(queries) == 1, [query["sql"] for query in queries.captured_queries]
    assert suggest(client, "a").json() == []  # no trigram: nothing rather than a full scan
    assert suggest(client, "").json() == []
    refused = suggest(client, " ".join(["word"] * 20))
    assert refused.status_code == 400 and list(refused.json()) == ["q"]


def test_suggest_is_a_reserved_slug():
    region = Region(slug="suggest", name_en="Suggest", country="JP", level="city")
    with pytest.raises(ValidationError) as refused:
        region.full_clean()
    assert "page of the directory" in json.dumps(refused.value.message_dict, ensure_ascii=False)


def test_region_boxes_are_marked_for_suggestions(client):
    page = client.get("/ja/ties/").content.decode()
    assert 'data-region-suggest="/ja/regions/suggest/"' in page
    assert 'name="region"' in page and 'name="partner"' in page
    assert "js/region-suggest.js" in page


@on_postgresql
@pytest.mark.parametrize("value", ["busan", "Busan", "釜山", "부산광역시", "42"])
def test_postgresql_finds_a_named_region_through_indexes(value):
    from django.db.models import Q

    from exchanges.region_fields import named_regions

    named_regions(value)  # runs
    conditions = Q(slug=value.lower()) | Q(name_en__iexact=value) | Q(name_ja=value)
    conditions |= Q(name_zh=value) | Q(name_ko=value)
    explained = plan(Region.objects.filter(conditions), "seqscan")
    for index in ("region_name_en_upper", "region_name_ja", "region_name_zh", "region_name_ko"):
        assert index in explained, explained


@on_postgresql
def test_postgresql_serves_the_suggestions_from_the_search_index(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert suggest(client, "부산").status_code == 200
    (sql,) = [
        query["sql"] for query in queries.captured_queries if "exchanges_region" in query["sql"]
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        explained = "\n".join(row[0] for row in cursor.fetchall())
    assert "region_search_trigram" in explained, explained
