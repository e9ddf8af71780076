"""Whole-database copies: backup and restore, dumpdata and loaddata, and fixture loads that never
overwrite staff's work. The round trips run on scratch databases of their own (a temporary
SQLite file; a PostgreSQL database created and dropped here), through manage.py as staff run it;
each starts as a copy of a database migrated once a session.
"""

import datetime
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from exchanges import backups
from exchanges.fixture_loads import FIXTURES_USERNAME, load_fixtures
from exchanges.models import Mission, Region

REPO = Path(__file__).resolve().parent.parent
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="DATABASE_URL is not PostgreSQL"
)
# Each half of CI proves the backups of its own database engine.
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="DATABASE_URL is not SQLite")
ENGINES = [
    pytest.param("sqlite", marks=on_sqlite),
    pytest.param("postgresql", marks=on_postgresql),
]


# Scratch databases, reached through manage.py in a process of their own.


@pytest.fixture(scope="session")
def scratch_database(migrated_sqlite):
    """Opens a new, migrated database: ``with scratch_database(vendor, directory) as url``
    gives its DATABASE_URL and drops it afterwards. Each is a copy of a database that manage.py
    migrate brought up to date once a session: conftest's SQLite file, or a PostgreSQL template
    database made here on first use (dropped at the end of the session)."""
    templates = {}

    @contextmanager
    def scratch(vendor: str, directory: Path):
        if vendor == "sqlite":
            path = directory / "scratch.sqlite3"
            shutil.copyfile(migrated_sqlite, path)
            yield f"sqlite:///{path}"
            return
        if "postgresql" not in templates:
            templates["postgresql"] = template = postgresql_name("template")
            postgresql_admin(f'CREATE DATABASE "{template}"')
            manage(postgresql_url(template), "migrate", "--no-input")
        name = postgresql_name("scratch")
        postgresql_admin(f'CREATE DATABASE "{name}" TEMPLATE "{templates["postgresql"]}"')
        try:
            yield postgresql_url(name)
        finally:
            postgresql_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    yield scratch
    for template in templates.values():
        postgresql_admin(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')


def postgresql_name(kind: str) -> str:
    return f"{connection.settings_dict['NAME']}_{kind}_{uuid.uuid4().hex[:8]}"


def postgresql_url(name: str) -> str:
    params = connection.settings_dict
    credentials = quote(params["USER"] or "")
    if params["PASSWORD"]:
        credentials += ":" + quote(params["PASSWORD"])
    return f"postgres://{credentials}@{params['HOST']}:{params['PORT'] or 5432}/{name}"


def postgresql_admin(sql: str) -> None:
    import psycopg2

    params = connection.settings_dict
    admin = psycopg2.connect(
        dbname="postgres",
        user=params["USER"],
        password=params["PASSWORD"],
        host=params["HOST"],
        port=params["PORT"] or 5432,
    )
    admin.autocommit = True  # CREATE and DROP DATABASE refuse a transaction
    try:
        with admin.cursor() as cursor:
            cursor.execute(sql)
    finally:
        admin.close()


def manage(url: str, *args: str, code: str | None = None) -> str:
    """Runs ``manage.py args`` (or ``manage.py shell -c code``) against the database at url."""
    command = (
        [sys.executable, "manage.py", *args]
        if code is None
        else [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            code,
        ]
    )
    result = subprocess.run(
        command,
        cwd=REPO,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"{args or code}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def snapshot(url: str) -> dict:
    """Every row of every table (and each id sequence's position), in a comparable form."""
    if url.startswith("sqlite"):
        db = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            tables = [
                name
                for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            ]
            return {
                table: sorted(map(repr, db.execute(f'SELECT * FROM "{table}"'))) for table in tables
            }
        finally:
            db.close()
    import psycopg2

    db = psycopg2.connect(url)
    try:
        with db.cursor() as cursor:
            cursor.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
            rows = {}
            for (table,) in cursor.fetchall():
                cursor.execute(f'SELECT * FROM "{table}"')
                rows[table] = sorted(
                    repr(tuple(as_text(value) for value in row)) for row in cursor.fetchall()
                )
            cursor.execute("SELECT sequencename, last_value FROM pg_sequences")
            rows["(sequences)"] = sorted(map(repr, cursor.fetchall()))
            return rows
    finally:
        db.close()


def as_text(value):
    """Times as text, as SQLite gives them, so that one pattern finds their fractions."""
    return value.isoformat(sep=" ") if isinstance(value, datetime.datetime) else value


# Staff's work in a scratch database: records, links, edits, a deletion, each with its history.
FILL = """
from django.contrib.auth.models import User
from exchanges.models import Citation, Mission, Region, SisterTie, Source
from simple_history.utils import update_change_reason

staff = User.objects.create_user("kimura", password="pw", is_staff=True)

def saved(record):
    record._history_user = staff
    record.save()
    return record

niigata = saved(Region(slug="test-niigata", name_en="Niigata", name_ja="新潟県", country="JP",
                       level="prefecture"))
yanji = saved(Region(slug="test-yanji", name_en="Yanji", name_zh="延吉市", country="CN",
                     level="city"))
busan = saved(Region(slug="test-busan", name_en="Busan", name_ko="부산", country="KR",
                     level="metropolitan_city"))
tie = saved(SisterTie(region_a=niigata, region_b=busan, tie_type="friendship"))
mission = saved(Mission(name_en="Yanji buyers in Niigata", kind="buying"))
mission.origin_regions.add(yanji)
mission.destination_regions.add(niigata)
source = saved(Source(title="報告", language="ja", file_name="test-report.pdf"))
Citation.objects.create(source=source, record=niigata, locator="p. 3")
niigata.population = 2_200_000
niigata.population_year = 2020
saved(niigata)
update_change_reason(niigata, "Census figure")
gone = saved(SisterTie(region_a=yanji, region_b=busan, tie_type="sister"))
gone._history_user = staff
gone.delete()
"""

# What happens after the backup and is undone by the restore.
CHANGE = """
from django.contrib.auth.models import User
from exchanges.models import Mission, Region
Region.objects.filter(slug="test-busan").update(name_en="Pusan")
Mission.objects.all().delete()
Region.objects.create(slug="test-dalian", name_en="Dalian", country="CN", level="city")
User.objects.create_user("someone-new")
"""


def cache_tables() -> set[str]:
    """The database cache's table: what it holds is not data, and a restore moves it on."""
    cache = settings.CACHES["default"]
    return {cache["LOCATION"]} if "Database" in cache["BACKEND"] else set()


@pytest.mark.parametrize("vendor", ENGINES)
def test_a_restore_gives_back_every_row_of_every_table(vendor, tmp_path, scratch_database):
    backup = tmp_path / f"copy.{vendor}"
    with scratch_database(vendor, tmp_path) as url:
        manage(url, code=FILL)
        before = snapshot(url)
        assert any(before[table] for table in before if "historical" in table)
        assert str(backup) in manage(url, "backup", "--output", str(backup))
        manage(url, code=CHANGE)
        assert snapshot(url) != before
        manage(url, "restore", "--no-input", str(backup))
        after = snapshot(url)
    tables = (before.keys() | after.keys()) - cache_tables()
    assert not [table for table in tables if before.get(table) != after.get(table)]


def to_milliseconds(rows: list[str]) -> list[str]:
    """Django's JSON serializer writes times to the millisecond, and a time whose microseconds
    fall below one millisecond comes back without a fraction at all: both read as HH:MM:SS.mmm."""

    def milliseconds(match: re.Match) -> str:
        fraction = (match.group(2) or "")[:3].ljust(3, "0")
        return f"{match.group(1)}.{fraction}"

    return sorted(re.sub(r"(\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?", milliseconds, row) for row in rows)


@pytest.mark.parametrize("vendor", ENGINES)
def test_a_whole_database_dump_loads_into_an_empty_database(vendor, tmp_path, scratch_database):
    """dumpdata of every table, history included, then loaddata into a new database. Setting
    the loaded many-to-many fields used to write history rows of their own, under ids the dump
    held (PostgreSQL refused them) or beside them (SQLite doubled them); the link tables are
    now dumped as rows of their own, and a raw load writes no history (see the next tests)."""
    dump = tmp_path / "all.json"
    with scratch_database(vendor, tmp_path) as source:
        manage(source, "load_fixtures", *map(str, sorted((REPO / "fixtures").glob("*.json"))))
        manage(source, code=FILL)
        manage(source, "dumpdata", "--output", str(dump))
        expected = snapshot(source)
    (tmp_path / "target").mkdir()
    with scratch_database(vendor, tmp_path / "target") as target:
        manage(target, "loaddata", str(dump))
        loaded = snapshot(target)
        # loaddata puts each id sequence back to the largest id in its table; migrate moves
        # it past the deleted records' ids in the history again.
        manage(target, "migrate", "--no-input")
        new_tie = manage(target, code=NEW_TIE)
    assert any("historical" in table and expected[table] for table in expected)
    # Not in a dump: the migrations each database applied, the sequences, the search indexes'
    # inner tables (their searchable content is compared) and the cache.
    tables = {
        table
        for table in expected.keys() - {"django_migrations", "sqlite_sequence", "(sequences)"}
        if not re.search(r"_search_(data|idx|docsize|config|content)$", table)
    } - cache_tables()
    differing = [
        table
        for table in tables
        if to_milliseconds(expected[table]) != to_milliseconds(loaded.get(table, []))
    ]
    assert not differing, differing
    largest_id, new_id = map(int, new_tie.split())
    assert new_id > largest_id


# A tie created after a whole-database load: the largest tie id ever, and the new tie's id.
NEW_TIE = """
from django.db.models import Max
from exchanges.models import Region, SisterTie
largest = SisterTie.history.aggregate(largest=Max("id"))["largest"]
a, b = Region.objects.all()[:2]
print(largest, SisterTie.objects.create(region_a=a, region_b=b, tie_type="other").pk)
"""


def test_restore_refuses_a_file_that_is_no_backup(tmp_path, scratch_database):
    with scratch_database("sqlite", tmp_path) as url:
        before = snapshot(url)
        not_a_backup = tmp_path / "notes.sqlite3"
        not_a_backup.write_text("shopping list")
        result = subprocess.run(
            [sys.executable, "manage.py", "restore", "--no-input", str(not_a_backup)],
            cwd=REPO,
            env={**os.environ, "DATABASE_URL": url},
            capture_output=True,
            text=True,
        )
        assert result.returncode != 0
        assert "is not a backup" in result.stderr
        assert snapshot(url) == before


def test_backups_get_a_new_timestamped_name_each(tmp_path):
    first = backups.new_backup_path(tmp_path, ".dump")
    first.touch()
    second = backups.new_backup_path(tmp_path, ".dump")
    assert first.parent == second.parent == tmp_path
    assert second != first and second.suffix == ".dump"


@on_postgresql
@pytest.mark.django_db
def test_a_pg_dump_older_than_the_server_is_refused(monkeypatch):
    def old_tool(command, **kwargs):
        return subprocess.CompletedProcess(command, 0, stdout="pg_dump (PostgreSQL) 9.6.24\n")

    monkeypatch.setattr(backups.subprocess, "run", old_tool)
    with pytest.raises(backups.BackupError, match="9.6.24"):
        backups.check_tool_version("pg_dump", "pg_dump", "default")


# Fixture loads into a database that staff keep.


def write_fixture(path: Path, records: list[dict]) -> Path:
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def region_record(pk: int, slug: str, **fields) -> dict:
    return {
        "model": "exchanges.region",
        "pk": pk,
        "fields": {
            "slug": slug,
            "name_en": slug.title(),
            "country": "JP",
            "level": "city",
            "created": "2026-01-01T00:00:00Z",
            "updated": "2026-01-01T00:00:00Z",
            **fields,
        },
    }


def mission_record(pk: int, origins: list[int], destinations: list[int]) -> dict:
    return {
        "model": "exchanges.mission",
        "pk": pk,
        "fields": {
            "name_en": f"Mission {pk}",
            "kind": "trade",
            "origin_regions": origins,
            "destination_regions": destinations,
            "created": "2026-01-01T00:00:00Z",
            "updated": "2026-01-01T00:00:00Z",
        },
    }


@pytest.fixture
def own_fixtures(tmp_path):
    """Two fixture files of the test's own, with ids beyond the production fixtures'."""
    regions = write_fixture(
        tmp_path / "regions.json",
        [region_record(70001, "test-kashiwazaki"), region_record(70002, "test-tsubame")],
    )
    missions = write_fixture(tmp_path / "missions.json", [mission_record(70001, [70001], [70002])])
    # The missions' file first: its regions come from a later file.
    return [missions, regions]


@pytest.mark.django_db
def test_loaddata_writes_no_history_rows(own_fixtures):
    history = Mission.history.model.objects
    before = history.count()
    call_command("loaddata", *own_fixtures, verbosity=0)
    mission = Mission.objects.get(pk=70001)
    assert [region.pk for region in mission.origin_regions.all()] == [70001]
    assert mission.origin_country == "JP"
    assert history.count() == before
    assert not history.filter(history_user=None, id=70001).exists()


@pytest.mark.django_db
def test_load_fixtures_adds_new_records_with_an_authored_history(own_fixtures):
    counts = load_fixtures(own_fixtures)
    assert (counts.loaded["regions.json"], counts.loaded["missions.json"]) == (2, 1)
    user = get_user_model().objects.get(username=FIXTURES_USERNAME)
    assert not user.is_active and not user.has_usable_password() and not user.is_staff
    mission = Mission.objects.get(pk=70001)
    (created,) = mission.history.all()
    assert (created.history_type, created.history_user) == ("+", user)
    assert created.history_change_reason == "Loaded from fixture missions.json"
    # The history holds the links, also to the regions of the later file.
    assert [link.region_id for link in created.origin_regions.all()] == [70001]
    assert mission.destination_country == "JP"
    (region_created,) = Region.objects.get(pk=70002).history.all()
    assert region_created.history_change_reason == "Loaded from fixture regions.json"
    assert region_created.history_user == user


@pytest.mark.django_db
def test_load_fixtures_keeps_staff_edits_and_deletions(own_fixtures, django_user_model):
    load_fixtures(own_fixtures)
    staff = django_user_model.objects.create_user("tanaka", is_staff=True)
    edited = Region.objects.get(pk=70001)
    edited.name_en = "Kashiwazaki City"
    edited._history_user = staff
    edited.save()
    mission = Mission.objects.get(pk=70001)
    mission.origin_regions.clear()
    mission.delete()
    counts = load_fixtures(own_fixtures)
    assert counts.loaded.total() == 0
    assert (counts.kept.total(), counts.deleted.total()) == (2, 1)
    assert Region.objects.get(pk=70001).name_en == "Kashiwazaki City"
    assert not Mission.objects.filter(pk=70001).exists()
    assert Region.objects.get(pk=70001).history.count() == 2  # nothing written by the reload


def corrected_fixtures(tmp_path) -> list[Path]:
    """``own_fixtures`` after a review corrected a region's name and a mission's origins."""
    corrected = tmp_path / "corrected"
    corrected.mkdir(exist_ok=True)
    return [
        write_fixture(corrected / "missions.json", [mission_record(70001, [70002], [70002])]),
        write_fixture(
            corrected / "regions.json",
            [
                region_record(70001, "test-kashiwazaki", name_en="Kashiwazaki-shi"),
                region_record(70002, "test-tsubame"),
            ],
        ),
    ]


@pytest.mark.django_db
def test_load_fixtures_corrects_records_only_the_fixtures_wrote(tmp_path, own_fixtures):
    load_fixtures(own_fixtures)
    counts = load_fixtures(corrected_fixtures(tmp_path))
    assert counts.loaded.total() == 0
    assert (counts.corrected["regions.json"], counts.corrected["missions.json"]) == (1, 1)
    assert counts.kept["regions.json"] == 1  # the unchanged one writes nothing
    region = Region.objects.get(pk=70001)
    assert region.name_en == "Kashiwazaki-shi"
    assert "kashiwazaki-shi" in region.search_text  # saved as any edit is
    latest = region.history.first()
    assert latest.history_type == "~" and latest.history_user.username == FIXTURES_USERNAME
    assert latest.history_change_reason == "Corrected from fixture regions.json"
    assert Region.objects.get(pk=70002).history.count() == 1
    mission = Mission.objects.get(pk=70001)
    assert [r.pk for r in mission.origin_regions.all()] == [70002]
    assert {row.history_user.username for row in mission.history.all()} == {FIXTURES_USERNAME}
    # Loading the same files again changes nothing more.
    again = load_fixtures(corrected_fixtures(tmp_path))
    assert again.corrected.total() == 0 and again.kept.total() == 3


@pytest.mark.django_db
def test_load_fixtures_never_corrects_a_record_staff_edited(
    tmp_path, own_fixtures, django_user_model
):
    load_fixtures(own_fixtures)
    staff = django_user_model.objects.create_user("sato", is_staff=True)
    region = Region.objects.get(pk=70001)
    region.notes = "Checked against the city's own list."
    region._history_user = staff
    region.save()
    counts = load_fixtures(corrected_fixtures(tmp_path))
    assert counts.corrected["regions.json"] == 0
    region.refresh_from_db()
    assert (region.name_en, region.notes) == (
        "Test-Kashiwazaki",
        "Checked against the city's own list.",
    )


@pytest.mark.django_db
def test_load_fixtures_never_corrects_a_record_of_unknown_authorship(tmp_path, own_fixtures):
    """``loaddata`` writes no history: nothing says the fixtures alone wrote such a record."""
    call_command("loaddata", *own_fixtures, verbosity=0)
    counts = load_fixtures(corrected_fixtures(tmp_path))
    assert counts.corrected.total() == 0
    assert Region.objects.get(pk=70001).name_en == "Test-Kashiwazaki"


@pytest.mark.django_db
def test_load_fixtures_moves_id_sequences_past_the_fixtures(own_fixtures):
    load_fixtures(own_fixtures)
    assert (
        Region.objects.create(slug="test-new", name_en="New", country="JP", level="city").pk > 70002
    )
    assert Mission.objects.create(name_en="New", kind="trade").pk > 70001


def test_the_makefile_loads_fixtures_with_load_fixtures():
    makefile = (REPO / "Makefile").read_text()
    target = makefile.split("\nload-fixtures:", 1)[1].split("\n\n", 1)[0]
    assert "manage.py load_fixtures" in target and "loaddata" not in target
