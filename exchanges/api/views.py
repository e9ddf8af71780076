"""Versioned REST endpoints under /api/v1/, one viewset per directory model.

Filtering uses the FilterSets of ``exchanges.filters``, the same ones the pages use; ``?format=csv``
on a list returns the filtered rows through ``exchanges.exports``, the pages' own export.
"""

import re

from django.db.models import ProtectedError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.exceptions import APIException, NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer

from .. import filters, tables, views
from ..exports import export_response
from ..models import Firm, Mission, OverseasOffice, Region, SisterTie, Source
from ..views import region_list_prefetches
from . import serializers


class DirectoryPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class CSVRenderer(BaseRenderer):
    """Lets ``?format=csv`` through content negotiation; lists answer it with the pages' export."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raise NotImplementedError("CSV is produced by the list action from the table.")


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


FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "csv"],
    description="json (default) or csv: the same filtered rows as a flat table.",
)


def directory_viewset(model_label):
    """Documents the list's CSV format and a delete's conflict answer."""
    return extend_schema_view(
        list=extend_schema(parameters=[FORMAT_PARAMETER]),
        destroy=extend_schema(
            responses={204: None, 409: OpenApiTypes.OBJECT},
            description=f"Delete a {model_label}; 409 when other records still refer to it.",
        ),
    )


class DirectoryViewSet(viewsets.ModelViewSet):
    """List and retrieve for everyone; writes need a token whose user has the model permission."""

    pagination_class = DirectoryPagination
    content_negotiation_class = FormatFirstNegotiation
    table_class = None
    list_view = None  # the public list page of the same records, whose rows the CSV gives

    def get_object(self):
        # Ids are positive 64-bit integers; anything else is simply not found.
        if not re.fullmatch(r"[0-9]{1,18}", str(self.kwargs.get(self.lookup_field, ""))):
            raise NotFound()
        return super().get_object()

    def get_renderers(self):
        renderers = super().get_renderers()
        if self.action == "list":
            renderers.append(CSVRenderer())
        return renderers

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors (a refused filter, say) answer in JSON even when CSV was asked for.
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code >= 400 and renderer and renderer.format == CSVRenderer.format:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "csv":
            # The page's own rows: what the table's columns need, not the API's nesting.
            table = self.table_class(self.filter_queryset(self.list_view.queryset.all()))
            return export_response(table, "csv", str(self.queryset.model._meta.verbose_name_plural))
        return super().list(request, *args, **kwargs)

    def perform_destroy(self, instance):
        try:
            instance.delete()
        except ProtectedError as error:
            names = sorted({str(record._meta.verbose_name) for record in error.protected_objects})
            raise Conflict(
                f"Other records still refer to this {instance._meta.verbose_name}: "
                f"{', '.join(names)}. Remove or change them first."
            ) from error


CITATIONS = "citations__source"


@directory_viewset("region")
class RegionViewSet(DirectoryViewSet):
    queryset = Region.objects.select_related("parent", "capital").prefetch_related(CITATIONS)
    serializer_class = serializers.RegionSerializer
    filterset_class = filters.RegionFilterSet
    table_class = tables.RegionTable
    list_view = views.RegionListView
    ordering_fields = ["name_en", "slug", "country", "level", "population", "id"]
    ordering = ["name_en"]


@directory_viewset("tie")
class SisterTieViewSet(DirectoryViewSet):
    queryset = SisterTie.objects.select_related("region_a", "region_b").prefetch_related(
        "exchange_areas", CITATIONS
    )
    serializer_class = serializers.SisterTieSerializer
    filterset_class = filters.SisterTieFilterSet
    table_class = tables.SisterTieTable
    list_view = views.SisterTieListView
    ordering_fields = ["established", "tie_type", "status", "id"]
    ordering = ["-established", "id"]


@directory_viewset("firm")
class FirmViewSet(DirectoryViewSet):
    queryset = Firm.objects.select_related("region").prefetch_related(
        "partners", "sales_routes__region", CITATIONS
    )
    serializer_class = serializers.FirmSerializer
    filterset_class = filters.FirmFilterSet
    table_class = tables.FirmTable
    list_view = views.FirmListView
    ordering_fields = ["name_en", "kind", "country", "founded_year", "employees", "id"]
    ordering = ["name_en"]


@directory_viewset("office")
class OverseasOfficeViewSet(DirectoryViewSet):
    queryset = OverseasOffice.objects.select_related(
        "operator_region", "operator_firm", "host_region"
    ).prefetch_related(CITATIONS)
    serializer_class = serializers.OverseasOfficeSerializer
    filterset_class = filters.OverseasOfficeFilterSet
    table_class = tables.OverseasOfficeTable
    list_view = views.OverseasOfficeListView
    ordering_fields = ["name_en", "kind", "status", "opened", "id"]
    ordering = ["name_en"]


@directory_viewset("mission")
class MissionViewSet(DirectoryViewSet):
    queryset = Mission.objects.select_related(
        "related_tie__region_a", "related_tie__region_b", "related_office"
    ).prefetch_related(*region_list_prefetches(), "organisers", "participating_firms", CITATIONS)
    serializer_class = serializers.MissionSerializer
    filterset_class = filters.MissionFilterSet
    table_class = tables.MissionTable
    list_view = views.MissionListView
    ordering_fields = ["start", "kind", "delegation_size", "name_en", "id"]
    ordering = ["-start", "id"]


@directory_viewset("source")
class SourceViewSet(DirectoryViewSet):
    queryset = Source.objects.with_citation_count()
    serializer_class = serializers.SourceSerializer
    filterset_class = filters.SourceFilterSet
    table_class = tables.SourceTable
    list_view = views.SourceListView
    ordering_fields = ["file_name", "published", "title", "id"]
    ordering = ["file_name"]


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer])
def not_found(request, path=""):
    """Unknown addresses under /api/v1/ answer in JSON like the rest of the API."""
    raise NotFound("No such endpoint. See /api/v1/ for the list and /api/v1/docs/ for details.")
