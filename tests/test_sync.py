"""Incremental sync for partner systems: ``updated_since`` on every list, the change feed at
/api/v1/changes/ with its cursor, and ETags answered with 304 by records and lists."""

import base64
import datetime
import zoneinfo
from unittest.mock import patch

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from exchanges import filters
from exchanges.models import Citation, Firm, Region, SisterTie, Source
from exchanges.record_types import record_types
from tests.query_counts import RecordQueries

pytestmark = pytest.mark.django_db

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
# Later than anything in the production fixtures, so the tests see their own records only.
FUTURE = datetime.datetime(2099, 1, 2, tzinfo=TOKYO)


@pytest.fixture
def api():
    return APIClient()


def at(**offset) -> datetime.datetime:
    return FUTURE + datetime.timedelta(**offset)


def region(slug, country="JP", when=None, **fields):
    record = Region(slug=slug, name_en=f"Sync {slug}", country=country, level="city", **fields)
    if when:
        record._history_date = when  # the time simple_history records for this save
    record.save()
    return record


def saved(record, when):
    """Saves the record as if at ``when``: its history row and its ``updated`` column."""
    record._history_date = when
    record.save()
    if hasattr(record, "updated"):
        type(record).objects.filter(pk=record.pk).update(updated=when)
    return record


def deleted(record, when):
    record._history_date = when
    record.delete()


def api_ids(api, url, since):
    response = api.get(url, {"updated_since": since, "page_size": 500})
    assert response.status_code == 200, response.content
    return {record["id"] for record in response.json()["results"]}


# --- updated_since ------------------------------------------------------------------------------


@pytest.fixture
def edited_regions():
    """Regions last saved on either side of 2099-01-02 00:00 in Tokyo (15:00 UTC the day
    before), where a date alone must put its midnight."""
    before = saved(region("sync-before"), at(hours=-1))
    morning = saved(region("sync-morning"), at(hours=5))  # 2099-01-01T20:00Z
    later = saved(region("sync-later"), at(days=3))
    return before, morning, later


@pytest.mark.parametrize(
    "since, expected",
    [
        ("2099-01-02", {"sync-morning", "sync-later"}),  # midnight in Tokyo, not in UTC
        ("2099-01-01T15:00:00Z", {"sync-morning", "sync-later"}),
        ("2099-01-01T20:00:00+00:00", {"sync-morning", "sync-later"}),  # at or after
        ("2099-01-01T20:00:00.000001+00:00", {"sync-later"}),
        ("2099-01-02T09:00:00", {"sync-later"}),  # no offset: Tokyo time
        ("2099-01-06", set()),
    ],
)
def test_updated_since_selects_by_time_on_the_api_and_the_page(
    api, client, edited_regions, since, expected
):
    slugs = {record.pk: record.slug for record in edited_regions}
    found = api_ids(api, "/api/v1/regions/", since)
    assert {slugs.get(pk, pk) for pk in found} == expected

    page = client.get(reverse("exchanges:region-list"), {"updated_since": since})
    assert page.status_code == 200
    shown = {record.slug for record in edited_regions if record.name_en in page.content.decode()}
    assert shown == expected


@pytest.mark.parametrize("since, found", [("0001-01-01", True), ("9999-12-31T23:00-05:00", False)])
def test_a_moment_utc_cannot_hold_is_before_or_after_every_record(api, since, found):
    """Midnight of 1 January 0001 in Tokyo is in year 0 in UTC: a valid ISO 8601 date that
    the schema allows, read as the first moment there is (and the last for 9999's end)."""
    record = region("sync-edge", when=at())
    assert (record.pk in api_ids(api, "/api/v1/regions/", since)) is found
    assert api.get("/api/v1/changes/", {"since": since}).status_code == 200


@pytest.mark.parametrize("offset", ["-18:24", "+23:59"])
def test_an_offset_iso_allows_but_postgresql_does_not_is_read_in_utc(api, offset):
    """ISO 8601 allows offsets up to ±23:59; PostgreSQL refuses those past ±15:59 (a 500 once)."""
    since = f"2001-10-13T03:54:09.733450{offset}"
    assert api.get("/api/v1/regions/", {"updated_since": since}).status_code == 200
    assert api.get("/api/v1/changes/", {"since": since}).status_code == 200


def test_updated_since_follows_a_later_edit(api):
    tie = SisterTie(region_a=region("sync-a"), region_b=region("sync-b", "KR"), tie_type="sister")
    saved(tie, at(days=-10))
    assert api_ids(api, "/api/v1/ties/", "2099-01-01") == set()
    saved(tie, at(hours=1))
    assert api_ids(api, "/api/v1/ties/", "2099-01-01") == {tie.pk}


def test_updated_since_reads_the_history_of_sources(api):
    """Sources keep no ``updated`` column: the time of their last saved change counts."""
    old, edited = (
        Source.objects.create(title=name, language="en", file_name=f"{name}.pdf")
        for name in ("sync-old", "sync-edited")
    )
    Source.history.filter(id__in=[old.pk, edited.pk]).update(history_date=at(days=-5))
    saved(edited, at(hours=2))
    assert api_ids(api, "/api/v1/sources/", "2099-01-02") == {edited.pk}


@pytest.mark.parametrize(
    "value",
    ["yesterday", "2099-02-30", "2099-01-02T25:00", "1", "2099-01-02T09:00+24:00"],
)
def test_a_bad_updated_since_answers_400_naming_it(api, client, value):
    for url in ("/api/v1/ties/", "/api/v1/sources/"):
        response = api.get(url, {"updated_since": value})
        assert response.status_code == 400
        assert list(response.json()) == ["updated_since"]
    assert (
        client.get(reverse("exchanges:sistertie-list"), {"updated_since": value}).status_code == 400
    )


def test_every_list_takes_updated_since():
    for filterset in [filters.filterset_of(declared.model) for declared in record_types()]:
        assert "updated_since" in filterset.base_filters, filterset


on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")


@on_postgresql
@pytest.mark.parametrize("model", [declared.model for declared in record_types()])
def test_postgresql_serves_updated_since_from_an_index(model):
    from tests.test_scale import plan

    filterset = filters.filterset_of(model)(
        {"updated_since": "2099-01-02"}, queryset=model.objects.all()
    )
    assert filterset.is_valid(), filterset.errors
    explained = plan(filterset.qs.order_by(), "seqscan")
    assert "Seq Scan" not in explained, explained
    index = "history_date" if model is Source else f"{model._meta.model_name}_updated"
    assert index in explained, explained


# --- the change feed ----------------------------------------------------------------------------


def feed(api, **query):
    response = api.get("/api/v1/changes/", query)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_feed_lists_creations_updates_and_deletions_in_order(api):
    east = region("sync-east", when=at())
    west = region("sync-west", "KR", when=at(seconds=1))
    tie = SisterTie(region_a=east, region_b=west, tie_type="sister")
    saved(tie, at(seconds=2))
    east.name_en = "Sync East renamed"
    saved(east, at(seconds=3))
    tie_id = tie.pk
    deleted(tie, at(seconds=4))

    page = feed(api, since="2099-01-02T00:00:00+09:00")
    entries = [(entry["type"], entry["id"], entry["action"]) for entry in page["results"]]
    assert entries == [
        ("region", east.pk, "created"),
        ("region", west.pk, "created"),
        ("tie", tie_id, "created"),
        ("region", east.pk, "updated"),
        ("tie", tie_id, "deleted"),
    ]
    first, *_middle, last = page["results"]
    assert datetime.datetime.fromisoformat(first["time"]) == at()
    assert first["url"] == f"http://testserver/api/v1/regions/{east.pk}/"
    assert api.get(first["url"]).json()["name_en"] == "Sync East renamed"
    assert last["url"] is None  # a deleted record has no address left, only its type and id
    assert page["next"] is None

    # The cursor of the last page waits for what changes next.
    assert feed(api, cursor=page["cursor"])["results"] == []
    saved(west, at(seconds=5))
    later = feed(api, cursor=page["cursor"])["results"]
    assert [(entry["type"], entry["id"], entry["action"]) for entry in later] == [
        ("region", west.pk, "updated")
    ]


def test_the_cursor_continues_exactly_where_the_page_stopped(api):
    """Changes of several types saved in one microsecond: no entry twice, none left out."""
    same_time = at(minutes=1)
    regions = [region(f"sync-{number}", when=same_time) for number in range(7)]
    for record in regions[:4]:
        saved(record, same_time)
    for number in range(3):
        saved(Firm(name_en=f"Sync firm {number}", country="JP", kind="other"), same_time)
    deleted(regions[-1], same_time)

    everything = feed(api, since="2099-01-02", page_size=100)["results"]
    assert len(everything) == 7 + 4 + 3 + 1
    read, query = [], {"since": "2099-01-02", "page_size": 3}
    while True:
        page = feed(api, **query)
        read += page["results"]
        if page["next"] is None:
            break
        assert len(page["results"]) == 3
        query = {"cursor": page["cursor"], "page_size": 3}
        assert f"cursor={page['cursor']}" in page["next"]
        assert "since" not in page["next"]
    assert read == everything
    # Within one moment: regions before firms, each type in the order its changes were saved.
    assert [entry["type"] for entry in read] == ["region"] * 12 + ["firm"] * 3
    region_actions = [entry["action"] for entry in read[:12]]
    assert region_actions == ["created"] * 7 + ["updated"] * 4 + ["deleted"]


def test_the_feed_runs_the_same_queries_for_few_and_many_changes(api):
    counts = {}
    for size in (2, 20):
        savepoint = connection.savepoint()
        for number in range(size):
            region(f"sync-count-{number}", when=at(seconds=number))
        with RecordQueries() as queries:
            page = feed(api, since="2099-01-02", page_size=50)
        assert len(page["results"]) == size
        counts[size] = len(queries)
        connection.savepoint_rollback(savepoint)
    assert counts[2] == counts[20], counts


def cited(record, when, locator="p. 1"):
    """A citation of ``record`` saved on its own, as if at ``when``; the time it gives the
    record's ``updated`` too."""
    source, _ = Source.objects.get_or_create(title="Sync report", language="en")
    citation = Citation(source=source, record=record, locator=locator)
    citation._history_date = when
    with patch("exchanges.models.sources.timezone.now", return_value=when):
        citation.save()
    return citation


def test_a_change_of_citations_is_listed_as_an_update_of_the_cited_record(api):
    east = region("sync-cited", when=at())
    citation = cited(east, at(seconds=1))
    citation.locator = "p. 2"
    citation._history_date = at(seconds=2)
    citation.save()
    citation._history_date = at(seconds=3)
    citation.delete()

    results = feed(api, since="2099-01-02")["results"]
    assert [(entry["type"], entry["id"], entry["action"]) for entry in results] == [
        ("region", east.pk, "created"),
        ("region", east.pk, "updated"),
        ("region", east.pk, "updated"),
        ("region", east.pk, "updated"),
    ]
    assert results[1]["url"] == f"http://testserver/api/v1/regions/{east.pk}/"
    # Paging through them one by one gives the same entries, each once.
    read, query = [], {"since": "2099-01-02", "page_size": 1}
    while True:
        page = feed(api, **query)
        read += page["results"]
        if page["next"] is None:
            break
        query = {"cursor": page["cursor"], "page_size": 1}
    assert read == results


def test_a_citation_added_later_counts_for_updated_since_and_the_etag(api):
    tie = SisterTie(region_a=region("sync-c-a"), region_b=region("sync-c-b", "KR"))
    saved(tie, at(days=-10))
    url = f"/api/v1/ties/{tie.pk}/"
    etag = api.get(url).headers["ETag"]
    assert api_ids(api, "/api/v1/ties/", "2099-01-01") == set()

    cited(tie, at(hours=1))
    assert api_ids(api, "/api/v1/ties/", "2099-01-01") == {tie.pk}
    changed = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert [c["locator"] for c in changed.json()["citations"]] == ["p. 1"]
    # The tie's own history is untouched: its last entry is still its own save.
    assert tie.history.count() == 1


def test_the_admin_names_who_changed_a_citation_since_the_form_opened(admin_client):
    from django.contrib.auth.models import User

    from exchanges.integrity import last_change

    east = region("sync-admin-cited", when=at(days=-1))
    editor = User.objects.create_user("sync-editor", first_name="Aiko", last_name="Sato")
    citation = Citation(source=Source.objects.create(title="S", language="en"), record=east)
    citation.locator, citation._history_date, citation._history_user = "p. 9", at(), editor
    citation.save()
    assert last_change(east) == ("Aiko Sato", at())


def encoded(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "query, parameter",
    [
        ({"since": "last week"}, "since"),
        ({"since": "2099-13-01"}, "since"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "%%%"}, "cursor"),
        ({"cursor": encoded("2099-01-02T00:00:00+00:00|x|1")}, "cursor"),
        ({"cursor": encoded("2099-01-02T00:00:00|0|1")}, "cursor"),  # no offset: not ours
        ({"cursor": encoded("0001-01-01T00:00:00+09:00|0|1")}, "cursor"),
        ({"cursor": encoded("nonsense|0|1")}, "cursor"),
        ({"cursor": encoded("2099-01-02T00:00:00+00:00|99|1")}, "cursor"),
        ({"cursor": encoded(f"2099-01-02T00:00:00+00:00|0|{2**64}")}, "cursor"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "501"}, "page_size"),
    ],
)
def test_a_bad_since_cursor_or_page_size_answers_400_naming_it(api, query, parameter):
    response = api.get("/api/v1/changes/", query)
    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_a_cursor_past_every_id_reads_on_from_the_next_moment(api):
    region("sync-large-id", when=at(seconds=1))
    cursor = base64.urlsafe_b64encode(f"{at().isoformat()}|0|{2**63 - 1}".encode()).decode()
    assert [entry["action"] for entry in feed(api, cursor=cursor)["results"]] == ["created"]


# --- ETag and If-None-Match ---------------------------------------------------------------------


def test_a_record_answers_304_while_its_etag_holds(api):
    east, west = region("sync-etag-a"), region("sync-etag-b", "KR")
    tie = SisterTie.objects.create(region_a=east, region_b=west, tie_type="sister")
    url = f"/api/v1/ties/{tie.pk}/"
    etag = api.get(url).headers["ETag"]

    unchanged = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged.headers["ETag"] == etag
    assert api.get(url, HTTP_IF_NONE_MATCH=f'"other", W/{etag}').status_code == 304
    assert api.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200

    # Renaming a region the tie embeds changes what the tie's address gives, and so its ETag.
    east.name_en = "Sync renamed"
    east.save()
    fresh = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert fresh.json()["region_a"]["name_en"] == "Sync renamed"
    assert fresh.headers["ETag"] != etag


def test_a_list_page_answers_304_while_its_content_holds(api):
    first = region("sync-list-a", "KP")
    region("sync-list-b", "KP")
    url = "/api/v1/regions/?country=KP&page_size=1"
    response = api.get(url)
    etag = response.headers["ETag"]
    assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert api.get(url.replace("page_size=1", "page_size=2")).headers["ETag"] != etag

    first.population = 1000
    first.save()
    changed = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_the_schema_documents_the_feed_and_conditional_reads(api):
    schema = api.get("/api/v1/schema/?format=json").json()
    feed_operation = schema["paths"]["/api/v1/changes/"]["get"]
    names = {parameter["name"] for parameter in feed_operation["parameters"]}
    assert {"since", "cursor", "page_size"} <= names
    entry = schema["components"]["schemas"]["Change"]["properties"]
    assert {"type", "id", "action", "time", "url"} <= set(entry)
    for path in ("/api/v1/ties/{id}/", "/api/v1/ties/"):
        operation = schema["paths"][path]["get"]
        assert "If-None-Match" in {parameter["name"] for parameter in operation["parameters"]}
        assert "304" in operation["responses"]
        assert "ETag" in operation["responses"]["200"]["headers"]


def test_a_fixture_load_lists_records_created_before_their_citations(api, tmp_path):
    """Fixture files load in name order; citations.json comes before regions.json, yet the feed
    must not list a citation's change of a record before the record's creation."""
    import json

    from exchanges.fixture_loads import load_fixtures

    stamp = "2099-01-02T00:00:00Z"
    files = {
        "a-citations.json": [
            {
                "model": "exchanges.citation",
                "pk": 990001,
                "fields": {
                    "source": 990001,
                    "content_type": ["exchanges", "region"],
                    "object_id": 990001,
                    "locator": "p. 1",
                    "quote": "",
                },
            }
        ],
        "b-records.json": [
            {
                "model": "exchanges.source",
                "pk": 990001,
                "fields": {"title": "Sync fixture report", "kind": "article", "language": "en"},
            },
            {
                "model": "exchanges.region",
                "pk": 990001,
                "fields": {
                    "slug": "sync-fixture",
                    "name_en": "Sync fixture",
                    "country": "JP",
                    "level": "city",
                    "created": stamp,
                    "updated": stamp,
                },
            },
        ],
    }
    paths = []
    for name, records in files.items():
        (tmp_path / name).write_text(json.dumps(records))
        paths.append(tmp_path / name)
    load_fixtures(paths)

    results = feed(api, since="2000-01-01", page_size=500)["results"]
    mine = [
        (e["type"], e["action"]) for e in results if e["id"] == 990001 and e["type"] != "source"
    ]
    assert mine == [("region", "created"), ("region", "updated")]
