"""One place for a mission's organising firms: ``Mission.organisers``. A participation in the
role organiser names a region or a person, never a firm."""

import importlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from exchanges.models import Citation, Mission, Participation
from tests.test_admin import admin_url

from . import factories as make
from .conftest import restore_directory
from .test_relations import page_of

pytestmark = pytest.mark.django_db

MESSAGE = "A firm that organises a mission is listed among the mission&#x27;s organisers."
fold = importlib.import_module(
    "exchanges.migrations.0021_organisers_only_in_mission"
).fold_organiser_firms_into_missions


def test_the_database_refuses_a_firm_as_organiser_and_full_clean_names_the_firm():
    mission, firm = make.mission(), make.firm()
    organiser = Participation(mission=mission, firm=firm, role="organiser")
    with pytest.raises(ValidationError) as refused:
        organiser.full_clean()
    assert list(refused.value.message_dict) == ["firm"]
    with pytest.raises(IntegrityError), transaction.atomic():
        organiser.save()
    # A firm in another role, and a region as organiser, stay allowed.
    make.participation(mission=mission, firm=firm, role="exhibitor")
    make.participation(mission=mission, region=make.region(), role="organiser")


def test_the_admin_and_the_api_name_the_firm_field(admin_client, admin_user):
    mission, firm = make.mission(), make.firm()
    response = admin_client.post(
        admin_url(Participation, "add"),
        {"mission": mission.pk, "firm": firm.pk, "role": "organiser", "count": ""},
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["firm"] == [MESSAGE.replace("&#x27;", "'")]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=admin_user).key}")
    response = api.post(
        "/api/v1/participations/",
        {"mission": mission.pk, "firm": firm.pk, "role": "organiser"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "firm" in response.json()
    assert not Participation.objects.filter(mission=mission).exists()


def test_the_mission_page_names_each_organising_firm_once(client):
    firm = make.firm(name_en="Organising Firm Tf")
    mission = make.mission(organisers=[firm])
    make.participation(mission=mission, firm=firm, role="exhibitor")
    page = page_of(client, mission)
    organisers = page.split("Organisers", 1)[1].split("</dd>", 1)[0]
    assert organisers.count("Organising Firm Tf") == 1


@pytest.fixture
def directory_put_back(django_db_blocker):
    """The migration test flushes the database after it: load the directory again."""
    yield
    with django_db_blocker.unblock():
        restore_directory()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_folds_organiser_firms_into_the_mission(directory_put_back):
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
