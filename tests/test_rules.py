"""Each database rule is declared once, as a constraint with its message, and every face that
writes records (``full_clean()``, a ModelForm, the admin, the API, the database itself) reports
it with that message on the same field.

The generic tests walk every constraint of every model, so a new rule is covered as soon as it
is declared; the representative ones break a rule through each face with records built here.
"""

from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.forms import modelform_factory
from django.test import RequestFactory

from exchanges.api.serializers import DirectorySerializer
from exchanges.integrity import rules, violation_of
from exchanges.models import Firm, Mission, Region, SisterTie
from exchanges.models.base import partial_date_pairs
from exchanges.models.rules import RuledModel, constraint_field, entered_with

from .test_admin import admin_url, change_form_data
from .test_api import token_client
from .test_i18n import LOCALES, catalogue

pytestmark = pytest.mark.django_db

MODELS = [
    model for model in apps.get_app_config("exchanges").get_models() if model._meta.constraints
]
RULES = [
    pytest.param(model, constraint, id=constraint.name)
    for model in MODELS
    for constraint in model._meta.constraints
]
SERIALIZERS = {
    serializer.Meta.model: serializer for serializer in DirectorySerializer.__subclasses__()
}


def message_of(constraint) -> str:
    return str(constraint.get_violation_error_message())


# --- every rule ---------------------------------------------------------------------------------


def test_the_rules_are_found():
    assert {model.__name__ for model in MODELS} >= {
        "Citation",
        "Firm",
        "Mission",
        "OverseasOffice",
        "Region",
        "SalesRoute",
        "SisterTie",
        "Source",
    }


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_model_with_rules_reports_them_on_their_fields(model):
    assert issubclass(model, RuledModel)


@pytest.mark.parametrize("model, constraint", RULES)
def test_every_rule_has_its_own_message_and_a_real_field(model, constraint):
    assert isinstance(constraint, models.CheckConstraint | models.UniqueConstraint)
    assert constraint.violation_error_message != constraint.default_violation_error_message
    name = constraint_field(model, constraint)
    assert name is not None
    rule_field = model._meta.get_field(name)
    assert rule_field.concrete and rule_field.editable and not rule_field.primary_key


@pytest.mark.parametrize("model, constraint", RULES)
def test_the_database_path_names_the_same_field_and_message(model, constraint):
    """What ``integrity.violation_of`` answers when the database refuses a racing write."""
    by_name, _by_columns = rules()
    rule = by_name[constraint.name]
    assert (rule.field, rule.message()) == (
        constraint_field(model, constraint),
        message_of(constraint),
    )


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_no_two_rules_of_a_model_give_the_same_message_on_the_same_field(model):
    """A message on a field names one rule. (Rules declared by one helper for two columns, the
    precision of two dates or the currency of two amounts, share a message on their own
    fields.)"""
    placed = [
        (constraint_field(model, constraint), message_of(constraint))
        for constraint in model._meta.constraints
    ]
    assert len(placed) == len(set(placed))


@pytest.mark.parametrize("model, constraint", RULES)
def test_every_rule_message_is_translated(model, constraint):
    for locale in LOCALES.values():
        assert message_of(constraint) in catalogue(locale), locale


@pytest.mark.parametrize("model, constraint", RULES)
def test_every_rule_field_is_on_the_admin_form_and_in_the_api(model, constraint, superuser):
    """On the admin form, a partial date's precision is typed in its date's text box."""
    name = constraint_field(model, constraint)
    model_admin = admin.site._registry.get(model)
    if model_admin is not None:
        request = RequestFactory().get("/")
        request.user = superuser
        assert entered_with(model, name) in flatten_fieldsets(model_admin.get_fieldsets(request))
    serializer = SERIALIZERS.get(model)
    if serializer is not None:
        writable = {f.source for f in serializer().fields.values() if not f.read_only}
        assert name in writable


# --- representative rules, through every face -------------------------------------------------


def regions() -> tuple[Region, Region]:
    return (
        Region.objects.create(slug="rules-east", name_en="Rules East", country="JP", level="city"),
        Region.objects.create(slug="rules-west", name_en="Rules West", country="KR", level="city"),
    )


@dataclass
class Case:
    """A record that breaks the rule ``constraint``: ``make()`` saves what it needs first and
    returns the field values, as a form or a JSON body gives them."""

    model: type
    constraint: str
    field: str
    make: object
    api: str
    # A form's one text box for a partial date cannot claim a precision its value contradicts.
    through_forms: bool = True

    @property
    def rule(self):
        return next(c for c in self.model._meta.constraints if c.name == self.constraint)


def partial_date():
    """A year that is not 1 January: only the API, which takes the precision apart, can say so."""
    east, west = regions()
    return {
        "region_a": east.pk,
        "region_b": west.pk,
        "tie_type": "sister",
        "status": "active",
        "established": "1987-06-01",
        "established_precision": "year",
    }


def end_before_establishment():
    """ISO days, which the admin's text box reads as the API does (its precisions aside)."""
    east, west = regions()
    return {
        "region_a": east.pk,
        "region_b": west.pk,
        "tie_type": "sister",
        "status": "ended",
        "established": "1996-07-01",
        "established_precision": "day",
        "ended": "1996-01-01",
        "ended_precision": "day",
    }


def duplicate_tie():
    east, west = regions()
    SisterTie.objects.create(region_a=east, region_b=west, tie_type="sister")
    return {"region_a": west.pk, "region_b": east.pk, "tie_type": "sister", "status": "active"}


def amount_without_currency():
    return {
        "name_en": "Rules Trading Co.",
        "kind": "company",
        "country": "JP",
        "registered_capital": "50",
        "capital_unit": "1",
        "sales_unit": "1",
    }


def end_before_start():
    return {
        "name_en": "Rules mission",
        "kind": "trade",
        "status": "held",
        "start": "2009-08-02",
        "start_precision": "day",
        "end": "2009-08-01",
        "end_precision": "day",
    }


def plan_reported_with_unknown_status():
    return {
        "name_en": "Rules mission",
        "kind": "trade",
        "status": "unknown",
        "status_reported": "2021-09-30",
        "status_reported_precision": "day",
    }


def region(**location):
    return {
        "slug": "rules-point",
        "name_en": "Rules Point",
        "country": "JP",
        "level": "city",
        "coordinates_basis": "source",
        **location,
    }


CASES = [
    Case(
        SisterTie,
        "sistertie_established_year_is_january_first",
        "established",
        partial_date,
        "/api/v1/ties/",
        through_forms=False,
    ),
    Case(
        SisterTie,
        "sistertie_ended_not_before_established",
        "ended",
        end_before_establishment,
        "/api/v1/ties/",
    ),
    Case(SisterTie, "sistertie_unique_pair_and_type", "tie_type", duplicate_tie, "/api/v1/ties/"),
    Case(
        Firm,
        "firm_capital_currency_given",
        "capital_currency",
        amount_without_currency,
        "/api/v1/firms/",
    ),
    Case(Mission, "mission_end_not_before_start", "end", end_before_start, "/api/v1/missions/"),
    Case(
        Mission,
        "mission_status_reported_with_known_status",
        "status_reported",
        plan_reported_with_unknown_status,
        "/api/v1/missions/",
    ),
    Case(
        Region,
        "region_coordinates_paired",
        "longitude",
        lambda: region(latitude="35.5"),
        "/api/v1/regions/",
    ),
    Case(
        Region,
        "region_latitude_range",
        "latitude",
        lambda: region(latitude="95", longitude="139.5"),
        "/api/v1/regions/",
    ),
]
BY_CASE = pytest.mark.parametrize("case", CASES, ids=lambda case: case.constraint)
BY_FORM_CASE = pytest.mark.parametrize(
    "case", [case for case in CASES if case.through_forms], ids=lambda case: case.constraint
)


@BY_CASE
def test_each_case_names_the_field_its_rule_goes_on(case):
    assert constraint_field(case.model, case.rule) == case.field


@BY_FORM_CASE
def test_a_model_form_and_full_clean_report_the_rule_on_its_field(case):
    form = modelform_factory(case.model, fields="__all__")(case.make())
    assert form.errors == {case.field: [message_of(case.rule)]}
    with pytest.raises(ValidationError) as raised:
        form.instance.full_clean()
    assert raised.value.message_dict == {case.field: [message_of(case.rule)]}


@BY_FORM_CASE
def test_the_admin_reports_the_rule_on_its_field(case, admin_client):
    data = case.make()
    before = case.model.objects.count()
    add = admin_url(case.model, "add")
    response = admin_client.post(add, {**change_form_data(admin_client.get(add)), **data})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {case.field: [message_of(case.rule)]}
    assert case.model.objects.count() == before


@BY_CASE
def test_the_api_reports_the_rule_on_its_field(case, superuser):
    data = case.make()
    before = case.model.objects.count()
    response = token_client(superuser).post(case.api, data, format="json")
    assert (response.status_code, response.json()) == (
        400,
        {case.field: [message_of(case.rule)]},
    )
    assert case.model.objects.count() == before


@BY_CASE
def test_the_database_refuses_the_rule_naming_the_same_field(case):
    """The last line: a save past every check (a race) is refused with the same answer."""
    data = case.make()
    form = modelform_factory(case.model, fields="__all__")(data)
    assert form.is_valid() is not case.through_forms
    record = form.instance
    # The precisions as the API writes them, apart from their dates.
    for _date, precision in partial_date_pairs(case.model):
        if precision in data:
            setattr(record, precision, data[precision])
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        record.save()
    violation = violation_of(raised.value)
    assert (violation.field, violation.message) == (case.field, message_of(case.rule))
