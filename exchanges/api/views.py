"""Versioned REST endpoints under /api/v1/, one viewset per record type (``viewset_for``).

Filtering uses the FilterSets of ``exchanges.filters``, the same ones the pages use; ``?format=csv``
(``xlsx``, and ``geojson`` on regions, ties and offices) on a list returns the filtered rows
through ``exchanges.exports``, the pages' own export.
"""

import re

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from .. import filters, tables
from ..exports import (
    DownloadRenderer,
    download_renderers,
    download_responses,
    export_response,
    format_parameter,
)
from ..integrity import current_version, violation_of
from ..record_types import component
from . import serializers
from .changes import ChangeFeedView  # noqa: F401  (routed in urls.py with the viewsets)
from .concurrency import (
    ETAG,
    IF_MATCH,
    IF_NONE_MATCH,
    NOT_MODIFIED,
    PAGE_ETAG,
    PRECONDITION_FAILED,
    check_if_match,
    etag_of,
    not_modified,
    page_etag,
)
from .pagination import DirectoryPagination


class FormatFirstNegotiation(DefaultContentNegotiation):
    """An explicit ``?format=`` wins over the Accept header a client library sends by default."""

    def select_renderer(self, request, renderers, format_suffix=None):
        requested = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        for renderer in renderers if requested else ():
            if renderer.format == requested:
                return renderer, renderer.media_type
        return super().select_renderer(request, renderers, format_suffix)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def directory_viewset(model_label):
    """Documents the list's CSV format, the ETag of a record and of a list page with
    If-None-Match (304 when unchanged), If-Match on writes (412 when stale), and a delete's
    conflict answer."""

    def decorate(viewset):
        record = viewset.serializer_class
        written = {200: record, 400: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT}
        change = extend_schema(
            parameters=[IF_MATCH, ETAG], responses={**written, 412: PRECONDITION_FAILED}
        )
        return extend_schema_view(
            list=extend_schema(
                parameters=[format_parameter(viewset.queryset.model), IF_NONE_MATCH, PAGE_ETAG],
                responses={
                    (200, JSONRenderer.media_type): record,
                    **download_responses(viewset.queryset.model),
                    304: NOT_MODIFIED,
                },
            ),
            retrieve=extend_schema(
                parameters=[IF_NONE_MATCH, ETAG], responses={200: record, 304: NOT_MODIFIED}
            ),
            create=extend_schema(
                parameters=[ETAG],
                responses={201: record, 400: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT},
            ),
            update=change,
            partial_update=change,
            destroy=extend_schema(
                parameters=[IF_MATCH],
                responses={204: None, 409: OpenApiTypes.OBJECT, 412: PRECONDITION_FAILED},
                description=f"Delete a {model_label}; 409 when other records still refer to it.",
            ),
        )(viewset)

    return decorate


def refused(error: IntegrityError, serializer) -> APIException:
    """The answer for a write the database refused although validation passed (a concurrent
    write got there first): the rule's message on the field it concerns, 409 for a duplicate."""
    violation = violation_of(error)
    key = api_settings.NON_FIELD_ERRORS_KEY
    if violation.field is not None:
        # The serializer's name for the model field (a source's url is its web_address).
        key = next(
            (name for name, field in serializer.fields.items() if field.source == violation.field),
            key,
        )
    if violation.status == status.HTTP_409_CONFLICT:
        return Conflict({key: [violation.message]})
    return ValidationError({key: [violation.message]})


class DirectoryViewSet(viewsets.ModelViewSet):
    """List and retrieve for everyone; writes need a token whose user has the model permission."""

    pagination_class = DirectoryPagination
    content_negotiation_class = FormatFirstNegotiation
    table_class = None

    def get_object(self):
        # Ids are positive 64-bit integers; anything else is simply not found.
        pk = str(self.kwargs.get(self.lookup_field, ""))
        if not re.fullmatch(r"[0-9]{1,18}", pk):
            raise NotFound()
        writing = self.request.method in ("PUT", "PATCH", "DELETE")
        if writing:
            # Lock the row first (the write runs in a transaction), so that the version checked
            # against If-Match is the one this write replaces.
            current_version(self.queryset.model, pk)
        record = super().get_object()
        if writing:
            check_if_match(self.request, lambda: self.etag(record))
        return record

    def etag(self, record, data=None) -> str:
        if data is None:
            data = self.get_serializer(record).data
        return etag_of(record, data)

    def stored_etag(self, record) -> str:
        """The ETag of the record as stored, as the next GET will give it."""
        return self.etag(self.get_queryset().get(pk=record.pk))

    def retrieve(self, request, *args, **kwargs):
        record = self.get_object()
        data = self.get_serializer(record).data
        etag = self.etag(record, data)
        return not_modified(request, etag) or Response(data, headers={"ETag": etag})

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response["ETag"] = self.stored_etag(self.written)
        return response

    def update(self, request, *args, **kwargs):
        with transaction.atomic():
            response = super().update(request, *args, **kwargs)
        response["ETag"] = self.stored_etag(self.written)
        return response

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            return super().destroy(request, *args, **kwargs)

    def perform_create(self, serializer):
        self.save_record(serializer)

    def perform_update(self, serializer):
        self.save_record(serializer)

    def save_record(self, serializer):
        try:
            with transaction.atomic():
                self.written = serializer.save()
        except IntegrityError as error:
            raise refused(error, serializer) from error

    def initial(self, request, *args, **kwargs):
        # A method the address does not take is 405 before anything else is looked at: content
        # negotiation would otherwise answer ?format=csv on TRACE with 404.
        if request.method.lower() not in self.http_method_names or not hasattr(
            self, request.method.lower()
        ):
            raise exceptions.MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)

    def get_renderers(self):
        renderers = super().get_renderers()
        if self.action == "list":
            renderers += download_renderers(self.queryset.model)
        return renderers

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors (a refused filter, say) answer in JSON even when a download was asked for.
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code >= 400 and isinstance(renderer, DownloadRenderer):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        if isinstance(request.accepted_renderer, DownloadRenderer):
            self.paginator.check_parameters(request)
            # The list page's own rows: what the table's columns need, not the API's nesting.
            table = self.table_class(self.filter_queryset(self.queryset.model.objects.listed()))
            return export_response(table, request.accepted_renderer.format, request)
        response = super().list(request, *args, **kwargs)
        response["ETag"] = page_etag(response.data)
        return not_modified(request, response["ETag"]) or response

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                instance.delete()
        except ProtectedError as error:
            names = sorted({str(record._meta.verbose_name) for record in error.protected_objects})
            raise Conflict(
                f"Other records still refer to this {instance._meta.verbose_name}: "
                f"{', '.join(names)}. Remove or change them first."
            ) from error
        except IntegrityError as error:
            # A record referring to this one was saved while it was being deleted.
            raise Conflict(violation_of(error).message) from error


def viewset_for(record_type) -> type[DirectoryViewSet]:
    """The API's viewset of a record type: its serializer (which also says how the API sorts
    it), FilterSet and table, over its records shaped for the serializer."""
    model = record_type.model
    serializer_class = component(serializers.DirectorySerializer, model)
    viewset = type(
        f"{model.__name__}ViewSet",
        (DirectoryViewSet,),
        {
            "__module__": __name__,
            "queryset": model.objects.serialized(),
            "serializer_class": serializer_class,
            "filterset_class": component(filters.DirectoryFilterSet, model),
            "table_class": component(tables.DirectoryTable, model),
            "ordering_fields": serializer_class.Meta.ordering_fields,
            "ordering": serializer_class.Meta.ordering,
        },
    )
    return directory_viewset(record_type.short_name)(viewset)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer])
def not_found(request, path=""):
    """Unknown addresses under /api/v1/ answer in JSON like the rest of the API."""
    raise NotFound("No such endpoint. See /api/v1/ for the list and /api/v1/docs/ for details.")
