"""Logs an operator can follow: one JSON object per line on standard output, each carrying the
id of the request it belongs to.

Every request gets an id (``RequestIdMiddleware``): a new one, or the ``X-Request-ID`` that a
trusted proxy in front of the site passed on. It is sent back in the response's
``X-Request-ID`` header, shown on the error page, and added to every log record written while
the request is served, so that the one line a reader quotes finds its traceback.
"""

import contextvars
import logging
import re
import uuid

from django.conf import settings
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
ACCEPTED_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "current_request_id", default=""
)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        passed_on = request.headers.get(REQUEST_ID_HEADER, "")
        if settings.TRUSTED_PROXY_COUNT > 0 and ACCEPTED_REQUEST_ID.fullmatch(passed_on):
            request.id = passed_on
        else:
            request.id = uuid.uuid4().hex
        # Kept until the request is finished (``forget_request_id``): Django logs the status of
        # an error answer after the middleware has returned it.
        current_request_id.set(request.id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.id
        return response


def forget_request_id(**kwargs) -> None:
    """Connected to ``request_finished``: what is logged between requests belongs to none."""
    current_request_id.set("")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (empty outside a request) to every record."""

    def filter(self, record):
        record.request_id = current_request_id.get()
        return True


class JSONLineFormatter(JsonFormatter):
    """One JSON object per event: time, level, logger, message, request id, and the traceback
    of an error as a single string field. Django's request log records carry the request
    object itself; it is written as its method and path."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "{asctime}{levelname}{name}{message}{request_id}")
        kwargs.setdefault("style", "{")
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        kwargs.setdefault("timestamp", False)
        super().__init__(*args, **kwargs)

    def add_fields(self, log_data, record, message_dict):
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            record.request = f"{request.method} {request.path}"
        super().add_fields(log_data, record, message_dict)
