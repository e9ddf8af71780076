"""Partial dates as people write them: "1996", "July 1996", "1996年7月", "平成8年7月".

Sources give a date to the year, the month or the day. The models keep it as a date and its
precision (``models.base.partial_date_fields``); here is what turns the two into words and back:

- ``DatePrecision`` and ``PartialDate``, a date with its precision: what forms and imports read.
- ``format_partial_date``: the active locale's words for it (1987, 1996年7月, 1996년 7월).
- ``parse_partial_date``: what staff type or a spreadsheet holds, in any of the four languages,
  full-width digits and Japanese era years included, and anything ``format_partial_date`` writes.
  What it cannot read raises ``UnreadableDate`` with a message saying why and what to write.
- ``PartialDateFormField``: the one text box forms show for a date and its precision.
"""

import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext


class DatePrecision(models.TextChoices):
    YEAR = "year", _("year")
    MONTH = "month", _("month")
    DAY = "day", _("day")


# From the least to the most a date says.
PRECISION_ORDER = (DatePrecision.YEAR, DatePrecision.MONTH, DatePrecision.DAY)


def finer(precision: str, than: str) -> bool:
    """Whether ``precision`` says more than ``than`` (a day more than a month)."""
    return PRECISION_ORDER.index(precision) > PRECISION_ORDER.index(than)


@dataclass(frozen=True)
class PartialDate:
    """A date to the precision its source gives it: ``PartialDate(date(1996, 7, 1), "month")``
    is July 1996. ``date`` is what the database keeps: 1 January for a year, the 1st for a
    month."""

    date: datetime.date
    precision: DatePrecision

    def __post_init__(self):
        object.__setattr__(self, "precision", DatePrecision(self.precision))

    def __str__(self) -> str:
        return format_partial_date(self.date, self.precision)


def format_partial_date(value: datetime.date | None, precision: str) -> str:
    """A partial date in the active locale's style: "1987", "July 1996", "15 October 2008"."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        # Locale formats have no "year alone" pattern: 1987, 1987年, 1987년.
        return pgettext("a date known only to the year", "%(year)s") % {"year": value.year}
    if precision == DatePrecision.MONTH:
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    return formats.date_format(value, "DATE_FORMAT")


# --- reading what people write -------------------------------------------------------------------

EXAMPLES = "1996, 1996-07, July 1996, 1996年7月, 1996년 7월, 平成8年7月, 2008-10-15"
# Longer than anything the patterns below read ("September 15, 2008" is 18 characters).
MAX_LENGTH = 40


class UnreadableDate(ValueError):
    """What a text that is no partial date lacks, in words for the person who wrote it."""

    def __init__(self, message, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class Era:
    """A Japanese era: its name and its first and last day (None while it lasts)."""

    name: str
    first: datetime.date
    last: datetime.date | None

    def year(self, number: int) -> int:
        return self.first.year + number - 1


ERAS = {
    era.name: era
    for era in (
        # Meiji counts from 1868; Japan kept its lunisolar calendar until the end of Meiji 5.
        Era("明治", datetime.date(1868, 1, 1), datetime.date(1912, 7, 29)),
        Era("大正", datetime.date(1912, 7, 30), datetime.date(1926, 12, 24)),
        Era("昭和", datetime.date(1926, 12, 25), datetime.date(1989, 1, 7)),
        Era("平成", datetime.date(1989, 1, 8), datetime.date(2019, 4, 30)),
        Era("令和", datetime.date(2019, 5, 1), None),
    )
}
GREGORIAN_SINCE = datetime.date(1873, 1, 1)  # Meiji 6: months and days before are lunar

# Spelled out: calendar.month_name follows the process's locale.
MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
ENGLISH_MONTHS = {
    name: number for number, full in enumerate(MONTH_NAMES, start=1) for name in (full, full[:3])
} | {"sept": 9}  # Django's English day format writes "Sept. 3, 2008"

ERA_NAMES = "|".join(ERAS)
NUMERIC = re.compile(  # 1996, 1996-07, 1996/7, 1996.7, 2008-10-15: one separator throughout
    r"(?P<year>\d{4})(?:(?P<sep>[-/.])(?P<month>\d{1,2})(?:(?P=sep)(?P<day>\d{1,2}))?)?"
)
CJK = re.compile(  # 1996年7月1日, 1996년 7월 1일, 平成8年7月, 令和元年
    rf"(?:(?P<era>{ERA_NAMES}) ?(?P<era_year>\d{{1,2}}|元)|(?P<year>\d{{4}})) ?[年년]"
    r"(?: ?(?P<month>\d{1,2}) ?[月월](?: ?(?P<day>\d{1,2}) ?[日일])?)?"
)
ENGLISH = [
    re.compile(r"(?P<month_name>[a-z]+)\.?,? (?P<year>\d{4})"),  # July 1996, Sept. 1996
    re.compile(r"(?P<month_name>[a-z]+)\.? (?P<day>\d{1,2}),? (?P<year>\d{4})"),  # Oct. 15, 2008
    re.compile(r"(?P<day>\d{1,2}) (?P<month_name>[a-z]+)\.?,? (?P<year>\d{4})"),  # 15 Oct 2008
]


def normalised(text: str) -> str:
    """Full-width digits and signs as ASCII (１９９６／７), ㍻ as 平成, one space between
    words, lower case."""
    text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split()).lower()


def unreadable(text: str) -> UnreadableDate:
    return UnreadableDate(
        _("“%(value)s” is not a date this field reads. Write it, for example, as %(examples)s.")
        % {"value": text, "examples": EXAMPLES}
    )


def matched(text: str) -> re.Match | None:
    for pattern in (NUMERIC, CJK, *ENGLISH):
        if found := pattern.fullmatch(text):
            return found
    return None


def parse_partial_date(text: str) -> PartialDate:
    """The date and precision ``text`` gives: "1996" → 1996-01-01 to the year, "1996年7月" and
    "July 1996" → 1996-07-01 to the month, "2008-10-15" → that day. Raises ``UnreadableDate``."""
    written = str(text).strip()
    if len(written) > MAX_LENGTH:
        raise unreadable(written[:MAX_LENGTH] + "…")
    found = matched(normalised(written))
    if found is None:
        raise unreadable(written)
    parts = {name: value for name, value in found.groupdict().items() if value}
    if "month" in parts:
        month = int(parts["month"])
    elif "month_name" in parts:
        month = ENGLISH_MONTHS.get(parts["month_name"])
        if month is None:
            raise unreadable(written)
    else:
        month = None
    era = ERAS.get(parts.get("era"))
    if era is not None:
        number = 1 if parts["era_year"] == "元" else int(parts["era_year"])
        year = era.year(number)
    else:
        year = int(parts["year"])
    if year < 1:
        raise unreadable(written)
    if "day" in parts:
        precision = DatePrecision.DAY
    else:
        precision = DatePrecision.YEAR if month is None else DatePrecision.MONTH
    day = calendar_date(written, year, 1 if month is None else month, int(parts.get("day", 1)))
    value = PartialDate(day, precision)
    if era is not None:
        check_era(written, era, value)
    return value


def calendar_date(written: str, year: int, month: int, day: int) -> datetime.date:
    if not 1 <= month <= 12:
        raise UnreadableDate(
            _("“%(value)s” is not in the calendar: months run from 1 to 12.") % {"value": written},
            code="no_such_month",
        )
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise UnreadableDate(
            _("“%(value)s” is not in the calendar: %(month)s has %(days)s days.")
            % {"value": written, "month": f"{year:04d}-{month:02d}", "days": days},
            code="no_such_day",
        )
    return datetime.date(year, month, day)


def last_day(value: PartialDate) -> datetime.date:
    """The last day of the period a partial date names (31 December for a year)."""
    first = value.date
    if value.precision == DatePrecision.YEAR:
        return datetime.date(first.year, 12, 31)
    if value.precision == DatePrecision.MONTH:
        return datetime.date(
            first.year, first.month, calendar.monthrange(first.year, first.month)[1]
        )
    return first


def check_era(written: str, era: Era, value: PartialDate) -> None:
    """The period written (平成31年5月) must fall at least in part within the era."""
    if last_day(value) < era.first or (era.last is not None and value.date > era.last):
        if era.last is None:
            message = _("“%(value)s” is outside %(era)s, which began on %(first)s.")
        else:
            message = _("“%(value)s” is outside %(era)s, which ran from %(first)s to %(last)s.")
        raise UnreadableDate(
            message
            % {
                "value": written,
                "era": era.name,
                "first": era.first.isoformat(),
                "last": era.last.isoformat() if era.last else "",
            },
            code="outside_era",
        )
    if value.precision != DatePrecision.YEAR and value.date < GREGORIAN_SINCE:
        raise UnreadableDate(
            _(
                "“%(value)s”: before 1873 Japan counted months and days by the lunar calendar. "
                "Give the year alone, or the Western date (e.g. 1870-06-28)."
            )
            % {"value": written},
            code="lunar_calendar",
        )


# --- the form field ------------------------------------------------------------------------------


def as_partial_date(value) -> PartialDate | None:
    """A partial date from what a form holds: a PartialDate, a plain date (to the day) or None."""
    if value is None or isinstance(value, PartialDate):
        return value
    if isinstance(value, datetime.datetime):
        value = value.date()
    return PartialDate(value, DatePrecision.DAY)


class PartialDateFormField(forms.Field):
    """One text box for a date and its precision: it takes whatever ``parse_partial_date``
    reads and gives a ``PartialDate``; it shows its value as the reader's locale writes it, which
    it reads back unchanged."""

    widget = forms.TextInput

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "maxlength": str(MAX_LENGTH)}

    def to_python(self, value) -> PartialDate | None:
        if isinstance(value, PartialDate | datetime.date):
            return as_partial_date(value)
        if value is None or not str(value).strip():
            return None
        try:
            return parse_partial_date(str(value))
        except UnreadableDate as error:
            if not self.label:
                raise ValidationError(error.message, code=error.code) from error
            raise ValidationError(
                _("%(field)s: %(reason)s"),
                code=error.code,
                params={"field": self.label, "reason": error.message},
            ) from error

    def prepare_value(self, value):
        if isinstance(value, PartialDate | datetime.date):
            return str(as_partial_date(value))
        return value

    def has_changed(self, initial, data) -> bool:
        if self.disabled:
            return False
        try:
            new = self.to_python(data)
        except ValidationError:
            return True
        try:
            return self.to_python(initial) != new
        except ValidationError:
            return True
