import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from exchanges.models.search import ensure_sqlite_search_tables

# Generic test bases and their helpers assert outside test modules: show what differed.
pytest.register_assert_rewrite("tests.record_type_cases", "tests.filter_cases")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = sorted(str(path) for path in (REPO / "fixtures").glob("*.json"))


def source_reports() -> Path | None:
    """The folder of the five source reports: SEEDS_DIR, else ``shared/seeds`` beside the
    checkout or beside any folder above it (a checkout made inside a work folder)."""
    if os.environ.get("SEEDS_DIR"):
        return Path(os.environ["SEEDS_DIR"])
    for folder in REPO.parents:
        if (folder / "shared" / "seeds").is_dir():
            return folder / "shared" / "seeds"
    return None


SEEDS = source_reports()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test sees the directory as `make run` serves it: all fixtures loaded."""
    with django_db_blocker.unblock():
        call_command("load_fixtures", *FIXTURES, verbosity=0)


def within_one_minute(seconds: float = 10) -> None:
    """Request limits count in windows of a calendar minute (exchanges/ratelimits.py), and a
    count that a new minute cuts in two never reaches its limit. A test that counts requests
    against a per-minute limit calls this first: with less than ``seconds`` left of the current
    minute, it waits for the next one to begin."""
    left = 60 - time.time() % 60
    if left < seconds:
        time.sleep(left + 0.05)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A SQLite file that ``manage.py migrate`` brought up to date, once a session (once in
    each worker of a parallel run). Tests that need a migrated database of their own, to serve
    or to fill through manage.py, copy it: migrating takes far longer than copying."""
    path = tmp_path_factory.mktemp("migrated") / "db.sqlite3"
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"],
        cwd=REPO,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{path}"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return path


def restore_directory() -> None:
    """After transactional tests with ``serialized_rollback`` flushed the database: the
    migrations' records (content types, permissions, groups) under their first ids, then the
    fixtures, as the session began. A flush that re-created content types under new ids would
    make the next serialized rollback collide with them."""
    connection.creation.deserialize_db_from_string(connection._test_serialized_contents)
    call_command("load_fixtures", *FIXTURES, verbosity=0)
    # A migration test that went back and forth rebuilt tables on SQLite, which drops the
    # triggers keeping their search tables in step (``migrate`` sets them up again; a
    # MigrationExecutor does not).
    ensure_sqlite_search_tables()


@pytest.fixture(scope="module")
def directory_put_back(django_db_blocker):
    """For modules of transactional tests with ``serialized_rollback``: the directory loaded
    again once the module is done, after the last test's flush (a function-scoped fixture
    would run before that flush and leave the database empty)."""
    yield
    with django_db_blocker.unblock():
        restore_directory()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached: a test's own records are rolled back without the
    commit that would move the cache on to a new data version. Without a database the cache
    (a table of it, unless REDIS_URL is set) holds nothing of the test's either."""
    # pytest-django refuses database access outside database tests: nothing to clear there.
    with contextlib.suppress(RuntimeError):
        cache.clear()


@pytest.fixture(autouse=True)
def english_after_each_test():
    """A request activates its page's language for the thread, as LocaleMiddleware does in
    every request; put English back so that the next test starts where a new request would."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Passwords hashed cheaply: the production hasher spends half a second on each by design,
    and tests create and sign in users by the hundred. What a password guards is the same."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "pw")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def pytest_collection_modifyitems(items):
    """Browser tests last: the live server they need flushes the database when it is done."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, one per test module (tests/browsing.py)."""
    from playwright.sync_api import sync_playwright

    from .browsing import CHROMIUM, CHROMIUM_ARGS

    # The live server runs in this process; Playwright's sync API must not see an event loop.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A desktop-sized page that records console errors and failed responses in
    ``page.console_errors``."""
    from .browsing import DESKTOP, recording_page

    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    yield recording_page(context)
    context.close()
