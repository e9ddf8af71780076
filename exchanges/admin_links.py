"""Admin editing of many-to-many fields whose link table is declared as a ``LinkRow``.

Django's admin leaves out any many-to-many field with a through model of its own, because such
a model may hold more than the two links. A ``LinkRow`` holds nothing else (it is declared only
so that its foreign keys can refuse a delete), so ``field.set()`` saves it as it saves Django's
own table: these fields keep their autocomplete or select widget.
"""

from django.contrib.admin.checks import ModelAdminChecks
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import FieldDoesNotExist

from .models.base import LinkRow


def is_link_field(model, field_name: str) -> bool:
    try:
        field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        return False
    through = getattr(field.remote_field, "through", None)
    return field.many_to_many and isinstance(through, type) and issubclass(through, LinkRow)


class LinkFieldChecks(ModelAdminChecks):
    def _check_field_spec_item(self, obj, field_name, label):
        if is_link_field(obj.model, field_name):
            return []
        return super()._check_field_spec_item(obj, field_name, label)


class LinkFieldsAdminMixin:
    """Edits ``LinkRow`` many-to-many fields like plain ones (autocomplete when declared)."""

    checks_class = LinkFieldChecks

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not is_link_field(db_field.model, db_field.name):
            return super().formfield_for_manytomany(db_field, request, **kwargs)
        using = kwargs.get("using")
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelectMultiple(db_field, self.admin_site, using=using)
        if "queryset" not in kwargs:
            queryset = self.get_field_queryset(using, db_field, request)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return db_field.formfield(**kwargs)
