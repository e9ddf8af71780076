"""The REST API for partner systems beyond what every record type's API does
(tests/record_type_cases.py): paging, refused filters and addresses, the permissions of the
staff group, the change history, rules that refuse a write, rate limits, constant cost and the
schema. Each test builds its records (tests/factories.py)."""

import pytest
import yaml
from django.contrib.auth.models import Group, Permission
from django.db import connection
from openapi_spec_validator import validate
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from exchanges.models import Mission, SisterTie, TieType
from exchanges.record_types import record_type_named
from tests.query_counts import RecordQueries

from . import factories as make
from .conftest import within_one_minute
from .test_pages import MAKERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


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


# --- reading ------------------------------------------------------------------------------


def test_pagination_counts_and_links(api):
    token = make.new_token()
    regions = [make.region(token) for _ in range(3)]
    first = api.get("/api/v1/regions/", {"q": token, "page_size": 2}).json()
    assert (first["count"], len(first["results"]), first["previous"]) == (3, 2, None)
    assert "page=2" in first["next"]
    second = api.get(first["next"]).json()
    assert (second["count"], len(second["results"]), second["next"]) == (3, 1, None)
    assert second["previous"] is not None
    seen = [result["id"] for result in first["results"] + second["results"]]
    assert sorted(seen) == sorted(region.pk for region in regions)
    refused = api.get("/api/v1/regions/", {"page_size": 10_000})
    assert refused.status_code == 400 and list(refused.json()) == ["page_size"]


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


def mission_payload(origin, destination):
    return {
        "name_en": f"Food fair of {origin.name_en} in {destination.name_en}",
        "kind": "trade_fair",
        "origin_regions": [origin.pk],
        "destination_regions": [destination.pk],
        "start": "2026-05-01",
        "start_precision": "month",
        "delegation_size": 12,
    }


def test_chamber_staff_create_and_change_but_do_not_delete_missions(editor):
    """A partner's token in the Chamber staff group, with delete on ties and regions only."""
    origin, destination = make.region(), make.region(country="CN")
    created = editor.post("/api/v1/missions/", mission_payload(origin, destination), format="json")
    assert created.status_code == 201, created.json()
    mission = Mission.objects.get(pk=created.json()["id"])
    assert list(mission.destination_regions.all()) == [destination]
    assert created.json()["destination_regions"][0]["slug"] == destination.slug

    url = f"/api/v1/missions/{mission.pk}/"
    assert editor.patch(url, {"delegation_size": 14}, format="json").status_code == 200
    replaced = {**mission_payload(origin, destination), "name_en": "Renamed fair"}
    assert editor.put(url, replaced, format="json").status_code == 200
    mission.refresh_from_db()
    assert (mission.name_en, mission.delegation_size) == ("Renamed fair", 12)
    assert editor.delete(url).status_code == 403
    assert Mission.objects.filter(pk=mission.pk).exists()

    areas = [make.exchange_area(), make.exchange_area()]
    tie = editor.post(
        "/api/v1/ties/",
        {
            "region_a": origin.pk,
            "region_b": destination.pk,
            "tie_type": "friendship",
            "established": "1990-01-01",
            "established_precision": "year",
            "exchange_areas": [area.slug for area in areas],
        },
        format="json",
    )
    assert tie.status_code == 201, tie.json()
    assert set(SisterTie.objects.get(pk=tie.json()["id"]).exchange_areas.all()) == set(areas)
    assert editor.delete(f"/api/v1/ties/{tie.json()['id']}/").status_code == 204


def test_api_writes_enter_the_change_history_under_the_token_owner(editor):
    tie = make.tie()
    response = editor.patch(f"/api/v1/ties/{tie.pk}/", {"description": "Updated by the CRM."})
    assert response.status_code == 200
    latest = tie.history.latest()
    assert latest.history_user.username == "partner-crm"
    assert latest.description == "Updated by the CRM."


@pytest.mark.parametrize(
    "change, field",
    [
        ({"region_b": "same as a"}, "region_b"),  # a region tied to itself
        ({"swap": True}, "tie_type"),  # an existing sister tie in reverse order
        ({"ended": "1980-01-01", "ended_precision": "year", "status": "ended"}, "ended"),
        ({"region_a": 987654321}, "region_a"),  # unknown region
        ({"established_precision": "month", "established": "1990-06-15"}, "established"),
    ],
)
def test_a_write_that_breaks_a_rule_answers_400_naming_the_field(editor, change, field):
    existing = make.tie(tie_type="sister")
    payload = {
        "region_a": make.region().pk,
        "region_b": make.region(country="CN").pk,
        "tie_type": "sister",
        "established": "1990-01-01",
        "established_precision": "year",
    }
    change = dict(change)
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
    region = make.region()
    make.region(parent=region)
    response = editor.delete(f"/api/v1/regions/{region.pk}/")
    assert response.status_code == 409
    assert "refer" in response.json()["detail"]
    assert region.children.exists()


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
        with RecordQueries() as queries:
            response = api.get(f"/api/v1/{record_type_named(name).segment}/?{query}")
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
