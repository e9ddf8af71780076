"""A list's CSV and JSON download stands on its own: each linked region named in the four
scripts with its country, and each record's citations, though the page shows neither."""

import csv
import io
import json

import pytest
from django.db import connection

from exchanges.models import Citation, Firm, Mission, OverseasOffice, Region, SisterTie, Source
from tests.query_counts import RecordQueries

pytestmark = pytest.mark.django_db

NAMES = ("name_en", "name_ja", "name_zh", "name_ko")
REGION_COLUMNS = (*NAMES, "country")


def region(slug: str, country: str, names: tuple[str, str, str, str]) -> Region:
    return Region.objects.create(
        slug=slug, country=country, level="city", **dict(zip(NAMES, names, strict=True))
    )


@pytest.fixture
def sources():
    return (
        Source.objects.create(title="報告書", language="ja", file_name="dl-report.pdf"),
        Source.objects.create(title="Yearbook", language="en"),
    )


@pytest.fixture
def places():
    return (
        region("dl-east", "JP", ("Eastville", "東町", "东町", "동정")),
        region("dl-west", "KR", ("Westburg", "西邑", "西邑", "서읍")),
        region("dl-north", "CN", ("Northton", "北鎮", "北镇", "북진")),
    )


def cite(record, sources):
    report, yearbook = sources
    Citation.objects.create(source=yearbook, record=record, locator="vol. 2")
    Citation.objects.create(source=report, record=record, locator="p. 3")


CITED = "dl-report.pdf p. 3 | Yearbook vol. 2"


def csv_row(client, url: str, pk: int) -> dict:
    response = client.get(url, {"export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    (row,) = [row for row in csv.DictReader(io.StringIO(text)) if row["id"] == str(pk)]
    return row


def assert_region(row: dict, link: str, *regions: Region):
    """The row names ``regions`` under ``link`` in every script, "|"-joined for many."""
    for field in REGION_COLUMNS:
        expected = "|".join(str(getattr(each, field)) for each in regions)
        assert row[f"{link}_{field}"] == expected, f"{link}_{field}"


def test_a_tie_download_names_both_regions_and_its_citations(client, places, sources):
    east, west, _ = places
    tie = SisterTie.objects.create(region_a=east, region_b=west, tie_type="sister")
    cite(tie, sources)
    row = csv_row(client, "/ties/", tie.pk)
    assert_region(row, "region_a", east)
    assert_region(row, "region_b", west)
    assert row["region_b_country"] == "KR" and row["region_a_name_ko"] == "동정"
    assert row["citations"] == CITED


def test_a_firm_download_names_its_region(client, places, sources):
    east = places[0]
    firm = Firm.objects.create(name_en="Dl firm", kind="company", country="JP", region=east)
    cite(firm, sources)
    row = csv_row(client, "/firms/", firm.pk)
    assert_region(row, "region", east)
    assert row["citations"] == CITED


def test_an_office_download_names_operator_and_host(client, places, sources):
    east, west, _ = places
    office = OverseasOffice.objects.create(
        name_en="Dl office", kind="trade_office", operator_region=east, host_region=west
    )
    cite(office, sources)
    row = csv_row(client, "/offices/", office.pk)
    assert_region(row, "operator_region", east)
    assert_region(row, "host_region", west)
    assert row["citations"] == CITED


def test_an_office_run_by_a_firm_leaves_the_operator_region_empty(client, places):
    firm = Firm.objects.create(name_en="Dl operator", kind="company", country="CN")
    office = OverseasOffice.objects.create(
        name_en="Dl firm office", kind="trade_office", operator_firm=firm, host_region=places[1]
    )
    row = csv_row(client, "/offices/", office.pk)
    assert all(row[f"operator_region_{field}"] == "" for field in REGION_COLUMNS)
    assert row["citations"] == ""


def test_a_mission_download_joins_its_regions(client, places, sources):
    east, west, north = places
    mission = Mission.objects.create(name_en="Dl mission", kind="trade")
    mission.origin_regions.add(east)
    mission.destination_regions.add(west, north)
    cite(mission, sources)
    row = csv_row(client, "/missions/", mission.pk)
    assert_region(row, "origin_regions", east)
    # In the page's order: by English name.
    assert_region(row, "destination_regions", north, west)
    assert row["destination_regions_country"] == "CN|KR"
    assert row["citations"] == CITED


def test_the_json_download_carries_the_same_columns(client, places, sources):
    east, west, _ = places
    tie = SisterTie.objects.create(region_a=east, region_b=west, tie_type="sister")
    cite(tie, sources)
    response = client.get("/ties/", {"export": "json"})
    (record,) = [r for r in json.loads(b"".join(response.streaming_content)) if r["id"] == tie.pk]
    assert record["region_a_name_ja"] == "東町" and record["region_b_country"] == "KR"
    assert record["citations"] == CITED


@pytest.mark.parametrize("url", ["/ties/", "/firms/", "/offices/", "/missions/"])
def test_the_page_shows_none_of_the_download_columns(client, places, sources, url):
    east, west, _ = places
    SisterTie.objects.create(region_a=east, region_b=west, tie_type="sister")
    table = client.get(url).context["table"]
    shown = {column.name for column in table.columns}
    assert "citations" not in shown
    assert not any(name.endswith(("_name_ja", "_country")) for name in shown)


def star(n: int, sources) -> None:
    """``n`` of each kind of record, cited, linked to regions of their own."""
    for i in range(n):
        a = region(f"dl-a{i}", "JP", (f"A{i}", "甲", "甲", "갑"))
        b = region(f"dl-b{i}", "KR", (f"B{i}", "乙", "乙", "을"))
        tie = SisterTie.objects.create(region_a=a, region_b=b, tie_type="sister")
        firm = Firm.objects.create(name_en=f"F{i}", kind="company", country="JP", region=a)
        office = OverseasOffice.objects.create(
            name_en=f"O{i}", kind="trade_office", operator_region=a, host_region=b
        )
        mission = Mission.objects.create(name_en=f"M{i}", kind="trade")
        mission.origin_regions.add(a)
        mission.destination_regions.add(b)
        for record in (a, tie, firm, office, mission):
            cite(record, sources)


DOWNLOADS = [
    (url, export)
    for url in ("/ties/", "/firms/", "/offices/", "/missions/", "/regions/")
    for export in ("csv", "json")
]


def test_download_queries_do_not_grow_with_rows(client, sources):
    """Every list's CSV and JSON download, on 5 and on 50 records of each kind (built once for
    all ten downloads: building is the slow part)."""
    counts, sizes = {}, {}
    for n in (5, 50):
        savepoint = connection.savepoint()
        star(n, sources)
        for url, export in DOWNLOADS:
            with RecordQueries() as queries:
                response = client.get(url, {"export": export, "source": sources[0].pk})
                content = b"".join(response.streaming_content)
            counts[url, export, n], sizes[url, export, n] = len(queries), len(content)
        connection.savepoint_rollback(savepoint)
    grew = {download: sizes[*download, 50] > sizes[*download, 5] for download in DOWNLOADS}
    assert grew == dict.fromkeys(DOWNLOADS, True), "the filter selects the new rows"
    queries_by_size = {
        download: (counts[*download, 5], counts[*download, 50]) for download in DOWNLOADS
    }
    assert all(small == large for small, large in queries_by_size.values()), queries_by_size


def test_each_chunk_of_a_download_names_its_own_regions_and_citations(client, sources, monkeypatch):
    """Regions and citations are read a chunk of rows at a time: every row of every chunk must
    carry its own, not those of the chunk before."""
    from exchanges import exports

    monkeypatch.setattr(exports, "CHUNK_ROWS", 3)
    report, _ = sources
    expected = {}
    for i in range(8):
        origin = region(f"dl-o{i}", "JP", (f"Origin {i}", f"起{i}", f"起{i}", f"기{i}"))
        mission = Mission.objects.create(name_en=f"Chunked {i}", kind="trade")
        mission.origin_regions.add(origin)
        if i % 2:  # every other mission uncited: its cell stays empty
            Citation.objects.create(source=report, record=mission, locator=f"p. {i}")
        expected[str(mission.pk)] = (f"Origin {i}", f"dl-report.pdf p. {i}" if i % 2 else "")
    response = client.get("/missions/", {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(text))}
    assert {pk: (rows[pk]["origin_regions_name_en"], rows[pk]["citations"]) for pk in expected} == (
        expected
    )
