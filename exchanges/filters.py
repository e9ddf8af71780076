"""One FilterSet per model: the single path from a query string to SQL.

The public list pages and the REST API use these same classes, so ``/ties/?pair=JP-KR`` and
``/api/v1/ties/?pair=JP-KR`` select the same rows. Every list has ``q`` (search over every name
column, in any script), ``country`` and ``kind``; each model adds what researchers filter by.
Labels and help texts here are what the pages show and what the API schema documents.
"""

import re

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import (
    Citation,
    Firm,
    FirmKind,
    Mission,
    MissionKind,
    OfficeKind,
    OfficeStatus,
    OverseasOffice,
    Region,
    RegionLevel,
    SisterTie,
    Source,
    SourceKind,
    SourceLanguage,
    TieStatus,
    TieType,
)
from .models.base import MultilingualNames

# The three pairs the directory is about; anything else counts as "other".
COUNTRY_PAIRS = [
    ("JP-KR", _("Japan–Korea")),
    ("JP-CN", _("Japan–China")),
    ("CN-KR", _("China–Korea")),
]

YEAR_HELP = _("A four-digit year.")
COUNTRY_HELP = _("ISO 3166-1 alpha-2 code, e.g. JP, CN or KR.")


def name_lookups(prefix: str = "") -> list[str]:
    return [f"{prefix}{field}" for field in MultilingualNames.NAME_FIELDS]


def country_choices():
    return [(code, f"{name} ({code})") for code, name in countries]


def country_filter(label, method=None, field_name=None, help_text=COUNTRY_HELP):
    return django_filters.ChoiceFilter(
        label=label,
        choices=country_choices,
        method=method,
        field_name=field_name,
        help_text=help_text,
    )


def year_filter(field_name: str, lookup: str, label) -> django_filters.NumberFilter:
    """A year bound on a date field (``start__year``) or a year field (``founded_year``)."""
    return django_filters.NumberFilter(
        field_name=field_name,
        lookup_expr=lookup,
        label=label,
        help_text=YEAR_HELP,
        min_value=1000,
        max_value=2100,
    )


def region_filter(label, method) -> django_filters.CharFilter:
    return django_filters.CharFilter(
        label=label,
        method=method,
        help_text=_("The region's slug, e.g. niigata or gyeongsangnam-do."),
    )


def within(region_slug: str, path: str = "") -> Q:
    """The region itself and the regions up to three levels below it."""
    condition = Q()
    for depth in range(4):
        condition |= Q(**{f"{path}{'parent__' * depth}slug": region_slug})
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
        pair = tuple(code.upper() for code in match.groups())
        unknown = [code for code in pair if code not in countries]
        if unknown:
            raise ValidationError(
                _("Unknown country code: %(codes)s."),
                code="invalid",
                params={"codes": ", ".join(unknown)},
            )
        return pair


class CountryPairFilter(django_filters.CharFilter):
    field_class = CountryPairField


def pair_of(first: str, second: str) -> str:
    """The COUNTRY_PAIRS code two countries make, in either order, or "other"."""
    for code, _label in COUNTRY_PAIRS:
        if {first, second} == set(code.split("-")):
            return code
    return "other"


class DirectoryFilterSet(django_filters.FilterSet):
    """What every list shares: ``q`` searches the name columns given in ``search_fields``."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Words to find in any name: Latin, kana and kanji, Hangul or hanzi."),
    )
    search_fields: tuple[str, ...] = tuple(MultilingualNames.NAME_FIELDS)

    def search(self, queryset, name, value: str):
        for term in value.split():
            condition = Q()
            for lookup in self.search_fields:
                condition |= Q(**{f"{lookup}__icontains": term})
            # A subquery rather than DISTINCT: searching through many-to-many relations
            # can match a row more than once.
            matches = queryset.model.objects.filter(condition).values("pk")
            queryset = queryset.filter(pk__in=matches)
        return queryset


class RegionFilterSet(DirectoryFilterSet):
    country = country_filter(_("Country"), field_name="country")
    kind = django_filters.ChoiceFilter(
        field_name="level",
        choices=RegionLevel.choices,
        label=_("Kind"),
        help_text=_("The region's level; the same as level."),
    )
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices, label=_("Level"))
    parent = django_filters.CharFilter(
        field_name="parent__slug",
        label=_("Parent region"),
        help_text=_("The parent region's slug: the regions directly below it."),
    )
    search_fields = (*name_lookups(), "slug")

    class Meta:
        model = Region
        fields = ["q", "country", "kind", "level", "parent"]


class SisterTieFilterSet(DirectoryFilterSet):
    country = country_filter(_("Country"), method="filter_country")
    kind = django_filters.ChoiceFilter(
        field_name="tie_type", choices=TieType.choices, label=_("Type")
    )
    pair = CountryPairFilter(
        label=_("Country pair"),
        method="filter_pair",
        help_text=_("Two country codes in either order, e.g. JP-KR for Japan–Korea ties."),
    )
    status = django_filters.ChoiceFilter(choices=TieStatus.choices, label=_("Status"))
    region = region_filter(_("Region on either side"), "filter_region")
    established_from = year_filter("established__year", "gte", _("Established from (year)"))
    established_to = year_filter("established__year", "lte", _("Established until (year)"))
    search_fields = (*name_lookups("region_a__"), *name_lookups("region_b__"), "source_label")

    class Meta:
        model = SisterTie
        fields = [
            "q",
            "country",
            "kind",
            "pair",
            "status",
            "region",
            "established_from",
            "established_to",
        ]

    def filter_country(self, queryset, name, value: str):
        return queryset.filter(Q(region_a__country=value) | Q(region_b__country=value))

    def filter_pair(self, queryset, name, value: tuple[str, str]):
        first, second = value
        return queryset.filter(
            Q(region_a__country=first, region_b__country=second)
            | Q(region_a__country=second, region_b__country=first)
        )

    def filter_region(self, queryset, name, value: str):
        return queryset.filter(within(value, "region_a__") | within(value, "region_b__"))


class FirmFilterSet(DirectoryFilterSet):
    country = country_filter(_("Country"), field_name="country")
    kind = django_filters.ChoiceFilter(choices=FirmKind.choices, label=_("Kind"))
    region = region_filter(_("Region (and the regions within it)"), "filter_region")
    sector = django_filters.CharFilter(
        lookup_expr="icontains", label=_("Sector"), help_text=_("Words in the sector.")
    )
    founded_from = year_filter("founded_year", "gte", _("Founded from (year)"))
    founded_to = year_filter("founded_year", "lte", _("Founded until (year)"))
    search_fields = (*name_lookups(), "sector", "goods", "key_people")

    class Meta:
        model = Firm
        fields = ["q", "country", "kind", "region", "sector", "founded_from", "founded_to"]

    def filter_region(self, queryset, name, value: str):
        return queryset.filter(within(value, "region__"))


class OverseasOfficeFilterSet(DirectoryFilterSet):
    country = country_filter(_("Country (operator or host)"), method="filter_country")
    kind = django_filters.ChoiceFilter(choices=OfficeKind.choices, label=_("Kind"))
    operator_country = country_filter(_("Operator's country"), method="filter_operator_country")
    host_country = country_filter(_("Host country"), field_name="host_region__country")
    pair = CountryPairFilter(
        label=_("Country pair"),
        method="filter_pair",
        help_text=_("Offices one country runs in the other, in either direction, e.g. JP-KR."),
    )
    status = django_filters.ChoiceFilter(
        choices=OfficeStatus.choices,
        label=_("Open or closed"),
        help_text=_("open, closed, or planned (agreed but not yet open)."),
    )
    region = region_filter(_("Region (operator or host)"), "filter_region")
    host_region = region_filter(_("Host region"), "filter_host_region")
    search_fields = (
        *name_lookups(),
        *name_lookups("host_region__"),
        *name_lookups("operator_region__"),
        *name_lookups("operator_firm__"),
        "head_name",
    )

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

    def filter_region(self, queryset, name, value: str):
        return queryset.filter(within(value, "operator_region__") | within(value, "host_region__"))

    def filter_host_region(self, queryset, name, value: str):
        return queryset.filter(within(value, "host_region__"))


class MissionFilterSet(DirectoryFilterSet):
    country = country_filter(_("Country (origin or destination)"), method="filter_country")
    kind = django_filters.ChoiceFilter(choices=MissionKind.choices, label=_("Kind"))
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
    search_fields = (
        *name_lookups(),
        *name_lookups("origin_regions__"),
        *name_lookups("destination_regions__"),
        "leader",
        "venue",
    )

    class Meta:
        model = Mission
        fields = [
            "q",
            "country",
            "kind",
            "origin_country",
            "destination_country",
            "pair",
            "region",
            "year_from",
            "year_to",
        ]

    def _with(self, queryset, condition):
        return queryset.filter(pk__in=Mission.objects.filter(condition).values("pk"))

    def filter_origin_country(self, queryset, name, value: str):
        return self._with(queryset, Q(origin_regions__country=value))

    def filter_destination_country(self, queryset, name, value: str):
        return self._with(queryset, Q(destination_regions__country=value))

    def filter_country(self, queryset, name, value: str):
        return self._with(
            queryset, Q(origin_regions__country=value) | Q(destination_regions__country=value)
        )

    def filter_pair(self, queryset, name, value: tuple[str, str]):
        first, second = value
        return self._with(
            queryset,
            Q(origin_regions__country=first, destination_regions__country=second)
            | Q(origin_regions__country=second, destination_regions__country=first),
        )

    def filter_region(self, queryset, name, value: str):
        return self._with(
            queryset, within(value, "origin_regions__") | within(value, "destination_regions__")
        )


class SourceFilterSet(DirectoryFilterSet):
    country = country_filter(
        _("Country"),
        method="filter_country",
        help_text=_("Sources that cite a region in this country (ISO code, e.g. KR)."),
    )
    kind = django_filters.ChoiceFilter(choices=SourceKind.choices, label=_("Kind"))
    language = django_filters.ChoiceFilter(choices=SourceLanguage.choices, label=_("Language"))
    search_fields = ("title", "title_en", "authors", "publisher", "file_name")

    class Meta:
        model = Source
        fields = ["q", "country", "kind", "language"]

    def filter_country(self, queryset, name, value: str):
        citing = Citation.objects.filter(
            content_type=ContentType.objects.get_for_model(Region),
            object_id__in=Region.objects.filter(country=value).values("pk"),
        ).values("source")
        return queryset.filter(pk__in=citing)
