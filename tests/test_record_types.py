"""Every record type, checked the same way: its pages, filters, sorts, downloads, admin and API
(the bases in record_type_cases.py), each on records built for the test."""

import pytest

from exchanges.models import ExchangeArea, Region, SalesRoute

from . import factories as make
from .record_type_cases import (
    AdminTestCases,
    APIViewTestCases,
    FilterSetTestCases,
    ViewTestCases,
    api,  # noqa: F401  (fixtures)
    record_type,  # noqa: F401
    staff,  # noqa: F401
    writer,  # noqa: F401
)

pytestmark = pytest.mark.django_db


class TestPages(ViewTestCases.ListPage, ViewTestCases.DetailPage):
    pass


class TestFilters(ViewTestCases.Filters, FilterSetTestCases.Coverage):
    pass


class TestSorting(ViewTestCases.Sorting, APIViewTestCases.Ordering):
    pass


class TestDownloads(ViewTestCases.Export):
    pass


class TestAdmin(AdminTestCases.Pages, AdminTestCases.ChangeForm):
    pass


class TestAPI(
    APIViewTestCases.List,
    APIViewTestCases.Retrieve,
    APIViewTestCases.Create,
    APIViewTestCases.Update,
    APIViewTestCases.Delete,
    APIViewTestCases.Brief,
):
    pass


@pytest.mark.parametrize("model", [ExchangeArea, SalesRoute, Region], ids=lambda m: m.__name__)
def test_a_model_without_a_builder_is_built_from_its_fields(model):
    """What a record type declared tomorrow is built with until it has a builder of its own."""
    token = make.new_token()
    record = make.built_from_fields(model, token)
    record.full_clean()
    assert model.objects.filter(pk=record.pk).exists()
