"""A region named the way a reader names it: by slug, by id, or by its full name in any script.

Every region-like filter (a tie's region and partner, a firm's region, an office's region and
host region, a mission's region, a region's parent) reads its value with ``RegionField``, so
``region=busan``, ``region=42``, ``region=Busan``, ``region=부산광역시`` and ``region=釜山`` select
the same rows on the pages, in the API and on the pictures. A name that several regions bear
(서구 is a district of Busan and of Incheon) is refused with the candidates and their parents,
each with the slug that names it alone; a value no region answers to is refused too, naming the
field, rather than selecting nothing. ``include_subregions`` says whether the regions within the
named one count as well (the default) or only the region itself.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, Q, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Region
from .models.regions import ANCESTORS
from .widgets import QuickSelect

# Candidates named in an ambiguity's message; a name more regions share asks for the slug anyway.
MAX_CANDIDATES = 8
MAX_ID = 2**63 - 1

REGION_HELP = _(
    "A region's slug (busan), its id, or its full name in English, Japanese, Chinese or Korean "
    "(e.g. Busan, 釜山 or 부산광역시); a name several regions bear is refused with the "
    "candidates and their slugs."
)


def named_regions(value: str):
    """The regions ``value`` names: by id when it is a number, else by slug, else by a full
    name in one of the four scripts (English case-insensitively). One query, each condition
    served by an index (the primary key, the unique slug, one index per name column)."""
    # The slug, the ISO 3166-2 code (KR-26) and the id below: each names one region.
    by_key = Q(slug=value.lower()) | Q(iso_3166_2=value.upper())
    by_name = Q(name_en__iexact=value) | Q(name_ja=value) | Q(name_zh=value) | Q(name_ko=value)
    # The id first, then the slug: each names one region, whatever names others bear.
    ranks = [When(by_key, then=1)]
    if value.isascii() and value.isdigit() and int(value) <= MAX_ID:
        by_id = Q(pk=int(value))
        ranks.insert(0, When(by_id, then=0))
        by_key |= by_id
    candidates = list(
        Region.objects.filter(by_key | by_name)
        .select_related(ANCESTORS)
        .order_by(Case(*ranks, default=2), "name_en", "pk")[: MAX_CANDIDATES + 1]
    )
    for exact in (
        lambda region: str(region.pk) == value,
        lambda region: region.slug == value.lower(),
        lambda region: region.iso_3166_2 == value.upper(),
    ):
        if candidates and exact(candidates[0]):
            return candidates[:1]
    return candidates


def with_parents(region: Region) -> str:
    """A region as a candidate reads: its name, its parents', its slug."""
    parents = ", ".join(region.parent_names())
    name = f"{region.name} ({parents})" if parents else region.name
    return f"{name} [{region.slug}]"


class RegionField(forms.CharField):
    """A region by slug, id or full name; the cleaned value is the Region itself."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("widget", RegionInput)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)  # the text, stripped, within max_length
        if not value:
            return None
        regions = named_regions(value)
        if not regions:
            raise ValidationError(
                _(
                    "No region is called “%(value)s”: give its slug, its id, or its full name "
                    "in English, Japanese, Chinese or Korean."
                ),
                code="unknown_region",
                params={"value": value},
            )
        if len(regions) > 1:
            listed = "; ".join(with_parents(region) for region in regions[:MAX_CANDIDATES])
            more = "; …" if len(regions) > MAX_CANDIDATES else ""
            raise ValidationError(
                _("“%(value)s” is ambiguous: %(candidates)s. Give the slug of the one you mean."),
                code="ambiguous_region",
                params={"value": value, "candidates": listed + more},
            )
        return regions[0]

    def prepare_value(self, value):
        return value.slug if isinstance(value, Region) else value


class RegionInput(forms.TextInput):
    """A text box that names a region; with JavaScript (static/js/region-suggest.js) it offers
    the regions whose names match as a list to pick from, fed by /regions/suggest/."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "autocomplete": "off",
                "spellcheck": "false",
                "data-region-suggest": reverse("exchanges:region-suggest"),
                # Read out when suggestions arrive; the script puts their number for %s.
                "data-suggestions-found": _("Regions suggested: %s"),
            }
        )
        return context


class RegionFilter(django_filters.Filter):
    """A region-like filter: its method receives the Region the value names."""

    field_class = RegionField
    parameter_schema = {"type": "string", "minLength": 1, "maxLength": 200}


def region_filter(label, method, help_text=None) -> RegionFilter:
    return RegionFilter(label=label, method=method, help_text=help_text or REGION_HELP)


TRUE_WORDS = {"", "true", "1", "yes", "on"}
FALSE_WORDS = {"false", "0", "no", "off"}


class IncludeSubregionsField(forms.ChoiceField):
    """``true`` (the default, also when absent) or ``false``; the cleaned value is ``""`` for
    the default, so that only a departure from it shows among the active filters."""

    def __init__(self, **kwargs):
        kwargs.pop("empty_label", None)
        kwargs["choices"] = [("", _("Yes")), ("false", _("No"))]
        kwargs.setdefault("widget", QuickSelect)
        super().__init__(**kwargs)

    def to_python(self, value):
        word = str(value or "").strip().lower()
        if word in TRUE_WORDS:
            return ""
        if word in FALSE_WORDS:
            return "false"
        raise ValidationError(_("Give true or false."), code="invalid")

    def validate(self, value):
        pass  # to_python allows only the two values


class IncludeSubregionsFilter(django_filters.Filter):
    """Read by the region filters of its FilterSet (its method leaves the rows as they are)."""

    field_class = IncludeSubregionsField
    parameter_schema = {"type": "boolean", "default": True}


def include_subregions_filter() -> IncludeSubregionsFilter:
    return IncludeSubregionsFilter(
        method="filter_include_subregions",
        label=_("Include the regions within"),
        help_text=_(
            "true (the default): a region filter also selects the records of the regions within "
            "the region (Busan's districts with Busan); false: only those of the region itself."
        ),
    )
