"""The change history in the admin: each record's, and the recent changes of every record.

- ``HistoryAdmin``: django-simple-history's admin with a history page that reads well
  (``change_history``): the record's own changes and those of its parts edited inline on its
  form (citations, a firm's sales routes), newest first. A form saved in the admin makes one
  history entry, many-to-many fields included; a form saved unchanged makes none.
- ``recent_changes``: ``/admin/exchanges/changes/``, every tracked model's changes newest first,
  filterable by user, record type, kind of change and date range, for staff who may read the
  histories (``admin_site.DirectoryAdminSite`` serves it).
"""

import datetime

from django import forms
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.admin import GenericInlineModelAdmin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms.models import _get_foreign_key
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import get_m2m_field_name

from .change_history import (
    describe,
    history_of,
    keys,
    last_known,
    link_copies,
    newest_first,
    tracked_models,
)
from .models.history import has_history

RECENT_PER_PAGE = 50
MAX_PER_PAGE = 500


class HistoryAdmin(SimpleHistoryAdmin):
    object_history_template = "admin/exchanges/object_history.html"

    def history_parts(self, request, pk) -> list[tuple[type, object]]:
        """The history rows of the record and of its parts edited inline (with their own
        history), as ``(model, rows)``."""
        model = self.model
        parts = [(model, history_of(model).filter(**{model._meta.pk.attname: pk}))]
        for inline in self.get_inline_instances(request):
            part = inline.model
            if not has_history(part):
                continue
            if isinstance(inline, GenericInlineModelAdmin):
                content_type = ContentType.objects.get_for_model(model)
                belongs = {inline.ct_field: content_type, inline.ct_fk_field: pk}
            else:
                belongs = {_get_foreign_key(model, part, fk_name=inline.fk_name).attname: pk}
            parts.append((part, history_of(part).filter(**belongs)))
        return parts

    def history_view(self, request, object_id, extra_context=None):
        request.current_app = self.admin_site.name
        opts = self.model._meta
        try:
            pk = opts.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404 from None
        parts = self.history_parts(request, pk)
        record = self.get_object(request, object_id)
        if record is None:  # deleted: as its history last knew it
            last = parts[0][1].order_by("-history_date", "-history_id").first()
            if last is None:
                raise Http404
            record = last_known(last)
        if not self.has_view_history_or_change_history_permission(request, record):
            raise PermissionDenied
        paginator = Paginator(newest_first(parts), self.history_list_per_page)
        page = paginator.get_page(request.GET.get(PAGE_VAR))
        empty = self.get_empty_value_display()
        forms_of = [self, *self.get_inline_instances(request)]
        orders = {shown.model: form_order(shown, request) for shown in forms_of}
        entries = describe(keys(parts, page.object_list), empty, orders)
        for entry in entries:
            entry.is_part = entry.model is not self.model
            if not entry.is_part:  # the record as it was then, to see or revert to
                entry.version_url = admin_url(
                    self.model, "simple_history", pk, entry.row.history_id
                )
        context = {
            **self.admin_site.each_context(request),
            "title": self.history_view_title(request, record),
            "subtitle": None,
            "entries": entries,
            "page_obj": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "page_var": PAGE_VAR,
            "pagination_required": paginator.count > self.history_list_per_page,
            "module_name": capfirst(opts.verbose_name_plural),
            "object": record,
            "opts": opts,
            "app_label": opts.app_label,
            "revert_disabled": self.revert_disabled(request, record),
            "empty_value_display": empty,
            **(extra_context or {}),
        }
        return self.render_history_view(request, self.object_history_template, context)

    def save_model(self, request, obj, form, change):
        # A form saved unchanged leaves the record, its version and its history as they were
        # (its citations, saved after it, may have changed).
        if change and not form.has_changed():
            return
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """As Django does, but the many-to-many fields go into the history entry of the
        record's save rather than into an entry each for the links removed and those added."""
        record = form.instance
        record.skip_history_when_saving = True
        try:
            form.save_m2m()
        finally:
            del record.skip_history_when_saving
        tracked = {m2m.name for m2m in history_of(self.model).model._history_m2m_fields}
        if tracked & set(form.changed_data):
            copy_links_into_last_entry(record)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


def form_order(model_admin, request) -> list[str]:
    """The fields of an admin's form (or an inline's), in their order."""
    return flatten_fieldsets(model_admin.get_fieldsets(request))


def copy_links_into_last_entry(record) -> None:
    """Gives the record's newest history row its many-to-many links as they are now (the row
    was written by the record's save, before its links were)."""
    history = history_of(type(record))
    row = (
        history.filter(**{record._meta.pk.attname: record.pk})
        .order_by("-history_date", "-history_id")
        .first()
    )
    if row is None:
        return
    for m2m in history.model._history_m2m_fields:
        copies = link_copies(history.model, m2m)
        through = m2m.remote_field.through
        links = through._default_manager.filter(**{get_m2m_field_name(m2m): record})
        copies.objects.filter(history=row).delete()
        copies.objects.bulk_create(
            copies(
                history=row,
                **{
                    field.attname: getattr(link, field.attname)
                    for field in through._meta.concrete_fields
                },
            )
            for link in links
        )


ACTION_CHOICES = [
    ("created", gettext_lazy("Created")),
    ("changed", gettext_lazy("Changed")),
    ("deleted", gettext_lazy("Deleted")),
]
HISTORY_TYPES = {"created": "+", "changed": "~", "deleted": "-"}


class RecentChangesForm(forms.Form):
    """The filters of the recent changes; every one may be left out."""

    user = forms.ModelChoiceField(
        get_user_model()._default_manager.order_by("username"),
        required=False,
        label=gettext_lazy("User"),
    )
    type = forms.ChoiceField(required=False, label=gettext_lazy("Record type"))
    action = forms.ChoiceField(
        choices=[("", gettext_lazy("All")), *ACTION_CHOICES],
        required=False,
        label=gettext_lazy("Kind of change"),
    )
    since = forms.DateField(
        required=False,
        label=pgettext_lazy("start of a date range", "From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = forms.DateField(
        required=False,
        label=pgettext_lazy("end of a date range", "To"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    per_page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PER_PAGE,
        label=gettext_lazy("Rows per page"),
        widget=forms.NumberInput(attrs={"placeholder": RECENT_PER_PAGE}),
    )

    def __init__(self, *args, models: list[type], **kwargs):
        super().__init__(*args, **kwargs)
        self.models = {model._meta.model_name: model for model in models}
        types = [
            (name, capfirst(model._meta.verbose_name_plural)) for name, model in self.models.items()
        ]
        self.fields["type"].choices = [("", gettext_lazy("All")), *types]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end of the period is before its start."))
        return cleaned

    def parts(self) -> list[tuple[type, object]]:
        """The history rows of each selected model that the filters keep."""
        data = self.cleaned_data
        chosen = [self.models[data["type"]]] if data.get("type") else self.models.values()
        kept = {}
        if data.get("user"):
            kept["history_user"] = data["user"]
        if data.get("action"):
            kept["history_type"] = HISTORY_TYPES[data["action"]]
        if data.get("since"):
            kept["history_date__gte"] = start_of(data["since"])
        if data.get("until"):
            kept["history_date__lt"] = start_of(data["until"] + datetime.timedelta(days=1))
        return [(model, history_of(model).filter(**kept)) for model in chosen]


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight of the day in the site's time zone, when staff's day begins."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def readable_models(request, site) -> list[type]:
    """The tracked models whose histories the user may read in the admin."""
    return [
        model
        for model in tracked_models()
        if model in site._registry
        and site._registry[model].has_view_history_or_change_history_permission(request)
    ]


def admin_url(model, view: str, *args) -> str | None:
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)
    except NoReverseMatch:
        return None


def recent_changes(request, site):
    """Every tracked model's changes, newest first: who changed what, when. A citation's
    change links to the record it cites, whose history lists it."""
    form = RecentChangesForm(request.GET, models=readable_models(request, site))
    entries, page, paginator, status = [], None, None, 200
    if not form.is_valid():
        status = 400
    elif parts := form.parts():
        per_page = form.cleaned_data.get("per_page") or RECENT_PER_PAGE
        paginator = Paginator(newest_first(parts), per_page)
        page = paginator.get_page(request.GET.get(PAGE_VAR))
        wanted = keys(parts, page.object_list)
        orders = {model: form_order(site._registry[model], request) for model, _id in wanted}
        entries = describe(wanted, site.empty_value_display, orders)
        for entry in entries:
            # A citation is shown with the record it cites, whose history lists it.
            model, pk = entry.parent_key or (entry.model, entry.record_id)
            exists = entry.parent_exists if entry.parent_key else entry.exists
            entry.record = entry.parent if entry.parent_key else entry.label
            entry.change_url = admin_url(model, "change", pk) if exists else None
            entry.history_url = admin_url(model, "history", pk)
    query = request.GET.copy()
    query.pop(PAGE_VAR, None)
    context = {
        **site.each_context(request),
        "title": _("Recent changes"),
        "subtitle": None,
        "form": form,
        "entries": entries,
        "page_obj": page,
        "page_range": paginator.get_elided_page_range(page.number) if page else [],
        "page_var": PAGE_VAR,
        "query": query.urlencode(),
        "empty_value_display": site.empty_value_display,
    }
    return render(request, "admin/exchanges/recent_changes.html", context, status=status)
