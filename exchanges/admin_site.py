"""The admin site: Django's, with the recent changes of every record at
``/admin/exchanges/changes/`` (``admin_history.recent_changes``), linked from its index.

``DirectoryAdminConfig`` takes the place of ``django.contrib.admin`` in ``INSTALLED_APPS`` and
makes this site the default one, so ``admin.site`` and ``@admin.register`` use it.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.urls import path


class DirectoryAutocompleteView(AutocompleteJsonView):
    """Django's autocomplete, where a record may say more than its name to tell it apart:
    a region reads with its parents (서구 (Busan) beside 서구 (Incheon))."""

    def get_queryset(self):
        queryset = super().get_queryset()
        if labelled := getattr(self.model_admin, "autocomplete_queryset", None):
            queryset = labelled(queryset)
        return queryset

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if label := getattr(self.model_admin, "autocomplete_label", None):
            result["text"] = label(obj)
        return result


class DirectoryAdminSite(admin.AdminSite):
    def get_urls(self):
        return [
            path(
                "exchanges/changes/",
                self.admin_view(self.recent_changes_view),
                name="recent_changes",
            ),
            *super().get_urls(),
        ]

    def autocomplete_view(self, request):
        return DirectoryAutocompleteView.as_view(admin_site=self)(request)

    def recent_changes_view(self, request):
        from .admin_history import recent_changes  # imports the models

        return recent_changes(request, self)


class DirectoryAdminConfig(AdminConfig):
    default_site = "exchanges.admin_site.DirectoryAdminSite"
