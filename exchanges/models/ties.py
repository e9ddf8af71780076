"""Sister, friendship and partnership ties between two regions."""

from collections import Counter

from django.db import connections, models
from django.db.models import F, Max, Min, Q
from django.db.models.functions import Greatest, Least
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from ..partial_dates import format_partial_date
from ..record_types import record_type
from .base import (
    DirectoryRecord,
    LinkRow,
    MultilingualNames,
    date_order_constraint,
    partial_date_constraints,
    partial_date_fields,
)
from .derived import DerivedCharField
from .indexes import SortIndex, TrigramIndex
from .querysets import CITED_SOURCES, DirectoryQuerySet
from .regions import Region, top_region_of
from .search import SearchTextField


class ExchangeArea(MultilingualNames):
    """A field a tie covers: economy, trade, tourism, culture, education, …"""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exchange area")
        verbose_name_plural = _("exchange areas")
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.name


class TieType(models.TextChoices):
    SISTER = "sister", _("sister")
    FRIENDSHIP = "friendship", _("friendship")
    ECONOMIC_PARTNERSHIP = "economic_partnership", _("economic or industrial partnership")
    EXCHANGE_MOU = "exchange_mou", _("exchange memorandum of understanding")
    OTHER = "other", _("other")


class TieStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    DORMANT = "dormant", _("dormant")
    SUSPENDED = "suspended", _("suspended")
    ENDED = "ended", _("ended")


DUPLICATE_TIE_MESSAGE = _("These two regions already have a tie of this type.")


class SisterTieQuerySet(DirectoryQuerySet):
    def with_regions(self) -> "SisterTieQuerySet":
        """With the two regions of each tie, joined: a tie is named after them."""
        return self.select_related("region_a", "region_b")

    def listed(self) -> "SisterTieQuerySet":
        return self.with_regions().without_long_text("region_a", "region_b")

    def serialized(self) -> "SisterTieQuerySet":
        return self.with_regions().prefetch_related("exchange_areas", CITED_SOURCES)

    def involving(self, region):
        """Ties on either side of ``region``."""
        return self.filter(Q(region_a=region) | Q(region_b=region))

    def involving_any(self, regions):
        """Ties with either side among ``regions`` (a queryset of region ids)."""
        return self.either_of([Q(region_a__in=regions), Q(region_b__in=regions)])

    def between_regions(self, first, second):
        """Ties with one side among ``first`` and the other among ``second`` (region ids)."""
        return self.either_of(
            [
                Q(region_a__in=first, region_b__in=second),
                Q(region_a__in=second, region_b__in=first),
            ]
        )

    def covering_any(self, areas):
        """Ties covering any of these exchange areas (ids): read from the link table's index
        by area, each tie once."""
        links = SisterTieExchangeArea.objects.filter(exchangearea__in=areas)
        return self.filter(pk__in=links.values("sistertie_id"))

    def between_countries(self, first: str, second: str):
        """Ties between a region of one country and a region of the other, in either order."""
        return self.filter(
            Q(country_a=first, country_b=second) | Q(country_a=second, country_b=first)
        )

    def in_country(self, country: str):
        """Ties with a region of ``country`` on either side."""
        return self.filter(Q(country_a=country) | Q(country_b=country))

    def established_years(self) -> tuple[int, int] | None:
        """The first and last year in which these ties were established, None when none is
        dated: the range of the map's and network's year slider. One query, served by the
        index on ``established``."""
        span = self.aggregate(first=Min("established"), last=Max("established"))
        if span["first"] is None:
            return None
        return span["first"].year, span["last"].year

    def between_top_regions(self) -> Counter:
        """How many of these ties join each pair of first-level regions (provinces,
        prefectures), the regions below them counted with them: {(id, id): ties}, each pair
        once with the smaller id first. Counted in the database."""
        pairs: Counter = Counter()
        grouped = self.annotate(
            top_a=top_region_of("region_a"), top_b=top_region_of("region_b")
        ).values_list("top_a", "top_b")
        for first, second, n in grouped.annotate(n=models.Count("pk")).order_by():
            pairs[min(first, second), max(first, second)] += n
        return pairs

    def most_tied_regions(self, limit: int) -> list[tuple[int, int]]:
        """(region id, number of these ties it takes part in), most first, then by name:
        counted in the database, each side of the ties grouped on its own (an index on the
        side's column can serve that) and the two counts added."""
        ties = self.order_by().values("region_a_id", "region_b_id")
        ties_sql, params = ties.query.sql_with_params()
        connection = connections[self.db]
        region = connection.ops.quote_name(Region._meta.db_table)
        sides = " UNION ALL ".join(
            f"SELECT {side} AS region_id, COUNT(*) AS n FROM ({ties_sql}) ties GROUP BY {side}"
            for side in ("region_a_id", "region_b_id")
        )
        sql = (
            f"SELECT ends.region_id, SUM(ends.n) AS n FROM ({sides}) ends "
            f"JOIN {region} r ON r.id = ends.region_id GROUP BY ends.region_id, r.name_en "
            "ORDER BY n DESC, r.name_en, ends.region_id LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *params, limit])
            return [(region_id, int(n)) for region_id, n in cursor.fetchall()]


def country_of(side: str):
    """The country of the tie's region on ``side``, copied so that an index can serve it."""

    def derive(tie) -> str:
        try:
            region = getattr(tie, side)
        except Region.DoesNotExist:
            return ""
        return str(region.country) if region else ""

    return derive


class SisterTieExchangeArea(LinkRow):
    """A field a tie covers. The rows go with their tie; an exchange area that ties cover
    cannot be deleted."""

    # The column names of the table Django made for the field before.
    sistertie = models.ForeignKey(
        "SisterTie", on_delete=models.CASCADE, related_name="+", verbose_name=_("tie")
    )
    exchangearea = models.ForeignKey(
        ExchangeArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("exchange area")
    )

    class Meta:
        db_table = "exchanges_sistertie_exchange_areas"
        unique_together = [("sistertie", "exchangearea")]
        # The ties of an area, for the area filter and the count of ties per area.
        indexes = [models.Index(fields=["exchangearea", "sistertie"], name="sistertie_area_ties")]
        verbose_name = _("exchange area of a tie")
        verbose_name_plural = _("exchange areas of ties")


@record_type("tie", "ties", _("Ties"), position=2)
class SisterTie(DirectoryRecord):
    """A tie between two regions, in no particular order."""

    region_a = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="ties_as_a", verbose_name=_("region")
    )
    region_b = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="ties_as_b", verbose_name=_("partner region")
    )
    tie_type = models.CharField(_("type"), max_length=30, choices=TieType.choices)
    source_label = models.CharField(
        _("label in the source"),
        max_length=100,
        blank=True,
        help_text=_(
            "The words the source uses: 姉妹提携, 友好交流, 자매결연, 우호교류, sisterhood tie."
        ),
    )
    established, established_precision = partial_date_fields(
        _("established"), _("precision of the establishment date")
    )
    ended, ended_precision = partial_date_fields(
        pgettext_lazy("date field", "ended"), _("precision of the end date")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=TieStatus.choices,
        default=TieStatus.ACTIVE,
    )
    # A field, not a note: lists, the map and the API must not show such a tie as a plain fact.
    holder_stated = models.BooleanField(
        _("holder stated"),
        default=True,
        help_text=_(
            "The source names these two regions as the holders of the tie. Unticked: it names "
            "the partners but not whether the region itself or one of its municipalities "
            "holds the tie."
        ),
    )
    end_reason = models.TextField(
        _("reason for ending"), blank=True, help_text=_("Why the tie ended or was suspended.")
    )
    exchange_areas = models.ManyToManyField(
        ExchangeArea,
        blank=True,
        through=SisterTieExchangeArea,
        related_name="ties",
        verbose_name=_("exchange areas"),
    )
    description = models.TextField(_("description"), blank=True)
    country_a = DerivedCharField(
        _("country of the region"), max_length=2, blank=True, derive=country_of("region_a")
    )
    country_b = DerivedCharField(
        _("country of the partner region"),
        max_length=2,
        blank=True,
        derive=country_of("region_b"),
    )
    search_text = SearchTextField("source_label")

    history = HistoricalRecords(
        m2m_fields=[exchange_areas], excluded_fields=["country_a", "country_b", "search_text"]
    )
    objects = SisterTieQuerySet.as_manager()

    class Meta:
        verbose_name = _("tie")
        verbose_name_plural = _("ties")
        # Undated ties last on every database (PostgreSQL would put NULL first when descending).
        ordering = [F("established").desc(nulls_last=True), "pk"]
        indexes = [
            SortIndex("established", name="sistertie_established_order"),
            SortIndex("established", within="status", name="sistertie_status_order"),
            SortIndex("established", within="tie_type", name="sistertie_type_order"),
            models.Index(fields=["country_a", "country_b"], name="sistertie_countries"),
            models.Index(fields=["country_b", "country_a"], name="sistertie_countries_reversed"),
            models.Index(fields=["source_label"], name="sistertie_source_label"),
            # updated_since, a partner's sync.
            models.Index(fields=["updated"], name="sistertie_updated"),
            TrigramIndex(fields=["search_text"], name="sistertie_search_trigram"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(region_a=F("region_b")),
                name="sistertie_not_self",
                violation_error_message=_("A region cannot be tied to itself."),
            ),
            # The same pair counts once whichever side it is entered from.
            models.UniqueConstraint(
                Least("region_a", "region_b"),
                Greatest("region_a", "region_b"),
                "tie_type",
                name="sistertie_unique_pair_and_type",
                violation_error_message=DUPLICATE_TIE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(ended__isnull=True) | Q(status=TieStatus.ENDED),
                name="sistertie_status_ended_with_end_date",
                violation_error_message=_("A tie with an end date has the status ended."),
            ),
            date_order_constraint(
                "sistertie",
                "established",
                "ended",
                _("The tie cannot end before it was established."),
            ),
            *partial_date_constraints("sistertie", "established"),
            *partial_date_constraints("sistertie", "ended"),
        ]

    def __str__(self) -> str:
        return f"{self.region_a} – {self.region_b} ({self.get_tie_type_display()})"

    @property
    def established_display(self) -> str:
        return format_partial_date(self.established, self.established_precision)

    @property
    def ended_display(self) -> str:
        return format_partial_date(self.ended, self.ended_precision)


@receiver(post_save, sender=Region)
def follow_region_country(sender, instance, **kwargs):
    """Ties keep a copy of their regions' countries: follow a region whose country changes."""
    country = str(instance.country)
    ties = SisterTie.objects.order_by()
    ties.filter(region_a=instance).exclude(country_a=country).update(country_a=country)
    ties.filter(region_b=instance).exclude(country_b=country).update(country_b=country)
