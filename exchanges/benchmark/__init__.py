"""``make bench``: how fast the directory answers when it is full.

- ``cases.py``: the requests timed, each with its raw floor (the same rows by one hand-written
  SQL query) and its target;
- ``floor.py``: a bare WSGI app that serves those floor queries as JSON, so that page and floor
  cross the same HTTP server;
- ``runner.py``: creates and populates the databases, starts the servers (the site under
  gunicorn, the floor app, Datasette on SQLite), times every case and writes the report.
"""
