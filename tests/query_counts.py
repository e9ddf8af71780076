"""Counting the SQL a request runs for its records, for the tests that prove it constant."""

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext


class RecordQueries(CaptureQueriesContext):
    """The statements a request runs, less the shared cache's (``DATABASE_CACHE_TABLE``) and
    the savepoints around them. On the database cache a request limit's counter takes four
    statements when its key for the minute exists and nine when it is created: that depends on
    the minute the test runs in and on what ran before it, never on the number of rows."""

    def __init__(self):
        super().__init__(connection)

    @property
    def captured_queries(self):
        return [
            query
            for query in super().captured_queries
            if settings.DATABASE_CACHE_TABLE not in query["sql"]
            and not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO"))
        ]
