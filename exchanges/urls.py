from django.urls import path

from . import overviews, views

app_name = "exchanges"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("stats/", overviews.statistics, name="stats"),
    path("stats/<slug:slug>.csv", overviews.statistic_csv, name="stats_csv"),
    path("map/", overviews.map_view, name="map"),
    path("network/", overviews.network_view, name="network"),
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
]
