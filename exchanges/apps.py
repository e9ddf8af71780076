from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "exchanges"
    verbose_name = _("Directory")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core.signals import request_finished
        from django.db.models.signals import post_delete, post_migrate, post_save

        from . import caching, checks  # noqa: F401 - checks register themselves
        from .database_cache import create_cache_table
        from .logs import forget_request_id
        from .models.search import ensure_sqlite_search_tables
        from .models.sources import Citation, touch_cited_record

        caching.connect_signals()
        post_migrate.connect(ensure_sqlite_search_tables, sender=self)
        post_migrate.connect(create_cache_table, sender=self)
        request_finished.connect(forget_request_id)
        post_save.connect(touch_cited_record, sender=Citation, dispatch_uid="touch-cited-save")
        post_delete.connect(touch_cited_record, sender=Citation, dispatch_uid="touch-cited-delete")
