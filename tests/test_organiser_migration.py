"""The migration that keeps a mission's organising firms in its organisers only: each
participation of a firm as organiser is folded into the mission, with its citations.

It migrates the test database back and forth in a transactional test; the flush after it
leaves the database empty, so the module puts the session's records back once it is done
(after that flush, which a function-scoped fixture would run before)."""

import importlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from exchanges.models import Citation, Mission

fold = importlib.import_module(
    "exchanges.migrations.0021_organisers_only_in_mission"
).fold_organiser_firms_into_missions


pytestmark = pytest.mark.usefixtures("directory_put_back")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_folds_organiser_firms_into_the_mission():
    before = [("exchanges", "0020_indicator_sort_and_filter_indexes")]
    executor = MigrationExecutor(connection)
    after = executor.loader.graph.leaf_nodes("exchanges")
    executor.migrate(before)
    old = MigrationExecutor(connection).loader.project_state(before).apps
    OldMission = old.get_model("exchanges", "Mission")
    OldFirm = old.get_model("exchanges", "Firm")
    OldParticipation = old.get_model("exchanges", "Participation")
    OldCitation = old.get_model("exchanges", "Citation")
    OldSource = old.get_model("exchanges", "Source")
    types = old.get_model("contenttypes", "ContentType").objects
    participation_type = types.get_for_model(OldParticipation)
    mission_type = types.get_for_model(OldMission)
    source = OldSource.objects.create(title="Folded source", file_name="tf-folded.txt")
    listed, unlisted = (
        OldFirm.objects.create(name_en=f"Folded {n}", kind="company", country="KR")
        for n in range(2)
    )
    mission = OldMission.objects.create(name_en="Folded mission", kind="forum")
    mission.organisers.add(listed)
    kept = OldParticipation.objects.create(mission=mission, firm=listed, role="exhibitor")
    moved_from, merged_from = (
        OldParticipation.objects.create(mission=mission, firm=firm, role="organiser")
        for firm in (listed, unlisted)
    )

    def cite(record_type, pk, locator):
        return OldCitation.objects.create(
            source=source, content_type=record_type, object_id=pk, locator=locator, quote="q"
        )

    held = cite(mission_type, mission.pk, "section 1")
    moved = cite(participation_type, moved_from.pk, "section 2")
    merged = cite(participation_type, merged_from.pk, "section 1")  # the mission has it

    with connection.schema_editor() as schema_editor:
        fold(old, schema_editor)

    assert set(mission.organisers.values_list("pk", flat=True)) == {listed.pk, unlisted.pk}
    assert list(OldParticipation.objects.filter(mission=mission)) == [kept]
    moved.refresh_from_db()
    assert (moved.content_type_id, moved.object_id) == (mission_type.pk, mission.pk)
    assert not OldCitation.objects.filter(pk=merged.pk).exists()
    assert OldCitation.objects.filter(pk=held.pk).exists()

    MigrationExecutor(connection).migrate(after)
    assert Mission.objects.get(pk=mission.pk).organisers.count() == 2
    assert (
        Citation.objects.filter(
            content_type=ContentType.objects.get_for_model(Mission), object_id=mission.pk
        ).count()
        == 2
    )
