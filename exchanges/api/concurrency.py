"""ETags: optimistic locking for API writes (``If-Match``) and conditional reads
(``If-None-Match``, answered 304).

A record's ETag is a digest of its stored version (``integrity.record_version``) and of the data
the API gives for it, so that it also changes when a linked record it embeds (a tie's regions,
say) is renamed. A client reads a record with its ``ETag``, then sends ``If-Match: <etag>`` with
its PUT, PATCH or DELETE; if what it read has changed in between, the write is refused with 412
and nothing changes. The comparison runs inside the write's transaction with the record's row
locked, so two writes carrying the same ETag cannot both pass. Without ``If-Match`` the write
proceeds.

A list page's ETag is a digest of the page's data (its count, links and records), computed from
what is about to be sent, so it is exactly as fresh as the page. A read sending one of these in
``If-None-Match`` gets 304 without a body while it still holds.
"""

import hashlib
import json

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from ..integrity import record_version


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


def digest(*parts: str) -> str:
    return f'"{hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]}"'


def data_digest(data) -> str:
    """The serialized data as canonical JSON, independent of dict order."""
    return json.dumps(data, cls=JSONEncoder, sort_keys=True, ensure_ascii=False)


def etag_of(record, data) -> str:
    """The ETag of ``record`` as the API gives it: ``data`` is its serialized form."""
    return digest(record_version(record), data_digest(data))


def page_etag(data) -> str:
    return digest("page", data_digest(data))


def listed_tags(header: str) -> list[str]:
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def matches(header: str, etag: str) -> bool:
    """Whether ``If-Match`` lets a write through: ``*`` or one of its listed tags is the
    record's current one (strong comparison: a weak ``W/`` tag never matches)."""
    tags = listed_tags(header)
    return "*" in tags or etag in tags


def check_if_match(request, current_etag) -> None:
    """Refuses the write when ``If-Match`` names no current tag; ``current_etag`` is called
    only when the header is sent, since it serializes the record."""
    header = request.headers.get("If-Match")
    if header is not None and not matches(header, current_etag()):
        raise PreconditionFailed(
            _(
                "If-Match: the record has changed since the version you sent. Read it again "
                "(its ETag header is the current version) and repeat your change."
            )
        )


def not_modified(request, etag: str) -> Response | None:
    """304 when ``If-None-Match`` holds ``*`` or the current tag (weak comparison, as RFC 9110
    asks for reads: ``W/"x"`` matches ``"x"``); None when the client's copy is stale."""
    header = request.headers.get("If-None-Match")
    if header is None:
        return None
    tags = [tag.removeprefix("W/") for tag in listed_tags(header)]
    if "*" in tags or etag in tags:
        return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
    return None


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
    description=(
        "The record's current version, for If-Match on a later write and If-None-Match on a "
        "later read."
    ),
)
PAGE_ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    response=True,
    description="A digest of this page's content, for If-None-Match on a later read.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "ETags of copies you hold (or *). When one is still current the answer is 304 Not "
        "Modified without a body, carrying the ETag."
    ),
)
NOT_MODIFIED = OpenApiResponse(
    None, description="Not Modified: the ETag sent in If-None-Match is still current."
)
PRECONDITION_FAILED = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="If-Match named an older version of the record: it was changed meanwhile.",
)
