"""REST representations: each record embeds its links briefly, so a client needs no follow-up.

One serializer per model. Its ``Meta.brief_fields`` are what another record embeds of it
(``{id, slug, name_*, country, url}`` for a region). Linked records are written by id and read
back in that brief form, and the schema says so (``schema.py``). Writes run the model's own
``full_clean()``, so the API refuses exactly what the admin refuses, with the same field-named
messages.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS

from ..models import (
    Citation,
    ExchangeArea,
    Firm,
    Indicator,
    Mission,
    OfficeRole,
    OverseasOffice,
    Participation,
    PartnershipKind,
    Person,
    Region,
    SalesRoute,
    SisterTie,
    Source,
)
from ..models.base import MultilingualNames, PartialDateField
from ..models.indicators import SUBJECT_FIELD_NAMES
from . import schema  # noqa: F401  (registers how the schema shows linked records)

NAME_FIELDS = MultilingualNames.NAME_FIELDS
# What every full representation ends with.
RECORD_FIELDS = ["notes", "citations", "url", "page_url", "created", "updated"]


class StrictTextMixin:
    """Text is taken only as a JSON string: REST framework would store 0 or 1.5 as "0" and
    "1.5", which the schema (type string) says a client cannot send."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(StrictTextMixin, serializers.CharField):
    pass


class StrictSlugField(StrictTextMixin, serializers.SlugField):
    pass


class StrictURLField(StrictTextMixin, serializers.URLField):
    pass


class CountryCodeField(StrictCharField):
    """An ISO 3166-1 alpha-2 code, accepted in either case and stored upper-case."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 2)
        kwargs.setdefault("min_length", 2)
        kwargs.setdefault("help_text", "ISO 3166-1 alpha-2 code, e.g. JP, CN or KR.")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(data).upper()


class RecordSerializer(serializers.ModelSerializer):
    """One serializer per model; ``nested=True`` gives its brief form, ``Meta.brief_fields``,
    the one used wherever another record embeds it (as NetBox's serializers do). Text fields
    take JSON strings only."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.SlugField: StrictSlugField,
        models.URLField: StrictURLField,
    }

    def __init__(self, *args, nested=False, **kwargs):
        self.nested = nested
        super().__init__(*args, **kwargs)

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, PartialDateField):
            # The API writes a partial date as an ISO date and its precision, not as people
            # type it in the admin.
            field_kwargs["help_text"] = model_field.stored_help_text
        return field_class, field_kwargs

    def get_field_names(self, declared_fields, info):
        names = super().get_field_names(declared_fields, info)
        if self.nested:
            return [name for name in names if name in self.Meta.brief_fields]
        return names


class StrictManyRelatedField(serializers.ManyRelatedField):
    """Many linked records as a JSON array of ids: REST framework would take an object's keys
    (``{}`` as no records), which the schema (type array) says a client cannot send."""

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class RelatedRecordField(serializers.PrimaryKeyRelatedField):
    """A linked record: written as its id, read back in the brief form of its serializer.

    ``serializer`` is the class or its name in this module (a region's parent is a region).
    The schema documents it the same way: an integer in request bodies, the brief component in
    responses (``exchanges.api.schema.RelatedRecordFieldExtension``).
    """

    def __init__(self, serializer, **kwargs):
        self.serializer = serializer
        super().__init__(**kwargs)

    @classmethod
    def many_init(cls, *args, **kwargs):
        many = {key: value for key, value in kwargs.items() if key in MANY_RELATION_KWARGS}
        return StrictManyRelatedField(child_relation=cls(*args, **kwargs), **many)

    @property
    def serializer_class(self):
        if isinstance(self.serializer, str):
            return globals()[self.serializer]
        return self.serializer

    def use_pk_only_optimization(self):
        return False

    @cached_property
    def brief(self):
        # One serializer for every record this field shows: building a ModelSerializer's
        # fields costs more than serializing a record with them.
        return self.serializer_class(nested=True, context=self.context)

    def to_representation(self, value):
        return self.brief.to_representation(value)


def related(serializer, queryset, **kwargs):
    return RelatedRecordField(serializer, queryset=queryset, **kwargs)


class CitationSerializer(serializers.ModelSerializer):
    """Where a source states this record: the document and the place in it."""

    source = RelatedRecordField("SourceSerializer", read_only=True)

    class Meta:
        model = Citation
        fields = ["source", "locator", "quote"]


class RecordAddressField(serializers.HyperlinkedIdentityField):
    """The record's address in the API: the route ``api:<model name>-detail`` that every
    record type has (record_types)."""

    def __init__(self, **kwargs):
        super().__init__(view_name="api:(named when bound)", **kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        self.view_name = f"api:{parent.Meta.model._meta.model_name}-detail"


class DirectorySerializer(RecordSerializer):
    """A record type's serializer, from which its API viewset is made (api.views.viewset_for).
    Runs the model's own validation (clean() and database constraints) before saving.
    ``Meta.ordering_fields`` are what the list sorts by (``?ordering=``), ``Meta.ordering``
    its order when none is asked for."""

    url = RecordAddressField()
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
            # Each message under the serializer's name for its model field (a source's url is
            # its web_address).
            names = {field.source: name for name, field in self.fields.items()}
            detail = {names.get(key, key): messages for key, messages in error.message_dict.items()}
            raise serializers.ValidationError(detail) from error
        return attrs


class RegionSerializer(DirectorySerializer):
    """A prefecture, province, city or other region of Japan, China or Korea."""

    country = CountryCodeField()
    parent = related("RegionSerializer", Region.objects.all(), required=False, allow_null=True)
    capital = related("RegionSerializer", Region.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Region
        ordering_fields = ["name_en", "slug", "country", "level", "population", "id"]
        ordering = ["name_en"]
        brief_fields = ["id", "slug", *NAME_FIELDS, "country", "url"]
        fields = [
            "id",
            "slug",
            *NAME_FIELDS,
            "country",
            "level",
            "parent",
            "capital",
            "iso_3166_2",
            "national_code",
            "origin",
            "population",
            "population_year",
            "latitude",
            "longitude",
            "coordinates_basis",
            "wikidata_id",
            "other_names",
            *RECORD_FIELDS,
        ]


class SisterTieSerializer(DirectorySerializer):
    """A sister or friendship tie between two regions, with its dates as the sources give them."""

    region_a = related("RegionSerializer", Region.objects.all())
    region_b = related("RegionSerializer", Region.objects.all())
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
        ordering_fields = ["established", "tie_type", "status", "id"]
        ordering = ["-established", "id"]
        brief_fields = ["id", "region_a", "region_b", "tie_type", "url"]
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
            "holder_stated",
            "end_reason",
            "exchange_areas",
            "description",
            *RECORD_FIELDS,
        ]


class SalesRouteSerializer(serializers.ModelSerializer):
    """A firm's sales into one region, as a sum in a year."""

    region = RelatedRecordField("RegionSerializer", read_only=True)
    citations = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = SalesRoute
        fields = ["region", "amount", "currency", "unit", "year", "note", "citations"]


class PartnershipSerializer(serializers.Serializer):
    """One of a firm's partnerships, seen from the firm: its partner, kind and direction."""

    id = serializers.IntegerField(read_only=True)
    partner = RelatedRecordField("FirmSerializer", read_only=True)
    kind = serializers.ChoiceField(choices=PartnershipKind.choices, read_only=True)
    direction = serializers.ChoiceField(
        choices=["outgoing", "incoming", "mutual"],
        read_only=True,
        help_text="For import agent and buyer: outgoing when this firm is the agent or buyer "
        "of its partner, incoming when the partner is this firm's; mutual for other kinds.",
    )
    start = serializers.DateField(read_only=True, allow_null=True)
    start_precision = serializers.CharField(read_only=True)
    end = serializers.DateField(read_only=True, allow_null=True)
    end_precision = serializers.CharField(read_only=True)
    note = serializers.CharField(read_only=True)
    citations = CitationSerializer(many=True, read_only=True)


class FirmSerializer(DirectorySerializer):
    """A firm or trade body, its figures and its partners."""

    country = CountryCodeField()
    region = related("RegionSerializer", Region.objects.all(), required=False, allow_null=True)
    # Every partner, whichever firm a partnership names first. Writing the list adds a
    # partnership (kind not stated) with each new firm and deletes those with firms left out.
    partners = related(
        "FirmSerializer", Firm.objects.all(), many=True, required=False, source="partner_firms"
    )
    partnerships = serializers.SerializerMethodField()
    sales_routes = SalesRouteSerializer(many=True, read_only=True)

    @extend_schema_field(PartnershipSerializer(many=True))
    def get_partnerships(self, firm) -> list:
        shown = []
        for row in firm.partnerships:
            row.partner, row.direction = row.partner_of(firm), row.direction_for(firm)
            shown.append(self.partnership.to_representation(row))
        return shown

    @cached_property
    def partnership(self):
        # One serializer for every partnership shown, as RelatedRecordField.brief does.
        return PartnershipSerializer(context=self.context)

    def validate(self, attrs):
        partners = attrs.pop("partner_firms", None)
        attrs = super().validate(attrs)
        if partners is not None:
            if self.instance is not None and any(p.pk == self.instance.pk for p in partners):
                raise serializers.ValidationError({"partners": ["A firm is not its own partner."]})
            attrs["partner_firms"] = partners
        return attrs

    def create(self, validated_data):
        partners = validated_data.pop("partner_firms", None)
        firm = super().create(validated_data)
        if partners is not None:
            firm.set_partners(partners)
        return firm

    def update(self, instance, validated_data):
        partners = validated_data.pop("partner_firms", None)
        firm = super().update(instance, validated_data)
        if partners is not None:
            firm.set_partners(partners)
        return firm

    class Meta:
        model = Firm
        ordering_fields = ["name_en", "kind", "country", "founded_year", "employees", "id"]
        ordering = ["name_en"]
        brief_fields = ["id", *NAME_FIELDS, "kind", "country", "url"]
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
            "partnerships",
            "sales_routes",
            "description",
            *RECORD_FIELDS,
        ]


class OfficeRoleSerializer(serializers.ModelSerializer):
    """A region or firm's part in an office other than running it; the office's citations
    cover it."""

    # One of the two is given, the other null.
    region = RelatedRecordField("RegionSerializer", read_only=True, allow_null=True)
    firm = RelatedRecordField("FirmSerializer", read_only=True, allow_null=True)

    class Meta:
        model = OfficeRole
        fields = ["region", "firm", "role"]


class OverseasOfficeSerializer(DirectorySerializer):
    """An office one region or firm keeps in another region."""

    roles = OfficeRoleSerializer(many=True, read_only=True)

    operator_region = related(
        "RegionSerializer", Region.objects.all(), required=False, allow_null=True
    )
    operator_firm = related("FirmSerializer", Firm.objects.all(), required=False, allow_null=True)
    host_region = related("RegionSerializer", Region.objects.all())

    class Meta:
        model = OverseasOffice
        ordering_fields = ["name_en", "kind", "status", "opened", "id"]
        ordering = ["name_en"]
        brief_fields = ["id", *NAME_FIELDS, "kind", "url"]
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
            "roles",
            *RECORD_FIELDS,
        ]


class OrganisingRegionSerializer(serializers.ModelSerializer):
    """A region that organised or hosted a mission, as its participation says."""

    region = RelatedRecordField("RegionSerializer", read_only=True)

    class Meta:
        model = Participation
        fields = ["region", "role"]


class MissionSerializer(DirectorySerializer):
    """A trade mission, fair or forum: who went where, when, and what came of it."""

    organisers = related("FirmSerializer", Firm.objects.all(), many=True, required=False)
    organising_regions = serializers.SerializerMethodField(
        help_text="Regions that organised or hosted the mission, from its participations in "
        "those roles (written as participations); organising firms are in organisers."
    )
    participating_firms = related("FirmSerializer", Firm.objects.all(), many=True, required=False)
    origin_regions = related("RegionSerializer", Region.objects.all(), many=True, required=False)
    destination_regions = related(
        "RegionSerializer", Region.objects.all(), many=True, required=False
    )
    related_tie = related(
        "SisterTieSerializer", SisterTie.objects.all(), required=False, allow_null=True
    )
    related_office = related(
        "OverseasOfficeSerializer", OverseasOffice.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Mission
        ordering_fields = ["start", "kind", "delegation_size", "name_en", "id"]
        ordering = ["-start", "id"]
        brief_fields = ["id", *NAME_FIELDS, "kind", "status", "start", "start_precision", "url"]
        fields = [
            "id",
            *NAME_FIELDS,
            "kind",
            "status",
            "status_reported",
            "status_reported_precision",
            "organisers",
            "organising_regions",
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

    @extend_schema_field(OrganisingRegionSerializer(many=True))
    def get_organising_regions(self, mission) -> list:
        participations = getattr(mission, "organising_participations", None)
        if participations is None:  # a mission read without its queryset's shape
            participations = mission.participations.organising_regions()
        return OrganisingRegionSerializer(participations, many=True, context=self.context).data


class PersonSerializer(DirectorySerializer):
    """A person as the sources name them, with the title and body they held at the time."""

    body_region = related("RegionSerializer", Region.objects.all(), required=False, allow_null=True)
    body_firm = related("FirmSerializer", Firm.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Person
        ordering_fields = ["name_en", "id"]
        ordering = ["name_en", "id"]
        brief_fields = ["id", *NAME_FIELDS, "title", "url"]
        fields = [
            "id",
            *NAME_FIELDS,
            "title",
            "body_region",
            "body_firm",
            "body_text",
            *RECORD_FIELDS,
        ]


class ParticipationSerializer(DirectorySerializer):
    """A person, region or firm taking part in a mission, in a role."""

    mission = related("MissionSerializer", Mission.objects.all())
    person = related("PersonSerializer", Person.objects.all(), required=False, allow_null=True)
    region = related("RegionSerializer", Region.objects.all(), required=False, allow_null=True)
    firm = related("FirmSerializer", Firm.objects.all(), required=False, allow_null=True)
    country = CountryCodeField(required=False, allow_blank=True)

    class Meta:
        model = Participation
        ordering_fields = ["role", "count", "id"]
        ordering = ["id"]
        brief_fields = ["id", "person", "region", "firm", "role", "url"]
        fields = [
            "id",
            "mission",
            "person",
            "region",
            "firm",
            "role",
            "talk_title",
            "country",
            "count",
            *RECORD_FIELDS,
        ]


class IndicatorSerializer(DirectorySerializer):
    """A figure a source states: what is measured, of what, how much (as printed, with its
    scale), for which years, and how the source hedges it."""

    region = related("RegionSerializer", Region.objects.all(), required=False, allow_null=True)
    partner_region = related(
        "RegionSerializer", Region.objects.all(), required=False, allow_null=True
    )
    operator_region = related(
        "RegionSerializer", Region.objects.all(), required=False, allow_null=True
    )
    operator_firm = related("FirmSerializer", Firm.objects.all(), required=False, allow_null=True)
    firm = related("FirmSerializer", Firm.objects.all(), required=False, allow_null=True)
    country = CountryCodeField(required=False, allow_blank=True)
    partner_country = CountryCodeField(required=False, allow_blank=True)
    scaled_value = serializers.DecimalField(
        max_digits=30,
        decimal_places=4,
        read_only=True,
        help_text="The value times its scale (379.6 in 億 is 37960000000), to compare figures.",
    )
    scaled_value_to = serializers.DecimalField(
        max_digits=30,
        decimal_places=4,
        read_only=True,
        allow_null=True,
        help_text="The upper end of the range times its scale; null without a range.",
    )

    class Meta:
        model = Indicator
        # Values of different measures and units do not compare: not an order.
        ordering_fields = ["measure", "period_start", "published_year", "id"]
        ordering = ["measure", "period_start", "id"]
        brief_fields = ["id", "measure", "subject", "value", "unit", "currency", "url"]
        fields = [
            "id",
            "measure",
            "wording",
            "subject",
            *SUBJECT_FIELD_NAMES,
            "value",
            "value_to",
            "unit",
            "currency",
            "scale",
            "scaled_value",
            "scaled_value_to",
            "period_start",
            "period_end",
            "published_year",
            "qualifier",
            *RECORD_FIELDS,
        ]


class SourceSerializer(DirectorySerializer):
    """A document the directory cites."""

    citations = None  # a source is what others cite
    web_address = serializers.URLField(
        source="url", required=False, allow_blank=True, help_text="Where the document is online."
    )

    class Meta:
        model = Source
        ordering_fields = ["file_name", "published", "title", "id"]
        ordering = ["file_name"]
        brief_fields = ["id", "title", "title_en", "url"]
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
            "licence",
            "notes",
            "url",
            "page_url",
        ]
