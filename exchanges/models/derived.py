"""Columns a record derives from its own values, so that an index can serve what a join or a
function could not: the normalised text ``q`` searches, the countries of a tie's two regions.

A ``DerivedField`` computes its value on every save. Django calls ``pre_save()`` for a normal save
and for ``bulk_create``; fixture loads save "raw" and skip it, so ``derive_on_raw_save`` fills the
same fields from the same function for those. Staff never type these values: the fields are not
editable and no form shows them.
"""

from collections.abc import Callable

from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import receiver


class DerivedField:
    """Mixin: the value is ``derive(instance)``, recomputed whenever the record is saved."""

    def __init__(self, *args, derive: Callable | None = None, **kwargs):
        self.derive = derive
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        # How the value is computed is code, not schema: migrations need not know it.
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("derive", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        if self.derive is None:
            return super().pre_save(model_instance, add)
        value = self.derive(model_instance)
        setattr(model_instance, self.attname, value)
        return value


class DerivedTextField(DerivedField, models.TextField):
    pass


class DerivedCharField(DerivedField, models.CharField):
    pass


def derived_fields(model) -> list[DerivedField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, DerivedField)]


@receiver(pre_save)
def derive_on_raw_save(sender, instance, raw, **kwargs):
    """``loaddata`` saves raw, without ``pre_save()``: derive the values here instead."""
    if raw:
        for field in derived_fields(sender):
            field.pre_save(instance, add=instance._state.adding)
