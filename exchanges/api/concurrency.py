"""Optimistic locking for API writes: an ETag on every record, ``If-Match`` honoured on writes.

A client reads a record with its ``ETag``, then sends ``If-Match: <etag>`` with its PUT, PATCH or
DELETE; if somebody saved the record in between, the write is refused with 412 and nothing
changes. The comparison runs inside the write's transaction with the record's row locked, so two
writes carrying the same ETag cannot both pass. Without ``If-Match`` the write proceeds.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import APIException

from ..integrity import record_version


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


def etag_of(record) -> str:
    return f'"{record_version(record)}"'


def matches(header: str, record) -> bool:
    """Whether ``If-Match`` lets a write to ``record`` through: ``*`` or one of its listed
    tags is the record's current one (strong comparison: a weak ``W/`` tag never matches)."""
    tags = [tag.strip() for tag in header.split(",") if tag.strip()]
    return "*" in tags or etag_of(record) in tags


def check_if_match(request, record) -> None:
    header = request.headers.get("If-Match")
    if header is not None and not matches(header, record):
        raise PreconditionFailed(
            _(
                "If-Match: the record has changed since the version you sent. Read it again "
                "(its ETag header is the current version) and repeat your change."
            )
        )


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "The ETag the record had when you read it, or *. When the record has changed since, "
        "the write is refused with 412 and nothing changes. Without it the write proceeds."
    ),
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    response=True,
    description="The record's current version, for If-Match on a later write.",
)
PRECONDITION_FAILED = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="If-Match named an older version of the record: it was changed meanwhile.",
)
