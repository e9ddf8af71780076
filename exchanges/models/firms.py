"""Companies and business organisations that trade across regions, and where they sell."""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Prefetch, TextField
from django.db.models.functions import Cast, Greatest, Least, Upper
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from ..partial_dates import format_partial_date
from ..record_types import record_type
from .base import (
    DirectoryRecord,
    MultilingualNames,
    amount_constraints,
    amount_fields,
    date_order_constraint,
    partial_date_constraints,
    partial_date_fields,
)
from .indexes import SortIndex, TrigramIndex
from .querysets import CITED_SOURCES, DirectoryQuerySet
from .regions import Region
from .rules import RuledModel
from .search import SearchTextField

YEAR_VALIDATORS = [MinValueValidator(1000), MaxValueValidator(2100)]


class FirmKind(models.TextChoices):
    COMPANY = "company", _("company")
    CHAMBER = "chamber", _("chamber of commerce or industry association")
    PUBLIC_AGENCY = "public_agency", _("public agency")
    RESEARCH_INSTITUTE = "research_institute", _("research institute")
    OTHER = "other", _("other organisation")


class PartnershipKind(models.TextChoices):
    """What ties two firms. "import agent" and "buyer" read from the first firm to the
    second: the first is the import agent, or the buyer, of the second."""

    PARTNER = "partner", _("partner (kind not stated)")
    AGREEMENT = "agreement", _("agreement")
    LIAISON = "liaison", _("liaison")
    IMPORT_AGENT = "import_agent", _("import agent")
    BUYER = "buyer", _("buyer")


DIRECTED_KINDS = {PartnershipKind.IMPORT_AGENT, PartnershipKind.BUYER}
# How a firm's page reads each partnership: by kind, and for a directed kind by whether the
# firm is the agent or buyer ("outgoing") or its partner is ("incoming").
PHRASES = {
    (PartnershipKind.PARTNER, "mutual"): _("partner of %(partner)s"),
    (PartnershipKind.AGREEMENT, "mutual"): _("agreement with %(partner)s"),
    (PartnershipKind.LIAISON, "mutual"): _("liaison with %(partner)s"),
    (PartnershipKind.IMPORT_AGENT, "outgoing"): _("import agent of %(partner)s"),
    (PartnershipKind.IMPORT_AGENT, "incoming"): _("%(partner)s is its import agent"),
    (PartnershipKind.BUYER, "outgoing"): _("buyer from %(partner)s"),
    (PartnershipKind.BUYER, "incoming"): _("%(partner)s buys from it"),
}


class PartnershipQuerySet(models.QuerySet):
    def involving(self, firm) -> "PartnershipQuerySet":
        return self.filter(models.Q(from_firm=firm) | models.Q(to_firm=firm))

    def shown(self) -> "PartnershipQuerySet":
        """With both firms (and their home regions) and the citations, as pages show them."""
        return self.select_related("from_firm__region", "to_firm__region").prefetch_related(
            CITED_SOURCES
        )


class FirmPartner(RuledModel):
    """A partnership of two firms, stored once: its kind, since when, until when, and the
    sources that state it. For a directed kind the first firm is the import agent or the buyer
    of the second. A firm in a partnership cannot be deleted until the partnership is."""

    from_firm = models.ForeignKey(
        "Firm", on_delete=models.PROTECT, related_name="partnerships_from", verbose_name=_("firm")
    )
    to_firm = models.ForeignKey(
        "Firm",
        on_delete=models.PROTECT,
        related_name="partnerships_to",
        verbose_name=_("partner firm"),
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=PartnershipKind.choices,
        default=PartnershipKind.PARTNER,
        help_text=_("For import agent and buyer: the firm is the agent or buyer of its partner."),
    )
    start, start_precision = partial_date_fields(_("since"), _("precision of the start date"))
    end, end_precision = partial_date_fields(_("until"), _("precision of the end date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    citations = GenericRelation("exchanges.Citation", related_query_name="firmpartner")
    # Both firms' pages and API records show it (sources.touch_cited_record).
    cited_within = ("from_firm", "to_firm")

    # HistoricalFirmPartner is the firm history's snapshot of its ``partners`` links, kept
    # from before a partnership was a record; this is the partnership's own.
    history = HistoricalRecords(custom_model_name="HistoricalPartnership")
    objects = PartnershipQuerySet.as_manager()

    class Meta:
        db_table = "exchanges_firm_partners"  # the table Django made for the field before
        verbose_name = _("partnership of firms")
        verbose_name_plural = _("partnerships of firms")
        ordering = ["from_firm", "to_firm"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_firm=F("to_firm")),
                name="firmpartner_to_firm_not_from_firm",
                violation_error_message=_("A firm is not its own partner."),
            ),
            # One row a pair, whichever way round: the two directions cannot disagree.
            models.UniqueConstraint(
                Least("from_firm", "to_firm"),
                Greatest("from_firm", "to_firm"),
                name="firmpartner_one_row_per_pair_to_firm",
                violation_error_message=_("These two firms already have a partnership."),
            ),
            date_order_constraint(
                "firmpartner", "start", "end", _("A partnership cannot end before it starts.")
            ),
            *partial_date_constraints("firmpartner", "start"),
            *partial_date_constraints("firmpartner", "end"),
        ]

    def __str__(self) -> str:
        return f"{self.from_firm} – {self.get_kind_display()} – {self.to_firm}"

    @property
    def directed(self) -> bool:
        return self.kind in DIRECTED_KINDS

    def partner_of(self, firm):
        """The other firm of the partnership, seen from ``firm``."""
        return self.to_firm if firm.pk == self.from_firm_id else self.from_firm

    def direction_for(self, firm) -> str:
        """ "outgoing" when ``firm`` is the agent or buyer, "incoming" when its partner is,
        "mutual" for a kind that reads the same both ways."""
        if not self.directed:
            return "mutual"
        return "outgoing" if firm.pk == self.from_firm_id else "incoming"

    def phrase_for(self, firm) -> str:
        """How ``firm``'s page reads the partnership, with ``%(partner)s`` for the partner."""
        return PHRASES[(self.kind, self.direction_for(firm))]

    @property
    def start_display(self) -> str:
        return format_partial_date(self.start, self.start_precision)

    @property
    def end_display(self) -> str:
        return format_partial_date(self.end, self.end_precision)


class FirmQuerySet(DirectoryQuerySet):
    def listed(self) -> "FirmQuerySet":
        return self.select_related("region").without_long_text("region")

    def serialized(self) -> "FirmQuerySet":
        return self.select_related("region").prefetch_related(
            Prefetch("partnerships_from", queryset=FirmPartner.objects.shown()),
            Prefetch("partnerships_to", queryset=FirmPartner.objects.shown()),
            "sales_routes__region",
            "sales_routes__citations__source",
            CITED_SOURCES,
        )


@record_type("firm", "firms", _("Firms"), position=3)
class Firm(MultilingualNames, DirectoryRecord):
    """A company or business organisation: a buyer in Yanji, a chamber in Mitsuke, JETRO."""

    kind = models.CharField(_("kind"), max_length=30, choices=FirmKind.choices)
    country = CountryField(_("country"))
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="firms",
        verbose_name=_("home region"),
    )
    founded_year = models.PositiveSmallIntegerField(
        _("founded"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    sector = models.CharField(_("sector"), max_length=200, blank=True)
    goods = models.TextField(_("goods and services"), blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    employees_year = models.PositiveSmallIntegerField(
        _("employees year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    registered_capital, capital_currency, capital_unit, capital_year = amount_fields(
        _("registered capital")
    )
    annual_sales, sales_currency, sales_unit, sales_year = amount_fields(_("annual sales"))
    import_sources = models.TextField(
        _("import sources"), blank=True, help_text=_("Where the firm buys, as the source puts it.")
    )
    key_people = models.TextField(
        _("key people"), blank=True, help_text=_("As the source names them, with their titles.")
    )
    # The partnerships this firm is named first in; ``partner_firms`` are all of its partners.
    partners = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=False,
        through=FirmPartner,
        through_fields=("from_firm", "to_firm"),
        related_name="partnered_by",
        verbose_name=_("partner firms"),
    )
    description = models.TextField(_("description"), blank=True)
    search_text = SearchTextField(*MultilingualNames.NAME_FIELDS, "sector", "goods", "key_people")

    history = HistoricalRecords(m2m_fields=[partners], excluded_fields=["search_text"])
    objects = FirmQuerySet.as_manager()

    class Meta:
        verbose_name = _("firm")
        verbose_name_plural = _("firms")
        ordering = ["name_en", "pk"]
        indexes = [
            SortIndex("employees", name="firm_employees_order"),
            models.Index(fields=["name_en", "id"], name="firm_name_order"),
            # updated_since, a partner's sync.
            models.Index(fields=["updated"], name="firm_updated"),
            models.Index(fields=["kind", "name_en", "id"], name="firm_kind_order"),
            models.Index(fields=["country", "name_en", "id"], name="firm_country_order"),
            SortIndex("founded_year", name="firm_founded_order"),
            TrigramIndex(fields=["search_text"], name="firm_search_trigram"),
            # The sector filter's icontains compares UPPER(sector::text).
            TrigramIndex(Upper(Cast("sector", TextField())), name="firm_sector_trigram"),
        ]
        constraints = [
            *amount_constraints("firm", "registered_capital", "capital_currency"),
            *amount_constraints("firm", "annual_sales", "sales_currency"),
        ]

    @property
    def native_country(self) -> str:
        return str(self.country)

    @property
    def partnerships(self) -> list[FirmPartner]:
        """Every partnership of the firm, whichever firm it names first, by partner name."""
        rows = [*self.partnerships_from.all(), *self.partnerships_to.all()]
        return sorted(rows, key=lambda row: (row.partner_of(self).name_en, row.pk))

    @property
    def partner_firms(self) -> list["Firm"]:
        """The firm's partners, both ways, by name: what the API calls ``partners``."""
        return [row.partner_of(self) for row in self.partnerships]

    def partner_firms_queryset(self) -> "FirmQuerySet":
        """The firm's partners, both ways, as one query (a download's cell)."""
        rows = FirmPartner.objects.involving(self)
        return Firm.objects.filter(
            models.Q(pk__in=rows.values("from_firm")) | models.Q(pk__in=rows.values("to_firm"))
        ).exclude(pk=self.pk)

    def set_partners(self, firms) -> None:
        """Make ``firms`` the firm's partners: a partnership with a firm not among them is
        deleted, one with a new firm is added (kind not stated), the others stay as they are."""
        wanted = {firm.pk: firm for firm in firms}
        for row in FirmPartner.objects.involving(self):
            if wanted.pop(row.partner_of(self).pk, None) is None:
                row.delete()
        for firm in wanted.values():
            FirmPartner.objects.create(from_firm=self, to_firm=firm)

    def clean(self):
        # The home region's country is in another table, where no CHECK constraint looks.
        if self.region_id and self.country and self.region.country != self.country:
            raise ValidationError(
                {"region": _("The home region lies in another country than the firm.")}
            )


class SalesRoute(RuledModel):
    """Where a firm sells and how much: Table 1's "sales by city"."""

    firm = models.ForeignKey(
        Firm, on_delete=models.CASCADE, related_name="sales_routes", verbose_name=_("firm")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="sales_routes", verbose_name=_("region")
    )
    amount, currency, unit, year = amount_fields(_("annual amount"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    # A route's figures are cited on their own (a table row); the firm's page and API show them.
    citations = GenericRelation("exchanges.Citation", related_query_name="salesroute")
    # Whose ``updated`` a change of its citations moves on (sources.touch_cited_record).
    cited_within = "firm"

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sales route")
        verbose_name_plural = _("sales routes")
        ordering = ["firm", "-amount", "region__name_en"]
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "region"],
                name="salesroute_unique_firm_region",
                violation_error_message=_("This firm already has a sales route to that region."),
            ),
            *amount_constraints("salesroute", "amount", "currency"),
        ]

    def __str__(self) -> str:
        return f"{self.firm.name_en} → {self.region.name_en}"
