from django.urls import path

from . import data_views, views
from .pictures import views as pictures

app_name = "exchanges"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("stats/", pictures.statistics, name="stats"),
    path("stats/<slug:slug>.csv", pictures.statistic_csv, name="stats_csv"),
    path("map/", pictures.map_view, name="map"),
    path("network/", pictures.network_view, name="network"),
    path("regions/", views.RegionListView.as_view(), name="region_list"),
    path("regions/<slug:key>/", views.RegionDetailView.as_view(), name="region_detail"),
    path("ties/", views.SisterTieListView.as_view(), name="tie_list"),
    path("ties/<int:key>/", views.SisterTieDetailView.as_view(), name="tie_detail"),
    path("firms/", views.FirmListView.as_view(), name="firm_list"),
    path("firms/<int:key>/", views.FirmDetailView.as_view(), name="firm_detail"),
    path("offices/", views.OverseasOfficeListView.as_view(), name="office_list"),
    path("offices/<int:key>/", views.OverseasOfficeDetailView.as_view(), name="office_detail"),
    path("missions/", views.MissionListView.as_view(), name="mission_list"),
    path("missions/<int:key>/", views.MissionDetailView.as_view(), name="mission_detail"),
    path("sources/", views.SourceListView.as_view(), name="source_list"),
    path("sources/<int:key>/", views.SourceDetailView.as_view(), name="source_detail"),
    path("data/", data_views.package_page, name="data_package"),
    path("data/datapackage.json", data_views.package_descriptor, name="data_package_json"),
    path("data/regiontrade.zip", data_views.package_zip, name="data_package_zip"),
    path("data/<slug:name>.csv", data_views.resource_csv, name="data_resource_csv"),
]
