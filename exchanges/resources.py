"""Spreadsheet (CSV, XLSX) import and export of directory records for the admin.

Regions are referred to by slug, everything else by id, so an exported sheet can be edited
and imported back. Every imported row goes through the model's ``full_clean()``: a row that
breaks a rule is refused with the row number and the field named. A row that would change an
existing record is refused unless the importing user may change such records: the import
permission is only the add permission.
"""

from django.contrib.auth import get_permission_codename
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.widgets import CharWidget, ForeignKeyWidget, ManyToManyWidget

from .models import (
    Citation,
    ExchangeArea,
    Firm,
    Mission,
    OverseasOffice,
    Region,
    SalesRoute,
    SisterTie,
    Source,
)


def region_field(attribute: str, column: str | None = None) -> fields.Field:
    return fields.Field(
        attribute=attribute,
        column_name=column or attribute,
        widget=ForeignKeyWidget(Region, field="slug"),
    )


def regions_field(attribute: str) -> fields.Field:
    return fields.Field(
        attribute=attribute,
        column_name=attribute,
        widget=ManyToManyWidget(Region, field="slug", separator="|"),
    )


def firms_field(attribute: str) -> fields.Field:
    return fields.Field(
        attribute=attribute,
        column_name=attribute,
        widget=ManyToManyWidget(Firm, field="pk", separator="|"),
    )


class DirectoryResource(resources.ModelResource):
    # Text columns read back from a spreadsheet as "" rather than None, like CharFields do.
    WIDGETS_MAP = {**resources.ModelResource.WIDGETS_MAP, "TextField": CharWidget}

    class Meta:
        abstract = True
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        exclude = ("created", "updated")

    def before_save_instance(self, instance, row, **kwargs):
        """Refuses a row that changes an existing record for a user without the change
        permission (an admin import passes ``user``). An unchanged row is skipped before this."""
        user = kwargs.get("user")
        if user is None or instance._state.adding:
            return
        opts = instance._meta
        if not user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}"):
            raise ValidationError(
                _(
                    "Row %(row)s: the %(record)s with id %(id)s already exists, and you may "
                    "add %(records)s but not change them."
                )
                % {
                    "row": kwargs.get("row_number", 0) + 1,  # as the sheet numbers it: header 1
                    "record": opts.verbose_name,
                    "id": instance.pk,
                    "records": opts.verbose_name_plural,
                },
                code="permission",
            )


class RegionResource(DirectoryResource):
    parent = region_field("parent")
    capital = region_field("capital")

    class Meta(DirectoryResource.Meta):
        model = Region


class ExchangeAreaResource(DirectoryResource):
    class Meta(DirectoryResource.Meta):
        model = ExchangeArea


class SisterTieResource(DirectoryResource):
    region_a = region_field("region_a")
    region_b = region_field("region_b")
    exchange_areas = fields.Field(
        attribute="exchange_areas",
        column_name="exchange_areas",
        widget=ManyToManyWidget(ExchangeArea, field="slug", separator="|"),
    )

    class Meta(DirectoryResource.Meta):
        model = SisterTie


class FirmResource(DirectoryResource):
    region = region_field("region")
    partners = firms_field("partners")

    class Meta(DirectoryResource.Meta):
        model = Firm


class SalesRouteResource(DirectoryResource):
    region = region_field("region")

    class Meta(DirectoryResource.Meta):
        model = SalesRoute


class OverseasOfficeResource(DirectoryResource):
    operator_region = region_field("operator_region")
    host_region = region_field("host_region")

    class Meta(DirectoryResource.Meta):
        model = OverseasOffice


class MissionResource(DirectoryResource):
    organisers = firms_field("organisers")
    participating_firms = firms_field("participating_firms")
    origin_regions = regions_field("origin_regions")
    destination_regions = regions_field("destination_regions")

    class Meta(DirectoryResource.Meta):
        model = Mission


class SourceResource(DirectoryResource):
    class Meta(DirectoryResource.Meta):
        model = Source


class CitationResource(DirectoryResource):
    class Meta(DirectoryResource.Meta):
        model = Citation
