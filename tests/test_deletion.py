"""Deleting a record that others refer to is refused (409 in the API, a list of the referring
records in the admin), whatever the kind of link; links stay editable everywhere; ids are never
given to a second record."""

import pytest
import tablib
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.models import ProtectedError

from exchanges import resources
from exchanges.models import (
    ExchangeArea,
    Firm,
    Mission,
    OverseasOffice,
    Region,
    SisterTie,
)
from exchanges.models.history import raise_id_sequences

from .test_admin import admin_url, change_form_data
from .test_api import token_client

pytestmark = pytest.mark.django_db


def region(name, country="JP", **fields):
    """A region of the test's own, beside the production fixtures' regions."""
    return Region.objects.create(
        slug=f"test-{name}", name_en=name.title(), country=country, level="city", **fields
    )


def firm(name, country="JP"):
    return Firm.objects.create(name_en=name, kind="company", country=country)


@pytest.fixture
def deleter(django_user_model):
    """A partner system allowed to delete every kind of record."""
    user = django_user_model.objects.create_user("cleaner")
    user.user_permissions.add(*Permission.objects.filter(codename__startswith="delete_"))
    return token_client(user)


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("writer")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_mission", "change_mission", "change_firm"])
    )
    return token_client(user)


def mission_from(origin, destination, **fields):
    mission = Mission.objects.create(name_en="Buyers' visit", kind="buying", **fields)
    mission.origin_regions.add(origin)
    mission.destination_regions.add(destination)
    return mission


# Each case: a referred record, the API path that deletes it, and how its referrer still sees it.
def origin_region():
    osaka, busan = region("osaka"), region("busan", "KR")
    mission = mission_from(osaka, busan)
    return osaka, "regions", lambda: list(mission.origin_regions.all()) == [osaka]


def destination_region():
    osaka, busan = region("osaka"), region("busan", "KR")
    mission = mission_from(osaka, busan)
    return busan, "regions", lambda: list(mission.destination_regions.all()) == [busan]


def organiser():
    mission, organiser = mission_from(region("osaka"), region("busan", "KR")), firm("Organiser")
    mission.organisers.add(organiser)
    return organiser, "firms", lambda: list(mission.organisers.all()) == [organiser]


def participating_firm():
    mission, participant = mission_from(region("osaka"), region("busan", "KR")), firm("Buyer")
    mission.participating_firms.add(participant)
    return participant, "firms", lambda: list(mission.participating_firms.all()) == [participant]


def partner_firm():
    first, second = firm("First"), firm("Second")
    first.partners.add(second)
    return second, "firms", lambda: list(first.partners.all()) == [second]


def capital():
    yanji = region("yanji-city", "CN")
    yanbian = region("yanbian-pref", "CN", capital=yanji)
    return yanji, "regions", lambda: Region.objects.get(pk=yanbian.pk).capital == yanji


def related_tie():
    osaka, busan = region("osaka"), region("busan", "KR")
    tie = SisterTie.objects.create(region_a=osaka, region_b=busan, tie_type="friendship")
    mission = mission_from(osaka, busan, related_tie=tie)
    return tie, "ties", lambda: Mission.objects.get(pk=mission.pk).related_tie == tie


def related_office():
    osaka, busan = region("osaka"), region("busan", "KR")
    office = OverseasOffice.objects.create(
        name_en="Osaka Busan office", kind="trade_office", operator_region=osaka, host_region=busan
    )
    mission = mission_from(osaka, busan, related_office=office)
    return office, "offices", lambda: Mission.objects.get(pk=mission.pk).related_office == office


LINKS = [
    origin_region,
    destination_region,
    organiser,
    participating_firm,
    partner_firm,
    capital,
    related_tie,
    related_office,
]


@pytest.mark.parametrize("link", LINKS, ids=lambda link: link.__name__)
def test_the_api_refuses_to_delete_a_record_others_refer_to(deleter, link):
    record, endpoint, still_linked = link()
    response = deleter.delete(f"/api/v1/{endpoint}/{record.pk}/")
    assert response.status_code == 409, response.content
    assert "refer" in response.json()["detail"]
    assert type(record).objects.filter(pk=record.pk).exists()
    assert still_linked()


def test_an_exchange_area_that_ties_cover_cannot_be_deleted():
    tie = SisterTie.objects.create(
        region_a=region("osaka"), region_b=region("busan", "KR"), tie_type="sister"
    )
    area = ExchangeArea.objects.create(slug="fisheries", name_en="Fisheries")
    tie.exchange_areas.add(area)
    with pytest.raises(ProtectedError):
        area.delete()
    assert list(tie.exchange_areas.all()) == [area]


def test_deleting_the_referring_record_takes_its_links_along(deleter):
    osaka, busan, buyer = region("osaka"), region("busan", "KR"), firm("Buyer")
    mission = mission_from(osaka, busan)
    mission.participating_firms.add(buyer)
    assert deleter.delete(f"/api/v1/missions/{mission.pk}/").status_code == 204
    assert not Mission.origin_regions.through.objects.filter(mission_id=mission.pk).exists()
    assert not Mission.participating_firms.through.objects.filter(mission_id=mission.pk).exists()
    # Nothing refers to them any more.
    assert deleter.delete(f"/api/v1/regions/{osaka.pk}/").status_code == 204
    assert deleter.delete(f"/api/v1/firms/{buyer.pk}/").status_code == 204


@pytest.mark.parametrize("link", LINKS, ids=lambda link: link.__name__)
def test_the_admin_delete_page_lists_what_refers_to_the_record(admin_client, link):
    record, _endpoint, still_linked = link()
    url = admin_url(type(record), "delete", record.pk)
    page = admin_client.get(url)
    assert page.status_code == 200
    assert page.context["protected"], "the page should name the records that refer to it"
    admin_client.post(url, {"post": "yes"})
    assert type(record).objects.filter(pk=record.pk).exists()
    assert still_linked()


def test_the_admin_bulk_delete_refuses_records_others_refer_to(admin_client):
    record, _endpoint, still_linked = origin_region()
    free = region("unlinked")
    data = {"action": "delete_selected", "_selected_action": [record.pk, free.pk]}
    page = admin_client.post(admin_url(Region, "changelist"), data)
    assert page.status_code == 200
    assert page.context["protected"]
    assert "Buyers&#x27; visit" in page.content.decode()
    admin_client.post(admin_url(Region, "changelist"), {**data, "post": "yes"})
    assert Region.objects.filter(pk__in=[record.pk, free.pk]).count() == 2
    assert still_linked()


# Links stay editable through the API, the admin and spreadsheet imports.


def test_the_api_writes_every_list_of_links(editor):
    osaka, busan, dalian = region("osaka"), region("busan", "KR"), region("dalian", "CN")
    organiser, buyer = firm("Organiser"), firm("Buyer")
    response = editor.post(
        "/api/v1/missions/",
        {
            "name_en": "Osaka buyers in Busan",
            "kind": "buying",
            "origin_regions": [osaka.pk],
            "destination_regions": [busan.pk, dalian.pk],
            "organisers": [organiser.pk],
            "participating_firms": [buyer.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    mission = Mission.objects.get(pk=response.json()["id"])
    assert list(mission.origin_regions.all()) == [osaka]
    assert set(mission.destination_regions.all()) == {busan, dalian}
    assert (mission.origin_country, mission.destination_country) == ("JP", "*")
    response = editor.patch(
        f"/api/v1/missions/{mission.pk}/",
        {"destination_regions": [busan.pk], "participating_firms": []},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert [r["id"] for r in response.json()["destination_regions"]] == [busan.pk]
    assert response.json()["participating_firms"] == []
    mission.refresh_from_db()
    assert mission.destination_country == "KR"
    # The change history keeps the links of each version.
    latest = mission.history.latest()
    assert [link.region_id for link in latest.destination_regions.all()] == [busan.pk]
    assert latest.history_user.username == "writer"

    response = editor.patch(
        f"/api/v1/firms/{organiser.pk}/", {"partners": [buyer.pk]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert buyer.partner_firms == [organiser]  # one partnership, read from both firms


def test_the_admin_edits_links_with_autocomplete(admin_client, superuser):
    osaka, busan, kobe = region("osaka"), region("busan", "KR"), region("kobe")
    mission = mission_from(osaka, busan)
    url = admin_url(Mission, "change", mission.pk)
    page = admin_client.get(url)
    html = page.content.decode()
    for field in ("origin_regions", "destination_regions", "organisers", "participating_firms"):
        assert f'name="{field}"' in html
    assert "admin-autocomplete" in html
    data = change_form_data(page)
    data["origin_regions"] = [str(osaka.pk), str(kobe.pk)]
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert set(mission.origin_regions.all()) == {osaka, kobe}
    assert mission.history.latest().history_user == superuser


def test_spreadsheet_import_sets_links():
    osaka, busan = region("osaka"), region("busan", "KR")
    buyer = firm("Buyer")
    resource = resources.resource_for(Mission)()
    columns = [field.column_name for field in resource.get_import_fields()]
    row = dict.fromkeys(columns, "")
    row.update(
        name_en="Imported mission",
        kind="trade",
        origin_regions=osaka.slug,
        destination_regions=busan.slug,
        participating_firms=str(buyer.pk),
        outcome_currency="",
        start_precision="",
        end_precision="",
    )
    dataset = tablib.Dataset(list(row.values()), headers=list(row))
    result = resource.import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), [
        (line.number, line.errors) for line in result.invalid_rows
    ]
    mission = Mission.objects.get(name_en="Imported mission")
    assert list(mission.origin_regions.all()) == [osaka]
    assert list(mission.destination_regions.all()) == [busan]
    assert list(mission.participating_firms.all()) == [buyer]


# Ids


def test_a_deleted_records_id_is_never_given_again():
    first = region("first")
    deleted_id = first.pk
    first.delete()
    assert region("second").pk > deleted_id


def test_id_sequences_move_past_the_ids_of_deleted_records():
    """``loaddata`` (PostgreSQL) and a table copied by a migration (SQLite) bring a sequence
    back to the largest id in the table; migrate and load_fixtures move it past the history."""
    top = region("top")
    top_id = top.pk
    top.delete()
    largest = Region.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('exchanges_region', 'id'), %s)",
                [max(largest, 1)],
            )
        else:
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = %s WHERE name = 'exchanges_region'", [largest]
            )
    raise_id_sequences([Region])
    assert region("after").pk > top_id
