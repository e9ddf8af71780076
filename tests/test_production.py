"""The site as an operator runs it: gunicorn with DEBUG off, settings from the environment,
limits shared by every worker, a locked door for password guessers, logs a collector reads.

The tests that need a real server start gunicorn in a subprocess against the test database
(PostgreSQL) or a database migrated for them (SQLite), as ``make serve`` would.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory

from exchanges import ratelimits

from .conftest import REPO, within_one_minute

PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
REDIS = ("127.0.0.1", 6379)


def production_environment(**overrides) -> dict:
    """The documented production variables, with DEBUG off, and what the test overrides."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_")) and key not in ("REDIS_URL",)
    }
    environment.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost,regiontrade.example.org",
        HTTPS="0",
        LOG_FORMAT="json",
        PYTHONUNBUFFERED="1",
    )
    environment.update({key: str(value) for key, value in overrides.items()})
    return environment


def run_manage(*arguments, **overrides) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "manage.py", *arguments],
        cwd=REPO,
        env=production_environment(**overrides),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("staticfiles")
    result = run_manage("collectstatic", "--noinput", "--verbosity", "0", STATIC_ROOT=root)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="session")
def served_database(request, tmp_path_factory) -> str:
    """A database URL a separate process can serve: the test database on PostgreSQL (its
    fixtures are committed), a copy of conftest's freshly migrated file on SQLite."""
    if connection.vendor == "postgresql":
        request.getfixturevalue("django_db_setup")
        database = connection.settings_dict
        return (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
    path = tmp_path_factory.mktemp("served") / "db.sqlite3"
    shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
    return f"sqlite:///{path}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving the site with the project's configuration, as ``make serve`` does."""

    def __init__(self, log_path: Path, **environment):
        self.port = free_port()
        self.log_path = log_path
        self.process = subprocess.Popen(
            [GUNICORN, "-c", "python:regiontrade.gunicorn"],
            cwd=REPO,
            env=production_environment(
                BIND=f"127.0.0.1:{self.port}", WEB_CONCURRENCY=1, **environment
            ),
            stdout=log_path.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn stopped:\n{self.log()}")
            try:
                self.get("/healthz")  # any answer: the health of what it serves is the test's
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer:\n{self.log()}")

    def get(self, path: str, headers: dict | None = None, data: bytes | None = None):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", headers=headers or {}, data=data
        )
        opener = urllib.request.build_opener(NoRedirects)
        try:
            return opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            return error

    def log(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def serve(collected_static, served_database, tmp_path):
    servers = []

    def start(**environment) -> Server:
        environment = {
            "STATIC_ROOT": collected_static,
            "DATABASE_URL": served_database,
            **environment,
        }
        server = Server(tmp_path / f"gunicorn-{len(servers)}.log", **environment)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def redis_running() -> bool:
    try:
        socket.create_connection(REDIS, timeout=1).close()
        return True
    except OSError:
        return False


CACHES = [
    pytest.param({}, id="database-cache"),
    pytest.param(
        {"REDIS_URL": "redis://127.0.0.1:6379/0"},
        id="redis",
        marks=pytest.mark.skipif(not redis_running(), reason="no Redis at 127.0.0.1:6379"),
    ),
]


# --- starting up ------------------------------------------------------------------------------


def test_a_missing_secret_key_stops_with_one_line():
    result = run_manage("migrate", "--check", SECRET_KEY="")
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert result.stderr.startswith("regiontrade: SECRET_KEY must be set")


def test_a_malformed_setting_stops_with_one_line():
    result = run_manage("check", TRUSTED_PROXY_COUNT="two")
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "regiontrade: TRUSTED_PROXY_COUNT must be a whole number, not 'two'."
    )


def test_without_collected_static_files_the_server_refuses_to_start(tmp_path):
    result = subprocess.run(
        [PYTHON, "-c", "import regiontrade.wsgi"],
        cwd=REPO,
        env=production_environment(STATIC_ROOT=tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 3
    assert result.stderr.strip().splitlines() == [
        "regiontrade: static files have not been collected: run manage.py collectstatic "
        "--noinput (make serve does)."
    ]


def test_check_deploy_is_clean_under_the_documented_production_settings(
    collected_static, served_database
):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        HTTPS="1",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        STATIC_ROOT=collected_static,
        DATABASE_URL=served_database,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_names_uncollected_static_files(tmp_path):
    result = run_manage("check", "--deploy", STATIC_ROOT=tmp_path, HTTPS="1")
    assert "exchanges.E003" in result.stderr


def test_migrate_creates_the_cache_table_also_while_redis_is_in_use(tmp_path):
    """A site moving off Redis must find its database cache ready, or nothing is counted."""
    import sqlite3

    database = tmp_path / "db.sqlite3"
    result = run_manage(
        "migrate",
        "--noinput",
        "--verbosity",
        "0",
        DATABASE_URL=f"sqlite:///{database}",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
    assert django_settings.DATABASE_CACHE_TABLE in tables


# --- serving ------------------------------------------------------------------------------------


def test_the_production_server_answers_with_debug_off(serve):
    server = serve()
    for path in ("/", "/admin/login/", "/api/v1/", "/healthz", "/ja/ties/", "/api/v1/docs/"):
        response = server.get(path)
        assert response.status == 200, (path, server.log())
        assert response.headers["X-Request-ID"]
    assert json.loads(server.get("/healthz").read()) == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
    }
    page = server.get("/")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    # Hashed, compressed static files from the manifest, served by whitenoise.
    html = page.read().decode()
    stylesheet = html.split('href="/static/css/site.', 1)[1].split('"', 1)[0]
    assert server.get(f"/static/css/site.{stylesheet}").status == 200
    assert "Traceback" not in server.log()


def test_a_server_error_is_logged_as_one_json_line_with_its_request_id(serve, tmp_path):
    # A database without the directory's tables: pages fail, the health check still answers.
    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    server = serve(DATABASE_URL=empty)
    response = server.get("/ties/")
    assert response.status == 500
    request_id = response.headers["X-Request-ID"]
    assert request_id in response.read().decode()  # the reference shown to the reader
    events = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
    errors = [
        event
        for event in events
        if event.get("request_id") == request_id and event["logger"] == "django.request"
    ]
    assert len(errors) == 1, server.log()
    assert errors[0]["level"] == "ERROR"
    assert errors[0]["request"] == "GET /ties/"
    assert "no such table" in errors[0]["exc_info"]
    assert "Traceback" in errors[0]["exc_info"]


def test_a_request_error_is_logged_too(serve):
    server = serve()
    response = server.get("/ties/?per_page=-1")
    assert response.status == 400
    request_id = response.headers["X-Request-ID"]
    events = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
    assert [event["level"] for event in events if event.get("request_id") == request_id] == [
        "WARNING"
    ]


# --- limits shared by every worker ------------------------------------------------------------


@pytest.mark.parametrize("cache", CACHES)
def test_two_servers_share_one_limit(serve, cache):
    prefix = {"CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    limits = {"API_ANON_RATE": "6/minute", "PAGE_RATE": "6/minute", **prefix, **cache}
    first, second = serve(**limits), serve(**limits)
    within_one_minute()
    for path in ("/api/v1/sources/", "/sources/"):
        statuses = [
            server.get(path, headers={"X-Forwarded-For": f"198.51.100.{number}"}).status
            for number, server in enumerate([first, second] * 5)
        ]
        # A made-up X-Forwarded-For does not make a new client: no proxy is trusted.
        assert statuses == [200] * 6 + [429] * 4, path


@pytest.mark.parametrize("cache", CACHES)
def test_parallel_requests_to_two_servers_are_each_counted_once(serve, cache):
    from concurrent.futures import ThreadPoolExecutor

    limits = {"API_ANON_RATE": "20/minute", "CACHE_KEY_PREFIX": uuid.uuid4().hex, **cache}
    servers = [serve(**limits), serve(**limits)]
    within_one_minute()
    with ThreadPoolExecutor(16) as pool:
        statuses = list(
            pool.map(lambda n: servers[n % 2].get("/api/v1/sources/?page_size=1").status, range(48))
        )
    assert sorted(statuses) == [200] * 20 + [429] * 28


def test_a_trusted_proxy_tells_clients_apart(serve):
    server = serve(PAGE_RATE="2/minute", TRUSTED_PROXY_COUNT=1)
    one = {"X-Forwarded-For": "203.0.113.1"}
    other = {"X-Forwarded-For": "203.0.113.1, 198.51.100.7"}  # the proxy appended the client
    within_one_minute()
    assert [server.get("/sources/", one).status for _ in range(3)] == [200, 200, 429]
    assert server.get("/sources/", other).status == 200


def test_admin_sign_in_works_behind_a_tls_proxy_that_sends_no_scheme_header(serve):
    """Behind a TLS proxy that passes no X-Forwarded-Proto, the admin's sign-in works once the
    site's origin is trusted (it answered 403 before)."""
    server = serve(
        HTTPS="1", SECURE_SSL_REDIRECT="0", CSRF_TRUSTED_ORIGINS="https://regiontrade.example.org"
    )
    login = server.get("/admin/login/", headers={"Host": "regiontrade.example.org"})
    assert login.status == 200
    cookie = login.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie
    token = cookie.split("csrftoken=", 1)[1].split(";", 1)[0]
    html = login.read().decode()
    form_token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = server.get(
        "/admin/login/",
        headers={
            "Host": "regiontrade.example.org",
            "Origin": "https://regiontrade.example.org",
            "Referer": "https://regiontrade.example.org/admin/login/",
            "Cookie": f"csrftoken={token}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        data=f"csrfmiddlewaretoken={form_token}&username=nobody&password=wrong".encode(),
    )
    assert response.status == 200  # the form again, saying the password is wrong: not a 403
    assert "CSRF" not in response.read().decode()


def test_https_redirects_plain_http_and_sends_hsts(serve):
    server = serve(HTTPS="1", SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    plain = server.get("/ties/")
    assert plain.status == 301
    assert plain.headers["Location"].startswith("https://")
    assert server.get("/healthz").status == 200  # load balancers probe over plain HTTP
    secure = server.get("/ties/", {"X-Forwarded-Proto": "https"})
    assert secure.status == 200
    assert "max-age=31536000" in secure.headers["Strict-Transport-Security"]


# --- limits in the application ----------------------------------------------------------------


def address(request_meta: dict, proxies: int) -> str:
    request = RequestFactory().get("/", **request_meta)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(django_settings, "TRUSTED_PROXY_COUNT", proxies, raising=False)
        return ratelimits.client_address(request)


@pytest.mark.parametrize(
    "meta, proxies, expected",
    [
        ({"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "6.6.6.6"}, 0, "10.0.0.9"),
        ({"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 1.2.3.4"}, 1, "1.2.3.4"),
        ({"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 10.0.0.8"}, 2, "1.2.3.4"),
        ({"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "not-an-address"}, 1, "10.0.0.9"),
        ({"REMOTE_ADDR": "10.0.0.9"}, 1, "10.0.0.9"),
        ({"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "2001:db8::1"}, 1, "2001:db8::1"),
    ],
)
def test_client_address(meta, proxies, expected):
    assert address(meta, proxies) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("120/minute", ratelimits.Rate(120, 60)),
        ("5/s", ratelimits.Rate(5, 1)),
        ("1000/day", ratelimits.Rate(1000, 86400)),
        ("none", None),
        ("", None),
    ],
)
def test_rates_are_read_as_drf_writes_them(text, expected):
    assert ratelimits.Rate.parse(text) == expected


@pytest.mark.django_db
def test_pages_limit_anonymous_readers_not_staff(admin_client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "page": "3/minute"}
    anonymous = Client()
    within_one_minute()
    statuses = [anonymous.get("/regions/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = anonymous.get("/ja/ties/")
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert '<html lang="ja"' in limited.content.decode()
    assert [admin_client.get("/regions/").status_code for _ in range(4)] == [200] * 4


@pytest.mark.django_db
def test_downloads_have_their_own_limit(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "export": "2/minute"}
    downloads = ["/ties/?export=csv", "/api/v1/ties/?format=csv", "/stats/ties-per-year.csv"]
    within_one_minute()
    assert [client.get(url).status_code for url in downloads] == [200, 200, 429]
    assert client.get("/ties/").status_code == 200  # reading pages goes on


@pytest.mark.django_db
def test_an_unreachable_cache_leaves_the_site_serving_and_is_logged(client, monkeypatch, caplog):
    def unreachable(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(ratelimits.cache, "add", unreachable)
    assert client.get("/regions/").status_code == 200
    assert client.get("/api/v1/regions/").status_code == 200
    assert "Request limits are not counted" in caplog.text


# --- admin sign-in ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_account_for_that_address(
    django_user_model, settings, caplog
):
    django_user_model.objects.create_superuser("keeper", "keeper@example.org", "right-pw")
    guesser = Client(REMOTE_ADDR="192.0.2.10")
    statuses = [
        guesser.post("/admin/login/", {"username": "keeper", "password": "guess"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = guesser.post("/admin/login/", {"username": "keeper", "password": "right-pw"})
    assert locked.status_code == 429
    assert "15 minutes" in locked.content.decode()
    # The operator reads who was locked out, and from where.
    assert any(
        "Locking out" in line and "keeper" in line and "192.0.2.10" in line
        for line in caplog.text.splitlines()
    )
    # The same user from another address, and another user from this one, still sign in.
    elsewhere = Client(REMOTE_ADDR="192.0.2.99")
    assert (
        elsewhere.post("/admin/login/", {"username": "keeper", "password": "right-pw"}).status_code
        == 302
    )
    # A superuser unlocks the account by deleting the access attempt.
    attempt = AccessAttempt.objects.get(username="keeper", ip_address="192.0.2.10")
    elsewhere.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert (
        guesser.post("/admin/login/", {"username": "keeper", "password": "right-pw"}).status_code
        == 302
    )


@pytest.mark.django_db
def test_axes_reset_command_unlocks_too(django_user_model, settings):
    django_user_model.objects.create_user("clerk", password="right-pw", is_staff=True)
    guesser = Client(REMOTE_ADDR="192.0.2.11")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        guesser.post("/admin/login/", {"username": "clerk", "password": "guess"})
    assert (
        guesser.post("/admin/login/", {"username": "clerk", "password": "right-pw"}).status_code
        == 429
    )
    call_command("axes_reset_username", "clerk", verbosity=0)
    assert (
        guesser.post("/admin/login/", {"username": "clerk", "password": "right-pw"}).status_code
        == 302
    )


# --- request ids and the answers that carry them ----------------------------------------------


@pytest.mark.django_db
def test_every_answer_carries_a_request_id(client, settings):
    first, second = client.get("/"), client.get("/")
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]
    # An id passed on by a trusted proxy is kept; one from anybody else is not.
    passed_on = "proxy-abc123-def"
    assert client.get("/", HTTP_X_REQUEST_ID=passed_on)["X-Request-ID"] != passed_on
    settings.TRUSTED_PROXY_COUNT = 1
    assert client.get("/", HTTP_X_REQUEST_ID=passed_on)["X-Request-ID"] == passed_on


@pytest.mark.django_db
def test_health_check_answers_any_host_and_names_a_failing_part(client, monkeypatch):
    response = client.get("/healthz", HTTP_HOST="10.1.2.3")  # not in ALLOWED_HOSTS
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    from exchanges import health

    def broken_cache(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(health.cache, "set", broken_cache)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "unavailable"}


@pytest.mark.django_db
def test_a_search_with_many_words_is_refused_before_it_reaches_the_database(client):
    words = " ".join(f"word{number}" for number in range(40))
    for url in ("/ties/", "/search/", "/api/v1/ties/"):
        response = client.get(url, {"q": words})
        assert response.status_code == 400, url
        assert "q" in response.content.decode()
