"""Records stay whole when requests race: a rule the database enforces answers 400 or 409 with
the field named (never 500), and a save over a newer change is refused (If-Match in the API,
the opened version in the admin).

The parallel tests need a live server and committed data, so a transactional database, which
pytest-django empties after each of them; they run last in this module, and the module puts the
directory back when it is done, for the tests that follow it.
"""

import datetime
import json
import re
import threading
from unittest import mock

import pytest
import requests
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from exchanges.api.serializers import SisterTieSerializer
from exchanges.integrity import IntegrityErrorMiddleware, violation_of
from exchanges.models import Region, SisterTie, Source
from exchanges.models.ties import DUPLICATE_TIE_MESSAGE as LAZY_DUPLICATE

from .conftest import restore_directory
from .test_admin import admin_url, change_form_data

PARALLEL = 20
DUPLICATE_TIE_MESSAGE = str(LAZY_DUPLICATE)
TIE_FIELDS = {"region_a", "region_b", "tie_type"}


@pytest.fixture(autouse=True)
def no_rate_limit(settings):
    settings.RATE_LIMITS = dict.fromkeys(getattr(settings, "RATE_LIMITS", {}), "none")


def make_regions(suffix=""):
    return [
        Region.objects.create(
            slug=f"race-{name}{suffix}", name_en=f"Race {name}", country=country, level="city"
        )
        for name, country in (("east", "JP"), ("west", "KR"))
    ]


def tie_of(first, second, **fields):
    return SisterTie(region_a=first, region_b=second, tie_type="sister", **fields)


def refusal_of(save) -> IntegrityError:
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        save()
    return raised.value


# --- the database's rules, named -------------------------------------------------------------


@pytest.mark.django_db
def test_a_duplicate_refused_by_the_database_names_the_rule_and_field():
    east, west = make_regions()
    tie_of(east, west).save()
    violation = violation_of(refusal_of(tie_of(west, east).save))
    assert (violation.field, violation.message, violation.status) == (
        "tie_type",
        DUPLICATE_TIE_MESSAGE,
        409,
    )


@pytest.mark.django_db
def test_a_check_refused_by_the_database_names_the_rule_and_field():
    east, west = make_regions()
    ended_early = tie_of(
        east,
        west,
        established=datetime.date(2000, 1, 1),
        established_precision="year",
        ended=datetime.date(1990, 1, 1),
        ended_precision="year",
        status="ended",
    )
    violation = violation_of(refusal_of(ended_early.save))
    assert (violation.field, violation.status) == ("ended", 400)
    assert violation.message == "The tie cannot end before it was established."
    self_tie = violation_of(refusal_of(tie_of(east, east).save))
    assert (self_tie.field, self_tie.message) == ("region_b", "A region cannot be tied to itself.")


@pytest.mark.django_db
def test_a_unique_field_and_a_missing_value_are_named():
    Source.objects.create(title="A", language="en", file_name="race.pdf")
    duplicate = violation_of(
        refusal_of(lambda: Source.objects.create(title="B", language="en", file_name="race.pdf"))
    )
    assert (duplicate.field, duplicate.status) == ("file_name", 409)
    assert duplicate.message == "Source with this File name already exists."
    missing = violation_of(
        refusal_of(lambda: Region.objects.create(slug="nameless", country="JP", name_en=None))
    )
    assert (missing.field, missing.status) == ("name_en", 400)


@pytest.mark.django_db
def test_the_last_resort_middleware_answers_409_never_500():
    east, west = make_regions()
    tie_of(east, west).save()
    error = refusal_of(tie_of(west, east).save)
    middleware = IntegrityErrorMiddleware(lambda request: None)
    api = middleware.process_exception(RequestFactory().post("/api/v1/ties/"), error)
    assert api.status_code == 409
    assert json.loads(api.content) == {"tie_type": [DUPLICATE_TIE_MESSAGE]}
    page = middleware.process_exception(RequestFactory().post("/ties/"), error)
    assert page.status_code == 409
    assert DUPLICATE_TIE_MESSAGE in page.content.decode()
    assert middleware.process_exception(RequestFactory().get("/"), ValueError()) is None


@pytest.mark.django_db
def test_an_api_write_the_database_refuses_answers_409_naming_the_field(superuser):
    """What a request that lost the race sees: validation passed, the database refused."""
    east, west = make_regions()
    tie_of(east, west).save()
    client = APIClient()
    client.force_authenticate(superuser)
    with mock.patch.object(SisterTieSerializer, "validate", lambda self, attrs: attrs):
        response = client.post(
            "/api/v1/ties/", {"region_a": west.pk, "region_b": east.pk, "tie_type": "sister"}
        )
    assert response.status_code == 409
    assert response.json() == {"tie_type": [DUPLICATE_TIE_MESSAGE]}
    assert SisterTie.objects.filter(region_a=west).count() == 0


@pytest.mark.django_db
def test_an_admin_save_the_database_refuses_shows_the_form_with_the_field(admin_client):
    east, west = make_regions()
    tie_of(east, west).save()
    data = change_form_data(admin_client.get(admin_url(SisterTie, "add")))
    data.update(region_a=west.pk, region_b=east.pk, tie_type="sister", status="active")
    with mock.patch.object(SisterTie, "validate_constraints", lambda self, **kw: None):
        response = admin_client.post(admin_url(SisterTie, "add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"tie_type": [DUPLICATE_TIE_MESSAGE]}
    assert SisterTie.objects.filter(region_a=west).count() == 0


@pytest.mark.django_db
def test_a_rule_over_several_fields_is_put_on_its_field(admin_client, superuser):
    """The constraint check (``validate_constraints``) names the rule's field, in the admin and
    the API, where Django would report a rule over several fields on none."""
    east, west = make_regions()
    tie_of(east, west).save()
    data = change_form_data(admin_client.get(admin_url(SisterTie, "add")))
    data.update(region_a=west.pk, region_b=east.pk, tie_type="sister", status="active")
    response = admin_client.post(admin_url(SisterTie, "add"), data)
    assert response.context["adminform"].form.errors == {"tie_type": [DUPLICATE_TIE_MESSAGE]}

    client = APIClient()
    client.force_authenticate(superuser)
    response = client.post(
        "/api/v1/ties/", {"region_a": west.pk, "region_b": east.pk, "tie_type": "sister"}
    )
    assert (response.status_code, response.json()) == (400, {"tie_type": [DUPLICATE_TIE_MESSAGE]})


# --- optimistic locking: API ------------------------------------------------------------------


@pytest.fixture
def editor(superuser):
    client = APIClient()
    client.force_authenticate(superuser)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, make, change",
    [
        (
            "/api/v1/ties/",
            lambda: tie_of(*make_regions(), description="first"),
            {"description": "second"},
        ),
        (
            "/api/v1/sources/",
            lambda: Source(title="First", language="en", file_name="etag.pdf"),
            {"title": "Second"},
        ),
    ],
    ids=["tie", "source"],
)
def test_a_stale_if_match_is_refused_and_a_fresh_one_accepted(editor, url, make, change):
    record = make()
    record.save()
    detail = f"{url}{record.pk}/"
    etag = editor.get(detail).headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{20}"', etag)

    changed = editor.patch(detail, change, HTTP_IF_MATCH=etag)
    assert changed.status_code == 200
    new_etag = changed.headers["ETag"]
    assert new_etag != etag
    assert editor.get(detail).headers["ETag"] == new_etag

    stale = editor.patch(detail, dict.fromkeys(change, "lost"), HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert "If-Match" in stale.json()["detail"]
    record.refresh_from_db()
    assert all(getattr(record, field) == value for field, value in change.items())

    assert editor.delete(detail, HTTP_IF_MATCH=etag).status_code == 412
    assert editor.delete(detail, HTTP_IF_MATCH=f"W/{new_etag}").status_code == 412
    assert editor.patch(detail, change, HTTP_IF_MATCH=f'"other", {new_etag}').status_code == 200
    assert editor.patch(detail, change, HTTP_IF_MATCH="*").status_code == 200
    assert editor.patch(detail, change).status_code == 200  # no If-Match: the write proceeds
    assert (
        editor.delete(detail, HTTP_IF_MATCH=editor.get(detail).headers["ETag"]).status_code == 204
    )


@pytest.mark.django_db
def test_a_created_record_carries_its_etag(editor):
    response = editor.post(
        "/api/v1/sources/", {"title": "New", "language": "en", "file_name": "new-etag.pdf"}
    )
    assert response.status_code == 201
    assert response.headers["ETag"] == editor.get(response.json()["url"]).headers["ETag"]


@pytest.mark.django_db
def test_the_schema_documents_if_match_and_412(editor):
    schema = editor.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/ties/{id}/"]["patch"]
    assert "If-Match" in [parameter["name"] for parameter in operation["parameters"]]
    assert "412" in operation["responses"]
    assert "ETag" in operation["responses"]["200"]["headers"]
    assert "412" in schema["paths"]["/api/v1/ties/{id}/"]["delete"]["responses"]


# --- optimistic locking: admin ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_refuses_to_save_over_a_change_made_since_the_form_opened(
    client, django_user_model
):
    tie = tie_of(*make_regions(), description="as it was")
    tie.save()
    url = admin_url(SisterTie, "change", tie.pk)
    sessions = {}
    for name in ("alice", "bob"):
        user = django_user_model.objects.create_superuser(name, f"{name}@example.org", "pw")
        user.first_name, user.last_name = name.title(), "Staff"
        user.save()
        session = type(client)()
        session.force_login(user)
        sessions[name] = (session, change_form_data(session.get(url)))

    alice, alice_form = sessions["alice"]
    alice_form["description"] = "Alice's change"
    assert alice.post(url, alice_form).status_code == 302

    bob, bob_form = sessions["bob"]
    bob_form["description"] = "Bob's change"
    refused = bob.post(url, bob_form)
    assert refused.status_code == 200
    form = refused.context["adminform"].form
    [error] = form.non_field_errors()
    assert error.startswith("Alice Staff changed this tie at ")
    assert 'value="Bob\'s change"' in refused.content.decode() or "Bob&#x27;s change" in (
        refused.content.decode()
    )
    tie.refresh_from_db()
    assert tie.description == "Alice's change"

    # Saving again from the refused form replaces Alice's change knowingly.
    again = change_form_data(refused)
    assert again["description"] == "Bob's change"
    assert bob.post(url, again).status_code == 302
    tie.refresh_from_db()
    assert tie.description == "Bob's change"


# --- in parallel, against a live server --------------------------------------------------------

needs_concurrent_database = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason=(
        "pytest-django's SQLite test database lives in memory and the live server's threads "
        "share the test's single connection to it, so requests cannot run at the same time "
        "(and SQLite admits one writer at a time anyway): run on PostgreSQL."
    ),
)
restored = threading.Event()


@pytest.fixture(scope="module", autouse=True)
def directory_put_back(django_db_blocker):
    """The transactional tests leave an empty database: load back what the session began with
    (the migrations' records, then the fixtures)."""
    yield
    if restored.is_set():
        with django_db_blocker.unblock():
            restore_directory()


def in_parallel(send) -> list[requests.Response]:
    start = threading.Barrier(PARALLEL)
    answers = [None] * PARALLEL

    def run(index):
        start.wait()
        answers[index] = send()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.fixture
def race(transactional_db):
    """Two regions, committed for the live server's threads to see."""
    restored.set()
    return make_regions()


@needs_concurrent_database
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_identical_api_creates_give_one_201_and_field_named_refusals(
    live_server, race, django_user_model
):
    east, west = race
    user = django_user_model.objects.create_superuser("racer", "racer@example.org", "pw")
    token = Token.objects.create(user=user).key
    body = {"region_a": east.pk, "region_b": west.pk, "tie_type": "sister"}

    answers = in_parallel(
        lambda: requests.post(
            f"{live_server.url}/api/v1/ties/",
            json=body,
            headers={"Authorization": f"Token {token}"},
            timeout=60,
        )
    )
    codes = sorted(answer.status_code for answer in answers)
    assert codes.count(201) == 1, codes
    refusals = [answer for answer in answers if answer.status_code != 201]
    assert len(refusals) == PARALLEL - 1 and {r.status_code for r in refusals} <= {400, 409}, codes
    for answer in refusals:
        assert set(answer.json()) & TIE_FIELDS, answer.text
        assert DUPLICATE_TIE_MESSAGE in str(answer.json())
    assert SisterTie.objects.filter(region_a__in=race, region_b__in=race).count() == 1


@needs_concurrent_database
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_identical_admin_adds_give_one_save_and_field_named_refusals(
    live_server, race, client, django_user_model
):
    east, west = race
    user = django_user_model.objects.create_superuser("racer", "racer@example.org", "pw")
    client.force_login(user)
    form = change_form_data(client.get(admin_url(SisterTie, "add")))
    form.update(region_a=east.pk, region_b=west.pk, tie_type="sister", status="active")
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": "a" * 32}
    form["csrfmiddlewaretoken"] = "a" * 32
    url = live_server.url + admin_url(SisterTie, "add")

    answers = in_parallel(
        lambda: requests.post(url, data=form, cookies=cookies, allow_redirects=False, timeout=60)
    )
    codes = sorted(answer.status_code for answer in answers)
    assert codes == [200] * (PARALLEL - 1) + [302], codes
    for answer in (answer for answer in answers if answer.status_code == 200):
        assert re.search(r"form-row errors field-(region_a|region_b|tie_type)", answer.text)
        assert "These two regions already have a tie of this type." in answer.text
    assert SisterTie.objects.filter(region_a__in=race, region_b__in=race).count() == 1
