"""A tie whose holder the source leaves open (it names the partners, not whether the region or
one of its municipalities holds the tie) says so in ``holder_stated``: the tie's page and the
list mark it, and the one FilterSet selects it on the page and in the API alike."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.record_type_cases import API_ROWS, ROWS

from . import factories as make

pytestmark = pytest.mark.django_db

TIES = reverse("exchanges:sistertie-list")
API_TIES = reverse("api:sistertie-list")
MARKER = "holder not stated"


@pytest.fixture
def ties():
    token = make.new_token()
    return {
        "token": token,
        "stated": make.tie(token),
        "open": make.tie(token, holder_stated=False),
    }


def page_ids(client, **query) -> set[int]:
    response = client.get(TIES, {**ROWS, **query})
    assert response.status_code == 200, response.context["filterset"].errors
    return {row.record.pk for row in response.context["table"].paginated_rows}


def api_ids(**query) -> set[int]:
    response = APIClient().get(API_TIES, {**API_ROWS, **query})
    assert response.status_code == 200, response.content
    return {result["id"] for result in response.json()["results"]}


@pytest.mark.parametrize("value, wanted", [("true", "stated"), ("false", "open")])
def test_the_filter_selects_the_same_ties_on_the_page_and_in_the_api(client, ties, value, wanted):
    query = {"q": ties["token"], "holder_stated": value}
    assert page_ids(client, **query) == {ties[wanted].pk}
    assert api_ids(**query) == {ties[wanted].pk}


def test_an_unknown_value_is_refused_on_the_page_and_in_the_api(client, ties):
    query = {"q": ties["token"], "holder_stated": "perhaps"}
    assert client.get(TIES, query).status_code == 400
    assert APIClient().get(API_TIES, query).status_code == 400


def test_the_api_gives_the_field(ties):
    response = APIClient().get(reverse("api:sistertie-detail", args=[ties["open"].pk]))
    assert response.json()["holder_stated"] is False


def test_the_page_of_a_tie_of_open_holder_shows_the_marker(client, ties):
    assert MARKER in client.get(ties["open"].get_absolute_url()).content.decode()
    assert MARKER not in client.get(ties["stated"].get_absolute_url()).content.decode()


def test_the_list_marks_only_the_ties_of_open_holder(client, ties):
    page = client.get(TIES, {**ROWS, "q": ties["token"]}).content.decode()
    assert page.count(MARKER) == 1
