from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "exchanges"
    verbose_name = _("Directory")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import caching, checks  # noqa: F401 - checks register themselves
        from .models.search import ensure_sqlite_search_tables

        caching.connect_signals()
        post_migrate.connect(ensure_sqlite_search_tables, sender=self)
