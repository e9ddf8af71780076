"""A mission's status: whether it was held, as the sources say, and when a plan was reported.

The lists, the API and the downloads select by it through one filter; the statistics count held
missions only and say how many they left out; the migration gives the fixture's unedited
missions the status their sources state and leaves every other mission unknown."""

import csv
import datetime
import importlib
import io
import json

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.http import QueryDict
from django.utils import translation
from rest_framework.test import APIClient

from exchanges.fixture_loads import fixtures_user, write_history
from exchanges.models import Mission, MissionStatus
from exchanges.pictures import stats
from tests.query_counts import RecordQueries

from . import factories as make
from .test_admin import admin_url, change_form_data
from .test_downloads import body

pytestmark = pytest.mark.django_db

migration = importlib.import_module("exchanges.migrations.0013_mission_status")


@pytest.fixture
def missions():
    token = make.new_token()
    japan = make.region(token, country="JP")
    korea = make.region(token, country="KR")
    between = {"origin_regions": [japan], "destination_regions": [korea]}
    return {
        "token": token,
        "held": [
            make.mission(token, status="held", **between, **make.year("start", 2007)),
            make.mission(token, status="held", kind="forum", **between, **make.year("start", 2008)),
        ],
        "planned": make.mission(
            token,
            status="planned",
            status_reported=datetime.date(2008, 1, 1),
            status_reported_precision="year",
            **between,
            **make.year("start", 2008),
        ),
        "cancelled": make.mission(token, status="cancelled", **between),
        "unknown": make.mission(token, **between, **make.year("start", 2008)),
    }


def csv_names(response) -> set[str]:
    rows = csv.DictReader(io.StringIO(body(response).decode("utf-8-sig")))
    return {row["name_en"] for row in rows}


def test_a_new_mission_is_unknown_until_a_source_says_otherwise():
    assert make.mission().status == MissionStatus.UNKNOWN


@pytest.mark.parametrize("status", MissionStatus.values)
def test_the_list_the_api_and_the_downloads_select_by_status(client, missions, status):
    token = missions["token"]
    expected = {
        mission.name_en
        for mission in Mission.objects.filter(status=status, name_en__contains=token)
    }
    assert expected
    page = client.get("/missions/", {"q": token, "status": status})
    assert {mission.name_en for mission in page.context["table"].data} == expected
    api = APIClient().get("/api/v1/missions/", {"q": token, "status": status})
    assert {row["name_en"] for row in api.json()["results"]} == expected
    assert {row["status"] for row in api.json()["results"]} == {status}
    download = client.get("/missions/", {"q": token, "status": status, "export": "csv"})
    assert csv_names(download) == expected
    api_csv = APIClient().get("/api/v1/missions/", {"q": token, "status": status, "format": "csv"})
    assert csv_names(api_csv) == expected


def test_an_unknown_status_is_refused_alike_by_page_and_api(client, missions):
    assert client.get("/missions/", {"status": "rumoured"}).status_code == 400
    assert APIClient().get("/api/v1/missions/", {"status": "rumoured"}).status_code == 400


def test_the_api_gives_the_status_and_the_date_the_plan_was_reported(missions):
    planned = missions["planned"]
    record = APIClient().get(f"/api/v1/missions/{planned.pk}/").json()
    assert (record["status"], record["status_reported"], record["status_reported_precision"]) == (
        "planned",
        "2008-01-01",
        "year",
    )


def test_the_schema_documents_the_status_filter_and_fields(client):
    schema = client.get("/api/v1/schema/", {"format": "json"})
    assert schema.status_code == 200
    document = schema.json()
    parameters = document["paths"]["/api/v1/missions/"]["get"]["parameters"]
    status = next(parameter for parameter in parameters if parameter["name"] == "status")
    enum = status["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(document["components"]["schemas"][enum]["enum"]) == set(MissionStatus.values)
    assert {"status", "status_reported", "status_reported_precision"} <= set(
        document["components"]["schemas"]["Mission"]["properties"]
    )


def test_the_mission_page_shows_the_status_with_the_date_the_plan_was_reported(client, missions):
    planned = missions["planned"]
    html = client.get(planned.get_absolute_url()).content.decode()
    assert "planned" in html and "plan reported 2008" in html
    with translation.override("ja"):
        html = client.get(planned.get_absolute_url()).content.decode()
    assert "予定" in html and "計画の報道" in html


def test_the_admin_filters_missions_by_status(admin_client, missions):
    response = admin_client.get(
        admin_url(Mission, "changelist"), {"status__exact": "planned", "q": missions["token"]}
    )
    assert list(response.context["cl"].queryset) == [missions["planned"]]


def test_the_admin_saves_a_status_with_the_date_the_plan_was_reported(admin_client):
    add = admin_url(Mission, "add")
    data = {
        **change_form_data(admin_client.get(add)),
        "name_en": "Status mission",
        "kind": "trade",
        "status": "planned",
        "status_reported": "2021-09-30",
    }
    response = admin_client.post(add, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    mission = Mission.objects.get(name_en="Status mission")
    assert (mission.status, mission.status_reported, mission.status_reported_precision) == (
        "planned",
        datetime.date(2021, 9, 30),
        "day",
    )
    assert mission.history.first().status == "planned"


def test_missions_per_year_count_held_missions_and_say_what_they_left_out(client, missions):
    statistic = stats.missions_per_year(
        Mission.objects.filter(name_en__contains=missions["token"]), QueryDict()
    )
    assert {row.key: row.total for row in statistic.rows} == {"2007": 1, "2008": 1}
    for row in statistic.rows:
        assert "status=held" in row.url and f"year_from={row.key}" in row.url
    assert statistic.note == (
        "Only missions that were held are counted; left out: 1 planned mission, "
        "1 cancelled mission, 1 mission not known to have taken place."
    )
    with translation.override("ko"):
        statistic = stats.missions_per_year(
            Mission.objects.filter(name_en__contains=missions["token"]), QueryDict()
        )
    assert "예정된 사절단 1건" in statistic.note


def test_missions_per_year_say_nothing_when_every_mission_was_held():
    token = make.new_token()
    make.mission(token, status="held", **make.year("start", 2001))
    statistic = stats.missions_per_year(
        Mission.objects.filter(name_en__contains=token), QueryDict()
    )
    assert statistic.note == ""


def test_missions_per_year_cost_the_same_queries_whatever_the_statuses(client):
    token = make.new_token()

    def queries() -> int:
        missions = Mission.objects.filter(name_en__contains=token)
        with RecordQueries() as recorded:
            stats.missions_per_year(missions, QueryDict())
        return len(recorded.captured_queries)

    make.mission(token, status="held", **make.year("start", 2001))
    few = queries()
    for status in MissionStatus.values:
        for year in (2001, 2002, 2003):
            make.mission(token, status=status, **make.year("start", year))
    assert queries() == few == 1


# --- the migration ------------------------------------------------------------------------------


class Editor:
    connection = connection


def loaded_from_fixtures(**fields) -> Mission:
    """A mission as ``load_fixtures`` leaves it: one history row by the fixtures account."""
    mission = make.mission(**fields)
    mission.history.all().delete()
    write_history([mission], fixtures_user(), "missions.json", "default", mission.updated)
    return mission


def test_the_migration_gives_unedited_fixture_missions_their_sources_status(admin_user):
    token = make.new_token()
    old_notes = 'Planned for "next month" in the 2008 article. More.'
    planned = loaded_from_fixtures(name_en=f"Planned {token}", notes=old_notes)
    held = loaded_from_fixtures(name_en=f"Held {token}")
    # Edited by staff since it was loaded: nothing here knows what the editor meant.
    edited = loaded_from_fixtures(name_en=f"Edited {token}")
    edited.leader = "Someone"
    edited._history_user = admin_user
    edited.save()
    # Another record under a fixture's id.
    other = loaded_from_fixtures(name_en=f"Own {token}")
    statuses = {
        planned.pk: (planned.name_en, "planned", "2008-01-01", "year"),
        held.pk: (held.name_en, "held", None, ""),
        edited.pk: (edited.name_en, "planned", "2021-09-30", "day"),
        other.pk: ("A fixture's mission", "held", None, ""),
    }
    notes = {planned.pk: ('Planned for "next month" in the 2008 article.', "Reworded.")}

    migration.set_fixture_statuses(apps, Editor(), statuses=statuses, notes=notes)

    for mission in (planned, held, edited, other):
        mission.refresh_from_db()
    assert (planned.status, planned.status_reported, planned.status_reported_precision) == (
        "planned",
        datetime.date(2008, 1, 1),
        "year",
    )
    assert planned.notes == "Reworded. More."
    assert held.status == "held"
    assert (edited.status, other.status) == ("unknown", "unknown")
    latest = planned.history.first()
    assert (latest.status, latest.history_user.username) == ("planned", "fixtures")
    assert latest.history_change_reason == migration.REASON
    assert planned.history.count() == 2


def test_the_migrations_statuses_are_the_fixtures():
    """What the migration gives unedited fixture missions is what a fresh load gives them.
    Missions added to the fixtures after the migration are not its business: a load brings
    them with their status."""
    fixture = json.loads((settings.BASE_DIR / "fixtures" / "missions.json").read_text())
    by_pk = {record["pk"]: record for record in fixture}
    for pk, (name, status, reported, precision) in migration.FIXTURE_STATUSES.items():
        fields = by_pk[pk]["fields"]
        assert (name, status, reported, precision) == (
            fields["name_en"],
            fields["status"],
            fields["status_reported"],
            fields["status_reported_precision"],
        )
    for pk, (old, new) in migration.NOTES.items():
        fields = next(record["fields"] for record in fixture if record["pk"] == pk)
        assert new in fields["notes"] and old not in fields["notes"]
