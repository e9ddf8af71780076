"""``/api/v1/changes/``: every creation, update and deletion of the API's records, oldest first,
read from the change history (django-simple-history's tables), so that a partner mirroring the
directory reads only what changed since its last visit and learns of deletions.

Entries are ordered by (time, type, history id): the history id breaks ties within one type's
table and the type's place in ``FEED`` between tables, so many changes saved in the same
microsecond still come in one fixed order. A cursor is that triple for the last entry given,
encoded; the next page holds the entries strictly after it. Each page reads each history table
once, at most a page plus one of its rows through its ``history_date`` index, whatever the size
of the history: a constant number of queries per page.

A record's citations are part of it as the API shows it: adding, changing or removing one is
listed as an update of the cited record (read from the citations' own history, since a citation
saved on its own leaves no entry in the record's).

A change is listed from the moment its transaction commits; one committed after a client read
past its time (a long transaction) is not listed again, so a client that must miss nothing
starts its next read from a cursor a little older than its last, and ignores what it has.
"""

import base64
import binascii
import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from ..filters import UpdatedSinceField
from ..models import Citation
from ..models.querysets import is_cited
from ..record_types import record_types
from .pagination import DirectoryPagination

# (type in the feed: the API's name for it, model, the API's route name); the order breaks ties.
FEED = tuple((declared.short_name, declared.model, declared.name) for declared in record_types())
ACTIONS = {"+": "created", "~": "updated", "-": "deleted"}
CITATIONS_RANK = len(FEED)  # changes of citations come after every type's at the same moment


@dataclass(frozen=True, order=True)
class Position:
    """Where an entry stands in the feed; ``rank`` is its type's place in FEED (-1 stands before
    every type, for ``since``)."""

    time: datetime.datetime
    rank: int
    history_id: int

    def encode(self) -> str:
        text = f"{self.time.isoformat()}|{self.rank}|{self.history_id}"
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str) -> "Position":
        refused = ValidationError({"cursor": [_("Not a cursor this feed gave.")]})
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            time, rank, history_id = base64.urlsafe_b64decode(padded).decode().split("|")
            position = cls(parse_datetime(time), int(rank), int(history_id))
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise refused from None
        moment = position.time
        if moment is None or moment.tzinfo is None:
            raise refused
        if not (-1 <= position.rank <= CITATIONS_RANK and 0 <= position.history_id < 2**63):
            raise refused
        try:
            # In UTC, as the database compares it (PostgreSQL refuses offsets past ±15:59).
            utc = moment.astimezone(datetime.UTC)
        except OverflowError:
            raise refused from None
        return cls(utc, position.rank, position.history_id)


def after(position: Position | None, rank: int) -> Q:
    """The rows of the type at ``rank`` that come after ``position``."""
    if position is None:
        return Q()
    if rank < position.rank:
        return Q(history_date__gt=position.time)
    if rank == position.rank:
        return Q(history_date__gt=position.time) | Q(
            history_date=position.time, history_id__gt=position.history_id
        )
    return Q(history_date__gte=position.time)


def cited_types() -> dict[int, tuple[str, str]]:
    """The feed's type and route of each record type a citation can cite, by content type id."""
    return {
        ContentType.objects.get_for_model(model).pk: (kind, route)
        for kind, model, route in FEED
        if is_cited(model)
    }


def citation_entries(position: Position | None, size: int) -> list[dict]:
    """The changes of citations after ``position``, each as an update of the cited record.
    Their place among the types is after every type of FEED."""
    rank, types = CITATIONS_RANK, cited_types()
    rows = (
        Citation.history.filter(after(position, rank), content_type_id__in=types)
        .order_by("history_date", "history_id")
        .values_list("history_date", "history_id", "content_type_id", "object_id")
    )[: size + 1]
    return [
        {
            "position": Position(time, rank, history_id),
            "type": types[content_type][0],
            "route": types[content_type][1],
            "id": object_id,
            "action": ACTIONS["~"],
            "time": time,
        }
        for time, history_id, content_type, object_id in rows
    ]


def read_feed(position: Position | None, size: int) -> tuple[list[dict], bool]:
    """Up to ``size`` entries after ``position``, and whether more follow."""
    entries = citation_entries(position, size)
    for rank, (kind, model, route) in enumerate(FEED):
        rows = (
            model.history.filter(after(position, rank))
            .order_by("history_date", "history_id")
            .values_list("history_date", "history_id", model._meta.pk.attname, "history_type")
        )[: size + 1]
        entries += [
            {
                "position": Position(time, rank, history_id),
                "type": kind,
                "route": route,
                "id": pk,
                "action": ACTIONS[history_type],
                "time": time,
            }
            for time, history_id, pk, history_type in rows
        ]
    entries.sort(key=lambda entry: entry["position"])
    return entries[:size], len(entries) > size


class ChangeSerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=[kind for kind, _model, _route in FEED],
        help_text="The record's type, as the API names its endpoint.",
    )
    id = serializers.IntegerField(help_text="The record's id (a deleted record's id is kept).")
    action = serializers.ChoiceField(choices=list(ACTIONS.values()))
    time = serializers.DateTimeField(help_text="When the change was saved.")
    url = serializers.URLField(
        allow_null=True, help_text="The record in the API; null for a deletion."
    )


class ChangePageSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    cursor = serializers.CharField(
        allow_null=True,
        help_text=(
            "Where this page stopped: pass it as cursor to read on, now or later; null when "
            "there was nothing to read and no position was given."
        ),
    )
    next = serializers.URLField(
        allow_null=True, help_text="The next page, when more changes follow; else null."
    )


SINCE = OpenApiParameter(
    "since",
    OpenApiTypes.DATETIME,
    description=(
        "The changes saved at or after this ISO 8601 time (a date alone means its midnight in "
        "the site's time zone). Without since or cursor the feed starts at the first change."
    ),
)
CURSOR = OpenApiParameter(
    "cursor",
    OpenApiTypes.STR,
    description="The cursor of the previous page: the changes after it. Takes precedence over "
    "since.",
)
PAGE_SIZE = OpenApiParameter(
    "page_size",
    OpenApiTypes.INT,
    description=f"Entries a page: 1 to {DirectoryPagination.max_page_size}, "
    f"{DirectoryPagination.page_size} unless given.",
)


class ChangeFeedView(APIView):
    """Creations, updates and deletions of regions, ties, firms, offices, missions and sources,
    oldest first, each with its type, id, action, time and (unless deleted) its API address. A
    change to a record's citations is listed as an update of the record."""

    permission_classes = [AllowAny]

    def start(self, request) -> Position | None:
        cursor = request.query_params.get("cursor")
        if cursor is not None:
            return Position.decode(cursor)
        since = request.query_params.get("since")
        if since is None:
            return None
        try:
            moment = UpdatedSinceField(required=False).clean(since)
        except DjangoValidationError as error:
            raise ValidationError({"since": error.messages}) from error
        return moment and Position(moment, -1, 0)

    @extend_schema(
        operation_id="changes_list",
        parameters=[SINCE, CURSOR, PAGE_SIZE],
        responses={200: ChangePageSerializer, 400: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        position = self.start(request)
        size = DirectoryPagination().get_page_size(request)
        entries, more = read_feed(position, size)
        for entry in entries:
            route = f"api:{entry.pop('route')}-detail"
            deleted = entry["action"] == "deleted"
            entry["url"] = None if deleted else reverse(route, args=[entry["id"]], request=request)
        if entries:
            position = entries[-1]["position"]
        cursor = position.encode() if position else None
        following = None
        if more:
            query = request.query_params.copy()
            query.pop("since", None)
            query["cursor"] = cursor
            following = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        page = {"results": entries, "cursor": cursor, "next": following}
        return Response(ChangePageSerializer(page).data)
