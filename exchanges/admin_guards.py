"""Admin forms that keep staff from undoing each other's work and from 500s.

- ``GuardedForm`` remembers the version of the record it was opened at and refuses a save over
  a change made since, naming who made it and when (optimistic locking).
- ``GuardedAdmin`` shows a write the database refused in a race (a duplicate, a broken rule) on
  its field, and uses ``GuardedChangeList``, which answers impossible filter values as Django's
  own bad-filter page.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext

from .integrity import current_version, last_change, violation_message, violation_of
from .models.rules import entered_with

VERSION_FIELD = "opened_version"


class GuardedForm(forms.ModelForm):
    """A change form that remembers the version of the record it was opened at, and shows on a
    field the rule the database refused when a concurrent save got there first."""

    opened_version = forms.CharField(widget=forms.HiddenInput, required=False)
    database_violation = None  # set by GuardedAdmin when the database refused the last try

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # The stored record's version, also when the form shows an older one to revert to.
            self.initial[VERSION_FIELD] = current_version(
                self._meta.model, self.instance.pk, lock=False
            )[1]

    def clean(self):
        cleaned_data = super().clean()
        self.refuse_stale_version(cleaned_data.get(VERSION_FIELD))
        violation = self.database_violation
        if violation is not None:
            field = entered_with(self._meta.model, violation.field or "")
            if field in self.fields:
                self.add_error(field, violation.message)
            else:
                self.add_error(None, violation_message(violation))
        return cleaned_data

    def refuse_stale_version(self, opened: str | None) -> None:
        if self.instance.pk is None or not opened:
            return
        # Locked until the save commits (in the admin's transaction), so no save slips between.
        locking = transaction.get_connection().in_atomic_block
        record, version = current_version(self._meta.model, self.instance.pk, lock=locking)
        if record is None or version == opened:
            return
        who, when = last_change(record)
        # Saving again means overwriting knowingly: the form now carries the current version.
        self.data = self.data.copy()
        self.data[self.add_prefix(VERSION_FIELD)] = version
        raise ValidationError(
            gettext(
                "%(who)s changed this %(record)s at %(when)s, after you opened it. Your input is "
                "kept below: compare it with the record in another tab, then save again to "
                "replace their change, or reload the page to start from it."
            )
            % {
                "who": who,
                "record": self._meta.model._meta.verbose_name,
                "when": formats.date_format(timezone.localtime(when), "DATETIME_FORMAT")
                if when
                else "?",
            },
            code="stale",
        )


class GuardedChangeList(ChangeList):
    """A date-hierarchy value past the calendar (year 10**30, 31 December 9999 and the day
    after) is a bad filter like any other: Django's own error page, not a 500."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


class GuardedAdmin(admin.ModelAdmin):
    """Optimistic locking on change forms, field-named answers for writes the database refuses
    in a race, and changelists that refuse impossible filter values."""

    form = GuardedForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or VERSION_FIELD in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": (*options["fields"], VERSION_FIELD)}), *rest]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        violation = getattr(request, "database_violation", None)
        if violation is None:
            return form
        return type(form.__name__, (form,), {"database_violation": violation})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError as error:
            if request.method != "POST" or hasattr(request, "database_violation"):
                raise
            # The transaction was rolled back: show the form again, the refused rule on its field.
            request.database_violation = violation_of(error)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_changelist(self, request, **kwargs):
        return GuardedChangeList
