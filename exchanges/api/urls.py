from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("ties", views.SisterTieViewSet, basename="sistertie")
router.register("firms", views.FirmViewSet, basename="firm")
router.register("offices", views.OverseasOfficeViewSet, basename="overseasoffice")
router.register("missions", views.MissionViewSet, basename="mission")
router.register("sources", views.SourceViewSet, basename="source")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
    re_path(r"^(?P<path>.*)$", views.not_found, name="not_found"),
]
