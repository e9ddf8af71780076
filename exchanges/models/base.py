"""Building blocks shared by every directory record.

- ``MultilingualNames``: the four name columns and the properties that pick one.
- Partial dates: a ``DateField`` plus a precision (year, month or day), because sources say
  "1987" or "July 1996" as often as a full date. ``partial_date_fields`` declares the pair
  (forms edit it as one text box, ``exchanges.partial_dates``), ``partial_date_constraints``
  makes the database refuse a precision that contradicts the value.
- ``DirectoryRecord``: citations, notes and timestamps that every record carries, and its
  rules reported on their fields (``rules.RuledModel``).
"""

from django.contrib.contenttypes.fields import GenericRelation
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F, Q
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..partial_dates import (
    EXAMPLES,
    DatePrecision,
    PartialDate,
    PartialDateFormField,
    as_partial_date,
)
from .rules import RuledModel

# The language a country's own names are written in; anything else is shown in English.
NATIVE_LANGUAGE_BY_COUNTRY = {
    "JP": "ja",
    "CN": "zh",
    "TW": "zh",
    "HK": "zh",
    "KR": "ko",
    "KP": "ko",
}
NAME_LANGUAGES = ("en", "ja", "zh", "ko")


class MultilingualNames(models.Model):
    """Names in English, Japanese, simplified Chinese and Korean, in plain columns.

    Plain columns work the same on SQLite and PostgreSQL, in fixtures, admin, API and search.
    """

    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ja = models.CharField(
        _("name (Japanese)"), max_length=200, blank=True, help_text=_("Kanji and kana.")
    )
    name_zh = models.CharField(
        _("name (Chinese)"), max_length=200, blank=True, help_text=_("Simplified characters.")
    )
    name_ko = models.CharField(
        _("name (Korean)"), max_length=200, blank=True, help_text=_("Hangul.")
    )

    NAME_FIELDS = ("name_en", "name_ja", "name_zh", "name_ko")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        native = self.native_name
        if native == self.name_en or not self.name_en:
            return native
        return f"{self.name_en} ({native})"

    @property
    def native_language(self) -> str:
        """Language code of the record's own names; subclasses say which country they belong to."""
        return NATIVE_LANGUAGE_BY_COUNTRY.get(str(self.native_country or ""), "en")

    @property
    def native_country(self) -> str:
        return ""

    def name_in(self, language: str) -> str:
        """The name in ``language`` (en, ja, zh, ko or a code like zh-hans), else English."""
        code = (language or "en").split("-")[0].lower()
        if code not in NAME_LANGUAGES:
            code = "en"
        # A region of the gazetteer may have no English name: its own script's then.
        return (
            getattr(self, f"name_{code}")
            or self.name_en
            or next((getattr(self, name) for name in self.NAME_FIELDS if getattr(self, name)), "")
        )

    @property
    def native_name(self) -> str:
        return self.name_in(self.native_language)

    @property
    def name(self) -> str:
        """The name in the active language, falling back to English."""
        return self.name_in(get_language() or "en")


class PartialDateField(models.DateField):
    """The date of a partial date; its precision is the ``<name>_precision`` field beside it
    (``DatePrecisionField``). Forms edit the two as one text box that takes what people write
    (``partial_dates.PartialDateFormField``); everywhere else it is a plain date column."""

    # What the date means where it is written apart from its precision (the API).
    stored_help_text = _("For a year alone enter 1 January of it; for a month, its first day.")

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        self.precision_name = f"{name}_precision"

    def deconstruct(self):
        # The column is a plain date: migrations need nothing of this class.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateField", args, kwargs

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        try:
            precision = self.model._meta.get_field(self.precision_name)
        except FieldDoesNotExist:
            precision = None
        if not isinstance(precision, DatePrecisionField):
            errors.append(
                checks.Error(
                    f"A partial date needs its precision beside it, as {self.precision_name}.",
                    hint="Declare both with partial_date_fields().",
                    obj=self,
                    id="exchanges.E010",
                )
            )
        return errors

    def value_from_object(self, obj):
        """The date with its precision, so that a form shows "1996年7月" rather than a day."""
        value = super().value_from_object(obj)
        if value is None:
            return None
        precision = getattr(obj, self.precision_name)
        if precision not in DatePrecision.values:
            precision = DatePrecision.DAY  # a record the rules would refuse: shown to the day
        return PartialDate(value, precision)

    def value_to_string(self, obj):
        # What serializers (fixtures, backups) write: the date alone, beside its precision.
        value = getattr(obj, self.attname)
        return "" if value is None else value.isoformat()

    def formfield(self, **kwargs):
        # A calendar widget (the admin's) could only write a day: the field's own text box.
        kwargs.pop("widget", None)
        return super().formfield(**{**kwargs, "form_class": PartialDateFormField})

    def save_form_data(self, instance, data):
        """Sets the date and its precision from the form's one value."""
        value = as_partial_date(data)
        setattr(instance, self.attname, None if value is None else value.date)
        setattr(instance, self.precision_name, "" if value is None else str(value.precision))


class DatePrecisionField(models.CharField):
    """The precision of a partial date. It has no input of its own in forms: it is typed with
    its date (``PartialDateField``), which also carries its rules' messages there."""

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        self.entered_with = name.removesuffix("_precision")

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs

    def formfield(self, **kwargs):
        return None


def partial_date_fields(verbose_name, precision_verbose_name):
    """A nullable date and its precision, to be assigned as ``x, x_precision = ...``."""
    date_field = PartialDateField(
        verbose_name,
        null=True,
        blank=True,
        help_text=format_lazy(
            _("A year, a month or a day, as the source gives it: {examples}."),
            examples=EXAMPLES,
        ),
    )
    precision_field = DatePrecisionField(
        precision_verbose_name,
        max_length=5,
        choices=DatePrecision.choices,
        blank=True,
        help_text=_("How much of the date the source states: the year, the month or the day."),
    )
    return date_field, precision_field


def partial_date_pairs(model) -> list[tuple[str, str]]:
    """The partial dates of ``model``: (date field, precision field) names."""
    return [
        (field.name, field.precision_name)
        for field in model._meta.concrete_fields
        if isinstance(field, PartialDateField)
    ]


def partial_date_constraints(model_label: str, field: str) -> list[models.CheckConstraint]:
    """Database rules for a partial date: a precision exactly when there is a date, and a
    value that does not claim more than its precision (a year is stored as 1 January)."""
    precision = f"{field}_precision"
    return [
        models.CheckConstraint(
            condition=(Q(**{f"{field}__isnull": True}) & Q(**{precision: ""}))
            | (Q(**{f"{field}__isnull": False}) & Q(**{f"{precision}__in": DatePrecision.values})),
            name=f"{model_label}_{field}_precision_given",
            violation_error_message=_("A date needs its precision, and a precision needs a date."),
        ),
        models.CheckConstraint(
            condition=~Q(**{precision: DatePrecision.YEAR})
            | Q(**{f"{field}__month": 1, f"{field}__day": 1}),
            name=f"{model_label}_{field}_year_is_january_first",
            violation_error_message=_(
                "A date known only to the year is entered as 1 January of that year."
            ),
        ),
        models.CheckConstraint(
            condition=~Q(**{precision: DatePrecision.MONTH}) | Q(**{f"{field}__day": 1}),
            name=f"{model_label}_{field}_month_is_first_day",
            violation_error_message=_(
                "A date known only to the month is entered as the first day of that month."
            ),
        ),
    ]


def date_order_constraint(
    model_label: str, start: str, end: str, message
) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__isnull": True})
        | Q(**{f"{end}__gte": F(start)}),
        name=f"{model_label}_{end}_not_before_{start}",
        violation_error_message=message,
    )


class Currency(models.TextChoices):
    JPY = "JPY", _("Japanese yen (JPY)")
    CNY = "CNY", _("Chinese yuan (CNY)")
    KRW = "KRW", _("South Korean won (KRW)")
    USD = "USD", _("US dollar (USD)")
    EUR = "EUR", _("Euro (EUR)")
    TWD = "TWD", _("New Taiwan dollar (TWD)")


class AmountUnit(models.IntegerChoices):
    """The multiplier a source states its figures in (Table 1 of the ERINA report: 万元)."""

    ONE = 1, _("as stated (×1)")
    THOUSAND = 1_000, _("thousands (×1,000)")
    TEN_THOUSAND = 10_000, _("ten thousands (×10,000; 万)")
    MILLION = 1_000_000, _("millions (×1,000,000)")
    HUNDRED_MILLION = 100_000_000, _("hundred millions (×100,000,000; 億)")


def amount_fields(verbose_name):
    """An amount with its currency, unit and year exactly as the source gives them."""
    return (
        models.DecimalField(verbose_name, max_digits=18, decimal_places=2, null=True, blank=True),
        models.CharField(_("currency"), max_length=3, choices=Currency.choices, blank=True),
        models.PositiveIntegerField(
            _("unit"),
            choices=AmountUnit.choices,
            default=AmountUnit.ONE,
            help_text=_("The multiplier the source uses, e.g. 10,000 for figures in 万元."),
        ),
        models.PositiveSmallIntegerField(
            _("year of figure"), null=True, blank=True, help_text=_("The year the figure is for.")
        ),
    )


def amount_constraints(
    model_label: str, amount: str, currency: str
) -> list[models.CheckConstraint]:
    """Database rules for an amount: never negative, and never without its currency (named
    after the currency, the field its message goes on)."""
    return [
        models.CheckConstraint(
            condition=Q(**{f"{amount}__isnull": True}) | Q(**{f"{amount}__gte": 0}),
            name=f"{model_label}_{amount}_not_negative",
            violation_error_message=_("An amount cannot be negative."),
        ),
        models.CheckConstraint(
            condition=Q(**{f"{amount}__isnull": True}) | ~Q(**{currency: ""}),
            name=f"{model_label}_{currency}_given",
            violation_error_message=_("Give the currency of the amount."),
        ),
    ]


class DirectoryRecord(RuledModel):
    """What every fact-bearing record has: its citations, free notes and timestamps."""

    notes = models.TextField(
        _("notes"),
        blank=True,
        help_text=_("Where a source is ambiguous or looks wrong, its wording goes here."),
    )
    citations = GenericRelation("exchanges.Citation", related_query_name="%(class)s")
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class LinkRow(RuledModel):
    """A row of a many-to-many field's link table, declared so that its foreign keys can
    refuse a delete (PROTECT) instead of silently dropping the link. It holds nothing but the
    two links, so forms, the API and imports edit the field as they would Django's own table."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        """The two linked records, owner first: "Niigata buyers visit Yanji – Yanji"."""
        links = [field for field in self._meta.concrete_fields if field.is_relation]
        return " – ".join(str(getattr(self, field.name)) for field in links)
