"""Offices that a region or a firm runs in another place."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from ..partial_dates import format_partial_date
from ..record_types import record_type
from .base import (
    DirectoryRecord,
    MultilingualNames,
    date_order_constraint,
    partial_date_constraints,
    partial_date_fields,
)
from .firms import Firm
from .indexes import SortIndex, TrigramIndex
from .querysets import CITED_SOURCES, DirectoryQuerySet
from .regions import Region, top_region_of
from .rules import RuledModel
from .search import SearchTextField


class OfficeKind(models.TextChoices):
    TRADE_OFFICE = "trade_office", _("trade office")
    LIAISON_OFFICE = "liaison_office", _("liaison or representative office")
    EXHIBITION_HALL = "exhibition_hall", _("exhibition hall or showroom")
    BUSINESS_CENTRE = "business_centre", _("business centre")


class OfficeStatus(models.TextChoices):
    PLANNED = "planned", _("planned or agreed")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class OverseasOfficeQuerySet(DirectoryQuerySet):
    def with_operator_and_host(self) -> "OverseasOfficeQuerySet":
        """With the region or firm that runs each office and the region it stands in, joined."""
        return self.select_related("operator_region", "operator_firm", "host_region")

    def listed(self) -> "OverseasOfficeQuerySet":
        return self.with_operator_and_host().without_long_text(
            "operator_region", "operator_firm", "host_region"
        )

    def serialized(self) -> "OverseasOfficeQuerySet":
        return self.with_operator_and_host().prefetch_related(
            "roles__region", "roles__firm", CITED_SOURCES
        )

    def by_top_host_region(self) -> dict[int, int]:
        """How many of these offices stand in each first-level region (the regions below
        it counted with it): {region id: offices}, counted in the database."""
        hosts = self.annotate(top=top_region_of("host_region")).values_list("top")
        return dict(hosts.annotate(n=models.Count("pk")).order_by())


@record_type("office", "offices", _("Offices"), position=4)
class OverseasOffice(MultilingualNames, DirectoryRecord):
    """South Gyeongsang's Shimonoseki office; Shizuoka Prefecture's Seoul office."""

    kind = models.CharField(_("kind"), max_length=30, choices=OfficeKind.choices)
    operator_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offices_run",
        verbose_name=_("operating region"),
    )
    operator_firm = models.ForeignKey(
        Firm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offices_run",
        verbose_name=_("operating firm"),
    )
    host_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="offices_hosted",
        verbose_name=_("host region"),
        help_text=_("Where the office is."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=OfficeStatus.choices,
        default=OfficeStatus.OPEN,
    )
    opened, opened_precision = partial_date_fields(_("opened"), _("precision of the opening date"))
    closed, closed_precision = partial_date_fields(
        pgettext_lazy("date field", "closed"), _("precision of the closing date")
    )
    head_name = models.CharField(
        _("head"), max_length=200, blank=True, help_text=_("As the source names the office head.")
    )
    head_title = models.CharField(_("head's title"), max_length=200, blank=True)
    functions = models.TextField(_("functions"), blank=True)
    search_text = SearchTextField(*MultilingualNames.NAME_FIELDS, "head_name")

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = OverseasOfficeQuerySet.as_manager()

    class Meta:
        verbose_name = _("overseas office")
        verbose_name_plural = _("overseas offices")
        ordering = ["name_en", "pk"]
        indexes = [
            SortIndex("opened", name="overseasoffice_opened_order"),
            models.Index(fields=["name_en", "id"], name="overseasoffice_name_order"),
            # updated_since, a partner's sync.
            models.Index(fields=["updated"], name="overseasoffice_updated"),
            models.Index(fields=["kind", "name_en", "id"], name="overseasoffice_kind_order"),
            models.Index(fields=["status", "name_en", "id"], name="overseasoffice_status_order"),
            TrigramIndex(fields=["search_text"], name="overseasoffice_search_trigram"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(operator_region__isnull=False) | Q(operator_firm__isnull=False),
                name="overseasoffice_operator_region_or_firm_given",
                violation_error_message=_("Name the region or the firm that runs the office."),
            ),
            models.CheckConstraint(
                condition=~Q(host_region=F("operator_region")),
                name="overseasoffice_host_region_not_operator_region",
                violation_error_message=_("An overseas office lies outside its operating region."),
            ),
            models.CheckConstraint(
                condition=Q(closed__isnull=True) | Q(status=OfficeStatus.CLOSED),
                name="overseasoffice_status_closed_with_closing_date",
                violation_error_message=_("An office with a closing date has the status closed."),
            ),
            date_order_constraint(
                "overseasoffice", "opened", "closed", _("An office cannot close before it opened.")
            ),
            *partial_date_constraints("overseasoffice", "opened"),
            *partial_date_constraints("overseasoffice", "closed"),
        ]

    @property
    def native_country(self) -> str:
        operator = self.operator_region or self.operator_firm
        return str(operator.country) if operator else ""

    @property
    def operator(self):
        return self.operator_region or self.operator_firm

    @property
    def opened_display(self) -> str:
        return format_partial_date(self.opened, self.opened_precision)

    @property
    def closed_display(self) -> str:
        return format_partial_date(self.closed, self.closed_precision)


class OfficeRoleKind(models.TextChoices):
    """Roles other than running the office: who runs it is the office's own operator field,
    held once there (a row cannot say "operator" and contradict it)."""

    SET_UP_BY = "set_up_by", _("set up by")
    CO_OPERATOR = "co_operator", _("co-operator")
    HOST = "host", _("host")


ROLE_ON_OFFICE = {
    OfficeRoleKind.SET_UP_BY: _("Set up by"),
    OfficeRoleKind.CO_OPERATOR: _("Co-operated by"),
    OfficeRoleKind.HOST: _("Hosted by"),
}
ROLE_OF_PARTY = {
    OfficeRoleKind.SET_UP_BY: _("set it up"),
    OfficeRoleKind.CO_OPERATOR: _("co-operates it"),
    OfficeRoleKind.HOST: _("hosts it"),
}


class OfficeRole(RuledModel):
    """A region or firm's part in an office other than running it: who set it up by agreement,
    who runs it together with the operator, who houses it. The office's citations cover it."""

    office = models.ForeignKey(
        OverseasOffice, on_delete=models.CASCADE, related_name="roles", verbose_name=_("office")
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="office_roles",
        verbose_name=_("region"),
    )
    firm = models.ForeignKey(
        Firm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="office_roles",
        verbose_name=_("firm"),
    )
    role = models.CharField(_("role"), max_length=20, choices=OfficeRoleKind.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role in an office")
        verbose_name_plural = _("roles in offices")
        ordering = ["office", "role", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(region__isnull=False, firm__isnull=True)
                | Q(region__isnull=True, firm__isnull=False),
                name="officerole_region_or_firm_one_given",
                violation_error_message=_("Name either a region or a firm, not both."),
            ),
            models.UniqueConstraint(
                fields=["office", "role", "region"],
                condition=Q(region__isnull=False),
                name="region_role_in_office_held_once",
                violation_error_message=_("This region already has that role in the office."),
            ),
            models.UniqueConstraint(
                fields=["office", "role", "firm"],
                condition=Q(firm__isnull=False),
                name="firm_role_in_office_held_once",
                violation_error_message=_("This firm already has that role in the office."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} – {self.get_role_display()} – {self.office}"

    @property
    def party(self):
        return self.region or self.firm

    @property
    def office_label(self) -> str:
        """The role as the office's page names it: "Set up by"."""
        return ROLE_ON_OFFICE[self.role]

    @property
    def party_label(self) -> str:
        """The role as the page of the region or firm names it: "set it up"."""
        return ROLE_OF_PARTY[self.role]

    def clean(self):
        # The operator is held on the office; a co-operator is someone else. Across tables, so
        # no CHECK constraint can see it.
        office = self.office if self.office_id else None
        if office is None or self.role != OfficeRoleKind.CO_OPERATOR:
            return
        if (self.region_id and self.region_id == office.operator_region_id) or (
            self.firm_id and self.firm_id == office.operator_firm_id
        ):
            field = "region" if self.region_id else "firm"
            raise ValidationError(
                {field: _("The office's operator cannot also be its co-operator.")}
            )
