"""Relations with their kind: roles in offices, partnerships of firms, cited sales routes and the
regions that organise a mission."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from exchanges.models import Firm, FirmPartner, OfficeRole, OverseasOffice
from exchanges.resources import resource_for
from tests.query_counts import RecordQueries
from tests.test_admin import admin_url, change_form_data

from . import factories as make

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("relations-crm")
    user.groups.add(Group.objects.get(name="Chamber staff"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def page_of(client, record) -> str:
    response = client.get(record.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def api_record(api, record) -> dict:
    response = api.get(f"/api/v1/{api_route(record)}/{record.pk}/")
    assert response.status_code == 200, response.content
    return response.json()


def api_route(record) -> str:
    return {"firm": "firms", "overseasoffice": "offices", "mission": "missions"}[
        record._meta.model_name
    ]


# Roles in offices


def test_an_office_role_names_a_region_or_a_firm_exactly_once():
    office = make.office()
    both = OfficeRole(office=office, region=make.region(), firm=make.firm(), role="host")
    with pytest.raises(ValidationError) as error:
        both.full_clean()
    assert "Name either a region or a firm, not both." in error.value.message_dict["region"]
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficeRole.objects.create(office=office, role="host")


def test_an_office_role_is_held_once_and_the_operator_is_not_its_own_co_operator():
    chamber = make.firm()
    office = make.office(operator_firm=make.firm())
    make.office_role(office_record=office, firm=chamber, role="set_up_by")
    again = OfficeRole(office=office, firm=chamber, role="set_up_by")
    with pytest.raises(ValidationError) as error:
        again.full_clean()
    assert "This firm already has that role in the office." in error.value.message_dict["firm"]
    with pytest.raises(IntegrityError), transaction.atomic():
        again.save()
    operator = OfficeRole(office=office, firm=office.operator_firm, role="co_operator")
    with pytest.raises(ValidationError) as error:
        operator.full_clean()
    assert error.value.message_dict["firm"] == [
        "The office's operator cannot also be its co-operator."
    ]


def test_office_roles_show_on_the_office_and_on_the_pages_of_who_holds_them(client, api):
    dayang, chamber = make.firm(name_en="Dayang Tf"), make.firm(name_en="Chamber Tf")
    office = make.office(operator_firm=dayang, name_en="Exhibition Hall Tf")
    province = make.region(country="CN", name_en="Province Tf")
    make.office_role(office_record=office, firm=chamber, role="set_up_by")
    make.office_role(office_record=office, region=province, role="co_operator")

    page = page_of(client, office)
    assert "Set up by" in page and "Chamber Tf" in page
    assert "Co-operated by" in page and "Province Tf" in page
    for holder, label in [(chamber, "set it up"), (province, "co-operates it")]:
        holder_page = page_of(client, holder)
        assert "Exhibition Hall Tf" in holder_page and label in holder_page

    roles = api_record(api, office)["roles"]
    assert [(role["role"], role["firm"] and role["firm"]["id"]) for role in roles] == [
        ("co_operator", None),
        ("set_up_by", chamber.pk),
    ]
    assert roles[0]["region"]["id"] == province.pk
    assert office.roles.first().history.count() == 1


def test_office_roles_come_in_the_office_download(client):
    token = make.new_token()
    office = make.office(token)
    chamber = make.firm(name_en=f"Chamber {token}")
    make.office_role(office_record=office, firm=chamber, role="set_up_by")
    response = client.get(reverse("exchanges:overseasoffice-list"), {"q": token, "export": "csv"})
    text = response.getvalue().decode("utf-8")
    assert f"set_up_by: Chamber {token}" in text


def test_the_admin_edits_office_roles_inline_and_names_the_field(admin_client):
    office = make.office()
    url = admin_url(type(office), "change", office.pk)
    data = change_form_data(admin_client.get(url))
    prefix = "roles"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-region": str(make.region(country="KR").pk),
            f"{prefix}-0-firm": str(make.firm().pk),
            f"{prefix}-0-role": "host",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Name either a region or a firm, not both." in response.content.decode()
    data[f"{prefix}-0-firm"] = ""
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert office.roles.get().role == "host"


# Partnerships of firms


def test_a_partnership_is_one_row_whichever_way_it_is_entered():
    first, second = make.firm(), make.firm()
    make.partnership(from_firm=first, to_firm=second)
    mirror = FirmPartner(from_firm=second, to_firm=first)
    with pytest.raises(ValidationError) as error:
        mirror.full_clean()
    assert error.value.message_dict["to_firm"] == ["These two firms already have a partnership."]
    with pytest.raises(IntegrityError), transaction.atomic():
        mirror.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        FirmPartner.objects.create(from_firm=first, to_firm=first)


def test_a_partnership_keeps_its_dates_in_order():
    partnership = FirmPartner(
        from_firm=make.firm(),
        to_firm=make.firm(),
        **make.year("start", 2008),
        **make.year("end", 2001),
    )
    with pytest.raises(ValidationError) as error:
        partnership.full_clean()
    assert "A partnership cannot end before it starts." in error.value.message_dict["end"]


def test_a_directed_partnership_reads_right_from_both_firms(client, api):
    dayang = make.firm(name_en="Dayang Tf", country="CN")
    buyer = make.firm(name_en="Buyer Tf", country="CN")
    chamber = make.firm(name_en="Chamber Tf")
    agency = make.partnership(
        from_firm=dayang,
        to_firm=buyer,
        kind="import_agent",
        start=datetime.date(2008, 12, 1),
        start_precision="month",
        note="Handles its imports.",
    )
    make.cite(agency, make.source(title="Report Tf"), locator="p. 40", quote="輸入代行")
    make.partnership(from_firm=chamber, to_firm=dayang, kind="agreement")

    dayang_page = page_of(client, dayang)
    assert "Import agent of <a" in dayang_page and "Buyer Tf</a>" in dayang_page
    assert "Agreement with <a" in dayang_page
    buyer_page = page_of(client, buyer)
    assert "Dayang Tf</a> is its import agent" in buyer_page
    assert "since December 2008" in buyer_page
    assert "Report Tf" in buyer_page and "p. 40" in buyer_page

    shown = {row["partner"]["id"]: row for row in api_record(api, buyer)["partnerships"]}
    assert shown[dayang.pk]["kind"] == "import_agent"
    assert shown[dayang.pk]["direction"] == "incoming"
    assert shown[dayang.pk]["start"] == "2008-12-01"
    assert shown[dayang.pk]["citations"][0]["locator"] == "p. 40"
    record = api_record(api, dayang)
    directions = {row["partner"]["id"]: row["direction"] for row in record["partnerships"]}
    assert directions == {buyer.pk: "outgoing", chamber.pk: "mutual"}
    # Every partner, whichever firm the partnership names first, as before.
    assert sorted(partner["id"] for partner in record["partners"]) == sorted([buyer.pk, chamber.pk])
    assert [partner["id"] for partner in api_record(api, buyer)["partners"]] == [dayang.pk]


def test_writing_partners_adds_and_removes_partnerships_and_keeps_their_history(editor):
    firm, kept, dropped, added = (make.firm() for _ in range(4))
    make.partnership(from_firm=kept, to_firm=firm, kind="buyer")
    make.partnership(from_firm=firm, to_firm=dropped)
    response = editor.patch(
        f"/api/v1/firms/{firm.pk}/", {"partners": [kept.pk, added.pk]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert {partner.pk for partner in firm.partner_firms} == {kept.pk, added.pk}
    assert FirmPartner.objects.get(from_firm=kept, to_firm=firm).kind == "buyer"  # untouched
    assert FirmPartner.objects.filter(to_firm=dropped).count() == 0
    deleted = FirmPartner.history.filter(from_firm=firm, to_firm=dropped, history_type="-")
    assert deleted.count() == 1
    assert FirmPartner.history.filter(from_firm=firm, to_firm=added, history_type="+").exists()

    response = editor.patch(f"/api/v1/firms/{firm.pk}/", {"partners": [firm.pk]}, format="json")
    assert response.status_code == 400
    assert "partners" in response.json()


def test_the_admin_edits_a_partnership_from_either_firm_and_cites_it(admin_client):
    first, second = make.firm(), make.firm()
    partnership = make.partnership(from_firm=first, to_firm=second)
    page = admin_client.get(admin_url(type(first), "change", second.pk)).content.decode()
    assert admin_url(FirmPartner, "change", partnership.pk) in page  # from the second firm too
    url = admin_url(FirmPartner, "change", partnership.pk)
    data = change_form_data(admin_client.get(url))
    data.update(
        {
            "kind": "liaison",
            "start": "2009",
            "exchanges-citation-content_type-object_id-TOTAL_FORMS": "1",
            "exchanges-citation-content_type-object_id-0-source": str(make.source().pk),
            "exchanges-citation-content_type-object_id-0-locator": "p. 7",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    partnership.refresh_from_db()
    assert (partnership.kind, partnership.start_precision) == ("liaison", "year")
    assert partnership.citations.get().locator == "p. 7"


def test_a_sheet_lists_partners_both_ways_and_stores_each_partnership_once():
    first, second = make.firm(), make.firm()
    make.partnership(from_firm=second, to_firm=first, kind="buyer")
    resource = resource_for(Firm)()
    dataset = resource.export(queryset=Firm.objects.filter(pk=first.pk))
    assert dataset.dict[0]["partners"] == str(second.pk)
    result = resource.import_data(dataset, dry_run=False, raise_errors=True)
    assert not result.has_errors()
    (kept,) = FirmPartner.objects.involving(first)
    assert (kept.from_firm_id, kept.kind) == (second.pk, "buyer")


# Sales routes


def test_a_sales_route_is_cited_on_the_firm_page_and_in_the_api(client, api, admin_client):
    firm = make.firm()
    route = make.sales_route(firm_record=firm)
    make.cite(route, make.source(title="Table Tf"), locator="Table 1, p. 39")
    assert "Table Tf" in page_of(client, firm)
    (shown,) = api_record(api, firm)["sales_routes"]
    assert shown["citations"][0]["locator"] == "Table 1, p. 39"
    page = admin_client.get(admin_url(type(route), "change", route.pk)).content.decode()
    assert "Table 1, p. 39" in page


def test_citing_a_sales_route_moves_its_firm_on():
    route = make.sales_route()
    before = type(route.firm).objects.get(pk=route.firm_id).updated
    make.cite(route)
    assert type(route.firm).objects.get(pk=route.firm_id).updated > before


# Missions


def test_a_mission_shows_the_regions_that_organised_it(client, api):
    mission = make.mission()
    province = make.region(country="KR", name_en="Province Tf")
    make.participation(mission=mission, region=province, role="organiser")
    page = page_of(client, mission)
    assert "Organising regions" in page and "Province Tf" in page
    (organiser,) = api_record(api, mission)["organising_regions"]
    assert (organiser["region"]["id"], organiser["role"]) == (province.pk, "organiser")


# Query counts


@pytest.mark.parametrize("route", ["firms", "offices"])
def test_firm_and_office_lists_cost_the_same_whatever_their_relations(api, route, client):
    def counts(token):
        with RecordQueries() as api_queries:
            assert api.get(f"/api/v1/{route}/", {"q": token}).status_code == 200
        list_url = reverse(
            "exchanges:firm-list" if route == "firms" else "exchanges:overseasoffice-list"
        )
        with RecordQueries() as page_queries:
            assert client.get(list_url, {"q": token}).status_code == 200
        return len(api_queries), len(page_queries)

    model = Firm if route == "firms" else OverseasOffice
    few, many = make.new_token(), make.new_token()
    for token, records in [(few, 1), (many, 4)]:
        for _ in range(records):
            make.linked(model, token)
    counts(few)  # the first request of a test fills caches the others read
    assert counts(few) == counts(many)
