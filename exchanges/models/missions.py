"""Missions, trade-fair presences and forums that carry the business between regions."""

from django.apps import apps
from django.db import models
from django.db.models import F, Prefetch, Q
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..partial_dates import format_partial_date
from ..record_types import record_type
from .base import (
    NAME_LANGUAGES,
    Currency,
    DirectoryRecord,
    LinkRow,
    MultilingualNames,
    amount_constraints,
    date_order_constraint,
    partial_date_constraints,
    partial_date_fields,
)
from .firms import Firm
from .indexes import SortIndex, TrigramIndex
from .offices import OverseasOffice
from .querysets import CITED_SOURCES, DirectoryQuerySet
from .regions import Region
from .search import SearchTextField
from .ties import SisterTie


class MissionKind(models.TextChoices):
    TRADE = "trade", _("trade mission")
    BUYING = "buying", _("buying mission")
    INSPECTION = "inspection", _("inspection mission")
    OFFICIAL = "official", _("official visit")
    TRADE_FAIR = "trade_fair", _("trade-fair presence")
    FORUM = "forum", _("forum")


class MissionStatus(models.TextChoices):
    """Whether the mission took place, as far as the sources say."""

    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")
    UNKNOWN = "unknown", _("unknown")


# The country of a side whose regions lie in more than one country.
SEVERAL_COUNTRIES = "*"
SIDES = {"origin_regions": "origin_country", "destination_regions": "destination_country"}


def country_of_all(codes) -> str:
    """The one country of these regions, "" for none, SEVERAL_COUNTRIES for more than one."""
    countries = {str(code) for code in codes}
    if len(countries) > 1:
        return SEVERAL_COUNTRIES
    return countries.pop() if countries else ""


def on_side(relation: str, country: str) -> Q:
    """Missions with a region in ``country`` on this side (origin_regions or
    destination_regions). The copied country column answers from its index; only the missions
    whose regions on that side lie in several countries are looked up region by region."""
    column = SIDES[relation]
    links = getattr(Mission, relation).through.objects.filter(region__country=country)
    return Q(**{column: country}) | Q(
        **{column: SEVERAL_COUNTRIES, "pk__in": links.values("mission_id")}
    )


def from_country(country: str) -> Q:
    return on_side("origin_regions", country)


def to_country(country: str) -> Q:
    return on_side("destination_regions", country)


class MissionQuerySet(DirectoryQuerySet):
    def with_regions(self) -> "MissionQuerySet":
        """With each mission's origin and destination regions (their long texts left out),
        fetched in one query per relation and listed by English name, as lists show them."""
        regions = apps.get_model("exchanges", "Region").objects.order_by("name_en")
        regions = regions.without_long_text()
        return self.prefetch_related(
            Prefetch("origin_regions", queryset=regions),
            Prefetch("destination_regions", queryset=regions),
        )

    def listed(self) -> "MissionQuerySet":
        return self.with_regions().without_long_text()

    def with_organising_regions(self) -> "MissionQuerySet":
        """With the regions that organised or hosted each mission (its participations in those
        roles) as ``organising_participations``, fetched in one query."""
        participations = apps.get_model("exchanges", "Participation").objects.organising_regions()
        return self.prefetch_related(
            Prefetch("participations", queryset=participations, to_attr="organising_participations")
        )

    def serialized(self) -> "MissionQuerySet":
        return (
            self.select_related("related_tie__region_a", "related_tie__region_b", "related_office")
            .with_regions()
            .with_organising_regions()
            .prefetch_related("organisers", "participating_firms", CITED_SOURCES)
        )

    def refresh_countries(self) -> None:
        """Copy the countries of these missions' regions into their country columns."""
        for mission in self.prefetch_related("origin_regions", "destination_regions"):
            mission.refresh_countries()


class MissionLink(LinkRow):
    """A row of one of a mission's lists of regions or firms. The rows go with their mission;
    a region or firm that a mission lists cannot be deleted."""

    mission = models.ForeignKey(
        "Mission", on_delete=models.CASCADE, related_name="+", verbose_name=_("mission")
    )

    class Meta:
        abstract = True


# Each keeps the table and columns Django made for its field before it was declared.
class MissionOriginRegion(MissionLink):
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("origin region")
    )

    class Meta:
        db_table = "exchanges_mission_origin_regions"
        unique_together = [("mission", "region")]
        verbose_name = _("origin region of a mission")
        verbose_name_plural = _("origin regions of missions")


class MissionDestinationRegion(MissionLink):
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("destination region")
    )

    class Meta:
        db_table = "exchanges_mission_destination_regions"
        unique_together = [("mission", "region")]
        verbose_name = _("destination region of a mission")
        verbose_name_plural = _("destination regions of missions")


class MissionOrganiser(MissionLink):
    firm = models.ForeignKey(
        Firm, on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser")
    )

    class Meta:
        db_table = "exchanges_mission_organisers"
        unique_together = [("mission", "firm")]
        verbose_name = _("organiser of a mission")
        verbose_name_plural = _("organisers of missions")


class MissionParticipatingFirm(MissionLink):
    firm = models.ForeignKey(
        Firm, on_delete=models.PROTECT, related_name="+", verbose_name=_("participating firm")
    )

    class Meta:
        db_table = "exchanges_mission_participating_firms"
        unique_together = [("mission", "firm")]
        verbose_name = _("participating firm of a mission")
        verbose_name_plural = _("participating firms of missions")


@record_type("mission", "missions", _("Missions"), position=5)
class Mission(MultilingualNames, DirectoryRecord):
    """A visit, fair or forum: Yanbian buyers in Niigata, October 2007."""

    kind = models.CharField(_("kind"), max_length=20, choices=MissionKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MissionStatus.choices,
        default=MissionStatus.UNKNOWN,
        help_text=_(
            "Held only where a source says the mission took place; planned where it reports "
            "a plan or an announcement."
        ),
    )
    status_reported, status_reported_precision = partial_date_fields(
        _("plan reported"), _("precision of the date the plan was reported")
    )
    organisers = models.ManyToManyField(
        Firm,
        blank=True,
        through=MissionOrganiser,
        related_name="missions_organised",
        verbose_name=_("organisers"),
    )
    origin_regions = models.ManyToManyField(
        Region,
        blank=True,
        through=MissionOriginRegion,
        related_name="missions_from",
        verbose_name=_("origin regions"),
        help_text=_("Where the delegation came from."),
    )
    destination_regions = models.ManyToManyField(
        Region,
        blank=True,
        through=MissionDestinationRegion,
        related_name="missions_to",
        verbose_name=_("destination regions"),
        help_text=_("Where the mission went or the event took place."),
    )
    start, start_precision = partial_date_fields(_("start"), _("precision of the start date"))
    end, end_precision = partial_date_fields(_("end"), _("precision of the end date"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    leader = models.CharField(
        _("leader"), max_length=200, blank=True, help_text=_("As the source names them.")
    )
    delegation_size = models.PositiveIntegerField(
        _("delegation size"), null=True, blank=True, help_text=_("People taking part.")
    )
    participating_firms = models.ManyToManyField(
        Firm,
        blank=True,
        through=MissionParticipatingFirm,
        related_name="missions_joined",
        verbose_name=_("participating firms"),
    )
    purpose = models.TextField(_("purpose"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    outcome_value = models.DecimalField(
        _("outcome value"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Business done, in the currency below."),
    )
    outcome_currency = models.CharField(
        _("outcome currency"), max_length=3, choices=Currency.choices, blank=True
    )
    # A related tie or office cannot be deleted while a mission refers to it, rather than
    # silently dropping out of the mission.
    related_tie = models.ForeignKey(
        SisterTie,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="missions",
        verbose_name=_("related tie"),
    )
    related_office = models.ForeignKey(
        OverseasOffice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="missions",
        verbose_name=_("related office"),
    )

    origin_country = models.CharField(
        _("origin country"),
        max_length=2,
        blank=True,
        editable=False,
        help_text=_("The country of the origin regions; * when they lie in several."),
    )
    destination_country = models.CharField(
        _("destination country"),
        max_length=2,
        blank=True,
        editable=False,
        help_text=_("The country of the destination regions; * when they lie in several."),
    )
    search_text = SearchTextField(*MultilingualNames.NAME_FIELDS, "leader", "venue")

    history = HistoricalRecords(
        m2m_fields=[organisers, origin_regions, destination_regions, participating_firms],
        excluded_fields=["search_text", "origin_country", "destination_country"],
    )
    objects = MissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        # Undated missions last on every database, as for ties.
        ordering = [F("start").desc(nulls_last=True), "pk"]
        indexes = [
            SortIndex("start", name="mission_start_order"),
            SortIndex("start", within="kind", name="mission_kind_order"),
            SortIndex("start", within="status", name="mission_status_order"),
            SortIndex("delegation_size", name="mission_delegation_order"),
            models.Index(
                fields=["origin_country", "destination_country"], name="mission_countries"
            ),
            models.Index(fields=["destination_country"], name="mission_destination_country"),
            models.Index(fields=["name_en", "id"], name="mission_name_order"),
            # updated_since, a partner's sync.
            models.Index(fields=["updated"], name="mission_updated"),
            TrigramIndex(fields=["search_text"], name="mission_search_trigram"),
        ]
        constraints = [
            date_order_constraint(
                "mission", "start", "end", _("A mission cannot end before it starts.")
            ),
            *partial_date_constraints("mission", "start"),
            *partial_date_constraints("mission", "end"),
            models.CheckConstraint(
                condition=Q(status_reported__isnull=True) | ~Q(status=MissionStatus.UNKNOWN),
                name="mission_status_reported_with_known_status",
                violation_error_message=_(
                    "A mission whose plan was reported is at least planned: "
                    "choose a status other than unknown."
                ),
            ),
            *partial_date_constraints("mission", "status_reported"),
            *amount_constraints("mission", "outcome_value", "outcome_currency"),
        ]

    @property
    def native_language(self) -> str:
        """A mission belongs to no single country: its first non-English name is the native one."""
        return next((code for code in NAME_LANGUAGES[1:] if getattr(self, f"name_{code}")), "en")

    @property
    def start_display(self) -> str:
        return format_partial_date(self.start, self.start_precision)

    @property
    def end_display(self) -> str:
        return format_partial_date(self.end, self.end_precision)

    @property
    def status_reported_display(self) -> str:
        return format_partial_date(self.status_reported, self.status_reported_precision)

    def refresh_countries(self) -> None:
        """Copy the countries of the mission's regions into ``origin_country`` and
        ``destination_country``, where an index serves the country filters."""
        values = {
            column: country_of_all(region.country for region in getattr(self, relation).all())
            for relation, column in SIDES.items()
        }
        if any(getattr(self, column) != value for column, value in values.items()):
            for column, value in values.items():
                setattr(self, column, value)
            Mission.objects.filter(pk=self.pk).update(**values)


@receiver(m2m_changed, sender=Mission.origin_regions.through)
@receiver(m2m_changed, sender=Mission.destination_regions.through)
def follow_mission_regions(sender, instance, action, reverse, pk_set, **kwargs):
    """A mission's regions changed, from either side of the relation: copy their countries."""
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            instance.refresh_countries()
    elif action == "pre_clear":
        # The region's missions are about to be unlinked: note which, to refresh them after.
        instance._missions_cleared = list(
            sender.objects.filter(region=instance).values_list("mission_id", flat=True)
        )
    elif action in ("post_add", "post_remove", "post_clear"):
        missions = pk_set if action != "post_clear" else instance._missions_cleared
        Mission.objects.filter(pk__in=missions).refresh_countries()


@receiver(post_save, sender=Region)
def follow_region_country_in_missions(sender, instance, **kwargs):
    """Missions keep a copy of their regions' countries: follow a region whose country
    changes."""
    country = str(instance.country)
    kept = [country, SEVERAL_COUNTRIES]
    stale = Mission.objects.filter(
        Q(origin_regions=instance) & ~Q(origin_country__in=kept)
        | Q(destination_regions=instance) & ~Q(destination_country__in=kept)
    )
    Mission.objects.filter(pk__in=stale.values("pk")).refresh_countries()
