"""One place for a mission's organising firms: ``Mission.organisers``. A participation in the
role organiser names a region or a person, never a firm."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from exchanges.models import Participation
from tests.test_admin import admin_url

from . import factories as make
from .test_relations import page_of

pytestmark = pytest.mark.django_db

MESSAGE = "A firm that organises a mission is listed among the mission's organisers."


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
    assert form.errors["firm"] == [MESSAGE]
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
