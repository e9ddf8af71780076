"""Generic tests of a record type, run for every type of ``record_types()``.

As NetBox's ``ViewTestCases`` and ``APIViewTestCases``: one base class for each thing every record
type must do (its list page, its page, its filters, its sorts, its downloads, its admin, its API),
checked the same way for each. Test modules make them concrete by subclassing
(tests/test_record_types.py); the ``record_type`` fixture runs each test for every declared type,
so that a type declared tomorrow is tested without a line added here.

Each test builds the records it looks at with ``tests.factories`` and a token of its own, and
narrows every list it reads to that token (``q``), so that no test rests on what the production
fixtures hold, nor on what another test built.
"""

import csv
import datetime
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils.html import escape
from rest_framework import serializers as drf
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from exchanges import filters, tables
from exchanges.api import serializers
from exchanges.exports import EXPORT_FORMATS
from exchanges.models import Citation
from exchanges.models.querysets import is_cited, keeps_update_time
from exchanges.record_types import component, record_types

from . import factories as make
from .filter_cases import METHOD_FILTER_CASES, FilterCase
from .test_admin import admin_url, change_form_data

ROWS = {"per_page": 500}
API_ROWS = {"page_size": 500}
PAST = datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC)
ACTIONS = ("view", "add", "change", "delete")
# The model a citation points to: a source document, which others cite and which cites nothing.
CITED_DOCUMENT = Citation._meta.get_field("source").related_model


@pytest.fixture(params=record_types(), ids=lambda declared: declared.short_name)
def record_type(request):
    return request.param


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def writer(record_type, django_user_model):
    """A partner's token that may view, add, change and delete records of the type."""
    model = record_type.model
    user = django_user_model.objects.create_user(f"tf-writer-{record_type.short_name}")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            codename__in=[f"{action}_{model._meta.model_name}" for action in ACTIONS],
        )
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def staff(client, django_user_model):
    """A superuser's admin session."""
    user = django_user_model.objects.create_user("tf-admin", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


# --- what every test reads ----------------------------------------------------------------


def filterset_of(record_type):
    return component(filters.DirectoryFilterSet, record_type.model)


def table_of(record_type):
    return component(tables.DirectoryTable, record_type.model)


def serializer_of(record_type):
    return component(serializers.DirectorySerializer, record_type.model)


def api_list_url(record_type) -> str:
    return reverse(f"api:{record_type.name}-list")


def api_detail_url(record_type, record) -> str:
    return reverse(f"api:{record_type.name}-detail", args=[record.pk])


def page_ids(client, record_type, **query) -> list[int]:
    """The ids of the list page's rows, in their order."""
    response = client.get(record_type.list_url(), {**ROWS, **query})
    assert response.status_code == 200, (query, response.context.get("filterset").errors)
    return [row.record.pk for row in response.context["table"].paginated_rows]


def api_ids(api, record_type, **query) -> list[int]:
    response = api.get(api_list_url(record_type), {**API_ROWS, **query})
    assert response.status_code == 200, (query, response.content)
    return [result["id"] for result in response.json()["results"]]


def content(response) -> bytes:
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content) if response.streaming else response.content


def exported_rows(response, export_format) -> list[dict]:
    """The rows of a CSV, JSON or XLSX download, as dictionaries of the header's names."""
    data = content(response)
    if export_format == "csv":
        return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    if export_format == "json":
        return json.loads(data)
    (sheet,) = openpyxl.load_workbook(io.BytesIO(data)).worksheets
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def ids_of(rows) -> set[int]:
    return {int(row["id"]) for row in rows}


def pks(records) -> set[int]:
    return {record.pk for record in records}


def links_of(record) -> list:
    """The records ``record`` links to, by a foreign key or a many-to-many field, whose type is
    a record type (they have pages)."""
    declared = {declared.model for declared in record_types()}
    linked = []
    for field in type(record)._meta.concrete_fields:
        if field.many_to_one and field.related_model in declared and getattr(record, field.name):
            linked.append(getattr(record, field.name))
    for field in type(record)._meta.local_many_to_many:
        if field.related_model in declared:
            linked += list(getattr(record, field.name).all())
    return linked


# --- pages --------------------------------------------------------------------------------


class ViewTestCases:
    """The public pages of a record type."""

    class ListPage:
        def test_list_page_counts_every_record_and_shows_the_built_one(self, client, record_type):
            token = make.new_token()
            record = make.build(record_type.model, token)
            response = client.get(record_type.list_url())
            assert response.status_code == 200
            assert response.context["table"].paginator.count == record_type.model.objects.count()
            found = client.get(record_type.list_url(), {"q": token})
            assert [row.record.pk for row in found.context["table"].paginated_rows] == [record.pk]
            assert f'href="{record.get_absolute_url()}"' in found.content.decode()

    class DetailPage:
        def test_detail_page_shows_the_record_its_links_and_its_citations(
            self, client, record_type
        ):
            token = make.new_token()
            record = make.linked(record_type.model, token)
            citing = []
            if record_type.model is CITED_DOCUMENT:  # its page lists the records citing it
                citing = [make.build(declared.model) for declared in cited_types()]
                for other in citing:
                    make.cite(other, record)
            response = client.get(record.get_absolute_url())
            assert response.status_code == 200
            page = response.content.decode()
            assert token in page.split("<h1", 1)[1].split("</h1>", 1)[0]
            for other in links_of(record) + citing:
                assert f'href="{other.get_absolute_url()}"' in page, other
            citations = list(record.citations.all()) if is_cited(record_type.model) else []
            assert len(citations) == int(is_cited(record_type.model))
            for citation in citations:
                assert f'href="{citation.source.get_absolute_url()}"' in page
                assert escape(citation.locator) in page
                assert escape(citation.quote) in page

    class Filters:
        """Each filter of the type's FilterSet selects the records it must and leaves out the
        others, the same on the list page and in the API (a download holds the page's rows:
        ``Export``)."""

        def test_each_filter_selects_its_records(self, client, api, record_type):
            names = list(filterset_of(record_type).base_filters)
            for name in names:
                cases = filter_cases(record_type, name)
                assert cases, name
                for case in cases:
                    assert case.hits and case.misses, name
                    query = {"q": case.token, **case.query}
                    wanted = pks(case.hits)
                    assert set(page_ids(client, record_type, **query)) == wanted, query
                    assert set(api_ids(api, record_type, **query)) == wanted, query

    class Sorting:
        def test_every_orderable_column_sorts_both_ways(self, client, record_type):
            low, high, token = sorting_pair(record_type)
            paths = sorting_paths(record_type)
            columns = orderable_columns(record_type)
            assert columns
            assert columns_sorting_on_another_field(record_type) == []
            for column, keys in columns.items():
                up = rank_for(low, high, keys, paths, token)
                assert page_ids(client, record_type, q=token, sort=column) == up, column
                down = page_ids(client, record_type, q=token, sort=f"-{column}")
                assert down == up[::-1], column

    class Export:
        def test_a_download_holds_every_selected_row_not_only_the_page(
            self, client, api, record_type
        ):
            """In every format from the page; as CSV and XLSX from the API, with the same rows."""
            token = make.new_token()
            records = [make.linked(record_type.model, token) for _ in range(2)]
            downloads = {}
            for export_format in EXPORT_FORMATS:
                query = {"q": token, "per_page": 1, "export": export_format}
                rows = exported_rows(client.get(record_type.list_url(), query), export_format)
                assert len(rows) == len(records), export_format
                assert ids_of(rows) == pks(records), export_format
                downloads[export_format] = sorted(rows, key=row_id)
            # The API's JSON is its representation; its other formats are the list's rows.
            for export_format in ("csv", "xlsx"):
                query = {"q": token, "format": export_format}
                from_api = exported_rows(api.get(api_list_url(record_type), query), export_format)
                assert sorted(from_api, key=row_id) == downloads[export_format], export_format


def row_id(row) -> int:
    return int(row["id"])


def cited_types():
    return [declared for declared in record_types() if is_cited(declared.model)]


# --- filters ------------------------------------------------------------------------------


def filter_cases(record_type, name: str) -> list[FilterCase]:
    """The cases of filter ``name``: declared in tests/filter_cases.py for a method filter of
    the type, else worked out here for ``q``, ``updated_since``, ``source`` and any filter that
    reads a field by its ``field_name``. Every record of a case carries the case's token."""
    token = make.new_token()
    declared = METHOD_FILTER_CASES.get(record_type.model, {}).get(name)
    if declared is not None:
        cases = declared(token)
    elif name in GENERIC_CASES:
        cases = GENERIC_CASES[name](record_type.model, token)
    else:
        cases = field_filter_cases(record_type, name, token)
    for case in cases:
        case.token = token
    return cases


def search_case(model, token):
    """``q`` finds the record with the word, and not another (their tokens differ)."""
    return [FilterCase({"q": token}, [make.build(model, token)], [make.build(model)])]


def updated_since_case(model, token):
    fresh, old = make.build(model, token), make.build(model, token)
    if keeps_update_time(model):
        model.objects.filter(pk=old.pk).update(updated=PAST)
    else:
        old.history.update(history_date=PAST)
    return [FilterCase({"updated_since": "2020-01-01"}, [fresh], [old])]


def source_case(model, token):
    cited = make.source()
    hit, other = make.build(model, token), make.build(model, token)
    make.cite(hit, cited)
    make.cite(other)
    return [FilterCase({"source": cited.pk}, [hit], [other, make.build(model, token)])]


GENERIC_CASES = {"q": search_case, "updated_since": updated_since_case, "source": source_case}
PREFERRED_CHOICES = ("JP", "KR")


def two_choices(field) -> tuple:
    values = [value for value, _label in field.flatchoices if value != ""]
    preferred = [value for value in PREFERRED_CHOICES if value in values]
    return tuple(preferred) if len(preferred) == 2 else tuple(values[:2])


def field_filter_cases(record_type, name: str, token: str) -> list[FilterCase]:
    """A filter reading a field (``field_name``, perhaps across a link): a record with a value
    it selects and one with a value it does not."""
    model = record_type.model
    spec = filterset_of(record_type).base_filters[name]
    assert spec.method is None, (
        f"The filter {name} of {model.__name__} has a method: declare the records it selects "
        "in tests/filter_cases.py."
    )
    if isinstance(spec, filters.YearFilter):
        return [year_case(model, name, spec, token)]
    if isinstance(spec, filters.CodeFilter):
        return [code_case(model, spec.field_name, token)]
    *relations, attribute = spec.field_name.split("__")
    if relations:
        (relation,) = relations
        linked_model = model._meta.get_field(relation).related_model
        field = linked_model._meta.get_field(attribute)
        if field.choices:
            first, second = two_choices(field)
            hit_link = make.build(linked_model, **{attribute: first})
            miss_link = make.build(linked_model, **{attribute: second})
        else:
            hit_link, miss_link = make.build(linked_model), make.build(linked_model)
        hit = make.build(model, token, **{relation: hit_link})
        miss = make.build(model, token, **{relation: miss_link})
        return [FilterCase({name: str(getattr(hit_link, attribute))}, [hit], [miss])]
    field = model._meta.get_field(attribute)
    if field.choices:
        first, second = two_choices(field)
        hit = make.build(model, token, **{attribute: first})
        miss = make.build(model, token, **{attribute: second})
        return [FilterCase({name: first}, [hit], [miss])]
    word = make.new_token()
    hit = make.build(model, token, **{attribute: f"Words {word} here"})
    miss = make.build(model, token, **{attribute: "Other words"})
    # A text filter ignores case: asked in capitals.
    value = word.upper() if spec.lookup_expr == "icontains" else f"Words {word} here"
    return [FilterCase({name: value}, [hit], [miss])]


# A code and one it begins: an exact match selects the first alone. Each with its country.
CODE_PAIRS = {
    "iso_3166_2": (
        {"country": "JP", "iso_3166_2": "JP-98"},
        {"country": "JP", "iso_3166_2": "JP-9"},
    ),
    "national_code": (
        {"country": "KR", "national_code": "2614"},
        {"country": "KR", "national_code": "26140"},
    ),
}


def code_case(model, attribute: str, token: str) -> FilterCase:
    """A code selects the record bearing it exactly, asked in lower case too (jp-98)."""
    hit_fields, miss_fields = CODE_PAIRS[attribute]
    hit = make.build(model, token, **hit_fields)
    miss = make.build(model, token, **miss_fields)
    return FilterCase({attribute: hit_fields[attribute].lower()}, [hit], [miss])


def year_case(model, name: str, spec, token: str) -> FilterCase:
    """A year bound: the bound itself and a year beyond it are selected, a year before not."""
    attribute = spec.field_name.removesuffix("__year")
    is_date = isinstance(model._meta.get_field(attribute), models.DateField)
    bound = 2000
    inside, outside = (2005, 1995) if spec.lookup_expr == "gte" else (1995, 2005)

    def dated(value):
        fields = make.year(attribute, value) if is_date else {attribute: value}
        return make.build(model, token, **fields)

    return FilterCase({name: bound}, [dated(bound), dated(inside)], [dated(outside)])


def declared(filterset_class, attribute: str) -> dict:
    """A declaration of the FilterSet (``filtered_by``, ``not_filterable``), added up along its
    classes."""
    merged = {}
    for cls in reversed(filterset_class.__mro__):
        merged.update(vars(cls).get(attribute, {}))
    return merged


def model_fields(model) -> list[str]:
    return [field.name for field in (*model._meta.concrete_fields, *model._meta.many_to_many)]


def filters_reading(filterset_class, model) -> dict[str, set[str]]:
    """For each field of ``model``, the filters that read it: by their name, their
    ``field_name``, ``q`` for the fields the search text is made of, and ``filtered_by``."""
    reading: dict[str, set[str]] = {}
    for name, spec in filterset_class.base_filters.items():
        reading.setdefault(name, set()).add(name)
        if spec.method is None:
            reading.setdefault(spec.field_name.split("__")[0], set()).add(name)
    searched = [field for field in model._meta.concrete_fields if field.name == "search_text"]
    for field_name in getattr(searched[0], "source_fields", ()) if searched else ():
        reading.setdefault(field_name, set()).add("q")
    for field_name, name in declared(filterset_class, "filtered_by").items():
        reading.setdefault(field_name, set()).add(name)
    return reading


def unfiltered_fields(filterset_class, model, fields: list[str]) -> dict[str, str]:
    """What is wrong with the FilterSet's account of ``fields``: each field no filter reads and
    none declares not filterable, each field declared so although a filter reads it, and each
    declaration of a field the model lacks or of a filter the FilterSet lacks."""
    reading = filters_reading(filterset_class, model)
    not_filterable = declared(filterset_class, "not_filterable")
    filtered_by = declared(filterset_class, "filtered_by")
    problems = {}
    for name in fields:
        if not reading.get(name) and name not in not_filterable:
            problems[name] = "no filter reads it and not_filterable does not say why"
        elif reading.get(name) and name in not_filterable:
            problems[name] = f"declared not filterable, yet read by {sorted(reading[name])}"
    for name, reason in not_filterable.items():
        if name not in fields:
            problems[name] = "declared not filterable, but the model has no such field"
        elif not reason.strip():
            problems[name] = "declared not filterable without a reason"
    for name, filter_name in filtered_by.items():
        if name not in fields:
            problems[name] = "declared filtered, but the model has no such field"
        elif filter_name not in filterset_class.base_filters:
            problems[name] = f"declared filtered by {filter_name}, which the FilterSet lacks"
    return problems


class FilterSetTestCases:
    class Coverage:
        """As NetBox's ``test_missing_filters``: every field of the model has a filter, or its
        FilterSet declares why it has none (``not_filterable``)."""

        def test_every_field_has_a_filter_or_a_reason_for_none(self, record_type):
            model = record_type.model
            filterset_class = filterset_of(record_type)
            assert unfiltered_fields(filterset_class, model, model_fields(model)) == {}

        def test_a_new_field_without_a_filter_is_reported(self, record_type):
            model = record_type.model
            fields = [*model_fields(model), "new_field"]
            problems = unfiltered_fields(filterset_of(record_type), model, fields)
            assert list(problems) == ["new_field"]


# --- sorting ------------------------------------------------------------------------------


def orderable_columns(record_type) -> dict[str, list[str]]:
    """Each column the list sorts by, with the field paths it sorts on (its trailing id left
    out); none for the id column itself."""
    table = table_of(record_type)(record_type.model.objects.none())
    return {
        bound.name: [key.bare for key in bound.order_by if key.bare not in ("pk", "id")]
        for bound in table.columns.iterall()
        if bound.orderable
    }


def columns_sorting_on_another_field(record_type) -> list[str]:
    """The columns showing a stored field (``population``, ``parent``) that sort on something
    else than it: a column's ``order_by`` starts with its field, or its field's path (a linked
    region sorts on its name, ``parent__name_en``). A column of something computed (the name in
    the reader's language) sorts on what it declares."""
    model = record_type.model
    table = table_of(record_type)(model.objects.none())
    wrong = []
    for bound in table.columns.iterall():
        accessor = str(bound.accessor)
        if not bound.orderable or not tables.is_field_path(model, accessor):
            continue
        keys = [key.bare for key in bound.order_by]
        if keys[0] != accessor and not keys[0].startswith(f"{accessor}__"):
            wrong.append(bound.name)
    return wrong


def ordering_fields(record_type) -> list[str]:
    return list(serializer_of(record_type).Meta.ordering_fields)


def sorting_pair(record_type) -> tuple:
    """Two records with the same token: ``high`` built first (the smaller id), then ``low``."""
    model, token = record_type.model, make.new_token()
    high = make.build(model, token)
    return make.build(model, token), high, token


def sorting_paths(record_type) -> list[str]:
    """Every field path the list's columns and the API sort on, the id aside."""
    paths = {key for keys in orderable_columns(record_type).values() for key in keys}
    paths |= {name for name in ordering_fields(record_type) if name not in ("pk", "id")}
    return sorted(paths)


def rank_for(low, high, keys: list[str], paths: list[str], token: str) -> list[int]:
    """Ranks the pair for a sort on ``keys`` and says the order it must give. ``low`` gets the
    smaller values on ``keys`` and ``high`` the larger, every other path the other way round:
    a sort on another path gives the pair in the wrong order, and so does one on the id, which
    is ``high``'s the smaller. For no keys (a sort on the id) ``low`` gets the smaller values
    everywhere, against the order of the ids."""
    assert high.pk < low.pk
    for rank, record in enumerate((low, high)):
        if keys:
            ranks = {path: rank if path in keys else 1 - rank for path in paths}
        else:
            ranks = dict.fromkeys(paths, rank)
        give_ranked_values(record, ranks, token)
    return [low.pk, high.pk] if keys else [high.pk, low.pk]


def give_ranked_values(record, ranks: dict[str, int], token: str) -> None:
    """Sets each path (``region_a__name_en``) of ``record`` to the smaller (rank 0) or larger
    (rank 1) of two values, building the linked records a path needs; saves once all are set,
    as the rules tie some values together (a latitude needs its longitude)."""
    linked_records = []
    for path, rank in ranks.items():
        *relations, name = path.split("__")
        target = record
        for relation in relations:
            if getattr(target, relation) is None:
                related_model = target._meta.get_field(relation).related_model
                setattr(target, relation, make.build(related_model))
            target = getattr(target, relation)
        if name in ANNOTATED:
            ANNOTATED[name](target, rank)
            continue
        # A linked record's text leaves the token out: q is to find the pair alone.
        word = token if target is record else "linked"
        for attribute, value in ranked_value(target._meta.get_field(name), rank, word).items():
            setattr(target, attribute, value)
        if target is not record and all(target is not other for other in linked_records):
            linked_records.append(target)
    for linked_record in linked_records:
        linked_record.save()
    record.save()


def ranked_value(field, rank: int, token: str) -> dict:
    name = field.name
    choices = sorted(value for value, _label in field.flatchoices if value != "")
    if choices:
        return {name: choices[-1] if rank else choices[0]}
    if isinstance(field, models.DateField):
        precision = f"{name}_precision"
        dated = make.year(name, 2000 if rank else 1990)
        has_precision = any(other.name == precision for other in field.model._meta.fields)
        return dated if has_precision else {name: dated[name]}
    if isinstance(field, models.DecimalField):
        return {name: Decimal(1 + rank)}
    if isinstance(field, models.IntegerField | models.FloatField):
        return {name: 1 + rank}
    if isinstance(field, models.SlugField):
        return {name: f"{'ab'[rank]}-{token}-{make.serial()}"}
    return {name: f"{'AB'[rank]} {token} {make.serial()}"}


def cited_times(record, rank: int) -> None:
    """``citation_count``: one citation of (or, for a source, by) the low record, two of the
    high one."""
    if isinstance(record, CITED_DOCUMENT):
        Citation.objects.filter(source=record).delete()
        for _ in range(rank + 1):
            make.cite(make.region(), record)
    else:
        record.citations.all().delete()
        for _ in range(rank + 1):
            make.cite(record)


ANNOTATED = {"citation_count": cited_times}


# --- admin --------------------------------------------------------------------------------


def snapshot(record) -> dict:
    """What the admin edits of a record: its editable fields, its many-to-many links and its
    citations."""
    values = model_to_dict(record)
    for name, value in values.items():
        if isinstance(value, list):
            values[name] = sorted(item.pk for item in value)
    if is_cited(type(record)):
        values["citations"] = sorted(record.citations.values_list("source_id", "locator", "quote"))
    return values


class AdminTestCases:
    """The admin of a record type, for a superuser."""

    class Pages:
        def test_changelist_add_history_import_and_export_pages(self, staff, record_type):
            model, token = record_type.model, make.new_token()
            record = make.linked(model, token)
            changelist = staff.get(admin_url(model, "changelist"), {"q": token})
            assert changelist.status_code == 200
            assert [found.pk for found in changelist.context["cl"].result_list] == [record.pk]
            for view, *args in [("add",), ("history", record.pk), ("import",), ("export",)]:
                url = admin_url(model, view, *args)
                assert staff.get(url).status_code == 200, url

    class ChangeForm:
        def test_an_unchanged_change_form_saves_and_changes_nothing(self, staff, record_type):
            record = make.linked(record_type.model)
            before = snapshot(record)
            url = admin_url(record_type.model, "change", record.pk)
            form = staff.get(url)
            assert form.status_code == 200
            response = staff.post(url, change_form_data(form))
            assert response.status_code == 302, response.context["adminform"].form.errors
            record.refresh_from_db()
            assert snapshot(record) == before


# --- API ----------------------------------------------------------------------------------


def written_form(value):
    """A value of a representation as a client writes it back: a linked record by its id."""
    if isinstance(value, dict):
        return value["id"]
    if isinstance(value, list):
        return [written_form(item) for item in value]
    return value


def writable(record_type, data: dict) -> dict:
    fields = serializer_of(record_type)().fields
    return {name: written_form(data[name]) for name, field in fields.items() if not field.read_only}


def checked_embeddings(serializer, data: dict) -> list[str]:
    """Checks that every record the representation embeds is there, in the brief form of its
    serializer (``Meta.brief_fields``); the names of the fields checked."""
    checked = []
    for name, field in serializer.fields.items():
        value = data[name]
        if isinstance(field, drf.ListSerializer):
            assert value, f"{name} is empty: build the record with factories.linked"
            for item in value:
                checked += [f"{name}.{inner}" for inner in checked_embeddings(field.child, item)]
            continue
        if isinstance(field, serializers.RelatedRecordField):
            embedded, target = [value], field.serializer_class
        elif isinstance(field, drf.ManyRelatedField) and isinstance(
            field.child_relation, serializers.RelatedRecordField
        ):
            embedded, target = value, field.child_relation.serializer_class
        else:
            continue
        if value is None and name in make.LEFT_EMPTY.get(serializer.Meta.model, ()):
            continue  # a link the record cannot have beside another (one participant)
        assert embedded and all(embedded), f"{name} is empty: build with factories.linked"
        for item in embedded:
            assert list(item) == target.Meta.brief_fields, name
        checked.append(name)
    return checked


def embedding_fields(serializer) -> list[str]:
    """The fields of a serializer that embed other records, as ``checked_embeddings`` names
    them."""
    names = []
    for name, field in serializer.fields.items():
        if name in make.LEFT_EMPTY.get(serializer.Meta.model, ()):
            continue  # left empty by factories.linked (checked_embeddings)
        if isinstance(field, drf.ListSerializer):
            names += [f"{name}.{inner}" for inner in embedding_fields(field.child)]
        elif isinstance(field, serializers.RelatedRecordField) or (
            isinstance(field, drf.ManyRelatedField)
            and isinstance(field.child_relation, serializers.RelatedRecordField)
        ):
            names.append(name)
    return names


class APIViewTestCases:
    """The API of a record type."""

    class List:
        def test_list_counts_every_record_and_finds_the_built_one(self, api, record_type):
            token = make.new_token()
            record = make.build(record_type.model, token)
            every = api.get(api_list_url(record_type))
            assert every.status_code == 200
            body = every.json()
            assert set(body) == {"count", "next", "previous", "results"}
            assert body["count"] == record_type.model.objects.count()
            found = api.get(api_list_url(record_type), {"q": token}).json()
            assert (found["count"], [result["id"] for result in found["results"]]) == (
                1,
                [record.pk],
            )

    class Retrieve:
        def test_retrieve_gives_the_record_its_addresses_and_citations(self, api, record_type):
            record = make.linked(record_type.model)
            response = api.get(api_detail_url(record_type, record))
            assert response.status_code == 200
            assert response["ETag"]
            body = response.json()
            assert body["id"] == record.pk
            assert body["url"].endswith(api_detail_url(record_type, record))
            assert body["page_url"].endswith(record.get_absolute_url())
            cited = record.citations.all() if is_cited(record_type.model) else []
            assert [
                (citation["source"]["id"], citation["locator"], citation["quote"])
                for citation in body.get("citations", [])
            ] == [(citation.source_id, citation.locator, citation.quote) for citation in cited]

    class Create:
        def test_writing_without_a_token_is_401_and_without_the_permission_403(
            self, api, record_type, django_user_model
        ):
            record = make.build(record_type.model)
            reader = APIClient()
            user = django_user_model.objects.create_user("tf-reader")
            reader.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
            for client, status in ((api, 401), (reader, 403)):
                detail = api_detail_url(record_type, record)
                answers = [
                    client.post(api_list_url(record_type), {}, format="json"),
                    client.patch(detail, {"notes": "x"}, format="json"),
                    client.delete(detail),
                ]
                assert [answer.status_code for answer in answers] == [status] * 3
                # Only an anonymous client is told how to authenticate.
                challenged = ["WWW-Authenticate" in answer for answer in answers]
                assert challenged == [status == 401] * 3
            record.refresh_from_db()
            assert record.notes == ""

        def test_create_from_a_records_own_representation(self, api, writer, record_type):
            """A linked record, read, deleted and written back: the API takes what it gives."""
            model = record_type.model
            record = make.linked(model)
            payload = writable(record_type, api.get(api_detail_url(record_type, record)).json())
            for field in model._meta.local_many_to_many:
                getattr(record, field.name).clear()
            record.delete()
            response = writer.post(api_list_url(record_type), payload, format="json")
            assert response.status_code == 201, response.json()
            assert response["ETag"]
            assert writable(record_type, response.json()) == payload
            created = model.objects.get(pk=response.json()["id"])
            assert api.get(api_detail_url(record_type, created)).json()["id"] == created.pk

    class Update:
        def test_patch_changes_the_field_it_names(self, writer, record_type):
            record = make.linked(record_type.model)
            notes = f"Changed by a partner {make.new_token()}"
            response = writer.patch(
                api_detail_url(record_type, record), {"notes": notes}, format="json"
            )
            assert response.status_code == 200, response.json()
            assert response.json()["notes"] == notes
            record.refresh_from_db()
            assert record.notes == notes

    class Delete:
        def test_delete_a_record_nothing_refers_to(self, writer, record_type):
            record = make.build(record_type.model)
            response = writer.delete(api_detail_url(record_type, record))
            assert response.status_code == 204
            assert not record_type.model.objects.filter(pk=record.pk).exists()

    class Brief:
        def test_embedded_records_are_brief(self, api, record_type):
            record = make.linked(record_type.model)
            serializer = serializer_of(record_type)()
            body = api.get(api_detail_url(record_type, record)).json()
            assert checked_embeddings(serializer, body) == embedding_fields(serializer)

        def test_the_brief_form_is_brief_fields(self, rf, record_type):
            record = make.build(record_type.model)
            serializer_class = serializer_of(record_type)
            brief = serializer_class(record, nested=True, context={"request": rf.get("/")}).data
            assert list(brief) == serializer_class.Meta.brief_fields
            assert brief["id"] == record.pk

    class Ordering:
        def test_every_ordering_field_sorts_both_ways(self, api, record_type):
            low, high, token = sorting_pair(record_type)
            paths = sorting_paths(record_type)
            for name in ordering_fields(record_type):
                keys = [] if name in ("pk", "id") else [name]
                up = rank_for(low, high, keys, paths, token)
                assert api_ids(api, record_type, q=token, ordering=name) == up, name
                assert api_ids(api, record_type, q=token, ordering=f"-{name}") == up[::-1], name
