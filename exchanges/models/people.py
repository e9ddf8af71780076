"""People named in the sources, and who took part in a mission, in which role."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from ..record_types import record_type
from .base import NAME_LANGUAGES, DirectoryRecord, MultilingualNames
from .firms import Firm
from .indexes import TrigramIndex
from .missions import Mission
from .querysets import CITED_SOURCES, DirectoryQuerySet
from .regions import Region
from .search import SearchTextField


class PersonQuerySet(DirectoryQuerySet):
    def listed(self) -> "PersonQuerySet":
        return self.select_related("body_region", "body_firm").without_long_text(
            "body_region", "body_firm"
        )

    def serialized(self) -> "PersonQuerySet":
        return self.select_related("body_region", "body_firm").prefetch_related(CITED_SOURCES)


@record_type("person", "people", _("People"), position=6)
class Person(MultilingualNames, DirectoryRecord):
    """A governor, a mayor, a speaker at a forum: named as the source names them, with the
    title and body they held at the time."""

    # A source may name a person in Korean and Japanese only: no name is required in English.
    name_en = models.CharField(
        _("name (English)"),
        max_length=200,
        blank=True,
        help_text=_("Only as the source gives it; never transliterated."),
    )
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("The title held at the time.")
    )
    body_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("body (region)"),
    )
    body_firm = models.ForeignKey(
        Firm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("body (firm)"),
    )
    body_text = models.CharField(_("body as the source names it"), max_length=300, blank=True)
    search_text = SearchTextField(*MultilingualNames.NAME_FIELDS, "title", "body_text")

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name_en", "pk"]
        indexes = [
            models.Index(fields=["name_en", "id"], name="person_name_order"),
            models.Index(fields=["updated"], name="person_updated"),
            TrigramIndex(fields=["search_text"], name="person_search_trigram"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_en="") | ~Q(name_ja="") | ~Q(name_zh="") | ~Q(name_ko=""),
                name="person_name_en_given_in_some_script",
                violation_error_message=_("Give the name in at least one script."),
            ),
        ]

    @property
    def native_country(self) -> str:
        body = self.body_region or self.body_firm
        return str(body.country) if body else ""

    def name_in(self, language: str) -> str:
        """The name in ``language``, else in English, else the first script the source gives."""
        own = super().name_in(language)
        if own:
            return own
        return next(
            (
                getattr(self, f"name_{code}")
                for code in NAME_LANGUAGES
                if getattr(self, f"name_{code}")
            ),
            "",
        )

    def __str__(self) -> str:
        names = [getattr(self, f"name_{code}") for code in NAME_LANGUAGES]
        return " / ".join(name for name in names if name) or f"#{self.pk}"

    @property
    def body(self):
        return self.body_region or self.body_firm


class ParticipationRole(models.TextChoices):
    ORGANISER = "organiser", _("organiser")
    HOST = "host", _("host")
    DELEGATION_HEAD = "delegation_head", _("delegation head")
    OPENING_ADDRESS = "opening_address", _("opening address")
    CONGRATULATORY_ADDRESS = "congratulatory_address", _("congratulatory address")
    KEYNOTE = "keynote", _("keynote")
    PRESENTER = "presenter", _("presenter")
    PANEL_SPEAKER = "panel_speaker", _("panel speaker")
    MODERATOR = "moderator", _("moderator")
    EXHIBITOR = "exhibitor", _("exhibitor")
    PARTICIPANT = "participant", _("participant")


ORGANISING_ROLES = (ParticipationRole.ORGANISER, ParticipationRole.HOST)


class ParticipationQuerySet(DirectoryQuerySet):
    def with_participants(self) -> "ParticipationQuerySet":
        return self.select_related("mission", "person", "region", "firm")

    def listed(self) -> "ParticipationQuerySet":
        return self.with_participants().without_long_text("mission", "person", "region", "firm")

    def serialized(self) -> "ParticipationQuerySet":
        return self.with_participants().prefetch_related(CITED_SOURCES)

    def organising_regions(self) -> "ParticipationQuerySet":
        """The regions that organised or hosted a mission: a mission's organising firms are
        its ``organisers``, its organising regions these."""
        return (
            self.filter(region__isnull=False, role__in=ORGANISING_ROLES)
            .select_related("region")
            .order_by("role", "region__name_en", "pk")
        )


@record_type("participation", "participations", _("Participations"), position=7)
class Participation(DirectoryRecord):
    """Who took part in a mission and how: a person, a region or a firm, in a role."""

    mission = models.ForeignKey(
        Mission,
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("mission"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("person"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("region"),
    )
    firm = models.ForeignKey(
        Firm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("firm"),
    )
    role = models.CharField(_("role"), max_length=30, choices=ParticipationRole.choices)
    talk_title = models.CharField(_("talk title"), max_length=300, blank=True)
    country = CountryField(
        _("side"), blank=True, help_text=_("The country of the side taken part for.")
    )
    count = models.PositiveIntegerField(
        _("count"),
        null=True,
        blank=True,
        help_text=_("How many took part on this side, where the source counts them."),
    )
    search_text = SearchTextField("talk_title")

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["mission", "pk"]
        indexes = [
            models.Index(fields=["mission", "id"], name="participation_mission"),
            models.Index(fields=["role", "mission", "id"], name="participation_role"),
            models.Index(fields=["country", "mission", "id"], name="participation_country"),
            models.Index(fields=["updated"], name="participation_updated"),
            TrigramIndex(fields=["search_text"], name="participation_search_trigram"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, region__isnull=True, firm__isnull=True)
                | Q(person__isnull=True, region__isnull=False, firm__isnull=True)
                | Q(person__isnull=True, region__isnull=True, firm__isnull=False)
                # A whole side, as a source counts it ("한국 58명"): its country and count.
                | (
                    Q(person__isnull=True, region__isnull=True, firm__isnull=True)
                    & Q(count__isnull=False)
                    & ~Q(country="")
                ),
                name="participation_person_region_or_firm_one_given",
                violation_error_message=_(
                    "Name exactly one participant: a person, a region or a firm; or none, for a "
                    "whole side, with its country and count."
                ),
            ),
            # One place for a mission's organising firms: its ``organisers``. Participations
            # name the regions (and people) that organised it.
            models.CheckConstraint(
                condition=~Q(role=ParticipationRole.ORGANISER) | Q(firm__isnull=True),
                name="participation_organiser_not_a_firm",
                violation_error_message=_(
                    "A firm that organises a mission is listed among the mission's organisers."
                ),
            ),
        ]

    @property
    def name(self) -> str:
        return f"{self.participant_name} – {self.get_role_display()}"

    @property
    def participant_name(self) -> str:
        """The participant's name, or the side counted as a whole ("KR side")."""
        if self.participant is not None:
            return self.participant.name
        return _("%(country)s side") % {"country": self.country.code}

    @property
    def participant(self):
        return self.person or self.region or self.firm

    def __str__(self) -> str:
        return f"{self.participant_name} – {self.get_role_display()} – {self.mission}"
