"""The whole directory as a Frictionless Data package: /data/, its files and the command that
writes the same files. Every package is checked with the frictionless library itself."""

import csv
import datetime
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import frictionless
import pytest
from django.core.management import call_command
from django.db import connection

from exchanges import datapackage
from exchanges.models import (
    Citation,
    ExchangeArea,
    Firm,
    Indicator,
    Mission,
    OfficeRole,
    OverseasOffice,
    Participation,
    Person,
    Region,
    SalesRoute,
    SisterTie,
    Source,
)
from tests.query_counts import RecordQueries

from .conftest import within_one_minute

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parent.parent
NAMES = ("name_en", "name_ja", "name_zh", "name_ko")
FORMULA = '=HYPERLINK("http://example.org","x")'


def region(slug: str, country: str, names: tuple[str, ...], **extra) -> Region:
    fields = {"level": "city", **dict(zip(NAMES, names, strict=False)), **extra}
    return Region.objects.create(slug=slug, country=country, **fields)


@pytest.fixture(autouse=True)
def no_request_limits(settings):
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "none")


@pytest.fixture
def directory():
    """A little of everything the package holds, linked every way the models allow."""
    province = region("dp-province", "CN", ("Dp Province", "", "东省", ""), level="province")
    busan = region(
        "dp-busan",
        "KR",
        ("Dp Busan", "釜山", "釜山", "부산"),
        parent=None,
        latitude="35.100000",
        longitude="-129.040000",
        coordinates_basis="context",
    )
    town = region("dp-town", "JP", ("Dp Town", "見附", "见附", "미쓰케"), notes="-5 % in 2007")
    city = region("dp-city", "CN", ("Dp City", "延吉", "延吉", "연길"), parent=province)
    trade = ExchangeArea.objects.create(slug="dp-trade", name_en="Dp trade")
    culture = ExchangeArea.objects.create(slug="dp-culture", name_en="Dp culture")
    tie = SisterTie.objects.create(
        region_a=town,
        region_b=busan,
        tie_type="friendship",
        established=datetime.date(1996, 7, 1),
        established_precision="month",
        source_label="友好交流",
    )
    tie.exchange_areas.add(trade, culture)
    buyer = Firm.objects.create(name_en=FORMULA, kind="company", country="CN", region=city)
    maker = Firm.objects.create(
        name_en="Dp Maker", name_ja="見附ニット", kind="company", country="JP", region=town
    )
    maker.partners.add(buyer)
    SalesRoute.objects.create(
        firm=maker, region=city, amount="1200.50", currency="CNY", unit=10_000, year=2007
    )
    office = OverseasOffice.objects.create(
        name_en="Dp Office", kind="trade_office", operator_region=busan, host_region=town
    )
    mission = Mission.objects.create(
        name_en="Dp buyers visit",
        kind="buying",
        start=datetime.date(2007, 1, 1),
        start_precision="year",
    )
    mission.origin_regions.add(city)
    mission.destination_regions.add(town)
    mission.organisers.add(maker)
    mission.participating_firms.add(buyer, maker)
    report = Source.objects.create(
        title="報告書", language="ja", file_name="dp-report.pdf", url="https://example.org/r"
    )
    yearbook = Source.objects.create(title="Dp Yearbook", language="en", file_name="dp-yb.pdf")
    for record in (town, tie, maker, office, mission):
        Citation.objects.create(source=report, record=record, locator="p. 3")
    Citation.objects.create(source=yearbook, record=busan, locator="@table 2")
    return {"town": town, "busan": busan, "tie": tie, "buyer": buyer, "maker": maker}


def expected_counts() -> dict[str, int]:
    """Every table of the directory, by the name of its file in the package."""
    return {
        "regions": Region.objects.count(),
        "exchange-areas": ExchangeArea.objects.count(),
        "ties": SisterTie.objects.count(),
        "exchange-areas-of-ties": SisterTie.exchange_areas.through.objects.count(),
        "firms": Firm.objects.count(),
        "partnerships-of-firms": Firm.partners.through.objects.count(),
        "sales-routes": SalesRoute.objects.count(),
        "overseas-offices": OverseasOffice.objects.count(),
        "roles-in-offices": OfficeRole.objects.count(),
        "missions": Mission.objects.count(),
        "organisers-of-missions": Mission.organisers.through.objects.count(),
        "origin-regions-of-missions": Mission.origin_regions.through.objects.count(),
        "destination-regions-of-missions": Mission.destination_regions.through.objects.count(),
        "participating-firms-of-missions": Mission.participating_firms.through.objects.count(),
        "people": Person.objects.count(),
        "participations": Participation.objects.count(),
        "figures": Indicator.objects.count(),
        "sources": Source.objects.count(),
        "citations": Citation.objects.count(),
    }


def download_zip(client) -> bytes:
    response = client.get("/data/regiontrade.zip")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert 'filename="regiontrade.zip"' in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def assert_valid(path: Path) -> frictionless.Report:
    report = frictionless.validate(str(path))
    errors = report.flatten(["type", "message"])
    assert report.valid, "\n".join(f"{kind}: {message}" for kind, message in errors)
    # Each table was read and checked, not just the descriptor.
    assert report.stats["tasks"] == len(expected_counts())
    return report


def unpacked(zip_bytes: bytes, folder: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
        archive.extractall(folder)
    return folder / "datapackage.json"


def csv_rows(zip_bytes: bytes, name: str) -> list[dict]:
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
        text = archive.read(f"data/{name}.csv").decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def descriptor_of(zip_bytes: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
        return json.loads(archive.read("datapackage.json"))


def test_the_downloaded_zip_is_a_valid_package(client, directory, tmp_path):
    path = tmp_path / "regiontrade.zip"
    path.write_bytes(download_zip(client))
    assert_valid(path)


def test_the_command_writes_the_same_package_as_a_zip_and_as_a_directory(directory, tmp_path):
    out = io.StringIO()
    call_command("write_data_package", str(tmp_path / "package.zip"), stdout=out)
    assert_valid(tmp_path / "package.zip")
    assert f"ties.csv: {SisterTie.objects.count()} rows" in out.getvalue()
    call_command("write_data_package", str(tmp_path / "package"), stdout=io.StringIO())
    assert_valid(tmp_path / "package" / "datapackage.json")
    with zipfile.ZipFile(tmp_path / "package.zip") as archive:
        tables = [name for name in archive.namelist() if name.endswith(".csv")]
        assert "data/ties.csv" in tables
        for name in tables:
            assert archive.read(name) == (tmp_path / "package" / name).read_bytes(), name
    assert not list(tmp_path.glob(".*partial")), "no partial zip left behind"


@pytest.mark.parametrize(
    ("file", "column"),
    [
        ("ties", "region_a_id"),
        ("origin-regions-of-missions", "region_id"),
        ("regions", "parent_id"),  # a reference within the same table
        ("citations", "source_id"),
    ],
)
def test_validation_finds_a_reference_to_a_missing_row(client, directory, tmp_path, file, column):
    descriptor = unpacked(download_zip(client), tmp_path)
    table = tmp_path / "data" / f"{file}.csv"
    with table.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    header = rows[0]
    rows[-1][header.index(column)] = "987654321"
    with table.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows(rows)
    report = frictionless.validate(str(descriptor))
    assert not report.valid
    assert [kind for (kind,) in report.flatten(["type"])] == ["foreign-key"]


def test_every_table_is_there_with_every_row_in_the_order_of_ids(client, directory):
    content = download_zip(client)
    descriptor = descriptor_of(content)
    counts = expected_counts()
    assert [resource["name"] for resource in descriptor["resources"]] == list(counts)
    for name, count in counts.items():
        ids = [int(row["id"]) for row in csv_rows(content, name)]
        assert len(ids) == count, name
        assert ids == sorted(ids), name


def test_names_in_every_script_partial_dates_and_numbers_come_through(client, directory):
    content = download_zip(client)
    busan = directory["busan"]
    (row,) = [row for row in csv_rows(content, "regions") if row["id"] == str(busan.pk)]
    assert [row[name] for name in NAMES] == ["Dp Busan", "釜山", "釜山", "부산"]
    assert row["longitude"] == "-129.040000", "a negative number stays a number"
    assert row["parent_id"] == ""
    (tie,) = [row for row in csv_rows(content, "ties") if row["id"] == str(directory["tie"].pk)]
    assert (tie["established"], tie["established_precision"]) == ("1996-07-01", "month")
    assert tie["source_label"] == "友好交流"
    assert tie["region_b_id"] == str(busan.pk)
    maker, buyer = str(directory["maker"].pk), str(directory["buyer"].pk)
    (route,) = [row for row in csv_rows(content, "sales-routes") if row["firm_id"] == maker]
    assert (route["amount"], route["unit"], route["currency"]) == ("1200.50", "10000", "CNY")
    assert route["region_id"] == str(Region.objects.get(slug="dp-city").pk)
    links = {
        (row["from_firm_id"], row["to_firm_id"])
        for row in csv_rows(content, "partnerships-of-firms")
    }
    assert (maker, buyer) in links and (buyer, maker) not in links, "a partnership is one row"


def test_a_formula_like_text_is_defused(client, directory):
    content = download_zip(client)
    (firm,) = [row for row in csv_rows(content, "firms") if row["id"] == str(directory["buyer"].pk)]
    assert firm["name_en"] == "'" + FORMULA
    (town,) = [row for row in csv_rows(content, "regions") if row["slug"] == "dp-town"]
    assert town["notes"] == "'-5 % in 2007"
    locators = {row["locator"] for row in csv_rows(content, "citations")}
    assert "'@table 2" in locators and "@table 2" not in locators


def test_citations_name_the_table_and_row_of_the_record(client, directory):
    content = download_zip(client)
    cited = {
        (row["record_type"], row["record_id"])
        for row in csv_rows(content, "citations")
        if row["locator"] == "p. 3"
    }
    expected = {
        ("regions", directory["town"].pk),
        ("ties", directory["tie"].pk),
        ("firms", directory["maker"].pk),
        ("overseas-offices", OverseasOffice.objects.get(name_en="Dp Office").pk),
        ("missions", Mission.objects.get(name_en="Dp buyers visit").pk),
    }
    assert {(kind, str(pk)) for kind, pk in expected} <= cited
    fields = {
        field["name"]: field
        for resource in descriptor_of(content)["resources"]
        if resource["name"] == "citations"
        for field in resource["schema"]["fields"]
    }
    assert "content_type_id" not in fields and "object_id" not in fields
    assert fields["record_type"]["constraints"]["enum"] == [
        "regions",
        "ties",
        "firms",
        "partnerships-of-firms",
        "sales-routes",
        "overseas-offices",
        "missions",
        "people",
        "participations",
        "figures",
    ]


def test_the_schema_follows_the_models(client, directory):
    resources = {r["name"]: r for r in descriptor_of(download_zip(client))["resources"]}
    ties = resources["ties"]
    fields = {field["name"]: field for field in ties["schema"]["fields"]}
    assert "search_text" not in fields and "country_a" not in fields, "derived columns left out"
    assert fields["established"]["type"] == "date"
    assert "established_precision" in fields["established"]["description"]
    assert fields["established_precision"]["constraints"]["enum"] == ["year", "month", "day"]
    assert fields["created"]["type"] == "datetime"
    assert fields["tie_type"]["constraints"] == {
        "required": True,
        "enum": ["sister", "friendship", "economic_partnership", "exchange_mou", "other"],
    }
    assert fields["region_a_id"] == {
        "name": "region_a_id",
        "type": "integer",
        "title": "Region",
        "description": "The id of a row of regions.",
        "constraints": {"required": True},
    }
    assert {"fields": ["region_b_id"], "reference": {"resource": "regions", "fields": ["id"]}} in (
        ties["schema"]["foreignKeys"]
    )
    assert ties["schema"]["primaryKey"] == ["id"]
    regions = {field["name"]: field for field in resources["regions"]["schema"]["fields"]}
    assert "KR" in regions["country"]["constraints"]["enum"]
    assert regions["slug"]["constraints"]["unique"] is True
    assert regions["latitude"]["type"] == "number"
    assert "origin_country" not in {
        field["name"] for field in resources["missions"]["schema"]["fields"]
    }
    routes = {field["name"]: field for field in resources["sales-routes"]["schema"]["fields"]}
    assert routes["unit"]["constraints"]["enum"][:2] == [1, 1000]


def test_licence_sources_version_and_date(client, directory, settings):
    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    descriptor = descriptor_of(download_zip(client))
    assert descriptor["name"] == "regiontrade"
    assert descriptor["licenses"] == [
        {
            "name": "CC-BY-4.0",
            "title": "Creative Commons Attribution 4.0 International",
            "path": "https://creativecommons.org/licenses/by/4.0/",
        }
    ]
    assert {"title": "報告書", "path": "https://example.org/r"} in descriptor["sources"]
    assert {"title": "Dp Yearbook"} in descriptor["sources"]
    assert len(descriptor["sources"]) == Source.objects.count()
    created = datetime.datetime.fromisoformat(descriptor["created"])
    assert descriptor["created"].endswith("Z") and created >= before
    latest = Citation.history.latest("history_date").history_date  # the last record made
    assert descriptor["version"] == latest.astimezone(datetime.UTC).strftime("%Y.%m.%d.%H%M%S")
    assert descriptor["homepage"] == "http://testserver/data/"

    settings.DATA_LICENSE = "ODbL-1.0"
    (licence,) = descriptor_of(download_zip(client))["licenses"]
    assert licence["name"] == "ODbL-1.0"


def test_the_version_moves_with_a_deletion(directory):
    before = datapackage.Package.current().last_change
    SalesRoute.objects.get(firm=directory["maker"]).delete()
    deleted = SalesRoute.history.filter(history_type="-").latest("history_date").history_date
    after = datapackage.Package.current().last_change
    assert after == deleted and after >= before


def test_an_unknown_licence_stops_start_up_with_one_line():
    env = {**os.environ, "DATA_LICENSE": "MIT"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "regiontrade: DATA_LICENSE must be one of CC-BY-4.0, CC0-1.0, ODbL-1.0, not 'MIT'."
    ]


def test_the_descriptor_online_points_at_the_files_beside_it(client, directory):
    response = client.get("/data/datapackage.json")
    assert response.status_code == 200
    online = response.json()
    packed = descriptor_of(download_zip(client))
    for resource in online["resources"]:
        assert resource["path"] == f"{resource['name']}.csv"
        csv_response = client.get(f"/data/{resource['path']}")
        assert csv_response.status_code == 200 and csv_response.streaming
        assert f'filename="{resource["name"]}.csv"' in csv_response["Content-Disposition"]
    for descriptor in (online, packed):
        for resource in descriptor["resources"]:
            resource.pop("path")
        descriptor.pop("created")
    assert online == packed


def test_a_table_the_package_does_not_hold_is_not_found(client):
    assert client.get("/data/users.csv").status_code == 404


def test_the_page_lists_every_table_with_its_rows_and_links(client, directory):
    response = client.get("/data/")
    assert response.status_code == 200
    page = response.content.decode()
    for name, count in expected_counts().items():
        assert f'href="/data/{name}.csv"' in page, name
        assert f'href="#fields-{name}"' in page and f'id="fields-{name}"' in page, name
        assert f'<td class="number">{count}</td>' in page, name
    assert 'href="/data/regiontrade.zip"' in page and 'href="/data/datapackage.json"' in page
    assert "Creative Commons Attribution 4.0 International" in page
    assert datapackage.Package.current().version in page
    assert client.get("/ja/data/").status_code == 200
    assert 'href="/data/"' in client.get("/").content.decode(), "linked from every page"


def test_the_api_root_links_the_package(client):
    assert client.get("/api/v1/").json()["data_package"] == (
        "http://testserver/data/datapackage.json"
    )


@pytest.mark.parametrize(
    "url", ["/data/regiontrade.zip", "/data/datapackage.json", "/data/ties.csv"]
)
def test_a_mirror_gets_304_until_the_data_changes(client, directory, url):
    first = client.get(url)
    etag = first["ETag"]
    assert etag
    unchanged = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304 and unchanged["ETag"] == etag
    assert not unchanged.content
    Region.objects.filter(slug="dp-town").first().save()  # a change of any record
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_the_package_files_count_as_downloads(client, settings):
    settings.RATE_LIMITS = {**dict.fromkeys(settings.RATE_LIMITS, "none"), "export": "1/minute"}
    within_one_minute()
    assert client.get("/data/").status_code == 200
    assert client.get("/data/regiontrade.zip").status_code == 200
    assert client.get("/data/ties.csv").status_code == 429
    assert client.get("/data/regiontrade.zip").status_code == 429
    assert client.get("/data/").status_code == 200, "the page is not a download"


def grow(n: int) -> None:
    """n more regions, ties and cited missions, each linked."""
    hub = region(f"dp-hub-{n}", "JP", (f"Hub {n}",))
    report = Source.objects.create(title=f"Grow {n}", language="en", file_name=f"grow-{n}.pdf")
    for i in range(n):
        spoke = region(f"dp-spoke-{n}-{i}", "KR", (f"Spoke {i}", "", "", "스포크"))
        tie = SisterTie.objects.create(region_a=hub, region_b=spoke, tie_type="sister")
        mission = Mission.objects.create(name_en=f"Grow {i}", kind="trade")
        mission.origin_regions.add(spoke)
        Citation.objects.create(source=report, record=tie, locator=f"p. {i}")


def test_zip_queries_do_not_grow_with_rows(client, directory):
    counts, sizes = {}, {}
    for n in (5, 50):
        savepoint = connection.savepoint()
        grow(n)
        with RecordQueries() as queries:
            content = download_zip(client)
        connection.savepoint_rollback(savepoint)
        counts[n], sizes[n] = len(queries), len(content)
    assert sizes[50] > sizes[5]
    assert counts[5] == counts[50], counts
