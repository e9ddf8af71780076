"""A partner system's view of the API: a Python client generated from the live schema.

``openapi-python-client`` writes the client from ``/api/v1/schema/`` into a temporary
directory; the tests import it as generated (nothing patched) and use it against a live server:
filtered lists, paging, creating, changing and deleting records with a token, and the errors.
"""

import datetime
import importlib
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from exchanges.models import ExchangeArea, Mission, OverseasOffice, Region, SisterTie

from .conftest import FIXTURES

# serialized_rollback: each test starts from the session's records, and the flush after it
# leaves the content types for restore_directory() to put back under their first ids.
LIVE = pytest.mark.django_db(transaction=True, serialized_rollback=True)

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PACKAGE = "regiontrade_client"
# Without post hooks the generator runs no formatter: the code is used exactly as generated.
CONFIG = f"project_name_override: {PACKAGE}\npackage_name_override: {PACKAGE}\npost_hooks: []\n"


# The live server's transactional tests flush the database after each test; the tests after
# this module expect the directory conftest.py loaded.
pytestmark = pytest.mark.usefixtures("directory_put_back")


@pytest.fixture
def directory(transactional_db):
    """Each test starts from the directory as `make run` serves it, as the other tests do."""
    if not Region.objects.exists():
        call_command("load_fixtures", *FIXTURES, verbosity=0)


@pytest.fixture(autouse=True)
def no_rate_limit(settings):
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "none")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Where the generated package goes; ``api`` fills it from the live schema once."""
    return {"directory": tmp_path_factory.mktemp("client")}


@pytest.fixture
def api(generated, live_server, directory):
    """The generated package, imported: its ``Client`` classes, ``api`` and ``models``."""
    if "package" not in generated:
        directory = generated["directory"]
        (directory / "config.yaml").write_text(CONFIG)
        result = subprocess.run(
            [
                str(GENERATOR),
                "generate",
                "--url",
                f"{live_server.url}/api/v1/schema/?format=json",
                "--meta",
                "none",
                "--output-path",
                str(directory / PACKAGE),
                "--config",
                str(directory / "config.yaml"),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        # The generator warns about every schema construct it could not turn into code.
        assert "Warning" not in result.stdout, result.stdout
        sys.path.insert(0, str(directory))
        generated["package"] = importlib.import_module(PACKAGE)

    def module(name):
        return importlib.import_module(f"{PACKAGE}.{name}")

    return module


@pytest.fixture
def anonymous(api, live_server):
    # Closed at the end, so that no kept-alive connection outlives the live server.
    with api("client").Client(base_url=live_server.url, raise_on_unexpected_status=True) as client:
        yield client


@pytest.fixture
def partner(api, live_server, django_user_model):
    """A partner system's token, allowed to add, change and delete what the tests write."""
    user = django_user_model.objects.create_user("partner-system")
    models = ["region", "sistertie", "mission", "overseasoffice"]
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="exchanges",
            content_type__model__in=models,
            codename__regex=r"^(add|change|delete)_",
        )
    )
    with api("client").AuthenticatedClient(
        base_url=live_server.url,
        token=Token.objects.create(user=user).key,
        prefix="Token",
        raise_on_unexpected_status=True,
    ) as client:
        yield client


def create_region(api, partner, slug, country, level="prefecture"):
    models = api("models")
    response = api("api.regions.regions_create").sync_detailed(
        client=partner,
        body=models.RegionRequest(
            slug=slug,
            name_en=slug.replace("-", " ").title(),
            country=country,
            level=models.RegionLevelEnum(level),
        ),
    )
    assert response.status_code == 201, response.content
    return response.parsed


@LIVE
def test_list_japan_korea_ties_and_page_through_every_region(api, anonymous):
    port = Region.objects.create(
        slug="client-port", name_en="Client Port", country="JP", level="city"
    )
    harbour = Region.objects.create(
        slug="client-harbour", name_en="Client Harbour", country="KR", level="city"
    )
    tie = SisterTie.objects.create(region_a=port, region_b=harbour, tie_type="friendship")

    friendship = api("models").TieTypeEnum.FRIENDSHIP
    ties = api("api.ties.ties_list").sync(
        client=anonymous, pair="JP-KR", kind=friendship, page_size=500
    )
    assert tie.pk in {result.id for result in ties.results}
    assert ties.count == len(ties.results)
    for result in ties.results:
        assert {result.region_a.country, result.region_b.country} == {"JP", "KR"}
        assert result.tie_type == friendship
    mine = next(result for result in ties.results if result.id == tie.pk)
    assert (mine.region_a.slug, mine.region_b.name_en) == ("client-port", "Client Harbour")

    seen, page = [], 1
    while page:
        regions = api("api.regions.regions_list").sync(
            client=anonymous, page=page, page_size=40, ordering="id"
        )
        seen += [region.id for region in regions.results]
        page = page + 1 if regions.next_ else None
    assert seen == sorted(Region.objects.values_list("pk", flat=True))
    assert regions.count == len(seen)


@LIVE
def test_list_ties_of_several_areas_and_decades(api, anonymous):
    """``area`` and ``decade`` are lists: the generated client sends each value."""
    regions = [
        Region.objects.create(
            slug=f"client-area-{n}", name_en=f"Client Area {n}", country=country, level="city"
        )
        for n, country in enumerate(["JP", "KR", "JP", "KR", "CN"])
    ]
    music = ExchangeArea.objects.create(slug="client-music", name_en="Client music")
    sport = ExchangeArea.objects.create(slug="client-sport", name_en="Client sport")
    ties = []
    for n, (area, year) in enumerate([(music, 1994), (sport, 2001), (music, 1985)]):
        tie = SisterTie.objects.create(
            region_a=regions[n],
            region_b=regions[n + 1],
            tie_type="friendship",
            established=datetime.date(year, 1, 1),
            established_precision="year",
        )
        tie.exchange_areas.add(area)
        ties.append(tie)
    listed = api("api.ties.ties_list").sync(
        client=anonymous,
        area=["client-music", "client-sport"],
        decade=[1990, 2000],
        page_size=500,
    )
    assert sorted(result.id for result in listed.results) == [ties[0].pk, ties[1].pk]
    assert listed.count == 2


@LIVE
def test_a_partner_creates_updates_and_deletes_a_tie_a_mission_and_an_office(api, partner):
    models = api("models")
    port = create_region(api, partner, "client-port", "JP")
    harbour = create_region(api, partner, "client-harbour", "KR", level="city")

    created = api("api.ties.ties_create").sync_detailed(
        client=partner,
        body=models.SisterTieRequest(
            region_a=port.id,
            region_b=harbour.id,
            tie_type=models.TieTypeEnum.FRIENDSHIP,
            established=datetime.date(1994, 1, 1),
            established_precision=models.DatePrecisionEnum.YEAR,
        ),
    )
    assert created.status_code == 201, created.content
    tie = created.parsed
    assert (tie.region_a.slug, tie.region_b.country) == ("client-port", "KR")
    assert tie.established_precision == models.DatePrecisionEnum.YEAR

    changed = api("api.ties.ties_partial_update").sync(
        tie.id,
        client=partner,
        body=models.PatchedSisterTieRequest(tie_type=models.TieTypeEnum.SISTER),
    )
    assert changed.tie_type == models.TieTypeEnum.SISTER
    assert SisterTie.objects.get(pk=tie.id).tie_type == "sister"

    mission = api("api.missions.missions_create").sync(
        client=partner,
        body=models.MissionRequest(
            name_en="Client Port buyers in Client Harbour",
            kind=models.MissionKindEnum.BUYING,
            origin_regions=[port.id],
            destination_regions=[harbour.id],
            start=datetime.date(2025, 5, 1),
            start_precision=models.DatePrecisionEnum.MONTH,
            related_tie=tie.id,
        ),
    )
    assert [region.slug for region in mission.destination_regions] == ["client-harbour"]
    assert mission.related_tie.region_a.slug == "client-port"
    # Links are cleared by sending them empty: an empty list, and null (None, not UNSET).
    replaced = api("api.missions.missions_update").sync(
        mission.id,
        client=partner,
        body=models.MissionRequest(
            name_en="Client Port buyers, second visit",
            kind=models.MissionKindEnum.BUYING,
            origin_regions=[port.id],
            destination_regions=[],
            related_tie=None,
            delegation_size=9,
        ),
    )
    assert (replaced.name_en, replaced.delegation_size) == ("Client Port buyers, second visit", 9)
    assert replaced.destination_regions == [] and replaced.related_tie is None

    office = api("api.offices.offices_create").sync(
        client=partner,
        body=models.OverseasOfficeRequest(
            name_en="Client Port office in Client Harbour",
            kind=models.OfficeKindEnum.TRADE_OFFICE,
            operator_region=port.id,
            host_region=harbour.id,
            opened=datetime.date(2001, 4, 1),
            opened_precision=models.DatePrecisionEnum.MONTH,
        ),
    )
    assert (office.operator_region.slug, office.host_region.slug) == (
        "client-port",
        "client-harbour",
    )
    moved = api("api.offices.offices_partial_update").sync(
        office.id,
        client=partner,
        body=models.PatchedOverseasOfficeRequest(head_name="K. Tanaka"),
    )
    assert moved.head_name == "K. Tanaka"

    for module, record in [
        ("api.missions.missions_destroy", mission),
        ("api.offices.offices_destroy", office),
        ("api.ties.ties_destroy", tie),
    ]:
        assert api(module).sync_detailed(record.id, client=partner).status_code == 204
    assert not Mission.objects.filter(pk=mission.id).exists()
    assert not OverseasOffice.objects.filter(pk=office.id).exists()
    gone = api("api.ties.ties_retrieve").sync_detailed(tie.id, client=partner)
    assert gone.status_code == 404 and gone.parsed.detail


@LIVE
def test_refused_writes_answer_in_the_documented_error_shape(api, anonymous, partner):
    models = api("models")
    port = create_region(api, partner, "client-port", "JP")
    itself = models.SisterTieRequest(
        region_a=port.id, region_b=port.id, tie_type=models.TieTypeEnum.SISTER
    )
    before = SisterTie.objects.count()

    refused = api("api.ties.ties_create").sync_detailed(client=partner, body=itself)
    assert refused.status_code == 400
    assert isinstance(refused.parsed, models.Error)
    assert refused.parsed.additional_properties["region_b"]
    assert SisterTie.objects.count() == before

    unknown = models.PatchedMissionRequest(origin_regions=[987654321])
    mission = Mission.objects.create(name_en="Client mission", kind="trade")
    refused = api("api.missions.missions_partial_update").sync_detailed(
        mission.pk, client=partner, body=unknown
    )
    assert refused.status_code == 400
    assert list(refused.parsed.additional_properties) == ["origin_regions"]

    without_token = api("api.ties.ties_create").sync_detailed(client=anonymous, body=itself)
    assert without_token.status_code == 401 and without_token.parsed.detail


# --- the schema the client is generated from ------------------------------------------------


@pytest.fixture
def schema(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", method, operation


@pytest.mark.django_db
def test_request_bodies_take_linked_records_by_id(schema):
    schemas = schema["components"]["schemas"]
    for component, field in [
        ("SisterTieRequest", "region_a"),
        ("OverseasOfficeRequest", "operator_firm"),
        ("MissionRequest", "related_tie"),
        ("RegionRequest", "parent"),
        ("PatchedFirmRequest", "region"),
    ]:
        assert schemas[component]["properties"][field]["type"] == "integer", (component, field)
    for component, field in [("MissionRequest", "origin_regions"), ("FirmRequest", "partners")]:
        assert schemas[component]["properties"][field]["items"]["type"] == "integer"
    # Responses embed the same records briefly, as a component of their own.
    assert schemas["SisterTie"]["properties"]["region_a"] == {
        "$ref": "#/components/schemas/BriefRegion"
    }
    assert set(schemas["BriefRegion"]["properties"]) == {
        "id",
        "slug",
        "name_en",
        "name_ja",
        "name_zh",
        "name_ko",
        "country",
        "url",
    }
    assert not [name for name in schemas if name.startswith("Brief") and "Request" in name]


@pytest.mark.django_db
def test_reads_are_anonymous_and_writes_take_json_with_a_token(schema):
    for name, method, operation in operations(schema):
        if method == "get":
            assert operation["security"] == [], name
            continue
        assert {"tokenAuth": []} in operation["security"], name
        if "requestBody" in operation:
            assert list(operation["requestBody"]["content"]) == ["application/json"], name


@pytest.mark.django_db
def test_every_error_answer_has_the_named_error_shape(schema):
    error = {"$ref": "#/components/schemas/Error"}
    for name, _method, operation in operations(schema):
        errors = {code: answer for code, answer in operation["responses"].items() if code[0] == "4"}
        assert "400" in errors, name
        for code, answer in errors.items():
            assert answer["content"] == {"application/json": {"schema": error}}, (name, code)
            assert answer["description"], (name, code)
    assert schema["components"]["schemas"]["Error"]["properties"]["detail"]["type"] == "string"


@pytest.mark.django_db
def test_enums_and_date_precisions_are_named(schema):
    schemas = schema["components"]["schemas"]
    tie = schemas["SisterTieRequest"]["properties"]
    assert tie["tie_type"]["allOf"] == [{"$ref": "#/components/schemas/TieTypeEnum"}]
    assert {"$ref": "#/components/schemas/DatePrecisionEnum"} in tie["established_precision"][
        "oneOf"
    ]
    inline = [
        (name, parameter["name"])
        for name, method, operation in operations(schema)
        for parameter in operation.get("parameters", [])
        if "enum" in parameter["schema"] and parameter["name"] != "format"
    ]
    assert inline == []


@pytest.mark.django_db
def test_the_api_root_links_every_list_the_docs_and_the_schema(client):
    root = client.get("/api/v1/").json()
    assert root["changes"].endswith("/api/v1/changes/")
    assert root["docs"].endswith("/api/v1/docs/")
    assert root["schema"].endswith("/api/v1/schema/")
    for name in ["regions", "ties", "firms", "offices", "missions", "sources"]:
        assert root[name].endswith(f"/api/v1/{name}/"), name
