"""Figures the sources state, held as data: what was measured, of what, how much, for when."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, TextField
from django.db.models.functions import Cast, Upper
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from ..record_types import record_type
from .base import AmountUnit, Currency, DirectoryRecord
from .firms import YEAR_VALIDATORS, Firm
from .indexes import SortIndex, TrigramIndex
from .querysets import CITED_SOURCES, DirectoryQuerySet
from .regions import Region
from .search import SearchTextField


class IndicatorSubject(models.TextChoices):
    """What a figure is about. Each kind names its own fields (``SUBJECT_FIELDS``)."""

    REGION = "region", _("a region")
    REGION_PAIR = "region_pair", _("a pair of regions")
    REGION_AND_COUNTRY = "region_country", _("a region and a country")
    OFFICE_NETWORK = "office_network", _("an operator's offices as a whole")
    FIRM = "firm", _("a firm")
    COUNTRY = "country", _("a country")
    COUNTRY_PAIR = "country_pair", _("a pair of countries")


# The fields each kind of subject fills, in reading order; every other subject field stays
# empty. An office network fills one of its two: the operator is a region or a firm.
SUBJECT_FIELDS = {
    IndicatorSubject.REGION: ("region",),
    IndicatorSubject.REGION_PAIR: ("region", "partner_region"),
    IndicatorSubject.REGION_AND_COUNTRY: ("region", "partner_country"),
    IndicatorSubject.OFFICE_NETWORK: ("operator_region", "operator_firm"),
    IndicatorSubject.FIRM: ("firm",),
    IndicatorSubject.COUNTRY: ("country",),
    IndicatorSubject.COUNTRY_PAIR: ("country", "partner_country"),
}
SUBJECT_FIELD_NAMES = (
    "region",
    "partner_region",
    "operator_region",
    "operator_firm",
    "firm",
    "country",
    "partner_country",
)
TEXT_SUBJECT_FIELDS = {"country", "partner_country"}


def _given(field: str) -> Q:
    return ~Q(**{field: ""}) if field in TEXT_SUBJECT_FIELDS else Q(**{f"{field}__isnull": False})


def _empty(field: str) -> Q:
    return Q(**{field: ""}) if field in TEXT_SUBJECT_FIELDS else Q(**{f"{field}__isnull": True})


def _subject_condition() -> Q:
    """Each kind of subject with exactly its own fields given. An office network has one
    operator: a region or a firm."""
    condition = Q()
    for kind, fields in SUBJECT_FIELDS.items():
        rule = Q(subject=kind)
        if kind == IndicatorSubject.OFFICE_NETWORK:
            rule &= (_given("operator_region") & _empty("operator_firm")) | (
                _empty("operator_region") & _given("operator_firm")
            )
        else:
            for name in fields:
                rule &= _given(name)
        for name in SUBJECT_FIELD_NAMES:
            if name not in fields:
                rule &= _empty(name)
        condition |= rule
    return condition


class IndicatorQualifier(models.TextChoices):
    """How the source hedges or frames a figure."""

    EXACT = "exact", _("as stated")
    APPROXIMATE = "approximate", _("approximate (about, 前後, 여)")
    AT_LEAST = "at_least", _("at least, more than")
    NEARLY = "nearly", _("nearly, up to")
    TRIPS = "trips", _("counts trips, not people (延べ)")
    EXPECTED = "expected", _("planned or expected")
    REPORTED = "reported", _("said to be (hearsay)")


class IndicatorQuerySet(DirectoryQuerySet):
    SUBJECTS = ("region", "partner_region", "operator_region", "operator_firm", "firm")

    def listed(self) -> "IndicatorQuerySet":
        return self.select_related(*self.SUBJECTS).without_long_text(*self.SUBJECTS)

    def serialized(self) -> "IndicatorQuerySet":
        return self.select_related(*self.SUBJECTS).prefetch_related(CITED_SOURCES)

    def about_region(self, region: Region) -> "IndicatorQuerySet":
        """Figures whose subject involves ``region``: of it, of a pair it is in, or of the
        offices it runs."""
        return self.filter(Q(region=region) | Q(partner_region=region) | Q(operator_region=region))

    def about_pair(self, region_a: Region, region_b: Region) -> "IndicatorQuerySet":
        """Figures about exactly this pair of regions, in either order."""
        return self.filter(
            Q(region=region_a, partner_region=region_b)
            | Q(region=region_b, partner_region=region_a)
        )


# The word for each scale a figure is printed in, put between the number and its unit:
# "379.6 億元" (the reader's language may write it otherwise: 亿, 억).
SCALE_WORDS = {
    AmountUnit.ONE: "",
    AmountUnit.THOUSAND: _("thousand"),
    AmountUnit.TEN_THOUSAND: _("万"),
    AmountUnit.MILLION: _("million"),
    AmountUnit.HUNDRED_MILLION: _("億"),
}


def plain_number(value: Decimal) -> str:
    """Every digit of ``value``, grouped by thousands, without trailing zeros nor an
    exponent: 213243.0000 → "213,243", 379.6000 → "379.6"."""
    return format(value.normalize(), ",f")


def joined_words(*words: str) -> str:
    """Words side by side: CJK ones (万, 億, 元, 人) without a space between them."""
    text = ""
    for word in (str(word) for word in words if word):
        between_cjk = text and not text[-1].isascii() and not word[0].isascii()
        text += word if not text or between_cjk else f" {word}"
    return text


@record_type("indicator", "indicators", _("Figures"), position=8)
class Indicator(DirectoryRecord):
    """One figure a source states: Yanbian's GRP in 2008, the buyers South Gyeongsang's offices
    met, the ties between two countries' local governments. Held once, with its subject, unit,
    scale and period exactly as printed, so that nothing is counted twice."""

    measure = models.CharField(
        _("what is measured"),
        max_length=200,
        help_text=_('In English, as a reader would look for it: "gross regional product".'),
    )
    wording = models.CharField(
        _("as printed"),
        max_length=300,
        blank=True,
        help_text=_('The figure in the source\'s own words: "延べ213,243人", "200여건".'),
    )
    subject = models.CharField(
        _("subject"),
        max_length=20,
        choices=IndicatorSubject.choices,
        help_text=_("What the figure is about; fill exactly the fields this kind names."),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("region"),
    )
    partner_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner_indicators",
        verbose_name=_("partner region"),
    )
    operator_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="office_network_indicators",
        verbose_name=_("operator (region)"),
        help_text=_("For figures about all the offices a region runs."),
    )
    operator_firm = models.ForeignKey(
        Firm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="office_network_indicators",
        verbose_name=_("operator (firm)"),
        help_text=_("For figures about all the offices a firm runs."),
    )
    firm = models.ForeignKey(
        Firm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("firm"),
    )
    country = CountryField(_("country"), blank=True)
    partner_country = CountryField(_("partner country"), blank=True)
    value = models.DecimalField(
        _("value"),
        max_digits=20,
        decimal_places=4,
        help_text=_("The number as printed, before the scale: 379.6 for 379.6億元."),
    )
    value_to = models.DecimalField(
        _("value up to"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_('The upper end where the source gives a range: 4 for "2〜4往復".'),
    )
    unit = models.CharField(
        _("unit"),
        max_length=60,
        blank=True,
        help_text=_('What is counted, as printed: "人", "buyers", "%", "flights a day".'),
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, blank=True)
    scale = models.PositiveIntegerField(
        _("scale"),
        choices=AmountUnit.choices,
        default=AmountUnit.ONE,
        help_text=_("The multiplier the source prints the figure in, e.g. 億 = 100,000,000."),
    )
    period_start = models.PositiveSmallIntegerField(
        _("year (from)"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("The year the figure refers to, or the first of its years."),
    )
    period_end = models.PositiveSmallIntegerField(
        _("year (to)"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("The last year, where the figure covers several."),
    )
    published_year = models.PositiveSmallIntegerField(
        _("year published"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("The year the figure was published: 2008 for 吉林統計年鑑 2008年版."),
    )
    qualifier = models.CharField(
        _("qualifier"),
        max_length=20,
        choices=IndicatorQualifier.choices,
        default=IndicatorQualifier.EXACT,
    )
    search_text = SearchTextField("measure", "wording", "unit")

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        ordering = ["measure", "period_start", "pk"]
        indexes = [
            models.Index(fields=["measure", "period_start", "id"], name="indicator_measure_order"),
            SortIndex("period_start", name="indicator_period_order"),
            SortIndex("published_year", name="indicator_published_order"),
            models.Index(fields=["period_end", "id"], name="indicator_period_end"),
            models.Index(fields=["qualifier", "id"], name="indicator_qualifier"),
            models.Index(fields=["currency", "id"], name="indicator_currency"),
            models.Index(fields=["subject", "id"], name="indicator_subject"),
            models.Index(fields=["region", "id"], name="indicator_region"),
            models.Index(fields=["partner_region", "id"], name="indicator_partner_region"),
            models.Index(fields=["operator_region", "id"], name="indicator_operator_region"),
            models.Index(fields=["operator_firm", "id"], name="indicator_operator_firm"),
            models.Index(fields=["firm", "id"], name="indicator_firm"),
            models.Index(fields=["country", "id"], name="indicator_country"),
            models.Index(fields=["partner_country", "id"], name="indicator_partner_country"),
            models.Index(fields=["updated"], name="indicator_updated"),
            TrigramIndex(fields=["search_text"], name="indicator_search_trigram"),
            # The measure filter's icontains compares UPPER(measure::text).
            TrigramIndex(Upper(Cast("measure", TextField())), name="indicator_measure_trigram"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=_subject_condition(),
                name="indicator_subject_fields_match",
                violation_error_message=_(
                    "Fill exactly the fields the subject names: a region; a region and its "
                    "partner region; a region and a partner country; one operator; a firm; a "
                    "country; or a country and a partner country."
                ),
            ),
            models.CheckConstraint(
                condition=Q(value_to__isnull=True) | Q(value_to__gte=F("value")),
                name="indicator_value_to_not_below_value",
                violation_error_message=_("The upper end of a range cannot be below its value."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | (Q(period_start__isnull=False) & Q(period_end__gte=F("period_start"))),
                name="indicator_period_end_after_start",
                violation_error_message=_("The last year cannot come before the first."),
            ),
            models.CheckConstraint(
                condition=~Q(region=F("partner_region")) | Q(partner_region__isnull=True),
                name="indicator_partner_region_not_region",
                violation_error_message=_("A pair needs two different regions."),
            ),
        ]

    def clean(self) -> None:
        """Name the subject fields that are missing or out of place, on the fields."""
        super().clean()
        if not self.subject:
            return
        wanted = SUBJECT_FIELDS.get(self.subject, ())
        given = {
            name: bool(getattr(self, name if name in TEXT_SUBJECT_FIELDS else f"{name}_id"))
            for name in SUBJECT_FIELD_NAMES
        }
        subject = {"subject": self.get_subject_display()}
        errors = {
            name: _("Leave this empty for a figure about %(subject)s.") % subject
            for name in SUBJECT_FIELD_NAMES
            if given[name] and name not in wanted
        }
        if self.subject == IndicatorSubject.OFFICE_NETWORK:
            if given["operator_region"] == given["operator_firm"]:
                errors["operator_region"] = _("Give one operator: a region or a firm.")
        else:
            for name in wanted:
                if not given[name]:
                    errors[name] = _("A figure about %(subject)s needs this.") % subject
        if errors:
            raise ValidationError(errors)

    @property
    def subject_records(self) -> list:
        """The records or countries the figure is about, in the subject's order."""
        names = SUBJECT_FIELDS.get(self.subject, ())
        return [value for value in (getattr(self, name) for name in names) if value]

    @property
    def name(self) -> str:
        return str(self)

    @property
    def scaled_value(self):
        """The value times its scale: 379.6億 → 37,960,000,000."""
        return self.value * self.scale

    @property
    def scaled_value_to(self):
        return None if self.value_to is None else self.value_to * self.scale

    @property
    def number_display(self) -> str:
        """The value, or its range, as printed before the scale: "379.6", "2–4"."""
        number = plain_number(self.value)
        if self.value_to is not None and self.value_to != self.value:
            number = f"{number}–{plain_number(self.value_to)}"
        return number

    @property
    def value_display(self) -> str:
        """The figure as the source prints it: number, scale word, unit and currency, e.g.
        "379.6 億元 CNY", "2–4 flights a day"."""
        unit = joined_words(SCALE_WORDS.get(self.scale, f"×{self.scale:,}"), self.unit)
        return " ".join(part for part in (self.number_display, unit, self.currency) if part)

    @property
    def years_display(self) -> str:
        if self.period_start is None:
            return ""
        if self.period_end and self.period_end != self.period_start:
            return f"{self.period_start}–{self.period_end}"
        return str(self.period_start)

    def others_than(self, region) -> list:
        """The subject's records or countries other than ``region``: the partner a region's
        page names beside a figure about it."""
        return [item for item in self.subject_records if item != region]

    def __str__(self) -> str:
        subject = " – ".join(str(getattr(item, "name", item)) for item in self.subject_records)
        years = f"{self.period_start}–{self.period_end}" if self.period_end else self.period_start
        return " · ".join(str(part) for part in (self.measure, subject, years) if part)
