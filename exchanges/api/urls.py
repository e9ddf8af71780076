from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views
from .root import DirectoryRootView

app_name = "api"

router = DefaultRouter()
router.APIRootView = DirectoryRootView
router.register("regions", views.RegionViewSet, basename="region")
router.register("ties", views.SisterTieViewSet, basename="sistertie")
router.register("firms", views.FirmViewSet, basename="firm")
router.register("offices", views.OverseasOfficeViewSet, basename="overseasoffice")
router.register("missions", views.MissionViewSet, basename="mission")
router.register("sources", views.SourceViewSet, basename="source")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, as the Content-Security-Policy needs.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
    path("changes/", views.ChangeFeedView.as_view(), name="changes"),
    re_path(r"^(?P<path>.*)$", views.not_found, name="not_found"),
]
