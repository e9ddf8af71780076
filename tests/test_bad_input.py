"""Whatever a reader, a partner system or a member of staff sends, the answer is never a 500:
paging values on pages and API, oversized and deeply nested request bodies, and odd filter
values in every admin changelist."""

import json

import pytest
from django.contrib import admin
from django.urls import reverse
from rest_framework.test import APIClient

from exchanges.api.parsers import json_depth
from exchanges.record_types import record_type_named

pytestmark = pytest.mark.django_db

BAD_NUMBERS = ["-1", "0", "501", "abc", str(10**30)]
LIST_PAGES = ["region", "tie", "firm", "office", "mission", "source"]
OTHER_PAGES = ["search", "stats", "map", "network"]


@pytest.fixture(autouse=True)
def no_rate_limit(settings):
    settings.RATE_LIMITS = dict.fromkeys(getattr(settings, "RATE_LIMITS", {}), "none")


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def writer(superuser):
    client = APIClient()
    client.force_authenticate(superuser)
    return client


# --- pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize("name", LIST_PAGES)
def test_a_list_page_refuses_a_bad_per_page_naming_it(client, name, value):
    response = client.get(record_type_named(name).list_url(), {"per_page": value})
    assert response.status_code == 400
    assert "per_page" in response.context["paging_form"].errors


@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize("name", LIST_PAGES)
def test_a_list_page_refuses_a_page_that_is_not_a_positive_number_naming_it(client, name, value):
    response = client.get(record_type_named(name).list_url(), {"page": value})
    if str(value).isdigit() and int(value) >= 1:  # past the last page: the last page
        assert response.status_code == 200
        assert (
            response.context["table"].page.number == response.context["table"].paginator.num_pages
        )
    else:
        assert response.status_code == 400
        assert "page" in response.context["paging_form"].errors


@pytest.mark.parametrize("parameter", ["per_page", "page"])
@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize("name", OTHER_PAGES)
def test_search_and_pictures_take_paging_values_without_error(client, name, parameter, value):
    response = client.get(reverse(f"exchanges:{name}"), {parameter: value, "q": "Niigata"})
    assert response.status_code in (200, 400)


# --- API paging -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", [*BAD_NUMBERS, "", "1.5", "+5", " 5"])
def test_the_api_refuses_a_page_size_outside_1_to_500_naming_it(api, value):
    if value == "":
        assert api.get("/api/v1/regions/", {"page_size": value}).status_code == 200
        return
    response = api.get("/api/v1/regions/", {"page_size": value})
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["page_size"]


@pytest.mark.parametrize("value", ["1", "500", "0050"])
def test_the_api_takes_a_page_size_from_1_to_500(api, value):
    response = api.get("/api/v1/regions/", {"page_size": value})
    assert response.status_code == 200
    assert len(response.json()["results"]) <= int(value)


@pytest.mark.parametrize("value", ["-1", "0", "abc", "last", "", "2.0"])
def test_the_api_refuses_a_page_that_is_not_a_positive_number_naming_it(api, value):
    response = api.get("/api/v1/regions/", {"page": value})
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["page"]


@pytest.mark.parametrize("value", ["9999", str(10**30), "9" * 5000])
def test_a_page_past_the_last_stays_not_found(api, value):
    assert api.get("/api/v1/regions/", {"page": value}).status_code == 404


# --- request bodies -------------------------------------------------------------------------


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_json_depth_counts_brackets_outside_strings_only():
    assert json_depth('{"a": [1, {"b": "[[[{{{"}]}') == 3
    assert json_depth('"\\"[["') == 0
    assert json_depth(nested(40)) == 40


@pytest.mark.parametrize("depth", [33, 100_000])
def test_a_deeply_nested_json_body_is_refused_naming_the_problem(writer, depth):
    response = writer.post("/api/v1/sources/", data=nested(depth), content_type="application/json")
    assert response.status_code == 400
    assert "deeper than 32" in response.json()["detail"]


def test_a_json_body_nested_within_the_limit_reaches_validation(writer):
    body = {"title": "Paper", "language": "en", "file_name": "nested.pdf", "notes": [[["x"]]]}
    response = writer.post(
        "/api/v1/sources/", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert "notes" in response.json()


def test_malformed_json_is_refused(writer):
    response = writer.post("/api/v1/sources/", data="{", content_type="application/json")
    assert response.status_code == 400
    assert "malformed" in response.json()["detail"]


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_a_body_over_the_size_limit_is_refused(writer, settings, content_type):
    settings.API_MAX_BODY_SIZE = 1_000
    big = json.dumps({"title": "x" * 2_000}) if "json" in content_type else "title=" + "x" * 2_000
    response = writer.post("/api/v1/sources/", data=big, content_type=content_type)
    assert response.status_code == 413
    assert "1000 bytes" in response.json()["detail"]


def test_a_body_within_the_size_limit_is_read(writer, settings):
    settings.API_MAX_BODY_SIZE = 1_000
    body = {"title": "Short", "language": "en", "file_name": "short.pdf"}
    response = writer.post(
        "/api/v1/sources/", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content


# --- admin changelists ----------------------------------------------------------------------

CHANGELISTS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "exchanges"),
    key=lambda model: model._meta.model_name,
)
ODD_QUERIES = [
    "source__id__exact=abc",
    "source__id__exact=" + "9" * 30,
    "content_type__id__exact=x",
    "region__country__exact=ZZ",
    "tie_type__exact=unknown",
    "language__exact=xx",
    "kind__exact=unknown",
    "status__exact=unknown",
    "currency__exact=XXX",
    "o=999",
    "o=abc",
    "o=1.-2.x",
    "p=-1",
    "p=abc",
    "p=" + "9" * 30,
    "q=" + "x" * 1000,
    "q=%00",
    "_to_field=foo",
    "_to_field=id",
    "e=1",
    "unknown_field=1",
    "id__exact=abc",
]


def date_hierarchy_queries(field: str) -> list[str]:
    return [
        f"{field}__year=abc",
        f"{field}__year=" + "9" * 30,
        f"{field}__year=0",
        f"{field}__year=9999",
        f"{field}__year=10000",
        f"{field}__year=2000&{field}__month=13",
        f"{field}__year=2000&{field}__month=abc",
        f"{field}__year=9999&{field}__month=12",
        f"{field}__year=9999&{field}__month=12&{field}__day=31",
        f"{field}__year=2001&{field}__month=2&{field}__day=29",
        f"{field}__month=13",
    ]


@pytest.mark.parametrize("model", CHANGELISTS, ids=lambda model: model._meta.model_name)
def test_no_filter_value_breaks_an_admin_changelist(admin_client, model):
    model_admin = admin.site._registry[model]
    url = reverse(f"admin:exchanges_{model._meta.model_name}_changelist")
    queries = list(ODD_QUERIES)
    if model_admin.date_hierarchy:
        queries += date_hierarchy_queries(model_admin.date_hierarchy)
    for spec in model_admin.list_filter:
        path = spec if isinstance(spec, str) else spec[0]
        queries += [f"{path}__exact=zz", f"{path}__id__exact=abc", f"{path}__isnull=maybe"]
    answers = {query: admin_client.get(f"{url}?{query}").status_code for query in queries}
    assert {query: code for query, code in answers.items() if code >= 500} == {}
    assert set(answers.values()) <= {200, 302, 400}
