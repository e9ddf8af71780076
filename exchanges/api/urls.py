from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from ..record_types import record_types
from . import views
from .root import DirectoryRootView

app_name = "api"

router = DefaultRouter()
router.APIRootView = DirectoryRootView
for record_type in record_types():
    router.register(record_type.segment, views.viewset_for(record_type), basename=record_type.name)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, as the Content-Security-Policy needs.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
    path("changes/", views.ChangeFeedView.as_view(), name="changes"),
    re_path(r"^(?P<path>.*)$", views.not_found, name="not_found"),
]
