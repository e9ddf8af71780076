"""Paging of the API's lists, with its parameters checked instead of silently replaced."""

import re

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

POSITIVE_INTEGER = re.compile(r"0*[1-9][0-9]*")
# A longer page number is past any last page (and past what int() reads without a limit).
MAX_DIGITS = 18


class DirectoryPagination(PageNumberPagination):
    """50 records a page; ``page_size`` from 1 to 500 and ``page`` a positive whole number, or
    400 naming the parameter. A page beyond the last stays 404, as DRF answers it."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    last_page_strings = ()  # the schema promises a number; "last" is not one

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is None or value == "":
            return self.page_size
        digits = value.lstrip("0")
        if (
            not POSITIVE_INTEGER.fullmatch(value)
            or len(digits) > MAX_DIGITS
            or int(digits) > self.max_page_size
        ):
            message = _("%(parameter)s must be a whole number from 1 to %(maximum)d.") % {
                "parameter": self.page_size_query_param,
                "maximum": self.max_page_size,
            }
            raise ValidationError({self.page_size_query_param: [message]})
        return int(digits)

    def paginate_queryset(self, queryset, request, view=None):
        self.check_page(request)
        return super().paginate_queryset(queryset, request, view)

    def check_parameters(self, request) -> None:
        """400 naming ``page`` or ``page_size`` when either is not as documented; also for a
        download, which reads every page but is asked with the same parameters."""
        self.get_page_size(request)
        self.check_page(request)

    def check_page(self, request) -> None:
        value = request.query_params.get(self.page_query_param)
        if value is not None:
            if not POSITIVE_INTEGER.fullmatch(value):
                message = _("%(parameter)s must be a whole number from 1.") % {
                    "parameter": self.page_query_param
                }
                raise ValidationError({self.page_query_param: [message]})
            if len(value.lstrip("0")) > MAX_DIGITS:
                raise NotFound(self.invalid_page_message)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters
