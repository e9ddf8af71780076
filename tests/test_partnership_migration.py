"""The migration that stores each partnership of firms once: the two mirrored rows of a pair
become one, and a row without its mirror is kept.

It migrates the test database back and forth in a transactional test; the flush after it
leaves the database empty, so the module puts the session's records back once it is done
(after that flush, which a function-scoped fixture would run before)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from exchanges.models import FirmPartner

from .conftest import restore_directory


@pytest.fixture(scope="module", autouse=True)
def directory_put_back(django_db_blocker):
    yield
    with django_db_blocker.unblock():
        restore_directory()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_keeps_each_partnership_once():
    executor = MigrationExecutor(connection)
    before = [("exchanges", "0017_region_other_names")]
    after = executor.loader.graph.leaf_nodes("exchanges")
    executor.migrate(before)
    old = MigrationExecutor(connection).loader.project_state(before).apps
    Firm = old.get_model("exchanges", "Firm")
    Link = old.get_model("exchanges", "FirmPartner")
    first, second, third = (
        Firm.objects.create(name_en=f"Migrated {n}", kind="company", country="JP") for n in range(3)
    )
    Link.objects.create(from_firm=first, to_firm=second)
    Link.objects.create(from_firm=second, to_firm=first)
    Link.objects.create(from_firm=third, to_firm=first)  # no mirror: kept as it is
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    rows = set(FirmPartner.objects.values_list("from_firm", "to_firm"))
    assert rows >= {(first.pk, second.pk), (third.pk, first.pk)}
    assert (second.pk, first.pk) not in rows
