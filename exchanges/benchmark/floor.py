"""The raw floor as a WSGI app: ``GET /<n>`` runs the n-th floor query and answers its rows as
JSON. No Django, no ORM, no template: one SQL query through the database driver, then
``json.dumps``. It runs under the same gunicorn settings as the site, so a page and its floor
pay the same HTTP costs and differ only by what the framework adds.

``BENCH_FLOORS`` names a JSON file holding the list of SQL queries; ``DATABASE_URL`` the database.
"""

import json
import os
import sqlite3

import dj_database_url

_connection = None


def connect():
    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    if config["ENGINE"].endswith("sqlite3"):
        return sqlite3.connect(config["NAME"], check_same_thread=False)
    import psycopg2

    connection = psycopg2.connect(
        dbname=config["NAME"],
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
    )
    connection.autocommit = True
    return connection


def connection():
    global _connection
    if _connection is None:
        _connection = connect()
    return _connection


with open(os.environ["BENCH_FLOORS"], encoding="utf-8") as floors_file:
    FLOORS: list[str] = json.load(floors_file)


def application(environ, start_response):
    try:
        sql = FLOORS[int(environ["PATH_INFO"].strip("/"))]
    except (ValueError, IndexError):
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"No such floor query."]
    cursor = connection().cursor()
    cursor.execute(sql)
    columns = [column[0] for column in cursor.description]
    rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    cursor.close()
    body = json.dumps(rows, ensure_ascii=False, default=str).encode("utf-8")
    start_response(
        "200 OK",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]
