"""Answers for requests the database refused to finish."""

from django.db import OperationalError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

# SQLSTATE of a statement cancelled by statement_timeout (PostgreSQL's query_canceled).
QUERY_CANCELED = "57014"


class StatementTimeoutMiddleware:
    """A request whose SQL ran past ``DATABASE_STATEMENT_TIMEOUT`` answers 503 and says why,
    so that the reader can narrow the request; anything else goes on to the usual handling."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError):
            return None
        if getattr(exception.__cause__, "pgcode", None) != QUERY_CANCELED:
            return None
        message = _(
            "This request needs more work than the server gives one request. "
            "Narrow it with more filters, or download the rows in parts."
        )
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = render(request, "503.html", {"message": message}, status=503)
        response["Retry-After"] = "60"
        return response
