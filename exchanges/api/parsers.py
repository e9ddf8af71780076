"""Request bodies the API reads: bounded in size, and JSON bounded in depth.

DRF reads the request stream itself, so Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` never sees a
JSON or form body: these parsers apply it (``API_MAX_BODY_SIZE`` overrides it for the API), and
refuse JSON nested deeper than ``API_MAX_JSON_DEPTH`` (32) before Python's parser recurses into it.
No record of the directory nests more than three levels.
"""

import json
import re

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.utils import json as drf_json

DEFAULT_MAX_BODY_SIZE = 2_621_440  # Django's DATA_UPLOAD_MAX_MEMORY_SIZE default, 2.5 MB
DEFAULT_MAX_JSON_DEPTH = 32
# Strings first, so that brackets inside them are not counted; then every bracket.
JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
JSON_BRACKET = re.compile(r"[\[\]{}]")


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


def max_body_size() -> int | None:
    size = getattr(settings, "API_MAX_BODY_SIZE", None)
    if size is None:
        size = getattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", DEFAULT_MAX_BODY_SIZE)
    return size


def read_bounded(stream) -> bytes:
    """The whole body, or 413 as soon as it is longer than the limit (whatever Content-Length
    claimed: a chunked body has none)."""
    limit = max_body_size()
    if stream is None:
        return b""
    body = stream.read() if limit is None else stream.read(limit + 1)
    if limit is not None and len(body) > limit:
        raise RequestTooLarge(
            _("The request body is larger than %(limit)d bytes.") % {"limit": limit}
        )
    return body


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in ``text``, counted without parsing it."""
    depth = deepest = 0
    for bracket in JSON_BRACKET.findall(JSON_STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = read_bounded(stream).decode(encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise ParseError(
                _("The request body is not text in %(encoding)s.") % {"encoding": encoding}
            ) from error
        limit = getattr(settings, "API_MAX_JSON_DEPTH", DEFAULT_MAX_JSON_DEPTH)
        if json_depth(text) > limit:
            raise ParseError(
                _("The JSON body nests arrays and objects deeper than %(limit)d levels.")
                % {"limit": limit}
            )
        try:
            if self.strict:
                return drf_json.loads(text)
            return json.loads(text)
        except RecursionError as error:
            raise ParseError(_("The JSON body nests too deeply.")) from error
        except ValueError as error:
            raise ParseError(
                _("The JSON body is malformed: %(error)s") % {"error": error}
            ) from error


class BoundedFormParser(FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        return QueryDict(read_bounded(stream), encoding=encoding)
