"""People and their part in missions: the one-participant rule, and the pages that show them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from exchanges.models import Participation, Person
from tests.query_counts import RecordQueries

from . import factories as make

pytestmark = pytest.mark.django_db


def test_a_participation_names_exactly_one_participant_reported_on_person():
    mission, person, region = make.mission(), make.person(), make.region()
    both = Participation(mission=mission, person=person, region=region, role="keynote")
    with pytest.raises(ValidationError) as refused:
        both.full_clean()
    assert list(refused.value.message_dict) == ["person"]
    with pytest.raises(IntegrityError), transaction.atomic():
        both.save()


def test_a_whole_side_needs_its_country_and_count():
    mission = make.mission()
    Participation(mission=mission, role="participant", country="KR", count=58).full_clean()
    for fields in ({"country": "KR"}, {"count": 58}, {}):
        with pytest.raises(ValidationError):
            Participation(mission=mission, role="participant", **fields).full_clean()


def test_a_person_named_in_korean_alone_is_shown_by_that_name():
    person = make.person(name_en="", name_ko="권세안", name_ja="")
    assert person.name == "권세안"
    assert str(person) == "권세안"
    with pytest.raises(ValidationError) as refused:
        Person(name_en="").full_clean()
    assert "name_en" in refused.value.message_dict


def test_the_mission_page_lists_its_participants_with_role_talk_side_and_count(client):
    token = make.new_token()
    mission = make.mission(token)
    speaker = make.person(token, name_en="", name_ko="다카하시 마코토", name_ja="高橋誠")
    make.participation(token, mission=mission, person=speaker, role="panel_speaker", country="JP")
    make.participation(
        token, mission=mission, person=None, role="participant", country="KR", count=58
    )
    page = client.get(mission.get_absolute_url()).content.decode()
    assert "다카하시 마코토" in page or "高橋誠" in page
    assert "panel speaker" in page
    assert "KR side" in page and ">58<" in page


def test_the_region_and_person_pages_list_participations(client):
    token = make.new_token()
    region = make.region(token, country="KR")
    person = make.person(token, body_region=region, title="Gov.")
    mission = make.mission(token)
    make.participation(token, mission=mission, person=person, role="delegation_head")
    region_page = client.get(region.get_absolute_url()).content.decode()
    assert person.get_absolute_url() in region_page
    assert mission.get_absolute_url() in region_page
    person_page = client.get(person.get_absolute_url()).content.decode()
    assert mission.get_absolute_url() in person_page and "delegation head" in person_page


def test_the_mission_page_costs_the_same_whatever_its_participants(client):
    def queries_for(participants: int) -> int:
        token = make.new_token()
        mission = make.mission(token)
        for _ in range(participants):
            make.participation(token, mission=mission)
            make.participation(token, mission=mission, firm=make.firm(token), person=None)
        with RecordQueries() as queries:
            assert client.get(mission.get_absolute_url()).status_code == 200
        return len(queries.captured_queries)

    queries_for(1)  # the first page of the test run reads what later ones find cached
    assert queries_for(1) == queries_for(4)


def test_filters_select_the_same_on_the_list_and_in_the_api(client):
    token = make.new_token()
    mission = make.mission(token)
    keynote = make.participation(token, mission=mission, role="keynote")
    make.participation(token, role="keynote")
    make.participation(
        token, mission=mission, role="participant", person=None, country="JP", count=28
    )
    query = {"q": token, "mission": mission.pk, "role": "keynote"}
    api = client.get("/api/v1/participations/", query).json()
    assert [row["id"] for row in api["results"]] == [keynote.pk]
    page = client.get("/participations/", query)
    assert [row.record.pk for row in page.context["table"].paginated_rows] == [keynote.pk]
