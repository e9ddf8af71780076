"""The admin site: Django's, with the recent changes of every record at
``/admin/exchanges/changes/`` (``admin_history.recent_changes``), linked from its index.

``DirectoryAdminConfig`` takes the place of ``django.contrib.admin`` in ``INSTALLED_APPS`` and
makes this site the default one, so ``admin.site`` and ``@admin.register`` use it.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import path


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

    def recent_changes_view(self, request):
        from .admin_history import recent_changes  # imports the models

        return recent_changes(request, self)


class DirectoryAdminConfig(AdminConfig):
    default_site = "exchanges.admin_site.DirectoryAdminSite"
