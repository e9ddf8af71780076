"""Runs the benchmark: databases, servers, timings, report.

``prepare`` and ``report`` run in the ``bench`` command's own process; ``measure`` runs in a
child process per engine, whose ``DATABASE_URL`` points at that engine's benchmark database.
Requests go over HTTP to gunicorn (two sync workers, DEBUG off), the same stack as production.
"""

import http.client
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from dataclasses import asdict
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
WORK_DIR = BASE_DIR / ".bench"
ENGINES = ("postgresql", "sqlite")
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/regiontrade_bench"
)
SQLITE_PATH = WORK_DIR / "regiontrade_bench.sqlite3"
WORKERS = 2
REQUEST_TIMEOUT = 60
SLOW_REQUEST = 2.0  # s: a case this slow is timed fewer times
SLOW_REPEAT = 3
HEAVY_REPEAT = 5


def database_url(engine: str) -> str:
    return POSTGRES_URL if engine == "postgresql" else f"sqlite:///{SQLITE_PATH}"


REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")
RUN_ID = str(int(time.time()))


def redis_reachable() -> bool:
    host, port = REDIS_URL.split("//", 1)[1].split("/", 1)[0].split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except OSError:
        return False


def server_environment(engine: str) -> dict:
    """The site as an operator runs it: DEBUG off, the cache shared by the workers in Redis
    (when one runs), a fresh cache for each run; rate limits out of the way of the timings."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(engine),
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-secret-key"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "HTTPS": "0",  # plain HTTP on 127.0.0.1, as behind a TLS proxy
        "STATIC_ROOT": str(WORK_DIR / "staticfiles"),
        # Counted, as in production, but never reached by the timings.
        "API_ANON_RATE": "1000000/minute",
        "API_TOKEN_RATE": "1000000/minute",
        "PAGE_RATE": "1000000/minute",
        "EXPORT_RATE": "1000000/minute",
        "CACHE_KEY_PREFIX": f"bench-{engine}-{RUN_ID}",
    }
    if redis_reachable():
        env["REDIS_URL"] = REDIS_URL
    return env


def manage(*args: str, env: dict, capture: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        env=env,
        cwd=BASE_DIR,
        check=True,
        text=True,
        capture_output=capture,
    )


# Databases ---------------------------------------------------------------------------------


def postgres_admin_connection():
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(POSTGRES_URL)
    connection = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
    )
    connection.autocommit = True
    return connection, config["NAME"]


def database_exists(engine: str) -> bool:
    if engine == "sqlite":
        return SQLITE_PATH.exists()
    connection, name = postgres_admin_connection()
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def recreate_database(engine: str) -> None:
    if engine == "sqlite":
        WORK_DIR.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        return
    connection, name = postgres_admin_connection()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def prepare(engine: str, scale: float, reuse: bool, log) -> dict:
    """Creates, migrates and populates the engine's benchmark database; returns timings."""
    env = server_environment(engine)
    info = {"reused": False}
    if reuse and database_exists(engine):
        log(f"[{engine}] reusing the existing benchmark database")
        manage("migrate", "--noinput", "-v0", env=env)
        info["reused"] = True
        return info
    recreate_database(engine)
    manage("migrate", "--noinput", "-v0", env=env)
    started = time.monotonic()
    manage("populate_synthetic", "--scale", str(scale), "-v0", env=env)
    info["populate_seconds"] = round(time.monotonic() - started, 1)
    log(f"[{engine}] populated scale {scale:g} in {info['populate_seconds']} s")
    return info


# Servers -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(port: int, process: subprocess.Popen, name: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} stopped with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{name} did not start listening on port {port}")


@contextmanager
def server(name: str, command: list[str], port: int, env: dict, log_path: Path):
    with open(log_path, "w") as log_file:
        process = subprocess.Popen(
            command, env=env, cwd=BASE_DIR, stdout=log_file, stderr=subprocess.STDOUT
        )
        try:
            wait_until_listening(port, process, name)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def gunicorn(app: str, port: int) -> list[str]:
    """The project's own gunicorn settings, with the app, workers and port of the benchmark."""
    return [
        str(Path(sys.executable).parent / "gunicorn"),
        "--config",
        "python:regiontrade.gunicorn",
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        str(REQUEST_TIMEOUT),
        app,
    ]


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(entry.name))
    return pids


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class MemoryWatch:
    """The largest growth of any worker's resident memory while a request runs."""

    def __init__(self, master: int):
        self.pids = worker_pids(master)

    def __enter__(self):
        self.before = {pid: rss_mb(pid) for pid in self.pids}
        self.peak = dict(self.before)
        self.running = True
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()
        return self

    def sample(self):
        while self.running:
            for pid in self.pids:
                self.peak[pid] = max(self.peak[pid], rss_mb(pid))
            time.sleep(0.02)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()

    @property
    def growth(self) -> float:
        return max((self.peak[pid] - self.before[pid] for pid in self.pids), default=0.0)


# Timing ------------------------------------------------------------------------------------


def fetch(port: int, path: str) -> tuple[int, int, float]:
    """One GET, read to the last byte: (status, bytes, seconds)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "identity"})
        response = connection.getresponse()
        size = 0
        while chunk := response.read(65536):
            size += len(chunk)
        return response.status, size, time.perf_counter() - started
    except (TimeoutError, OSError):
        return 0, 0, time.perf_counter() - started
    finally:
        connection.close()


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def timed(port: int, path: str, repeat: int, heavy: bool, master: int | None = None) -> dict:
    """Warms up every worker, then times ``repeat`` requests (fewer for slow ones)."""
    status, size, first = fetch(port, path)
    result = {"status": status, "bytes": size, "first_ms": round(first * 1000, 1)}
    if status != 200:
        result["error"] = "timed out" if status == 0 else f"HTTP {status}"
        return result
    if first <= SLOW_REQUEST:
        for _ in range(2 * WORKERS - 1):
            fetch(port, path)
    if heavy:
        repeat = min(repeat, HEAVY_REPEAT)
    if first > SLOW_REQUEST:
        repeat = SLOW_REPEAT
    samples, growth = [], 0.0
    for _ in range(repeat):
        if master is not None:
            with MemoryWatch(master) as watch:
                status, size, seconds = fetch(port, path)
            growth = max(growth, watch.growth)
        else:
            status, size, seconds = fetch(port, path)
        if status != 200:
            result["error"] = "timed out" if status == 0 else f"HTTP {status}"
            break
        samples.append(seconds)
    if samples:
        result.update(
            n=len(samples),
            p50_ms=round(statistics.median(samples) * 1000, 1),
            p95_ms=round(percentile(samples, 0.95) * 1000, 1),
        )
    if master is not None:
        result["memory_growth_mb"] = round(growth, 1)
    return result


def count_queries(path: str) -> int | None:
    """SQL queries of one request, through Django's test client in this process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = Client().get(path)
        if response.streaming:
            for _chunk in response.streaming_content:
                pass
    return len(queries) if response.status_code == 200 else None


def datasette_path(database: str, sql: str, url: str) -> str:
    """Datasette serving the floor's rows the way the case serves them: a download as CSV, an
    API answer as JSON, a page as its HTML page of the query."""
    query = f"sql={quote(sql)}"
    if "export=" in url or "format=csv" in url:
        return f"/{database}.csv?{query}&_size=max"
    if url.startswith("/api/"):
        return f"/{database}.json?{query}&_shape=array"
    return f"/{database}?{query}"


def measure(engine: str, repeat: int, only: str, log) -> dict:
    """Times every case against the site, its floor and (on SQLite) Datasette."""
    from django.db import connection

    from . import cases as bench_cases

    dialect = bench_cases.Dialect(connection.vendor)
    parameters = bench_cases.discover()
    cases = [
        case for case in bench_cases.build(parameters, dialect) if not only or only in case.name
    ]
    env = server_environment(engine)
    manage("collectstatic", "--noinput", "-v0", env=env)  # as make serve does
    results = []
    with ExitStack() as stack:
        logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
        floors_file = logs / "floors.json"
        floors_file.write_text(json.dumps([case.floor for case in cases]), encoding="utf-8")
        site_port, floor_port = free_port(), free_port()
        site = stack.enter_context(
            server(
                "gunicorn",
                gunicorn("regiontrade.wsgi:application", site_port),
                site_port,
                env,
                WORK_DIR / f"gunicorn-{engine}.log",
            )
        )
        stack.enter_context(
            server(
                "floor",
                gunicorn("exchanges.benchmark.floor:application", floor_port),
                floor_port,
                {**env, "BENCH_FLOORS": str(floors_file)},
                WORK_DIR / f"floor-{engine}.log",
            )
        )
        datasette_port = None
        datasette = shutil.which("datasette", path=str(Path(sys.executable).parent))
        if engine == "sqlite" and datasette:
            datasette_port = free_port()
            stack.enter_context(
                server(
                    "datasette",
                    [
                        datasette,
                        "serve",
                        "-i",
                        str(SQLITE_PATH),
                        "--port",
                        str(datasette_port),
                        "--setting",
                        "sql_time_limit_ms",
                        str(REQUEST_TIMEOUT * 1000),
                        "--setting",
                        "max_returned_rows",
                        "1000000",
                        "--setting",
                        "num_sql_threads",
                        str(WORKERS),
                    ],
                    datasette_port,
                    env,
                    WORK_DIR / "datasette.log",
                )
            )
        for index, case in enumerate(cases):
            started = time.monotonic()
            result = {"name": case.name, "url": case.url, "target": case.target.describe()}
            result["target_spec"] = asdict(case.target)
            result["site"] = timed(
                site_port, case.url, repeat, case.heavy, site.pid if case.heavy else None
            )
            answered = "p50_ms" in result["site"]
            result["queries"] = count_queries(case.url) if answered else None
            result["floor"] = timed(floor_port, f"/{index}", repeat, case.heavy)
            if datasette_port and case.datasette:
                result["datasette"] = timed(
                    datasette_port,
                    datasette_path(SQLITE_PATH.stem, case.floor, case.url),
                    repeat,
                    case.heavy,
                )
            results.append(result)
            log(f"[{engine}] {case.name}: {summary(result)} ({time.monotonic() - started:.0f} s)")
    return {"parameters": asdict(parameters), "cases": results}


def summary(result: dict) -> str:
    site = result["site"]
    if "error" in site and "p50_ms" not in site:
        return site["error"]
    floor = result["floor"].get("p50_ms")
    return (
        f"p50 {site['p50_ms']} ms, p95 {site['p95_ms']} ms, {site['bytes']:,} B, "
        f"{result['queries']} queries, floor {floor} ms"
    )


# Report ------------------------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    import sqlite3

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_gb, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres_version(),
    }


def postgres_version() -> str:
    try:
        connection, _name = postgres_admin_connection()
    except Exception:  # noqa: BLE001 - the report says unknown rather than failing
        return "unknown"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    connection.close()
    return version


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def met(result: dict, by_name: dict) -> bool | None:
    """Whether the case meets its target; None when it could not be timed."""
    site = result["site"]
    if "p50_ms" not in site:
        return False
    target = result["target_spec"]
    checks = []
    if target["p95_ms"] is not None:
        checks.append(site["p95_ms"] <= target["p95_ms"])
    if target["p50_ms"] is not None:
        checks.append(site["p50_ms"] <= target["p50_ms"])
    if target["floor_ratio"] is not None:
        checks.append(ratio(result) is not None and ratio(result) <= target["floor_ratio"])
    if target["max_bytes"] is not None:
        checks.append(site["bytes"] <= target["max_bytes"])
    if target["max_memory_mb"] is not None:
        checks.append(site.get("memory_growth_mb", 0) < target["max_memory_mb"])
    if target["relative_to"] is not None:
        other = by_name.get(target["relative_to"], {}).get("site", {})
        if "p50_ms" in other:
            checks.append(site["p50_ms"] <= 2 * other["p50_ms"])
    return all(checks)


def ratio(result: dict) -> float | None:
    site, floor = result["site"], result["floor"]
    if "p50_ms" not in site or not floor.get("p50_ms"):
        return None
    return round(site["p50_ms"] / floor["p50_ms"], 1)


def fmt_ms(value) -> str:
    if value is None:
        return "–"
    return f"{value / 1000:.1f} s" if value >= 10_000 else f"{value:g}"


def fmt_bytes(value: int) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f} MB"
    return f"{value / 1000:.0f} KB" if value >= 1000 else f"{value} B"


def table(report: dict) -> str:
    """The report as a Markdown table: PostgreSQL against its targets, SQLite beside it."""
    engines = report["engines"]
    postgres = {r["name"]: r for r in engines.get("postgresql", {}).get("cases", [])}
    sqlite = {r["name"]: r for r in engines.get("sqlite", {}).get("cases", [])}
    names = list(postgres) or list(sqlite)
    lines = [
        "| request | target (PostgreSQL) | p50 ms | p95 ms | floor p50 | × floor | queries "
        "| size | met | SQLite p50 | SQLite p95 | Datasette p50 |",
        "|---|---|--:|--:|--:|--:|--:|--:|:-:|--:|--:|--:|",
    ]
    for name in names:
        pg, lite = postgres.get(name), sqlite.get(name)
        main = pg or lite
        site = main["site"]
        mark = "–"
        if pg:
            mark = "✓" if met(pg, postgres) else "✗"
        memory = site.get("memory_growth_mb")
        size = fmt_bytes(site.get("bytes", 0)) + (f", +{memory:g} MB" if memory is not None else "")
        cells = [
            f"`{main['url']}`" if len(main["url"]) < 60 else name,
            main["target"],
            fmt_ms(site.get("p50_ms")) if "p50_ms" in site else site.get("error", "–"),
            fmt_ms(site.get("p95_ms")),
            fmt_ms(main["floor"].get("p50_ms")),
            f"{ratio(main)}" if ratio(main) is not None else "–",
            str(main["queries"]) if main["queries"] is not None else "–",
            size,
            mark,
        ]
        if lite:
            lite_site = lite["site"]
            cells += [
                fmt_ms(lite_site.get("p50_ms"))
                if "p50_ms" in lite_site
                else lite_site.get("error", "–"),
                fmt_ms(lite_site.get("p95_ms")),
                fmt_ms(lite.get("datasette", {}).get("p50_ms")),
            ]
        else:
            cells += ["–", "–", "–"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
