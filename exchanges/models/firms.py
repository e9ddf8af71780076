"""Companies and business organisations that trade across regions, and where they sell."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import TextField
from django.db.models.functions import Cast, Upper
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from ..record_types import record_type
from .base import (
    DirectoryRecord,
    LinkRow,
    MultilingualNames,
    amount_constraints,
    amount_fields,
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


class FirmPartner(LinkRow):
    """One direction of a partnership; each partnership is stored both ways. A firm's own
    rows go with it, but a firm that another lists as its partner cannot be deleted."""

    from_firm = models.ForeignKey(
        "Firm", on_delete=models.CASCADE, related_name="+", verbose_name=_("firm")
    )
    to_firm = models.ForeignKey(
        "Firm", on_delete=models.PROTECT, related_name="+", verbose_name=_("partner firm")
    )

    class Meta:
        db_table = "exchanges_firm_partners"  # the table Django made for the field before
        unique_together = [("from_firm", "to_firm")]
        verbose_name = _("partnership of firms")
        verbose_name_plural = _("partnerships of firms")


class FirmQuerySet(DirectoryQuerySet):
    def listed(self) -> "FirmQuerySet":
        return self.select_related("region").without_long_text("region")

    def serialized(self) -> "FirmQuerySet":
        return self.select_related("region").prefetch_related(
            "partners", "sales_routes__region", CITED_SOURCES
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
    partners = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=True,
        through=FirmPartner,
        through_fields=("from_firm", "to_firm"),
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
