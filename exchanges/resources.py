"""Spreadsheet (CSV, XLSX) import and export of directory records for the admin.

Linked records are referred to by slug where they have one (regions, exchange areas), else by
id, so an exported sheet can be edited
and imported back. Every imported row goes through the model's ``full_clean()``: a row that
breaks a rule is refused with the row number and the field named. A row that would change an
existing record is refused unless the importing user may change such records: the import
permission is only the add permission.
"""

from functools import cache

from django.contrib.auth import get_permission_codename
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.widgets import CharWidget, ForeignKeyWidget, ManyToManyWidget


class DirectoryResource(resources.ModelResource):
    # Text columns read back from a spreadsheet as "" rather than None, like CharFields do.
    WIDGETS_MAP = {**resources.ModelResource.WIDGETS_MAP, "TextField": CharWidget}

    class Meta:
        abstract = True
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        exclude = ("created", "updated")

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        """A linked record is read and written by its slug where it has one (a region, an
        exchange area), else by its id; several linked records are separated by "|"."""
        target = django_field.related_model if django_field.is_relation else None
        by_slug = target is not None and any(f.name == "slug" for f in target._meta.fields)
        if django_field.many_to_many:
            key = "slug" if by_slug else "pk"
            widget = ManyToManyWidget(target, field=key, separator="|")
        elif django_field.many_to_one and by_slug:
            widget = ForeignKeyWidget(target, field="slug")
        else:
            return super().field_from_django_field(field_name, django_field, readonly)
        return fields.Field(
            attribute=field_name, column_name=field_name, widget=widget, readonly=readonly
        )

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


@cache
def resource_for(model) -> type[DirectoryResource]:
    """The import/export resource of ``model``: every field, linked records as
    ``DirectoryResource`` refers to them."""
    meta = type("Meta", (DirectoryResource.Meta,), {"model": model, "abstract": False})
    return type(f"{model.__name__}Resource", (DirectoryResource,), {"Meta": meta})
