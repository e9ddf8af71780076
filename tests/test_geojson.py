"""GeoJSON of regions, ties and offices: RFC 7946, on the pages, in the API and from the map."""

import json
import re
from html import unescape

import pytest
from django.db import connection
from geojson_pydantic import FeatureCollection
from rest_framework.test import APIClient

from exchanges.models import Firm, OverseasOffice, Region, SisterTie
from tests.query_counts import RecordQueries

pytestmark = pytest.mark.django_db

NAMES = ("name_en", "name_ja", "name_zh", "name_ko")


@pytest.fixture
def places():
    """Two placed regions and one without coordinates, below a root of their own; a tie and an
    office that can be drawn, and one of each that cannot."""
    root = Region.objects.create(slug="geo-root", name_en="Geo root", country="JP", level="country")

    def region(slug, country, latitude, longitude, names):
        basis = "context" if latitude is not None else ""
        return Region.objects.create(
            slug=slug,
            country=country,
            level="city",
            parent=root,
            latitude=latitude,
            longitude=longitude,
            coordinates_basis=basis,
            population=120000,
            **dict(zip(NAMES, names, strict=True)),
        )

    east = region("geo-east", "JP", "35.500000", "139.250000", ("East", "東市", "东市", "동시"))
    west = region("geo-west", "KR", "37.125000", "-127.000000", ("West", "西市", "西市", "서시"))
    lost = region("geo-lost", "CN", None, None, ("Lost", "失市", "失市", "실시"))
    drawn = SisterTie.objects.create(region_a=east, region_b=west, tie_type="sister")
    undrawn = SisterTie.objects.create(region_a=east, region_b=lost, tie_type="friendship")
    office = OverseasOffice.objects.create(
        name_en="East office in West",
        name_ja="東市西事務所",
        kind="trade_office",
        operator_region=east,
        host_region=west,
    )
    OverseasOffice.objects.create(
        name_en="East office nowhere", kind="trade_office", operator_region=east, host_region=lost
    )
    return {
        "east": east,
        "west": west,
        "lost": lost,
        "drawn": drawn,
        "undrawn": undrawn,
        "office": office,
    }


def collection(response) -> dict:
    """The response's GeoJSON, checked against RFC 7946 by a validator and by hand."""
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/geo+json")
    assert response.streaming, "a GeoJSON download is streamed like the CSV"
    data = json.loads(b"".join(response.streaming_content))
    FeatureCollection.model_validate(data)
    assert data["type"] == "FeatureCollection"
    assert "crs" not in data, "RFC 7946 positions are WGS 84; a crs member is not allowed"
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert "crs" not in feature and "crs" not in feature["geometry"]
        positions = feature["geometry"]["coordinates"]
        for longitude, latitude in (
            positions if feature["geometry"]["type"] != "Point" else [positions]
        ):
            assert -180 <= longitude <= 180 and -90 <= latitude <= 90
    return data


def by_id(data) -> dict:
    return {feature["id"]: feature for feature in data["features"]}


def test_regions_are_points_in_longitude_latitude_order(client, places):
    response = client.get("/regions/?parent=geo-root&export=geojson")
    assert response["Content-Disposition"] == 'attachment; filename="regions.geojson"'
    data = collection(response)
    features = by_id(data)
    east, west = places["east"], places["west"]
    assert set(features) == {east.pk, west.pk}
    assert data["without_coordinates"] == 1
    assert features[east.pk]["geometry"] == {"type": "Point", "coordinates": [139.25, 35.5]}
    assert features[west.pk]["geometry"]["coordinates"] == [-127.0, 37.125]
    properties = features[east.pk]["properties"]
    assert {name: properties[name] for name in NAMES} == {
        "name_en": "East",
        "name_ja": "東市",
        "name_zh": "东市",
        "name_ko": "동시",
    }
    assert properties["country"] == "JP"
    assert properties["slug"] == "geo-east"
    assert properties["parent"] == "geo-root"
    assert properties["population"] == 120000
    assert properties["url"] == f"http://testserver{east.get_absolute_url()}"


def test_ties_are_lines_between_their_two_regions(client, places):
    data = collection(client.get("/ties/?region=geo-east&export=geojson"))
    features = by_id(data)
    assert set(features) == {places["drawn"].pk}
    assert data["without_coordinates"] == 1
    tie = features[places["drawn"].pk]
    assert tie["geometry"] == {
        "type": "LineString",
        "coordinates": [[139.25, 35.5], [-127.0, 37.125]],
    }
    properties = tie["properties"]
    assert (properties["region_a"], properties["region_b"]) == ("geo-east", "geo-west")
    assert (properties["region_a_country"], properties["region_b_country"]) == ("JP", "KR")
    assert properties["region_a_name_ja"] == "東市" and properties["region_b_name_ko"] == "서시"
    assert properties["tie_type"] == "sister"
    assert properties["url"].endswith(places["drawn"].get_absolute_url())


def test_offices_are_points_at_their_host_region(client, places):
    response = client.get("/offices/?region=geo-east&export=geojson")
    assert response["Content-Disposition"] == 'attachment; filename="overseas-offices.geojson"'
    data = collection(response)
    features = by_id(data)
    office = places["office"]
    assert set(features) == {office.pk}
    assert data["without_coordinates"] == 1
    assert features[office.pk]["geometry"] == {"type": "Point", "coordinates": [-127.0, 37.125]}
    properties = features[office.pk]["properties"]
    assert (properties["name_en"], properties["name_ja"]) == ("East office in West", "東市西事務所")
    assert (properties["country"], properties["host_region_country"]) == ("JP", "KR")
    assert properties["host_region"] == "geo-west"
    assert properties["host_region_name_ko"] == "서시"


@pytest.mark.parametrize("language", ["ja", "ko", "zh-hans"])
def test_the_collection_is_the_same_on_every_language_page_but_for_the_links(
    client, places, language
):
    english = collection(client.get("/ties/?region=geo-east&export=geojson"))
    response = client.get(f"/{language}/ties/?region=geo-east&export=geojson")
    assert response["Content-Disposition"] == 'attachment; filename="ties.geojson"'
    translated = collection(response)
    for feature in english["features"] + translated["features"]:
        feature["properties"].pop("url")
    assert translated == english


@pytest.mark.parametrize(
    ("api_url", "page_url"),
    [
        ("/api/v1/regions/?parent=geo-root", "/regions/?parent=geo-root"),
        ("/api/v1/ties/?region=geo-east&kind=sister", "/ties/?region=geo-east&kind=sister"),
        ("/api/v1/offices/?host_region=geo-west", "/offices/?host_region=geo-west"),
    ],
)
def test_the_api_gives_the_pages_collection_with_every_filter(client, places, api_url, page_url):
    response = APIClient().get(f"{api_url}&format=geojson", HTTP_ACCEPT="application/json")
    api = collection(response)
    page = collection(client.get(f"{page_url}&export=geojson"))
    assert api["features"] and by_id(api) == by_id(page)
    assert api["without_coordinates"] == page["without_coordinates"]


def test_the_whole_directory_is_valid_geojson(client):
    for url in ["/regions/", "/ties/", "/offices/", "/api/v1/ties/"]:
        query = "format" if url.startswith("/api/") else "export"
        data = collection(client.get(f"{url}?{query}=geojson"))
        assert isinstance(data["without_coordinates"], int)


def test_lists_without_places_offer_no_geojson(client, places):
    Firm.objects.create(name_en="Geo firm", kind="company", country="JP")
    page = client.get("/firms/?export=geojson")
    assert page.status_code == 400
    assert "csv, json, xlsx" in page.content.decode()
    assert "export=geojson" not in client.get("/firms/").content.decode()
    api = APIClient().get("/api/v1/firms/?format=geojson")
    assert api.status_code == 404
    assert api["Content-Type"].startswith("application/json")


def test_a_refused_filter_answers_in_json(places):
    response = APIClient().get("/api/v1/ties/?format=geojson&established_from=abc")
    assert response.status_code == 400
    assert "established_from" in response.json()


def test_the_list_pages_link_their_geojson(client, places):
    page = client.get("/ties/?region=geo-east").content.decode()
    assert "region=geo-east&amp;export=geojson" in page


def test_the_map_links_the_geojson_of_its_ties_with_its_filters(client, places):
    page = client.get("/map/?region=geo-east&kind=sister").content.decode()
    links = [unescape(href) for href in re.findall(r'href="([^"]*export=geojson[^"]*)"', page)]
    tie_links = [link for link in links if link.startswith("/ties/")]
    assert len(tie_links) == 1
    data = collection(client.get(tie_links[0]))
    assert set(by_id(data)) == {places["drawn"].pk}
    office_links = [link for link in links if link.startswith("/offices/")]
    assert len(office_links) == 1
    assert collection(client.get(office_links[0]))["features"]


def add_ties(count: int) -> None:
    hub = Region.objects.get(slug="geo-east")
    for number in range(count):
        partner = Region.objects.create(
            slug=f"geo-partner-{number}",
            name_en=f"Partner {number}",
            country="KR",
            level="city",
            latitude="36.000000",
            longitude=f"{127 + number / 100:.6f}",
            coordinates_basis="context",
        )
        SisterTie.objects.create(region_a=hub, region_b=partner, tie_type="sister")
        OverseasOffice.objects.create(
            name_en=f"Office {number}",
            kind="trade_office",
            operator_region=hub,
            host_region=partner,
        )


@pytest.mark.parametrize("url", ["/regions/?country=KR", "/ties/?region=geo-east", "/offices/"])
def test_a_collection_costs_the_same_queries_for_5_and_50_records(client, places, url):
    counts = {}
    for count in (5, 50):
        savepoint = connection.savepoint()
        add_ties(count)
        with RecordQueries() as queries:
            data = collection(
                client.get(f"{url}&export=geojson" if "?" in url else f"{url}?export=geojson")
            )
        counts[count] = len(queries)
        assert len(data["features"]) >= count
        connection.savepoint_rollback(savepoint)
    assert counts[5] == counts[50], counts
