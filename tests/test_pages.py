"""The public pages beyond what every record type's pages do (tests/record_type_cases.py):
paging, the download's values, empty and refused filters, links between records, the home page,
the site search, and a cost that does not grow with the rows shown. Each test builds its records
(tests/factories.py)."""

import csv
import io
import re

import pytest
from django.db import connection
from django.urls import reverse

from exchanges.models import SisterTie
from exchanges.record_types import record_type_named, record_types
from tests.query_counts import RecordQueries

from . import factories as make

pytestmark = pytest.mark.django_db


def export_ids(client, url, query=""):
    response = client.get(f"{url}?{query}&export=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.getvalue().decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the byte-order mark to read UTF-8"
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    return {int(row["id"]) for row in rows}


def test_the_list_pages_fifty_rows_and_says_which(client):
    token = make.new_token()
    for _ in range(53):
        make.region(token)
    url = reverse("exchanges:region-list")
    response = client.get(url, {"q": token})
    assert len(response.context["table"].page.object_list) == 50
    assert "1–50 of 53" in response.content.decode()
    second = client.get(url, {"q": token, "page": 2})
    assert len(second.context["table"].page.object_list) == 3
    assert "51–53 of 53" in second.content.decode()


def test_export_keeps_cjk_names_and_uses_stable_codes(client):
    token = make.new_token()
    harbour = make.region(token, country="KR", level="metropolitan_city", name_ko="가상항구광역시")
    tie = make.tie(token, region_b=harbour, **make.year("established", 1987))
    response = client.get(reverse("exchanges:region-list"), {"q": token, "export": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    row = next(row for row in rows if row["slug"] == harbour.slug)
    assert (row["name_ko"], row["country"], row["level"]) == (
        "가상항구광역시",
        "KR",
        "metropolitan_city",
    )
    ties = client.get(reverse("exchanges:sistertie-list"), {"export": "csv", "q": token})
    (written,) = csv.DictReader(io.StringIO(ties.getvalue().decode("utf-8-sig")))
    assert (written["region_a"], written["region_b"], written["tie_type"]) == (
        tie.region_a.slug,
        harbour.slug,
        "sister",
    )
    assert (written["established"], written["region_b_name_ko"]) == ("1987", "가상항구광역시")


def page_rows(response) -> list[int]:
    return [row.record.pk for row in response.context["table"].paginated_rows]


def api_rows(response) -> list[int]:
    return [result["id"] for result in response.json()["results"]]


@pytest.mark.parametrize(
    "url, parameter, read",
    [("/ties/", "sort", page_rows), ("/api/v1/ties/", "ordering", api_rows)],
    ids=["page", "api"],
)
def test_a_missing_value_sorts_as_the_smallest(client, url, parameter, read):
    """Undated ties come first from the oldest and last from the newest, on the page and in
    the API alike."""
    token = make.new_token()
    undated = make.tie(token)
    older = make.tie(token, **make.year("established", 1990))
    newer = make.tie(token, **make.year("established", 2000))
    up = read(client.get(url, {"q": token, parameter: "established"}))
    down = read(client.get(url, {"q": token, parameter: "-established"}))
    assert up == [undated.pk, older.pk, newer.pk]
    assert down == [newer.pk, older.pk, undated.pk]


def test_active_filters_are_shown_with_a_link_to_clear_each(client):
    response = client.get(
        reverse("exchanges:sistertie-list"), {"pair": "JP-KR", "kind": "friendship"}
    )
    active = {item["name"]: item for item in response.context["active_filters"]}
    assert set(active) == {"pair", "kind"}
    assert active["pair"]["value"] == "JP–KR"
    assert active["kind"]["clear_url"] == "?pair=JP-KR"


def test_nothing_matching_says_so(client):
    response = client.get(reverse("exchanges:firm-list"), {"q": make.new_token()})
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
    for declared in record_types():
        response = client.get(f"{declared.list_url()}?{query}")
        assert response.status_code < 500, (declared.short_name, query)
    assert client.get(f"/search/?{query}").status_code < 500


def test_names_containing_markup_are_shown_as_text(client):
    token = make.new_token()
    region = make.region(token, name_en=f"<script>alert(1)</script>Evil {token}")
    for url in [f"/regions/?q={token}", region.get_absolute_url(), f"/search/?q={token}"]:
        page = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;Evil" in page


def test_region_page_follows_every_link(client):
    """A region's page links its ties from either side, the regions within it, the offices it
    runs and hosts, its firms, the firms selling there and its missions both ways."""
    token = make.new_token()
    region = make.region(token)
    linked = [
        make.tie(token, region_a=region).region_b,
        make.tie(token, region_b=region).region_a,
        make.region(token, parent=region),
        make.office(token, operator_region=region),
        make.office(token, host_region=region),
        make.firm(token, region=region),
        make.sales_route(token, region_record=region).firm,
        make.mission(token, origin_regions=[region]),
        make.mission(token, destination_regions=[region]),
    ]
    page = client.get(region.get_absolute_url()).content.decode()
    for record in linked:
        assert f'href="{record.get_absolute_url()}"' in page, record
    assert len(set(re.findall(r"/offices/\d+/", page))) == 2


def test_home_shows_counts_pairs_and_latest(client):
    newest = make.tie(**make.year("established", 2099))
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    for pair in ["pair=JP-KR", "pair=JP-CN", "pair=CN-KR"]:
        assert pair in page
    assert f">{SisterTie.objects.count()}<" in page
    assert f'href="{newest.get_absolute_url()}"' in page
    assert 'action="/search/"' in page


@pytest.mark.parametrize("declared", record_types(), ids=lambda declared: declared.short_name)
def test_search_finds_every_kind_of_record(client, declared):
    token = make.new_token()
    record = make.build(declared.model, token)
    response = client.get("/search/", {"q": token})
    groups = {str(group["title"]): group for group in response.context["groups"]}
    assert set(groups) == {str(other.verbose_name_plural) for other in record_types()}
    found = groups[str(declared.verbose_name_plural)]
    assert ([match.pk for match in found["records"]], found["count"]) == ([record.pk], 1)
    assert found["url"] == declared.list_url(q=token)
    assert f'href="{record.get_absolute_url()}"' in response.content.decode()


# --- speed by construction --------------------------------------------------------------


def make_regions(n):
    token = make.new_token()
    for _ in range(n):
        make.region(token)
    return f"q={token}"


def make_ties(n, hub=None):
    token = make.new_token()
    hub = hub or make.region(token)
    for _ in range(n):
        make.tie(token, region_a=hub)
    return f"q={token}"


def make_firms(n):
    token = make.new_token()
    region = make.region()
    for _ in range(n):
        make.firm(token, region=region)
    return f"q={token}"


def make_offices(n):
    """Offices run by a region and by a firm, in turn."""
    token = make.new_token()
    host, operator, firm = make.region(country="KR"), make.region(), make.firm()
    for i in range(n):
        if i % 2:
            make.office(token, operator_region=operator, host_region=host)
        else:
            make.office(token, operator_firm=firm, host_region=host)
    return f"q={token}"


def make_missions(n):
    token = make.new_token()
    origin, destination = make.region(), make.region(country="KR")
    for _ in range(n):
        make.mission(token, origin_regions=[origin], destination_regions=[destination])
    return f"q={token}"


def make_indicators(n):
    """Figures about a pair of regions, cited, and about a region's offices, in turn."""
    token = make.new_token()
    region, partner = make.region(), make.region(country="KR")
    for i in range(n):
        if i % 2:
            make.indicator(token, operator_region=region)
        else:
            make.cite(make.indicator(token, region=region, partner_region=partner))
    return f"q={token}"


def make_sources(n):
    token = make.new_token()
    region = make.region()
    for _ in range(n):
        make.cite(region, make.source(token))
    return f"q={token}"


MAKERS = {
    "region": make_regions,
    "tie": make_ties,
    "firm": make_firms,
    "office": make_offices,
    "mission": make_missions,
    "indicator": make_indicators,
    "source": make_sources,
}


def count_queries(client, url):
    with RecordQueries() as queries:
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
        token = make.new_token()
        hub, cited = make.region(token), make.source(token)
        for _ in range(links):
            region = make.region(token, parent=hub)
            make.tie(token, region_a=hub, region_b=region)
            make.cite(hub, cited)
            make.mission(token, origin_regions=[hub], destination_regions=[region])
            make.office(token, operator_region=hub, host_region=region)
        counts[f"region {links}"], _ = count_queries(client, hub.get_absolute_url())
        counts[f"source {links}"], _ = count_queries(client, cited.get_absolute_url())
        connection.savepoint_rollback(savepoint)
    assert counts["region 5"] == counts["region 50"], counts
    assert counts["source 5"] == counts["source 50"], counts
