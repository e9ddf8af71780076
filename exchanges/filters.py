"""One FilterSet per model: the single path from a query string to SQL.

The public list pages and the REST API use these same classes, so ``/ties/?pair=JP-KR`` and
``/api/v1/ties/?pair=JP-KR`` select the same rows. Every list has ``q`` (search over every name
column, in any script), ``country`` and ``kind``; each model adds what researchers filter by.
Labels and help texts here are what the pages show and what the API schema documents.
"""

import datetime
import re

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import (
    Citation,
    ExchangeArea,
    Firm,
    Indicator,
    Mission,
    OfficeStatus,
    OverseasOffice,
    Participation,
    Person,
    Region,
    RegionLevel,
    SisterTie,
    Source,
)
from .models.missions import from_country, to_country
from .models.querysets import keeps_update_time
from .models.search import matching
from .record_types import component
from .region_fields import RegionFilter, include_subregions_filter, region_filter
from .widgets import QuickSelect, QuickSelectMultiple


class ChoiceFilter(django_filters.ChoiceFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", QuickSelect)
        super().__init__(*args, **kwargs)

    @classmethod
    def of_field(cls, model, field_name: str, **kwargs) -> "ChoiceFilter":
        """A filter on a model field with choices, its choices and label the field's own."""
        field = model._meta.get_field(field_name)
        kwargs.setdefault("label", capfirst(field.verbose_name))
        return cls(field_name=field_name, choices=field.choices, **kwargs)


class CodeField(forms.CharField):
    """A code typed in either case (jp-15 is JP-15), checked by its model field's validators."""

    def to_python(self, value):
        return super().to_python(value).upper()


class CodeFilter(django_filters.CharFilter):
    field_class = CodeField

    @classmethod
    def of_field(cls, model, field_name: str) -> "CodeFilter":
        """An exact match on a code field, with its label, help text, length and validators."""
        field = model._meta.get_field(field_name)
        code_filter = cls(
            field_name=field_name,
            label=capfirst(field.verbose_name),
            help_text=field.help_text,
            max_length=field.max_length,
            validators=field.validators,
        )
        # The field's pattern is upper case; the filter takes either case.
        code_filter.parameter_schema = {
            "type": "string",
            "minLength": 1,
            "maxLength": field.max_length,
        }
        return code_filter


# The three pairs the directory is about; anything else counts as "other".
COUNTRY_PAIRS = [
    ("JP-KR", _("Japan–Korea")),
    ("JP-CN", _("Japan–China")),
    ("CN-KR", _("China–Korea")),
]

YEAR_HELP = _("A four-digit year.")
COUNTRY_HELP = _("ISO 3166-1 alpha-2 code, e.g. JP, CN or KR.")


def country_choices():
    return [(code, f"{name} ({code})") for code, name in countries]


class CountryFilter(ChoiceFilter):
    """A country by its ISO code; the schema lists the codes (the choices are worked out in
    the reader's language when a form is drawn, which a schema generator does not do)."""

    parameter_schema = {"type": "string", "enum": [code for code, _name in countries]}


def country_filter(label, method=None, field_name=None, help_text=COUNTRY_HELP):
    return CountryFilter(
        label=label,
        choices=country_choices,
        method=method,
        field_name=field_name,
        help_text=help_text,
    )


FIRST_YEAR, LAST_YEAR = 1000, 2100


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField  # a year is whole: 1999.5 is refused, not rounded
    parameter_schema = {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR}


def year_filter(field_name: str, lookup: str, label) -> YearFilter:
    """A year bound on a date field (``start__year``) or a year field (``founded_year``)."""
    return YearFilter(
        field_name=field_name,
        lookup_expr=lookup,
        label=label,
        help_text=YEAR_HELP,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
    )


def given_values(value) -> list[str]:
    """The values a query string gives for a filter that takes several, without the empty ones
    (a form sent with nothing chosen); a null character is refused as in any text."""
    if value in (None, ""):
        return []
    values = value if isinstance(value, (list, tuple)) else [value]
    values = [str(item).strip() for item in values]
    if any("\x00" in item for item in values):
        raise ValidationError(_("Null characters are not allowed."), code="null_characters")
    return [item for item in values if item]


class ExchangeAreaField(forms.ModelMultipleChoiceField):
    """Exchange areas by their slugs; an unknown slug is refused with the list of known ones."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", ExchangeArea.objects.order_by("name_en", "pk"))
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("widget", QuickSelectMultiple)
        super().__init__(**kwargs)

    def clean(self, value) -> list:
        return list(super().clean(given_values(value)))  # none given: [], as for no filter

    def display(self, areas) -> str:
        return ", ".join(str(area) for area in areas)

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except ValidationError as error:
            if error.code != "invalid_choice":
                raise
            known = ", ".join(self.queryset.values_list("slug", flat=True))
            raise ValidationError(
                _("%(value)s is not an exchange area. Give one or more of: %(known)s."),
                code="invalid_choice",
                params={**error.params, "known": known},
            ) from error


class ExchangeAreaFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = ExchangeAreaField
    parameter_schema = {
        "type": "array",
        "items": {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$"},
    }


def decade_label(decade: int) -> str:
    # Translators: a decade by its first year: 1990s, 1990年代, 1990년대.
    return _("%(decade)ss") % {"decade": decade}


# The decades a filter form offers; any other decade of the year range can be asked for.
FIRST_OFFERED_DECADE = 1900


class DecadeSelect(QuickSelectMultiple):
    """The decades from 1900 to the present one, and any other decade asked for."""

    def get_context(self, name, value, attrs):
        present = timezone.now().year // 10 * 10
        asked = {int(item) for item in value or () if str(item).isdigit()}
        decades = sorted(set(range(FIRST_OFFERED_DECADE, present + 1, 10)) | asked)
        self.choices = [(str(decade), decade_label(decade)) for decade in decades]
        return super().get_context(name, value, attrs)


class DecadeField(forms.Field):
    """Decades by their first year (1990 for 1990–1999): multiples of 10 in the year range."""

    widget = DecadeSelect
    pattern = re.compile(r"^[0-9]{1,4}$")

    def to_python(self, value) -> list[int]:
        decades = set()
        for item in given_values(value):
            decade = int(item) if self.pattern.match(item) else None
            if decade is None or decade % 10 or not FIRST_YEAR <= decade <= LAST_YEAR:
                raise ValidationError(
                    _(
                        "Give a decade by its first year, a multiple of 10 from %(first)s to "
                        "%(last)s, e.g. 1990 for 1990–1999."
                    ),
                    code="invalid",
                    params={"first": FIRST_YEAR, "last": LAST_YEAR - LAST_YEAR % 10},
                )
            decades.add(decade)
        return sorted(decades)

    def display(self, decades: list[int]) -> str:
        return ", ".join(str(decade_label(decade)) for decade in decades)


class DecadeFilter(django_filters.MultipleChoiceFilter):
    field_class = DecadeField
    parameter_schema = {
        "type": "array",
        "items": {
            "type": "integer",
            "minimum": FIRST_YEAR,
            "maximum": LAST_YEAR - LAST_YEAR % 10,
            "multipleOf": 10,
        },
    }


def in_decades(field: str, decades: list[int]) -> Q:
    """Dates in any of these decades, as ranges an index on the date column serves."""
    condition = Q()
    for decade in decades:
        condition |= Q(
            **{
                f"{field}__gte": datetime.date(decade, 1, 1),
                f"{field}__lt": datetime.date(decade + 10, 1, 1),
            }
        )
    return condition


class CountryPairField(forms.CharField):
    """Two ISO country codes joined by a hyphen, in either order: JP-KR or KR-JP."""

    pattern = re.compile(r"^([A-Za-z]{2})-([A-Za-z]{2})$")

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = self.pattern.match(value.strip())
        if not match:
            raise ValidationError(
                _("Give two country codes joined by a hyphen, e.g. JP-KR."), code="invalid"
            )
        # A code no country has selects nothing, as a country with no records would: the
        # schema can say "two letters, a hyphen, two letters" but not which codes exist.
        return tuple(code.upper() for code in match.groups())


class CountryPairFilter(django_filters.CharFilter):
    field_class = CountryPairField
    parameter_schema = {"type": "string", "pattern": CountryPairField.pattern.pattern}


def pair_of(first: str, second: str) -> str:
    """The COUNTRY_PAIRS code two countries make, in either order, or "other"."""
    for code, _label in COUNTRY_PAIRS:
        if {first, second} == set(code.split("-")):
            return code
    return "other"


MAX_SEARCH_WORDS = 8
MAX_SEARCH_LENGTH = 100


def validate_search_words(value: str) -> None:
    if len(value.split()) > MAX_SEARCH_WORDS:
        raise ValidationError(
            _("Search for at most %(limit)s words."),
            code="too_many_words",
            params={"limit": MAX_SEARCH_WORDS},
        )


class UpdatedSinceField(forms.CharField):
    """An ISO 8601 time, or a date alone meaning its midnight; a time without an offset, and a
    date, are read in the site's time zone."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        text = value.strip()
        try:
            moment = parse_datetime(text)
            if moment is None:
                day = parse_date(text)
                moment = day and datetime.datetime.combine(day, datetime.time())
        except ValueError:
            moment = None  # well formed but impossible, e.g. 2025-02-30
        if moment is not None and timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_default_timezone())
        if moment is None:
            raise ValidationError(
                _("Give an ISO 8601 date or time, e.g. 2025-01-31 or 2025-01-31T09:00:00+09:00."),
                code="invalid",
            )
        return in_utc(moment)


def in_utc(moment: datetime.datetime) -> datetime.datetime:
    """The moment in UTC, as the database compares it (PostgreSQL refuses offsets past ±15:59
    that ISO 8601 allows). One at the edge of the calendar, that UTC cannot hold (midnight of
    1 January 0001 in Tokyo), becomes the first or last moment UTC can hold: before or after
    every record, as asked."""
    try:
        return moment.astimezone(datetime.UTC)
    except OverflowError:
        edge = datetime.datetime.min if moment.year == 1 else datetime.datetime.max
        return edge.replace(tzinfo=datetime.UTC)


class UpdatedSinceFilter(django_filters.Filter):
    field_class = UpdatedSinceField
    parameter_schema = {
        "anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]
    }


def changed_since(queryset, moment: datetime.datetime):
    """The records saved at or after ``moment``: by their ``updated`` column where the model
    keeps one (indexed), else by their change history (``history_date`` is indexed)."""
    model = queryset.model
    if keeps_update_time(model):
        return queryset.filter(updated__gte=moment)
    saved = model.history.filter(history_date__gte=moment).values(model._meta.pk.attname)
    return queryset.filter(pk__in=saved)


class DirectoryFilterSet(django_filters.FilterSet):
    """What every list shares: ``q`` finds each of its words in the record's ``search_text``
    or, through ``related_search``, in the search text of the records it links to;
    ``updated_since`` keeps the records saved since a moment, for a partner's sync.

    Every field of the model is either read by a filter or declared here as not filterable,
    with the reason (tests/record_type_cases.py checks it, so that a new field is a choice):
    a filter reads a field when it bears the field's name, when its ``field_name`` starts with
    it (``established__year``), when ``q`` searches it (the fields ``search_text`` is made
    of), or when ``filtered_by`` names the method filter that reads it. Each subclass declares
    its model's own fields; the declarations add up along the classes.
    """

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=MAX_SEARCH_LENGTH,
        validators=[validate_search_words],
        help_text=_("Words to find in any name: Latin, kana and kanji, Hangul or hanzi."),
    )
    updated_since = UpdatedSinceFilter(
        label=_("Updated since"),
        method="filter_updated_since",
        help_text=_(
            "Only the records saved at or after this ISO 8601 time, e.g. 2025-01-31T09:00:00Z; "
            "a date alone means its midnight in the site's time zone."
        ),
    )
    # Relations whose search text also counts, each with the model searched:
    # ("region_a", Region) finds ties whose region_a matches.
    related_search: tuple[tuple[str, type], ...] = ()
    # Model fields that a method filter of another name reads: {field: filter}.
    filtered_by: dict[str, str] = {"search_text": "q"}
    # Model fields that no filter reads: {field: why}.
    not_filterable: dict[str, str] = {
        "id": "A record is reached by its address (page or API), not by a list filter.",
    }

    def search(self, queryset, name, value: str):
        for word in value.split():
            conditions = [matching(queryset.model, word)]
            for relation, model in self.related_search:
                related = model.objects.filter(matching(model, word)).values("pk")
                conditions.append(Q(**{f"{relation}__in": related}))
            queryset = queryset.either_of(conditions)
        return queryset

    def filter_updated_since(self, queryset, name, value: datetime.datetime):
        return changed_since(queryset, value)


class RecordIdField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(**kwargs)


class RecordIdFilter(django_filters.Filter):
    field_class = RecordIdField
    parameter_schema = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}


class CitedRecordFilterSet(DirectoryFilterSet):
    """Lists of records that carry citations can be narrowed to those citing one source."""

    source = RecordIdFilter(
        label=_("Cited source"),
        method="filter_source",
        help_text=_("A source's id: only the records that cite it."),
    )
    filtered_by = {"updated": "updated_since"}
    not_filterable = {
        "notes": "Free text about the sources' wording, shown on the record's page.",
        "created": "updated_since serves a partner's sync; a new record's update is its creation.",
    }

    def filter_source(self, queryset, name, value: int):
        opts = queryset.model._meta
        citing = Citation.objects.filter(
            source=value,
            content_type__app_label=opts.app_label,
            content_type__model=opts.model_name,
        )
        return queryset.filter(pk__in=citing.values("object_id"))


class RegionScopedFilterSet(CitedRecordFilterSet):
    """Lists with region filters (``region_fields.RegionFilter``): each selects the records
    of the region it names and, unless ``include_subregions=false``, of the regions within it."""

    include_subregions = include_subregions_filter()

    def regions_of(self, region: Region):
        """Ids of ``region`` and, unless include_subregions is off, of the regions within it."""
        if self.form.cleaned_data.get("include_subregions") == "false":
            return [region.pk]
        return Region.objects.subtree(pk=region.pk)

    def filter_include_subregions(self, queryset, name, value: str):
        return queryset  # the region filters read it


class RegionFilterSet(CitedRecordFilterSet):
    country = country_filter(_("Country"), field_name="country")
    kind = ChoiceFilter(
        field_name="level",
        choices=RegionLevel.choices,
        label=_("Kind"),
        help_text=_("The region's level; the same as level."),
    )
    level = ChoiceFilter.of_field(Region, "level")
    iso_3166_2 = CodeFilter.of_field(Region, "iso_3166_2")
    national_code = CodeFilter.of_field(Region, "national_code")
    origin = ChoiceFilter.of_field(Region, "origin")
    parent = RegionFilter(
        method="filter_parent",
        label=_("Parent region"),
        help_text=_(
            "The regions directly below this one, named by its slug, its id or its full name "
            "in any of the four scripts."
        ),
    )

    not_filterable = {
        "capital": "Shown on the region's page; no list selects regions by their capital.",
        "population": "A figure to sort the list by, not to select by.",
        "population_year": "The year of the population figure, shown beside it.",
        "latitude": "A position for the map, added as context.",
        "longitude": "A position for the map, added as context.",
        "coordinates_basis": "Says where the position comes from, shown with it.",
    }

    filtered_by = {"parent": "parent"}

    class Meta:
        model = Region
        fields = [
            "q",
            "country",
            "kind",
            "level",
            "parent",
            "iso_3166_2",
            "national_code",
            "origin",
            "source",
            "updated_since",
        ]

    def filter_parent(self, queryset, name, value: Region):
        return queryset.filter(parent=value)


class YesNoFilter(ChoiceFilter):
    """true or false. A choice rather than a BooleanFilter: an unknown value is refused on the
    page and in the API alike, where a NullBooleanField would quietly ignore it; the schema
    calls it a boolean, which a query string writes as true or false."""

    parameter_schema = {"type": "boolean"}


HOLDER_CHOICES = [
    ("true", _("stated by the source")),
    ("false", _("left open by the source")),
]


class SisterTieFilterSet(RegionScopedFilterSet):
    country = country_filter(_("Country"), method="filter_country")
    kind = ChoiceFilter.of_field(SisterTie, "tie_type")
    pair = CountryPairFilter(
        label=_("Country pair"),
        method="filter_pair",
        help_text=_("Two country codes in either order, e.g. JP-KR for Japan–Korea ties."),
    )
    status = ChoiceFilter.of_field(SisterTie, "status")
    holder_stated = YesNoFilter(
        label=_("Holder"),
        choices=HOLDER_CHOICES,
        method="filter_holder_stated",
        help_text=_(
            "true: the ties the source states between the two regions themselves; false: the "
            "ties whose holder it leaves open (the region or one of its municipalities)."
        ),
    )
    region = region_filter(_("Region on either side"), "filter_region")
    partner = region_filter(
        _("Partner region"),
        "filter_partner",
        help_text=_(
            "A region by its slug, its id or its full name in any of the four scripts; with "
            "region, only the ties between the two (each with the regions within it), e.g. "
            "region=niigata&partner=jilin."
        ),
    )
    established_from = year_filter("established__year", "gte", _("Established from (year)"))
    established_to = year_filter("established__year", "lte", _("Established until (year)"))
    decade = DecadeFilter(
        field_name="established",
        label=_("Decade established"),
        method="filter_decade",
        help_text=_(
            "A decade by its first year, e.g. 1990 for the ties established in 1990–1999; "
            "give several (decade=1990&decade=2000) for the ties of any of them."
        ),
    )
    area = ExchangeAreaFilter(
        field_name="exchange_areas__slug",
        label=_("Exchange area"),
        method="filter_area",
        help_text=_(
            "An exchange area's slug, e.g. culture; give several "
            "(area=culture&area=economy) for the ties covering any of them."
        ),
    )
    related_search = (("region_a", Region), ("region_b", Region))

    filtered_by = {
        "region_a": "region",
        "region_b": "partner",
        "country_a": "country",
        "country_b": "pair",
        "exchange_areas": "area",
    }
    not_filterable = {
        "established_precision": "How much of the date the source states, shown with it.",
        "ended": "status=ended selects the ties that ended; the date is on the tie's page.",
        "ended_precision": "How much of the end date the source states, shown with it.",
        "end_reason": "Free text, shown on the tie's page.",
        "description": "Free text, shown on the tie's page.",
    }

    class Meta:
        model = SisterTie
        fields = [
            "q",
            "country",
            "kind",
            "pair",
            "status",
            "holder_stated",
            "region",
            "partner",
            "include_subregions",
            "established_from",
            "established_to",
            "decade",
            "area",
            "source",
            "updated_since",
        ]

    def filter_country(self, queryset, name, value: str):
        return queryset.in_country(value)

    def filter_holder_stated(self, queryset, name, value: str):
        return queryset.filter(holder_stated=value == "true")

    def filter_decade(self, queryset, name, value: list):
        return queryset.filter(in_decades("established", value)) if value else queryset

    def filter_area(self, queryset, name, value: list):
        areas = [area.pk for area in value]
        return queryset.covering_any(areas) if areas else queryset

    def filter_pair(self, queryset, name, value: tuple[str, str]):
        return queryset.between_countries(*value)

    def filter_region(self, queryset, name, value: Region):
        partner = self.form.cleaned_data.get("partner")
        if partner:
            return queryset.between_regions(self.regions_of(value), self.regions_of(partner))
        return queryset.involving_any(self.regions_of(value))

    def filter_partner(self, queryset, name, value: Region):
        if self.form.cleaned_data.get("region"):
            return queryset  # the region filter takes both
        return queryset.involving_any(self.regions_of(value))


class FirmFilterSet(RegionScopedFilterSet):
    country = country_filter(_("Country"), field_name="country")
    kind = ChoiceFilter.of_field(Firm, "kind")
    region = region_filter(_("Region (and the regions within it)"), "filter_region")
    sector = django_filters.CharFilter(
        lookup_expr="icontains", label=_("Sector"), help_text=_("Words in the sector.")
    )
    founded_from = year_filter("founded_year", "gte", _("Founded from (year)"))
    founded_to = year_filter("founded_year", "lte", _("Founded until (year)"))

    not_filterable = {
        "employees": "A figure to sort the list by, not to select by.",
        "employees_year": "The year of the employees figure, shown beside it.",
        "registered_capital": "A figure as the source gives it, in its own currency and unit.",
        "capital_currency": "The currency of the registered capital, shown with it.",
        "capital_unit": "The unit of the registered capital, shown with it.",
        "capital_year": "The year of the registered capital, shown with it.",
        "annual_sales": "A figure as the source gives it, in its own currency and unit.",
        "sales_currency": "The currency of the annual sales, shown with them.",
        "sales_unit": "The unit of the annual sales, shown with them.",
        "sales_year": "The year of the annual sales, shown with them.",
        "import_sources": "Free text, shown on the firm's page.",
        "description": "Free text, shown on the firm's page.",
        "partners": "Shown on the firm's page and in the API.",
    }

    class Meta:
        model = Firm
        fields = [
            "q",
            "country",
            "kind",
            "region",
            "include_subregions",
            "sector",
            "founded_from",
            "founded_to",
            "source",
            "updated_since",
        ]

    def filter_region(self, queryset, name, value: Region):
        return queryset.filter(region__in=self.regions_of(value))


class OverseasOfficeFilterSet(RegionScopedFilterSet):
    country = country_filter(_("Country (operator or host)"), method="filter_country")
    kind = ChoiceFilter.of_field(OverseasOffice, "kind")
    operator_country = country_filter(_("Operator's country"), method="filter_operator_country")
    host_country = country_filter(_("Host country"), field_name="host_region__country")
    pair = CountryPairFilter(
        label=_("Country pair"),
        method="filter_pair",
        help_text=_("Offices one country runs in the other, in either direction, e.g. JP-KR."),
    )
    status = ChoiceFilter(
        choices=OfficeStatus.choices,
        label=_("Open or closed"),
        help_text=_("open, closed, or planned (agreed but not yet open)."),
    )
    region = region_filter(_("Region (operator or host)"), "filter_region")
    host_region = region_filter(_("Host region"), "filter_host_region")
    related_search = (
        ("host_region", Region),
        ("operator_region", Region),
        ("operator_firm", Firm),
    )

    filtered_by = {"operator_region": "region", "operator_firm": "operator_country"}
    not_filterable = {
        "opened": "A date to sort the list by; status says whether the office is open.",
        "opened_precision": "How much of the opening date the source states, shown with it.",
        "closed": "status=closed selects the closed offices; the date is on the office's page.",
        "closed_precision": "How much of the closing date the source states, shown with it.",
        "head_title": "Shown beside the head's name on the office's page.",
        "functions": "Free text, shown on the office's page.",
    }

    class Meta:
        model = OverseasOffice
        fields = [
            "q",
            "country",
            "kind",
            "operator_country",
            "host_country",
            "pair",
            "status",
            "region",
            "host_region",
            "include_subregions",
            "source",
            "updated_since",
        ]

    def filter_operator_country(self, queryset, name, value: str):
        return queryset.filter(
            Q(operator_region__country=value)
            | Q(operator_region__isnull=True, operator_firm__country=value)
        )

    def filter_country(self, queryset, name, value: str):
        return self.filter_operator_country(queryset, name, value) | queryset.filter(
            host_region__country=value
        )

    def filter_pair(self, queryset, name, value: tuple[str, str]):
        first, second = value
        operated_from = self.filter_operator_country
        return operated_from(queryset, name, first).filter(
            host_region__country=second
        ) | operated_from(queryset, name, second).filter(host_region__country=first)

    def filter_region(self, queryset, name, value: Region):
        regions = self.regions_of(value)
        return queryset.either_of([Q(operator_region__in=regions), Q(host_region__in=regions)])

    def filter_host_region(self, queryset, name, value: Region):
        return queryset.filter(host_region__in=self.regions_of(value))


class MissionFilterSet(RegionScopedFilterSet):
    country = country_filter(_("Country (origin or destination)"), method="filter_country")
    kind = ChoiceFilter.of_field(Mission, "kind")
    status = ChoiceFilter.of_field(Mission, "status")
    origin_country = country_filter(_("Origin country"), method="filter_origin_country")
    destination_country = country_filter(
        _("Destination country"), method="filter_destination_country"
    )
    pair = CountryPairFilter(
        label=_("Country pair"),
        method="filter_pair",
        help_text=_("Missions from one country to the other, in either direction, e.g. JP-KR."),
    )
    region = region_filter(_("Region (origin or destination)"), "filter_region")
    year_from = year_filter("start__year", "gte", _("From (year)"))
    year_to = year_filter("start__year", "lte", _("Until (year)"))
    related_search = (("origin_regions", Region), ("destination_regions", Region))

    filtered_by = {"origin_regions": "region", "destination_regions": "region"}
    not_filterable = {
        "start_precision": "How much of the start date the source states, shown with it.",
        "end": "Missions are selected by the year they start; the end is on the mission's page.",
        "end_precision": "How much of the end date the source states, shown with it.",
        "status_reported": "When the plan was reported, shown with the status.",
        "status_reported_precision": "How much of that date the source states, shown with it.",
        "delegation_size": "A figure to sort the list by, not to select by.",
        "purpose": "Free text, shown on the mission's page.",
        "outcome": "Free text, shown on the mission's page.",
        "outcome_value": "A figure as the source gives it, in its own currency.",
        "outcome_currency": "The currency of the outcome value, shown with it.",
        "related_tie": "The tie's page lists its missions.",
        "related_office": "The office's page lists its missions.",
        "organisers": "The firm's page lists the missions it organised.",
        "participating_firms": "The firm's page lists the missions it joined.",
    }

    class Meta:
        model = Mission
        fields = [
            "q",
            "country",
            "kind",
            "status",
            "origin_country",
            "destination_country",
            "pair",
            "region",
            "include_subregions",
            "year_from",
            "year_to",
            "source",
            "updated_since",
        ]

    def filter_origin_country(self, queryset, name, value: str):
        return queryset.filter(from_country(value))

    def filter_destination_country(self, queryset, name, value: str):
        return queryset.filter(to_country(value))

    def filter_country(self, queryset, name, value: str):
        return queryset.filter(from_country(value) | to_country(value))

    def filter_pair(self, queryset, name, value: tuple[str, str]):
        first, second = value
        return queryset.filter(
            from_country(first) & to_country(second) | from_country(second) & to_country(first)
        )

    def filter_region(self, queryset, name, value: Region):
        regions = self.regions_of(value)
        return queryset.either_of(
            [Q(origin_regions__in=regions), Q(destination_regions__in=regions)]
        )


class PersonFilterSet(RegionScopedFilterSet):
    region = region_filter(_("Body (region)"), "filter_region")
    firm = RecordIdFilter(
        label=_("Body (firm)"),
        field_name="body_firm__id",
        help_text=_("A firm's id: the people who held a title in it."),
    )
    mission = RecordIdFilter(
        label=_("Mission"),
        method="filter_mission",
        help_text=_("A mission's id: the people who took part in it."),
    )
    role = ChoiceFilter.of_field(
        Participation, "role", method="filter_role", help_text=_("People who took part so.")
    )
    related_search = (("body_region", Region), ("body_firm", Firm))

    filtered_by = {"body_region": "region", "body_firm": "firm"}
    not_filterable = {}

    class Meta:
        model = Person
        fields = [
            "q",
            "region",
            "include_subregions",
            "firm",
            "mission",
            "role",
            "source",
            "updated_since",
        ]

    def filter_region(self, queryset, name, value: Region):
        return queryset.filter(body_region__in=self.regions_of(value))

    def filter_mission(self, queryset, name, value: int):
        taking_part = Participation.objects.filter(mission=value).values("person")
        return queryset.filter(pk__in=taking_part)

    def filter_role(self, queryset, name, value: str):
        taking_part = Participation.objects.filter(role=value).values("person")
        return queryset.filter(pk__in=taking_part)


class ParticipationFilterSet(RegionScopedFilterSet):
    mission = RecordIdFilter(
        label=_("Mission"), field_name="mission__id", help_text=_("A mission's id.")
    )
    role = ChoiceFilter.of_field(Participation, "role")
    country = country_filter(_("Side"), field_name="country")
    person = RecordIdFilter(
        label=_("Person"), field_name="person__id", help_text=_("A person's id.")
    )
    firm = RecordIdFilter(label=_("Firm"), field_name="firm__id", help_text=_("A firm's id."))
    region = region_filter(_("Region (taking part, or a person's body)"), "filter_region")
    related_search = (
        ("mission", Mission),
        ("person", Person),
        ("region", Region),
        ("firm", Firm),
    )

    not_filterable = {
        "count": "A figure shown beside its side, not to select by.",
    }

    class Meta:
        model = Participation
        fields = [
            "q",
            "mission",
            "role",
            "country",
            "person",
            "firm",
            "region",
            "include_subregions",
            "source",
            "updated_since",
        ]

    def filter_region(self, queryset, name, value: Region):
        regions = self.regions_of(value)
        return queryset.either_of([Q(region__in=regions), Q(person__body_region__in=regions)])


class IndicatorFilterSet(RegionScopedFilterSet):
    measure = django_filters.CharFilter(
        lookup_expr="icontains",
        label=_("What is measured"),
        help_text=_("Words in what is measured, e.g. gross regional product."),
    )
    subject = ChoiceFilter.of_field(Indicator, "subject")
    region = region_filter(
        _("Region (the subject, its partner or the offices' operator)"), "filter_region"
    )
    firm = RecordIdFilter(
        label=_("Firm"),
        method="filter_firm",
        help_text=_("A firm's id: the figures about it or about the offices it runs."),
    )
    country = country_filter(
        _("Country"),
        method="filter_country",
        help_text=_("The figures about a country or with it as the partner (ISO code, e.g. KR)."),
    )
    qualifier = ChoiceFilter.of_field(Indicator, "qualifier")
    period_from = YearFilter(
        label=_("Refers to years from"),
        method="filter_period_from",
        help_text=_("The figures whose years reach this year or later (a four-digit year)."),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
    )
    period_to = YearFilter(
        label=_("Refers to years until"),
        method="filter_period_to",
        help_text=_("The figures whose years begin in this year or earlier (a four-digit year)."),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
    )
    published_year = YearFilter(
        label=_("Year published"),
        method="filter_published_year",
        help_text=YEAR_HELP,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
    )
    currency = ChoiceFilter.of_field(Indicator, "currency")
    related_search = (
        ("region", Region),
        ("partner_region", Region),
        ("operator_region", Region),
        ("operator_firm", Firm),
        ("firm", Firm),
    )

    filtered_by = {
        "partner_region": "region",
        "operator_region": "region",
        "operator_firm": "firm",
        "partner_country": "country",
        "period_start": "period_to",
        "period_end": "period_from",
    }
    not_filterable = {
        "value": "A figure as the source prints it, shown with its unit; not to select by.",
        "value_to": "The upper end of the value's range, shown with it.",
        "scale": "The multiplier the value is printed in, shown with it.",
    }

    class Meta:
        model = Indicator
        fields = [
            "q",
            "measure",
            "subject",
            "region",
            "include_subregions",
            "firm",
            "country",
            "qualifier",
            "period_from",
            "period_to",
            "published_year",
            "currency",
            "source",
            "updated_since",
        ]

    def filter_region(self, queryset, name, value: Region):
        regions = self.regions_of(value)
        return queryset.either_of(
            [
                Q(region__in=regions),
                Q(partner_region__in=regions),
                Q(operator_region__in=regions),
            ]
        )

    def filter_firm(self, queryset, name, value: int):
        return queryset.either_of([Q(firm=value), Q(operator_firm=value)])

    def filter_country(self, queryset, name, value: str):
        return queryset.filter(Q(country=value) | Q(partner_country=value))

    def filter_period_from(self, queryset, name, value: int):
        """Years overlapping from ``value`` on: the last year (or the only one) not before it."""
        return queryset.filter(
            Q(period_end__gte=value) | Q(period_end__isnull=True, period_start__gte=value)
        )

    def filter_period_to(self, queryset, name, value: int):
        return queryset.filter(period_start__lte=value)

    def filter_published_year(self, queryset, name, value: int):
        return queryset.filter(published_year=value)


class SourceFilterSet(DirectoryFilterSet):
    country = country_filter(
        _("Country"),
        method="filter_country",
        help_text=_("Sources that cite a region in this country (ISO code, e.g. KR)."),
    )
    kind = ChoiceFilter.of_field(Source, "kind")
    language = ChoiceFilter.of_field(Source, "language")

    not_filterable = {
        "published": "A date to sort the list by, not to select by.",
        "published_precision": "How much of the date the document states, shown with it.",
        "extent": "How the document is divided, shown on its page.",
        "url": "The document's web address, shown on its page.",
        "licence": "Shown on the source's page; the About page credits the datasets.",
        "notes": "Free text, shown on the source's page.",
    }

    class Meta:
        model = Source
        fields = ["q", "country", "kind", "language", "updated_since"]

    def filter_country(self, queryset, name, value: str):
        citing = Citation.objects.filter(
            content_type=ContentType.objects.get_for_model(Region),
            object_id__in=Region.objects.filter(country=value).values("pk"),
        ).values("source")
        return queryset.filter(pk__in=citing)


def filterset_of(model) -> type[DirectoryFilterSet] | None:
    """The FilterSet of a record type; None for a model that is not one (an exchange area)."""
    try:
        return component(DirectoryFilterSet, model)
    except LookupError:
        return None
