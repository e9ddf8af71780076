"""The admin as chamber staff use it: every page, permissions, search, history, spreadsheets.

What every record type's admin does is checked for each type in tests/record_type_cases.py;
each test here builds its records (tests/factories.py)."""

import pytest
import tablib
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from rest_framework.authtoken.models import Token

from exchanges import resources
from exchanges.models import Region, SisterTie
from exchanges.record_types import is_record_type

from . import factories as make

pytestmark = pytest.mark.django_db

# The record types' admins are checked with the record types (tests/record_type_cases.py).
REGISTERED = sorted(
    (
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if not is_record_type(model)
    ),
    key=lambda item: item[0]._meta.label,
)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def change_form_data(response) -> dict:
    """The POST data a browser would send back for an unchanged admin change form."""
    data = {}

    def collect(form):
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or value is False:
                continue
            if value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            else:
                data[key] = str(value)

    collect(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        collect(formset.management_form)
        for form in formset.forms:
            collect(form)
    return data


def record_sign_ins(superuser):
    """A failed and a successful admin sign-in, so that the sign-in records have rows to open."""
    visitor = Client()
    visitor.post("/admin/login/", {"username": superuser.username, "password": "wrong"})
    visitor.post("/admin/login/", {"username": superuser.username, "password": "pw"})
    visitor.post("/admin/login/", {"username": superuser.username, "password": "wrong"})


@pytest.mark.parametrize("model, model_admin", REGISTERED, ids=lambda x: getattr(x, "__name__", ""))
def test_every_admin_page_answers_200_for_a_superuser(admin_client, superuser, model, model_admin):
    Token.objects.get_or_create(user=superuser)  # so that the token admin has a record to open
    record_sign_ins(superuser)
    # The directory's own records are built; users, groups, tokens and sign-ins are above.
    record = make.build(model) if model in make.BUILDERS else model.objects.first()
    assert record is not None, f"no {model.__name__} to open"
    request = RequestFactory().get("/admin/")
    request.user = superuser
    views = [("changelist",), ("change", record.pk), ("history", record.pk)]
    if model_admin.has_add_permission(request):  # sign-in records are written by django-axes
        views.append(("add",))
    for view, *args in views:
        url = admin_url(model, view, *args)
        assert admin_client.get(url).status_code == 200, url
    if hasattr(model_admin, "get_export_resource_classes"):
        assert admin_client.get(admin_url(model, "import")).status_code == 200
        assert admin_client.get(admin_url(model, "export")).status_code == 200


@pytest.fixture
def chamber_staff(client, django_user_model):
    user = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Chamber staff"))
    client.force_login(user)
    return client


def test_chamber_staff_can_edit_a_tie_and_read_its_history(chamber_staff):
    tie = make.tie()
    url = admin_url(SisterTie, "change", tie.pk)
    data = change_form_data(chamber_staff.get(url))
    data["description"] = "Edited by chamber staff."
    response = chamber_staff.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    tie.refresh_from_db()
    assert tie.description == "Edited by chamber staff."

    latest = tie.history.latest()
    assert latest.history_user.username == "staff"
    assert [change.field for change in latest.diff_against(latest.prev_record).changes] == [
        "description"
    ]
    history = chamber_staff.get(admin_url(SisterTie, "history", tie.pk))
    assert history.status_code == 200
    assert "Edited by chamber staff." in history.content.decode()


def test_chamber_staff_may_not_manage_users_groups_or_delete(chamber_staff):
    assert chamber_staff.get(admin_url(User, "changelist")).status_code == 403
    assert chamber_staff.get(admin_url(Group, "changelist")).status_code == 403
    tie = make.tie()
    assert chamber_staff.get(admin_url(SisterTie, "delete", tie.pk)).status_code == 403
    assert (
        chamber_staff.post(admin_url(SisterTie, "delete", tie.pk), {"post": "yes"}).status_code
        == 403
    )
    assert SisterTie.objects.filter(pk=tie.pk).exists()


def test_admin_refuses_a_duplicate_tie_naming_the_field(admin_client):
    existing = make.tie(tie_type="sister")
    response = admin_client.post(
        admin_url(SisterTie, "add"),
        {
            "region_a": existing.region_b_id,
            "region_b": existing.region_a_id,
            "tie_type": "sister",
            "status": "active",
            "exchanges-citation-content_type-object_id-TOTAL_FORMS": "0",
            "exchanges-citation-content_type-object_id-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "tie_type": ["These two regions already have a tie of this type."]
    }
    assert SisterTie.objects.filter(region_a=existing.region_b).count() == 0


# Names in four scripts that no fixture holds: a harbour city in Korea.
HARBOUR_NAMES = {
    "name_en": "Gasang Harbour City",
    "name_ja": "架空港市",
    "name_zh": "架空港市",
    "name_ko": "가상항구시",
}


@pytest.mark.parametrize("term", ["架空港", "가상항구", "Gasang Harbour", "ｇａｓａｎｇ", "港市"])
def test_admin_search_finds_regions_in_every_script(admin_client, term):
    harbour = make.region(country="KR", **HARBOUR_NAMES)
    response = admin_client.get(admin_url(Region, "changelist"), {"q": term})
    assert [region.pk for region in response.context["cl"].result_list] == [harbour.pk]


def test_region_page_shows_its_ties_offices_and_children(admin_client):
    token = make.new_token()
    region = make.region(token)
    partner = make.tie(token, region_b=region).region_a
    child = make.region(token, parent=region)
    hosted = make.office(token, host_region=region)
    run = make.office(token, operator_region=region)
    page = admin_client.get(admin_url(Region, "change", region.pk)).content.decode()
    for record in (partner, child, hosted, run):
        assert escape(record.name_en) in page, record


@pytest.mark.parametrize(
    "resource_class",
    [
        resources.resource_for(model)
        for model, model_admin in admin.site._registry.items()
        if hasattr(model_admin, "get_export_resource_classes")
    ],
    ids=lambda r: r.__name__,
)
def test_an_xlsx_export_reimports_without_changes(resource_class):
    make.linked(resource_class._meta.model)  # a record of the test's own, with its links
    exported = resource_class().export()
    workbook = exported.export("xlsx")
    reread = tablib.Dataset().load(workbook, format="xlsx")
    result = resource_class().import_data(reread, dry_run=True, raise_errors=True)
    assert not result.has_validation_errors()
    assert {row.import_type for row in result.rows} == {"skip"}
    assert len(result.rows) == resource_class._meta.model.objects.count()


def test_an_import_refuses_a_bad_row_naming_the_row_and_field(admin_client):
    first, second = make.region(), make.region(country="KR")
    sheet = (
        "region_a,region_b,tie_type,status,established,established_precision\n"
        f"{first.slug},{second.slug},friendship,active,1990-01-01,year\n"
        f"{first.slug},{first.slug},sister,active,,\n"
    )
    response = admin_client.post(
        admin_url(SisterTie, "import"),
        {
            "resource": "0",
            "format": "0",  # CSV
            "import_file": _upload("ties.csv", sheet),
        },
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert result.has_validation_errors()
    invalid = result.invalid_rows
    assert [row.number for row in invalid] == [3]  # as the spreadsheet numbers it: header 1
    assert invalid[0].field_specific_errors == {"region_b": ["A region cannot be tied to itself."]}
    page = response.content.decode()
    assert "A region cannot be tied to itself." in page
    assert not SisterTie.objects.filter(region_a=first).exists()


def _upload(name, text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.mark.parametrize(
    "language, expected",
    [
        ("ja", "サイト管理"),
        ("ko", "사이트 관리"),
        ("zh-hans", "站点管理"),
        ("en", "Site administration"),
    ],
)
def test_admin_speaks_the_language_of_its_address(admin_client, language, expected):
    # The language is in the URL (/ja/admin/), whatever the browser asks for.
    with translation.override(language):
        url = reverse("admin:index")
    response = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en" if language != "en" else "ja")
    content = response.content.decode()
    assert expected in content
    assert f'<html lang="{language}"' in content


@pytest.mark.parametrize("term", ["架空港", "가상항구"])
def test_region_autocomplete_finds_native_script(admin_client, term):
    make.region(country="KR", **HARBOUR_NAMES)
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "exchanges",
            "model_name": "sistertie",
            "field_name": "region_a",
            "term": term,
        },
    )
    assert response.status_code == 200
    texts = [result["text"].split(" (")[0] for result in response.json()["results"]]
    assert texts == [HARBOUR_NAMES["name_en"]]
