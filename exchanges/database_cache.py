"""The cache every worker shares when no Redis server is configured: Django's database cache,
with an ``incr`` that loses no count when workers add to the same key at once.

Django's own ``incr`` reads the value and writes it back in two statements, so two workers
counting the same client's requests can both read 7 and both write 8. Here the row is locked for
the read and the write (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's transactions take the
write lock first, see ``transaction_mode`` in the settings), and the key keeps its expiry.
"""

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.utils.timezone import now as tz_now


class AtomicDatabaseCache(DatabaseCache):
    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        database = router.db_for_write(self.cache_model_class)
        connection = connections[database]
        quote = connection.ops.quote_name
        table, value_column, key_column = (
            quote(self._table),
            quote("value"),
            quote("cache_key"),
        )
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = connection.ops.adapt_datetimefield_value(tz_now().replace(microsecond=0))
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {value_column} FROM {table} "
                f"WHERE {key_column} = %s AND {quote('expires')} >= %s{lock}",
                [key, now],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found.")
            stored = connection.ops.process_clob(row[0])
            value = pickle.loads(base64.b64decode(stored.encode())) + delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {value_column} = %s WHERE {key_column} = %s",
                [encoded, key],
            )
        return value


def create_cache_table(using="default", **kwargs) -> None:
    """After ``migrate``: the cache's table, whichever cache is configured today, so that a site
    that stops using Redis finds its table ready."""
    from django.conf import settings
    from django.core.management import call_command

    call_command("createcachetable", settings.DATABASE_CACHE_TABLE, database=using, verbosity=0)
