"""REST representations: each record embeds its links briefly, so a client needs no follow-up.

Related records are written by id and read back as brief objects (``{id, slug, name_*, country,
url}`` for regions). Writes run the model's own ``full_clean()``, so the API refuses exactly what
the admin refuses, with the same field-named messages.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    Citation,
    ExchangeArea,
    Firm,
    Mission,
    OverseasOffice,
    Region,
    SalesRoute,
    SisterTie,
    Source,
)
from ..models.base import MultilingualNames

NAME_FIELDS = MultilingualNames.NAME_FIELDS
# What every full representation ends with.
RECORD_FIELDS = ["notes", "citations", "url", "page_url", "created", "updated"]


class CountryCodeField(serializers.CharField):
    """An ISO 3166-1 alpha-2 code, accepted in either case and stored upper-case."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 2)
        kwargs.setdefault("min_length", 2)
        kwargs.setdefault("help_text", "ISO 3166-1 alpha-2 code, e.g. JP, CN or KR.")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(data).upper()


class BriefRegionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:region-detail")
    country = serializers.CharField(read_only=True)

    class Meta:
        model = Region
        fields = ["id", "slug", *NAME_FIELDS, "country", "url"]


class BriefFirmSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:firm-detail")
    country = serializers.CharField(read_only=True)

    class Meta:
        model = Firm
        fields = ["id", *NAME_FIELDS, "kind", "country", "url"]


class BriefSisterTieSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:sistertie-detail")
    region_a = BriefRegionSerializer(read_only=True)
    region_b = BriefRegionSerializer(read_only=True)

    class Meta:
        model = SisterTie
        fields = ["id", "region_a", "region_b", "tie_type", "url"]


class BriefOfficeSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:overseasoffice-detail")

    class Meta:
        model = OverseasOffice
        fields = ["id", *NAME_FIELDS, "kind", "url"]


class BriefSourceSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:source-detail")

    class Meta:
        model = Source
        fields = ["id", "title", "title_en", "url"]


class CitationSerializer(serializers.ModelSerializer):
    source = BriefSourceSerializer(read_only=True)

    class Meta:
        model = Citation
        fields = ["source", "locator", "quote"]


def nested(brief_serializer, queryset, **kwargs):
    """A relation written as an id and read back as the brief representation."""

    @extend_schema_field(brief_serializer)
    class NestedField(serializers.PrimaryKeyRelatedField):
        def use_pk_only_optimization(self):
            return False

        @cached_property
        def brief(self):
            # One serializer for every record this field shows: building a ModelSerializer's
            # fields costs more than serializing a record with them.
            return brief_serializer(context=self.context)

        def to_representation(self, value):
            return self.brief.to_representation(value)

    return NestedField(queryset=queryset, **kwargs)


class DirectorySerializer(serializers.ModelSerializer):
    """Runs the model's own validation (clean() and database constraints) before saving."""

    citations = CitationSerializer(many=True, read_only=True)
    page_url = serializers.SerializerMethodField(help_text="The record's public page.")

    def get_page_url(self, record) -> str:
        request = self.context.get("request")
        url = record.get_absolute_url()
        return request.build_absolute_uri(url) if request else url

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        many_to_many = {field.name for field in model._meta.many_to_many}
        instance = self.instance or model()
        if self.instance is not None:
            # Validate a copy so that a refused update leaves the loaded record untouched.
            instance = model.objects.get(pk=self.instance.pk)
        for name, value in attrs.items():
            if name not in many_to_many:
                setattr(instance, name, value)
        try:
            instance.full_clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return attrs


class RegionSerializer(DirectorySerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:region-detail")
    country = CountryCodeField()
    parent = nested(BriefRegionSerializer, Region.objects.all(), required=False, allow_null=True)
    capital = nested(BriefRegionSerializer, Region.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Region
        fields = [
            "id",
            "slug",
            *NAME_FIELDS,
            "country",
            "level",
            "parent",
            "capital",
            "population",
            "population_year",
            "latitude",
            "longitude",
            "coordinates_basis",
            "wikidata_id",
            *RECORD_FIELDS,
        ]


class SisterTieSerializer(DirectorySerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:sistertie-detail")
    region_a = nested(BriefRegionSerializer, Region.objects.all())
    region_b = nested(BriefRegionSerializer, Region.objects.all())
    exchange_areas = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        required=False,
        queryset=ExchangeArea.objects.all(),
        help_text=SisterTie._meta.get_field("exchange_areas").help_text
        or "Slugs: economy, trade, tourism, culture, education, youth.",
    )

    class Meta:
        model = SisterTie
        fields = [
            "id",
            "region_a",
            "region_b",
            "tie_type",
            "source_label",
            "established",
            "established_precision",
            "ended",
            "ended_precision",
            "status",
            "end_reason",
            "exchange_areas",
            "description",
            *RECORD_FIELDS,
        ]


class SalesRouteSerializer(serializers.ModelSerializer):
    region = BriefRegionSerializer(read_only=True)

    class Meta:
        model = SalesRoute
        fields = ["region", "amount", "currency", "unit", "year", "note"]


class FirmSerializer(DirectorySerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:firm-detail")
    country = CountryCodeField()
    region = nested(BriefRegionSerializer, Region.objects.all(), required=False, allow_null=True)
    partners = nested(BriefFirmSerializer, Firm.objects.all(), many=True, required=False)
    sales_routes = SalesRouteSerializer(many=True, read_only=True)

    class Meta:
        model = Firm
        fields = [
            "id",
            *NAME_FIELDS,
            "kind",
            "country",
            "region",
            "founded_year",
            "sector",
            "goods",
            "employees",
            "employees_year",
            "registered_capital",
            "capital_currency",
            "capital_unit",
            "capital_year",
            "annual_sales",
            "sales_currency",
            "sales_unit",
            "sales_year",
            "import_sources",
            "key_people",
            "partners",
            "sales_routes",
            "description",
            *RECORD_FIELDS,
        ]


class OverseasOfficeSerializer(DirectorySerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:overseasoffice-detail")
    operator_region = nested(
        BriefRegionSerializer, Region.objects.all(), required=False, allow_null=True
    )
    operator_firm = nested(BriefFirmSerializer, Firm.objects.all(), required=False, allow_null=True)
    host_region = nested(BriefRegionSerializer, Region.objects.all())

    class Meta:
        model = OverseasOffice
        fields = [
            "id",
            *NAME_FIELDS,
            "kind",
            "operator_region",
            "operator_firm",
            "host_region",
            "status",
            "opened",
            "opened_precision",
            "closed",
            "closed_precision",
            "head_name",
            "head_title",
            "functions",
            *RECORD_FIELDS,
        ]


class MissionSerializer(DirectorySerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:mission-detail")
    organisers = nested(BriefFirmSerializer, Firm.objects.all(), many=True, required=False)
    participating_firms = nested(BriefFirmSerializer, Firm.objects.all(), many=True, required=False)
    origin_regions = nested(BriefRegionSerializer, Region.objects.all(), many=True, required=False)
    destination_regions = nested(
        BriefRegionSerializer, Region.objects.all(), many=True, required=False
    )
    related_tie = nested(
        BriefSisterTieSerializer, SisterTie.objects.all(), required=False, allow_null=True
    )
    related_office = nested(
        BriefOfficeSerializer, OverseasOffice.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Mission
        fields = [
            "id",
            *NAME_FIELDS,
            "kind",
            "organisers",
            "origin_regions",
            "destination_regions",
            "start",
            "start_precision",
            "end",
            "end_precision",
            "venue",
            "leader",
            "delegation_size",
            "participating_firms",
            "purpose",
            "outcome",
            "outcome_value",
            "outcome_currency",
            "related_tie",
            "related_office",
            *RECORD_FIELDS,
        ]


class SourceSerializer(DirectorySerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:source-detail")
    citations = None  # a source is what others cite
    web_address = serializers.URLField(
        source="url", required=False, allow_blank=True, help_text="Where the document is online."
    )

    class Meta:
        model = Source
        fields = [
            "id",
            "title",
            "title_en",
            "kind",
            "authors",
            "publisher",
            "published",
            "published_precision",
            "language",
            "file_name",
            "extent",
            "web_address",
            "notes",
            "url",
            "page_url",
        ]
