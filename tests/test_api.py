"""The REST API for partner systems: reads, filters, CSV, writes with tokens, errors, schema."""

import csv
import io

import pytest
import yaml
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openapi_spec_validator import validate
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from exchanges.models import Mission, Region, SisterTie, TieType

from .conftest import within_one_minute
from .test_pages import MAKERS, SPECS, export_ids

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "region": "/api/v1/regions/",
    "tie": "/api/v1/ties/",
    "firm": "/api/v1/firms/",
    "office": "/api/v1/offices/",
    "mission": "/api/v1/missions/",
    "source": "/api/v1/sources/",
}
BY_SPEC = pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)


@pytest.fixture
def api():
    return APIClient()


def api_ids(api, url, query=""):
    response = api.get(f"{url}?{query}&page_size=500")
    assert response.status_code == 200, response.content
    return {record["id"] for record in response.json()["results"]}


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def editor(django_user_model):
    """A partner system's account: the Chamber staff group, and delete on ties and regions."""
    user = django_user_model.objects.create_user("partner-crm")
    user.groups.add(Group.objects.get(name="Chamber staff"))
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["delete_sistertie", "delete_region"])
    )
    return token_client(user)


@pytest.fixture
def reader(django_user_model):
    return token_client(django_user_model.objects.create_user("read-only"))


# --- reading ------------------------------------------------------------------------------


@BY_SPEC
def test_list_and_retrieve(api, spec):
    response = api.get(ENDPOINTS[spec.name])
    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == spec.model.objects.count()
    record = spec.model.objects.first()
    detail = api.get(f"{ENDPOINTS[spec.name]}{record.pk}/")
    assert detail.status_code == 200
    assert detail.json()["id"] == record.pk
    assert detail.json()["page_url"].endswith(record.get_absolute_url())


@BY_SPEC
def test_the_page_and_the_api_select_the_same_ids(client, api, spec):
    if spec.setup:
        spec.setup()
    page_url = spec.list_url()
    for query, expected in spec.filters.items():
        wanted = expected()
        assert (
            api_ids(api, ENDPOINTS[spec.name], query)
            == wanted
            == export_ids(client, page_url, query)
        ), query


@BY_SPEC
def test_csv_gives_the_same_rows_as_the_pages_export(client, api, spec):
    query = next(iter(spec.filters))
    response = api.get(f"{ENDPOINTS[spec.name]}?{query}&format=csv", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    api_rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    page = client.get(f"{spec.list_url()}?{query}&export=csv")
    page_rows = list(csv.DictReader(io.StringIO(page.getvalue().decode("utf-8-sig"))))
    assert sorted(api_rows, key=lambda row: row["id"]) == sorted(page_rows, key=lambda r: r["id"])


@BY_SPEC
def test_ordering(api, spec):
    up = [
        record["id"]
        for record in api.get(ENDPOINTS[spec.name], {"ordering": "id", "page_size": 500}).json()[
            "results"
        ]
    ]
    down = [
        record["id"]
        for record in api.get(ENDPOINTS[spec.name], {"ordering": "-id", "page_size": 500}).json()[
            "results"
        ]
    ]
    assert up == sorted(up) and down == sorted(down, reverse=True) and up[0] == down[-1]


def test_pagination_counts_and_links(api):
    first = api.get("/api/v1/regions/", {"page_size": 20}).json()
    assert (first["count"], len(first["results"]), first["previous"]) == (
        Region.objects.count(),
        20,
        None,
    )
    assert "page=2" in first["next"]
    assert len(api.get("/api/v1/regions/", {"page_size": 500}).json()["results"]) == min(
        500, Region.objects.count()
    )
    refused = api.get("/api/v1/regions/", {"page_size": 10_000})
    assert refused.status_code == 400 and list(refused.json()) == ["page_size"]


def test_a_tie_embeds_both_regions_briefly_and_its_citations(api):
    tie = SisterTie.objects.get(tie_type="sister")
    body = api.get(f"/api/v1/ties/{tie.pk}/").json()
    assert set(body["region_a"]) == {
        "id",
        "slug",
        "name_en",
        "name_ja",
        "name_zh",
        "name_ko",
        "country",
        "url",
    }
    assert body["region_a"]["name_ko"] == "경상남도"
    assert body["citations"][0]["source"]["title"].startswith("S. Gyeongsang")
    assert body["citations"][0]["locator"] == "article"


def test_embedded_links_of_offices_firms_and_missions(api):
    office = api.get("/api/v1/offices/", {"host_country": "KR", "kind": "liaison_office"}).json()
    assert {result["host_region"]["slug"] for result in office["results"]} == {"seoul"}
    firm = api.get("/api/v1/firms/", {"q": "Buyer A"}).json()["results"][0]
    assert firm["region"]["slug"] == "yanji"
    assert len(firm["sales_routes"]) == 9
    forum = api.get("/api/v1/missions/", {"kind": "forum", "year_to": 2021}).json()["results"][0]
    assert forum["destination_regions"][0]["slug"] == "seoul"
    assert len(forum["organisers"]) == 2


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, parameter",
    [
        ("/api/v1/ties/?pair=JAPAN", "pair"),
        ("/api/v1/ties/?established_from=soon", "established_from"),
        ("/api/v1/regions/?country=ZZ", "country"),
        ("/api/v1/missions/?kind=party", "kind"),
    ],
)
def test_invalid_filter_answers_400_naming_the_parameter(api, url, parameter):
    response = api.get(url)
    assert response.status_code == 400
    assert parameter in response.json()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/ties/999999/",
        "/api/v1/regions/abc/",
        "/api/v1/firms/99999999999999999999/",
        "/api/v1/nothing-here/",
    ],
)
def test_unknown_ids_and_paths_answer_404_json(api, url):
    response = api.get(url)
    assert response.status_code == 404
    assert "detail" in response.json()


# --- writing ------------------------------------------------------------------------------


def mission_payload():
    niigata, yanji = Region.objects.get(slug="niigata"), Region.objects.get(slug="yanji")
    return {
        "name_en": "Niigata food fair in Yanji",
        "kind": "trade_fair",
        "origin_regions": [niigata.pk],
        "destination_regions": [yanji.pk],
        "start": "2026-05-01",
        "start_precision": "month",
        "delegation_size": 12,
    }


def test_writing_without_a_token_is_401(api):
    response = api.post("/api/v1/missions/", mission_payload(), format="json")
    assert response.status_code == 401
    assert "WWW-Authenticate" in response


def test_writing_without_the_permission_is_403(reader):
    assert reader.post("/api/v1/missions/", mission_payload(), format="json").status_code == 403
    tie = SisterTie.objects.first()
    assert reader.patch(f"/api/v1/ties/{tie.pk}/", {"description": "x"}).status_code == 403
    assert reader.delete(f"/api/v1/ties/{tie.pk}/").status_code == 403


def test_create_update_and_delete_with_a_token_and_the_permission(editor):
    created = editor.post("/api/v1/missions/", mission_payload(), format="json")
    assert created.status_code == 201, created.json()
    mission = Mission.objects.get(pk=created.json()["id"])
    assert [region.slug for region in mission.destination_regions.all()] == ["yanji"]
    assert created.json()["destination_regions"][0]["slug"] == "yanji"

    url = f"/api/v1/missions/{mission.pk}/"
    assert editor.patch(url, {"delegation_size": 14}, format="json").status_code == 200
    replaced = {**mission_payload(), "name_en": "Niigata food fair, Yanji"}
    assert editor.put(url, replaced, format="json").status_code == 200
    mission.refresh_from_db()
    assert (mission.name_en, mission.delegation_size) == ("Niigata food fair, Yanji", 12)
    # Chamber staff may not delete missions.
    assert editor.delete(url).status_code == 403

    tie = editor.post(
        "/api/v1/ties/",
        {
            "region_a": Region.objects.get(slug="niigata").pk,
            "region_b": Region.objects.get(slug="jilin").pk,
            "tie_type": "friendship",
            "established": "1990-01-01",
            "established_precision": "year",
            "exchange_areas": ["trade", "culture"],
        },
        format="json",
    )
    assert tie.status_code == 201, tie.json()
    assert editor.delete(f"/api/v1/ties/{tie.json()['id']}/").status_code == 204


def test_api_writes_enter_the_change_history_under_the_token_owner(editor):
    tie = SisterTie.objects.get(tie_type="sister")
    response = editor.patch(f"/api/v1/ties/{tie.pk}/", {"description": "Updated by the CRM."})
    assert response.status_code == 200
    latest = tie.history.latest()
    assert latest.history_user.username == "partner-crm"
    assert latest.description == "Updated by the CRM."


@pytest.mark.parametrize(
    "change, field",
    [
        ({"region_b": "same as a"}, "region_b"),  # a region tied to itself
        ({"swap": True}, "region_b"),  # the existing sister tie in reverse order
        ({"ended": "1980-01-01", "ended_precision": "year", "status": "ended"}, "ended"),
        ({"region_a": 987654321}, "region_a"),  # unknown region
        ({"established_precision": "month", "established": "1990-06-15"}, "established"),
    ],
)
def test_a_write_that_breaks_a_rule_answers_400_naming_the_field(editor, change, field):
    existing = SisterTie.objects.get(tie_type="sister")
    payload = {
        "region_a": Region.objects.get(slug="niigata").pk,
        "region_b": Region.objects.get(slug="jilin").pk,
        "tie_type": "sister",
        "established": "1990-01-01",
        "established_precision": "year",
    }
    if change.pop("swap", False):
        payload.update(region_a=existing.region_b_id, region_b=existing.region_a_id)
    if change.get("region_b") == "same as a":
        change["region_b"] = payload["region_a"]
    payload.update(change)
    before = SisterTie.objects.count()
    response = editor.post("/api/v1/ties/", payload, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert SisterTie.objects.count() == before


def test_deleting_a_region_others_refer_to_answers_409(editor):
    response = editor.delete(f"/api/v1/regions/{Region.objects.get(slug='niigata').pk}/")
    assert response.status_code == 409
    assert "refer" in response.json()["detail"]


def test_rate_limit_for_anonymous_clients(api, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api-anon": "3/minute"}
    within_one_minute()
    responses = [api.get("/api/v1/sources/") for _ in range(4)]
    assert [response.status_code for response in responses] == [200, 200, 200, 429]
    assert int(responses[-1]["Retry-After"]) in range(1, 61)
    assert "second" in responses[-1].json()["detail"]


# --- speed and contract -------------------------------------------------------------------


@pytest.mark.parametrize("name", list(MAKERS))
def test_list_endpoints_run_the_same_queries_for_5_and_50_rows(api, name):
    counts = {}
    for rows in (5, 50):
        savepoint = connection.savepoint()
        query = MAKERS[name](rows)
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{ENDPOINTS[name]}?{query}")
        assert len(response.json()["results"]) == rows
        counts[rows] = len(queries)
        connection.savepoint_rollback(savepoint)
    assert counts[5] == counts[50], counts


def test_the_schema_is_valid_openapi_3_and_documents_filters_and_errors(api):
    response = api.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate(schema)
    ties = schema["paths"]["/api/v1/ties/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in ties["parameters"]}
    for name in [
        "q",
        "country",
        "kind",
        "pair",
        "status",
        "region",
        "established_from",
        "established_to",
        "ordering",
        "page",
        "page_size",
        "format",
    ]:
        assert name in parameters, name
    # A choice filter refers to the named enum of the field it filters.
    assert parameters["kind"]["schema"] == {"$ref": "#/components/schemas/TieTypeEnum"}
    assert set(schema["components"]["schemas"]["TieTypeEnum"]["enum"]) == set(TieType.values)
    assert "Two country codes" in parameters["pair"]["description"]
    assert {"400", "404", "429"} <= set(ties["responses"])
    create = schema["paths"]["/api/v1/missions/"]["post"]
    assert {"400", "401", "403"} <= set(create["responses"])


def test_interactive_docs_are_served_without_a_cdn(client):
    page = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()
