"""Every record type, checked the same way: its pages, filters, sorts, downloads, admin and API
(the bases in record_type_cases.py), each on records built for the test."""

import pytest

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
