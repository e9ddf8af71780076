"""Partial dates as people write them: the parser, the one text box every form shows for a date
and its precision, the admin in Japanese and Korean, spreadsheet imports, and the rules'
messages on the box staff see. Every record here is built for its test (tests/factories.py).
"""

import datetime
import io

import openpyxl
import pytest
import tablib
from django.apps import apps
from django.contrib import admin
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, models, transaction
from django.forms import modelform_factory
from django.test import RequestFactory
from django.test.utils import isolate_apps
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from exchanges import spreadsheets
from exchanges.api.serializers import SisterTieSerializer
from exchanges.integrity import violation_of
from exchanges.models import Mission, OverseasOffice, SisterTie, Source
from exchanges.models.base import (
    DatePrecisionField,
    PartialDateField,
    partial_date_pairs,
)
from exchanges.partial_dates import (
    DatePrecision,
    PartialDate,
    PartialDateFormField,
    UnreadableDate,
    format_partial_date,
    parse_partial_date,
)
from exchanges.resources import resource_for

from . import factories as make
from .test_admin import change_form_data
from .test_api import token_client

LANGUAGES = ["en", "ja", "ko", "zh-hans"]
YEAR, MONTH, DAY = DatePrecision.YEAR, DatePrecision.MONTH, DatePrecision.DAY
JULY_1996 = PartialDate(datetime.date(1996, 7, 1), MONTH)


def partial(year, month=1, day=1, precision=DAY) -> PartialDate:
    return PartialDate(datetime.date(year, month, day), precision)


# --- the parser -----------------------------------------------------------------------------------

# Every way of writing a partial date the admin and imports take, and what it means.
WRITTEN = [
    ("1996", partial(1996, precision=YEAR)),
    ("1996-07", JULY_1996),
    ("1996/7", JULY_1996),
    ("1996.7", JULY_1996),
    ("July 1996", JULY_1996),
    ("Jul 1996", JULY_1996),
    ("Jul. 1996", JULY_1996),
    ("july 1996", JULY_1996),
    ("1996年7月", JULY_1996),  # Japanese and Chinese alike
    ("1996年07月", JULY_1996),
    ("1996 年 7 月", JULY_1996),
    ("1996年7月1日", partial(1996, 7, 1)),
    ("1996년 7월", JULY_1996),
    ("1996년 7월 1일", partial(1996, 7, 1)),
    ("1996年", partial(1996, precision=YEAR)),
    ("1996년", partial(1996, precision=YEAR)),
    ("2008-10-15", partial(2008, 10, 15)),
    ("2008/10/15", partial(2008, 10, 15)),
    ("2008.10.15", partial(2008, 10, 15)),
    ("October 15, 2008", partial(2008, 10, 15)),
    ("Oct. 15, 2008", partial(2008, 10, 15)),
    ("Sept. 3, 2008", partial(2008, 9, 3)),
    ("15 October 2008", partial(2008, 10, 15)),
    ("2008年10月15日", partial(2008, 10, 15)),
    ("2008년 10월 15일", partial(2008, 10, 15)),
    ("１９９６年７月", JULY_1996),  # full-width digits
    ("１９９６－０７", JULY_1996),
    ("  1996年7月　", JULY_1996),  # spaces around, an ideographic one too
    ("平成8年7月", JULY_1996),
    ("平成8年", partial(1996, precision=YEAR)),
    ("平成8年7月1日", partial(1996, 7, 1)),
    ("㍻8年7月", JULY_1996),  # the era in one character
    ("令和元年5月", partial(2019, 5, 1, MONTH)),
    ("令和元年", partial(2019, precision=YEAR)),
    ("令和6年", partial(2024, precision=YEAR)),
    ("平成元年", partial(1989, precision=YEAR)),
    ("平成元年1月8日", partial(1989, 1, 8)),
    ("平成31年", partial(2019, precision=YEAR)),
    ("平成31年4月30日", partial(2019, 4, 30)),
    ("昭和64年1月7日", partial(1989, 1, 7)),
    ("昭和62年", partial(1987, precision=YEAR)),
    ("昭和元年", partial(1926, precision=YEAR)),
    ("大正15年", partial(1926, precision=YEAR)),
    ("大正元年", partial(1912, precision=YEAR)),
    ("明治45年7月", partial(1912, 7, 1, MONTH)),
    ("明治元年", partial(1868, precision=YEAR)),
    ("1996-02-29", partial(1996, 2, 29)),
]


@pytest.mark.parametrize("text, expected", WRITTEN, ids=[text for text, _ in WRITTEN])
def test_what_people_write_is_read_as_its_date_and_precision(text, expected):
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("text, expected", WRITTEN, ids=[text for text, _ in WRITTEN])
def test_each_date_written_in_each_locale_reads_back_the_same(language, text, expected):
    """The other direction: the date as the locale writes it reads back as that date."""
    with translation.override(language):
        written = format_partial_date(expected.date, expected.precision)
    assert parse_partial_date(written) == expected


# What format_partial_date writes in each language, for each precision.
LOCALE_FORMS = [
    ("en", partial(1987, precision=YEAR), "1987"),
    ("en", JULY_1996, "July 1996"),
    ("en", partial(2008, 10, 15), "Oct. 15, 2008"),
    ("en", partial(2008, 9, 3), "Sept. 3, 2008"),
    ("en", partial(1996, 7, 1), "July 1, 1996"),
    ("ja", partial(1987, precision=YEAR), "1987年"),
    ("ja", JULY_1996, "1996年7月"),
    ("ja", partial(2008, 10, 15), "2008年10月15日"),
    ("ko", partial(1987, precision=YEAR), "1987년"),
    ("ko", JULY_1996, "1996년 7월"),
    ("ko", partial(2008, 10, 15), "2008년 10월 15일"),
    ("zh-hans", partial(1987, precision=YEAR), "1987年"),
    ("zh-hans", JULY_1996, "1996年7月"),
    ("zh-hans", partial(2008, 10, 15), "2008年10月15日"),
]


@pytest.mark.parametrize("language, value, text", LOCALE_FORMS)
def test_every_locale_writes_each_precision_and_reads_it_back(language, value, text):
    with translation.override(language):
        assert format_partial_date(value.date, value.precision) == text == str(value)
        assert parse_partial_date(text) == value


REFUSED = [
    ("1996-02-30", "no_such_day", "1996-02 has 29 days"),
    ("1997年2月29日", "no_such_day", "1997-02 has 28 days"),
    ("1996-13", "no_such_month", "months run from 1 to 12"),
    ("1996年0月", "no_such_month", "months run from 1 to 12"),
    ("平成32年", "outside_era", "1989-01-08 to 2019-04-30"),
    ("平成31年5月", "outside_era", "1989-01-08 to 2019-04-30"),
    ("平成元年1月7日", "outside_era", "1989-01-08 to 2019-04-30"),
    ("平成0年", "outside_era", "1989-01-08 to 2019-04-30"),
    ("昭和65年", "outside_era", "1926-12-25 to 1989-01-07"),
    ("大正16年", "outside_era", "1912-07-30 to 1926-12-24"),
    ("明治46年", "outside_era", "1868-01-01 to 1912-07-29"),
    ("令和元年4月", "outside_era", "which began on 2019-05-01"),
    ("明治3年5月", "lunar_calendar", "lunar calendar"),
    ("13/1996", "invalid", "2008-10-15"),
    ("96年7月", "invalid", "2008-10-15"),
    ("1996-07/01", "invalid", "2008-10-15"),
    ("Juli 1996", "invalid", "2008-10-15"),
    ("1996年度", "invalid", "2008-10-15"),
    ("0000", "invalid", "2008-10-15"),
    ("x" * 1000, "invalid", "2008-10-15"),
]


@pytest.mark.parametrize("text, code, words", REFUSED, ids=[text[:20] for text, *_ in REFUSED])
def test_what_is_no_date_is_refused_saying_why(text, code, words):
    with pytest.raises(UnreadableDate) as raised:
        parse_partial_date(text)
    assert raised.value.code == code
    assert words in str(raised.value)
    assert text[:40] in str(raised.value)


def test_the_refusal_is_in_the_readers_language():
    with translation.override("ja"), pytest.raises(UnreadableDate) as raised:
        parse_partial_date("1996-02-30")
    assert "29" in str(raised.value) and "1996-02" in str(raised.value)
    assert "days" not in str(raised.value)


@pytest.mark.django_db
@pytest.mark.parametrize("format_name", ["json", "yaml", "xml", "python"])
def test_serializers_write_the_date_alone_beside_its_precision(format_name):
    """Forms read a partial date from the field as a date with its precision; fixtures and
    backups (Django's serializers) still get the ISO date, and load it back."""
    tie = make.tie(established=JULY_1996.date, established_precision=MONTH)
    written = serializers.serialize(format_name, [tie])
    if format_name == "python":
        assert written[0]["fields"]["established"] == "1996-07-01"
    else:
        assert "1996-07-01" in written
    (loaded,) = serializers.deserialize(format_name, written)
    assert (loaded.object.established, loaded.object.established_precision) == (
        JULY_1996.date,
        MONTH,
    )


# --- declared once, found everywhere --------------------------------------------------------------

DATED_MODELS = [
    model
    for model in apps.get_app_config("exchanges").get_models()
    if partial_date_pairs(model) and not model.__name__.startswith("Historical")
]


def test_every_precision_field_belongs_to_a_partial_date():
    """A ``*_precision`` field declared by hand, outside ``partial_date_fields``, is found."""
    assert {model.__name__ for model in DATED_MODELS} == {
        "FirmPartner",
        "SisterTie",
        "OverseasOffice",
        "Mission",
        "Source",
    }
    for model in apps.get_app_config("exchanges").get_models():
        for field in model._meta.concrete_fields:
            if field.name.endswith("_precision"):
                assert isinstance(field, DatePrecisionField), field
                date_field = model._meta.get_field(field.entered_with)
                assert isinstance(date_field, PartialDateField), field


@isolate_apps("exchanges")
def test_a_partial_date_without_its_precision_is_reported():
    class Dated(models.Model):
        when = PartialDateField(null=True, blank=True)

        class Meta:
            app_label = "exchanges"

        def __str__(self) -> str:
            return str(self.when)

    assert [error.id for error in Dated._meta.get_field("when").check()] == ["exchanges.E010"]


def admin_form(model, superuser):
    request = RequestFactory().get("/")
    request.user = superuser
    return admin.site._registry[model].get_form(request)


@pytest.mark.django_db
@pytest.mark.parametrize("model", DATED_MODELS, ids=lambda model: model.__name__)
def test_every_admin_and_model_form_shows_each_partial_date_as_one_text_box(model, superuser):
    for form_class in (admin_form(model, superuser), modelform_factory(model, fields="__all__")):
        form = form_class()
        for date_name, precision_name in partial_date_pairs(model):
            field = form.fields[date_name]
            model_field = model._meta.get_field(date_name)
            assert isinstance(field, PartialDateFormField)
            assert field.label == capfirst(model_field.verbose_name)
            assert "1996年7月" in str(field.help_text) and "平成8年7月" in str(field.help_text)
            assert precision_name not in form.fields
            html = str(form[date_name])
            assert 'type="text"' in html and "vDateField" not in html


# --- the form field -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_model_form_sets_the_date_and_its_precision_from_one_text():
    region_a, region_b = make.region(), make.region(country="KR")
    form = modelform_factory(SisterTie, fields="__all__")(
        {
            "region_a": region_a.pk,
            "region_b": region_b.pk,
            "tie_type": "sister",
            "status": "ended",
            "established": "平成8年7月",
            "ended": "2008",
        }
    )
    assert form.is_valid(), form.errors
    tie = form.save()
    tie.refresh_from_db()
    assert (tie.established, tie.established_precision) == (datetime.date(1996, 7, 1), MONTH)
    assert (tie.ended, tie.ended_precision) == (datetime.date(2008, 1, 1), YEAR)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("precision", [YEAR, MONTH, DAY])
def test_a_form_shows_the_stored_date_in_the_readers_locale_and_reads_it_back(language, precision):
    value = {YEAR: partial(1987, precision=YEAR), MONTH: JULY_1996, DAY: partial(2008, 10, 15)}[
        precision
    ]
    tie = make.tie(established=value.date, established_precision=precision)
    form_class = modelform_factory(SisterTie, fields="__all__")
    with translation.override(language):
        shown = form_class(instance=tie)["established"].value()
        assert shown == format_partial_date(value.date, precision)
        data = {name: form_class(instance=tie)[name].value() for name in form_class.base_fields}
        again = form_class({k: v for k, v in data.items() if v is not None}, instance=tie)
        assert again.is_valid(), again.errors
        assert "established" not in again.changed_data
    again.save()
    tie.refresh_from_db()
    assert (tie.established, tie.established_precision) == (value.date, precision)


def test_a_change_of_precision_alone_is_a_change():
    field = PartialDateFormField()
    assert field.has_changed(JULY_1996, "1996")  # 1 January 1996 to the year, not July
    assert field.has_changed(partial(1996, precision=YEAR), "1996-01")
    assert not field.has_changed(partial(1996, precision=YEAR), "1996年")
    assert not field.has_changed(None, "")
    assert field.has_changed(None, "1996")


@pytest.mark.django_db
def test_a_date_that_cannot_be_read_is_refused_naming_the_field():
    form = modelform_factory(Mission, fields="__all__")(
        {"name_en": "Mission", "kind": "trade", "start": "13/1996"}
    )
    assert not form.is_valid()
    (message,) = form.errors["start"]
    assert message.startswith("Start: “13/1996” is not a date")
    assert "1996年7月" in message and "July 1996" in message
    with translation.override("ko"):
        form = modelform_factory(Mission, fields="__all__")(
            {"name_en": "Mission", "kind": "trade", "start": "1996-02-30"}
        )
        (message,) = form.errors["start"]
    assert message.startswith("시작") and "1996-02-30" in message


def test_the_field_alone_takes_dates_and_gives_none_for_nothing():
    field = PartialDateFormField(required=False, label="When")
    assert field.clean("") is None
    assert field.clean(datetime.date(2001, 2, 3)) == partial(2001, 2, 3)
    with pytest.raises(ValidationError) as raised:
        field.clean("someday")
    assert raised.value.messages[0].startswith("When: “someday”")


# --- the admin, in Japanese and Korean ------------------------------------------------------------


def localised(language, url_name, *args):
    with translation.override(language):
        return reverse(url_name, args=args)


def form_data(client, url, **values) -> dict:
    """The form at ``url`` as a browser sends it back, with ``values`` typed in."""
    data = change_form_data(client.get(url))
    data.update(values)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("language, shown", [("ja", "1996年7月"), ("ko", "1996년 7월")])
def test_staff_add_a_tie_typing_the_month_and_see_it_back_in_their_language(
    admin_client, language, shown
):
    region_a, region_b = make.region(), make.region(country="KR")
    add = localised(language, "admin:exchanges_sistertie_add")
    page = admin_client.get(add).content.decode()
    assert 'name="established"' in page and "established_precision" not in page
    response = admin_client.post(
        add,
        form_data(
            admin_client,
            add,
            region_a=region_a.pk,
            region_b=region_b.pk,
            tie_type="sister",
            status="active",
            established="1996年7月",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    tie = SisterTie.objects.get(region_a=region_a)
    assert (tie.established, tie.established_precision) == (datetime.date(1996, 7, 1), MONTH)

    change = localised(language, "admin:exchanges_sistertie_change", tie.pk)
    form = admin_client.get(change)
    assert form.context["adminform"].form["established"].value() == shown
    assert f'name="established" value="{shown}"' in form.content.decode()
    # Saved back unchanged, it stays July 1996.
    assert admin_client.post(change, change_form_data(form)).status_code == 302
    tie.refresh_from_db()
    assert (tie.established, tie.established_precision) == (datetime.date(1996, 7, 1), MONTH)


@pytest.mark.django_db
def test_staff_change_a_date_to_the_year_alone(admin_client):
    tie = make.tie(established=datetime.date(1996, 7, 1), established_precision=MONTH)
    change = localised("ja", "admin:exchanges_sistertie_change", tie.pk)
    response = admin_client.post(change, form_data(admin_client, change, established="平成8年"))
    assert response.status_code == 302
    tie.refresh_from_db()
    assert (tie.established, tie.established_precision) == (datetime.date(1996, 1, 1), YEAR)
    assert tie.history.latest().established_precision == YEAR


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model, field",
    [
        (SisterTie, "established"),
        (OverseasOffice, "opened"),
        (Mission, "start"),
        (Source, "published"),
    ],
)
def test_the_admin_refuses_an_unreadable_date_naming_the_field(admin_client, model, field):
    record = make.build(model)
    change = localised("ja", f"admin:exchanges_{model._meta.model_name}_change", record.pk)
    response = admin_client.post(change, form_data(admin_client, change, **{field: "1996年13月"}))
    assert response.status_code == 200
    with translation.override("ja"):
        label = str(capfirst(model._meta.get_field(field).verbose_name))
    (message,) = response.context["adminform"].form.errors[field]
    assert message.startswith(label) and "「1996年13月」" in message
    assert list(response.context["adminform"].form.errors) == [field]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model, field", [(SisterTie, "established"), (OverseasOffice, "opened"), (Mission, "start")]
)
def test_the_admin_lists_drill_down_by_date_and_show_it_to_its_precision(
    admin_client, model, field
):
    token = make.new_token()
    dated = make.build(model, token, **{field: JULY_1996.date, f"{field}_precision": MONTH})
    make.build(model, token, **make.year(field, 2001))
    url = localised("ja", f"admin:exchanges_{model._meta.model_name}_changelist")
    response = admin_client.get(url, {"q": token, f"{field}__year": "1996"})
    assert [record.pk for record in response.context["cl"].result_list] == [dated.pk]
    assert "1996年7月" in response.content.decode()
    months = admin_client.get(url, {"q": token, f"{field}__year": "1996", f"{field}__month": "7"})
    assert [record.pk for record in months.context["cl"].result_list] == [dated.pk]


# --- the rules, on the box staff see --------------------------------------------------------------


@pytest.mark.django_db
def test_an_end_before_the_establishment_is_reported_on_the_end_box(admin_client):
    region_a, region_b = make.region(), make.region(country="KR")
    add = localised("ja", "admin:exchanges_sistertie_add")
    response = admin_client.post(
        add,
        form_data(
            admin_client,
            add,
            region_a=region_a.pk,
            region_b=region_b.pk,
            tie_type="sister",
            status="ended",
            established="1996年7月",
            ended="1996年",  # 1 January 1996: before July
        ),
    )
    assert response.status_code == 200
    rule = next(
        constraint
        for constraint in SisterTie._meta.constraints
        if constraint.name == "sistertie_ended_not_before_established"
    )
    with translation.override("ja"):
        message = str(rule.violation_error_message)
    assert response.context["adminform"].form.errors == {"ended": [message]}


@pytest.mark.django_db
def test_a_precision_rule_left_out_of_a_form_is_checked_and_shown_on_its_date():
    """A form leaves the precision out (it has no input): its rules still run, on the date."""
    tie = SisterTie(
        region_a=make.region(),
        region_b=make.region(country="KR"),
        tie_type="sister",
        established=datetime.date(1987, 6, 1),
        established_precision=YEAR,
    )
    with pytest.raises(ValidationError) as raised:
        tie.full_clean(exclude=["established_precision"])
    assert raised.value.message_dict == {
        "established": ["A date known only to the year is entered as 1 January of that year."]
    }
    with pytest.raises(ValidationError) as raised:
        tie.full_clean()  # the API's way: the precision is a field of its own
    assert list(raised.value.message_dict) == ["established"]


@pytest.mark.django_db
def test_a_precision_refused_by_the_database_in_a_race_shows_on_its_date(superuser):
    tie = make.tie()
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        SisterTie.objects.filter(pk=tie.pk).update(established=datetime.date(1996, 7, 1))
    violation = violation_of(raised.value)
    assert violation.field == "established_precision"
    form_class = admin_form(SisterTie, superuser)
    raced = type(form_class.__name__, (form_class,), {"database_violation": violation})
    data = {
        "region_a": tie.region_a_id,
        "region_b": tie.region_b_id,
        "tie_type": tie.tie_type,
        "status": tie.status,
        "established": "1996年7月",
    }
    form = raced(data, instance=tie)
    assert not form.is_valid()
    assert form.errors == {"established": [violation.message]}


# --- spreadsheet imports --------------------------------------------------------------------------

TieResource = resource_for(SisterTie)


def tie_rows(*rows: dict, headers=None) -> tablib.Dataset:
    region_a, region_b = make.region(), make.region(country="KR")
    headers = headers or ["region_a", "region_b", "tie_type", "status", "established"]
    dataset = tablib.Dataset(headers=headers)
    base = {"region_a": region_a.slug, "region_b": region_b.slug, "status": "active"}
    for row in rows:
        values = {**base, **row}
        dataset.append([values.get(header, "") for header in headers])
    return dataset


def imported(dataset):
    result = TieResource().import_data(dataset, dry_run=False)
    return result, list(SisterTie.objects.filter(pk__in=[row.object_id for row in result.rows]))


@pytest.mark.django_db
def test_an_import_reads_the_dates_as_people_write_them_without_a_precision_column():
    result, ties = imported(
        tie_rows(
            {"tie_type": "sister", "established": "1996年7月"},
            {"tie_type": "friendship", "established": "平成8年"},
            {"tie_type": "other", "established": "Oct. 15, 2008"},
        )
    )
    assert not result.has_validation_errors() and not result.has_errors()
    assert sorted((tie.established, tie.established_precision) for tie in ties) == [
        (datetime.date(1996, 1, 1), YEAR),
        (datetime.date(1996, 7, 1), MONTH),
        (datetime.date(2008, 10, 15), DAY),
    ]


@pytest.mark.django_db
def test_an_empty_precision_cell_takes_what_the_date_says_a_filled_one_is_kept():
    headers = ["region_a", "region_b", "tie_type", "status", "established", "established_precision"]
    result, ties = imported(
        tie_rows(
            {"tie_type": "sister", "established": "1996년 7월", "established_precision": ""},
            # What the export writes: the ISO date and its precision.
            {
                "tie_type": "friendship",
                "established": "1996-07-01",
                "established_precision": "month",
            },
            {"tie_type": "other", "established": "1987-01-01", "established_precision": "year"},
            headers=headers,
        )
    )
    assert not result.has_validation_errors()
    assert sorted((tie.tie_type, tie.established, tie.established_precision) for tie in ties) == [
        ("friendship", datetime.date(1996, 7, 1), MONTH),
        ("other", datetime.date(1987, 1, 1), YEAR),
        ("sister", datetime.date(1996, 7, 1), MONTH),
    ]


@pytest.mark.django_db
def test_an_exported_sheet_imports_back_unchanged():
    tie = make.tie(established=datetime.date(1996, 7, 1), established_precision=MONTH)
    exported = TieResource().export(SisterTie.objects.filter(pk=tie.pk))
    assert (exported["established"][0], exported["established_precision"][0]) == (
        "1996-07-01",
        "month",
    )
    result = TieResource().import_data(exported, dry_run=True, raise_errors=True)
    assert [row.import_type for row in result.rows] == ["skip"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "row, words",
    [
        ({"established": "1996年13月"}, "months run from 1 to 12"),
        ({"established": "1996-02-30"}, "1996-02 has 29 days"),
        ({"established": "sometime in 1996"}, "2008-10-15"),
        ({"established": "1996-07", "established_precision": "day"}, "gives the month"),
    ],
)
def test_a_bad_date_is_a_row_error_naming_the_sheet_row_and_the_column(row, words):
    headers = ["region_a", "region_b", "tie_type", "status", "established", "established_precision"]
    dataset = tie_rows(
        {"tie_type": "sister", "established": "1996"},
        {"tie_type": "friendship", **row},
        headers=headers,
    )
    result = TieResource().import_data(dataset, dry_run=True)
    (invalid,) = result.invalid_rows
    (message,) = invalid.field_specific_errors["established"]
    assert message.startswith("Row 3, column established: ")  # the header is row 1
    assert words in message


@pytest.mark.django_db
def test_an_xlsx_import_through_the_admin_takes_date_cells_numbers_and_texts(admin_client):
    region_a, region_b = make.region(), make.region(country="KR")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["region_a", "region_b", "tie_type", "status", "established"])
    sheet.append([region_a.slug, region_b.slug, "sister", "active", datetime.date(2008, 10, 15)])
    sheet.append([region_a.slug, region_b.slug, "friendship", "active", 1987])
    sheet.append([region_a.slug, region_b.slug, "other", "active", "令和元年5月"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with translation.override("ja"):
        url = reverse("admin:exchanges_sistertie_import")
    response = admin_client.post(
        url,
        {
            "resource": "0",
            "format": str(spreadsheets.IMPORT_FORMATS.index(spreadsheets.XLSX)),
            "import_file": SimpleUploadedFile("ties.xlsx", buffer.getvalue()),
        },
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.has_validation_errors() and not result.has_errors()
    confirm = response.context["confirm_form"]
    with translation.override("ja"):
        process = reverse("admin:exchanges_sistertie_process_import")
    confirmed = admin_client.post(process, {name: confirm[name].value() for name in confirm.fields})
    assert confirmed.status_code == 302
    ties = SisterTie.objects.filter(region_a=region_a)
    assert sorted((tie.established, tie.established_precision) for tie in ties) == [
        (datetime.date(1987, 1, 1), YEAR),
        (datetime.date(2008, 10, 15), DAY),
        (datetime.date(2019, 5, 1), MONTH),
    ]


@pytest.mark.django_db
def test_a_fractional_number_cell_is_refused_as_ambiguous():
    dataset = tie_rows({"tie_type": "sister", "established": 1996.1})
    (invalid,) = TieResource().import_data(dataset, dry_run=True).invalid_rows
    (message,) = invalid.field_specific_errors["established"]
    assert message.startswith("Row 2, column established: ") and "1996.10" in message


# --- the API keeps its ISO date and precision -----------------------------------------------------


def test_the_api_describes_its_dates_as_before():
    field = SisterTieSerializer().fields["established"]
    assert str(field.help_text) == str(PartialDateField.stored_help_text)


@pytest.mark.django_db
def test_the_api_takes_an_iso_date_and_its_precision_not_what_people_write(superuser):
    region_a, region_b = make.region(), make.region(country="KR")
    body = {"region_a": region_a.pk, "region_b": region_b.pk, "tie_type": "sister"}
    client = token_client(superuser)
    refused = client.post("/api/v1/ties/", {**body, "established": "1996年7月"}, format="json")
    assert refused.status_code == 400 and list(refused.json()) == ["established"]
    taken = client.post(
        "/api/v1/ties/",
        {**body, "established": "1996-07-01", "established_precision": "month"},
        format="json",
    )
    assert taken.status_code == 201
    assert (taken.json()["established"], taken.json()["established_precision"]) == (
        "1996-07-01",
        "month",
    )
