"""The migration that stores each partnership of firms once: the two mirrored rows of a pair
become one, and a row without its mirror is kept.

It migrates the test database back and forth in a transactional test; the flush after it
leaves the database empty, so the module puts the session's records back once it is done
(after that flush, which a function-scoped fixture would run before)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from exchanges.fixture_loads import fixtures_user
from exchanges.models import FirmPartner

pytestmark = pytest.mark.usefixtures("directory_put_back")


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
    # The first two came with the fixtures and stayed so; staff edited the third.
    fixtures, staff = fixtures_user(), get_user_model().objects.create_user("kim", is_staff=True)
    FirmHistory = old.get_model("exchanges", "HistoricalFirm")
    tracked = {field.attname for field in FirmHistory._meta.concrete_fields}
    for firm, author in [(first, fixtures), (second, fixtures), (third, fixtures), (third, staff)]:
        FirmHistory.objects.create(
            history_date=timezone.now(),
            history_type="+",
            history_user_id=author.pk,
            **{
                field.attname: getattr(firm, field.attname)
                for field in Firm._meta.concrete_fields
                if field.attname in tracked
            },
        )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    rows = {
        (from_firm, to_firm): pk
        for pk, from_firm, to_firm in FirmPartner.objects.values_list("pk", "from_firm", "to_firm")
    }
    kept, unmirrored = rows[first.pk, second.pk], rows[third.pk, first.pk]
    assert (second.pk, first.pk) not in rows
    # Numbered in the order of their firms, from 1, as the fixtures number them.
    assert sorted(rows.values()) == list(range(1, len(rows) + 1))
    assert kept < unmirrored
    # The partnership of two fixture-only firms starts its history with the fixtures.
    (created,) = FirmPartner.history.filter(id=kept)
    assert created.history_user == fixtures and created.history_type == "+"
    assert not FirmPartner.history.filter(id=unmirrored).exists()
    # A partnership staff add after the migration takes a new id.
    assert FirmPartner.objects.create(from_firm_id=second.pk, to_firm_id=third.pk).pk > len(rows)
