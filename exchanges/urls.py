from django.urls import path

from . import citing_views, data_views, views
from .pictures import views as pictures
from .record_types import record_types

app_name = "exchanges"


def record_type_urls(record_type) -> list:
    """A record type's list page and the page of each of its records."""
    detail_key = "<slug:slug>" if record_type.lookup == "slug" else "<int:pk>"
    model = record_type.model
    return [
        path(
            f"{record_type.segment}/",
            views.ObjectListView.as_view(model=model),
            name=f"{record_type.name}-list",
        ),
        path(
            f"{record_type.segment}/{detail_key}/",
            views.detail_view_for(model).as_view(model=model),
            name=f"{record_type.name}-detail",
        ),
    ]


urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("stats/", pictures.StatisticsView.as_view(), name="stats"),
    path("stats/<slug:slug>.csv", pictures.StatisticCsvView.as_view(), name="stats_csv"),
    path("map/", pictures.MapView.as_view(), name="map"),
    path("network/", pictures.NetworkView.as_view(), name="network"),
    path("about/", citing_views.about, name="about"),
    # A source as a reference-manager file: /sources/3.bib, .ris, .csl.json.
    path(
        "sources/<int:pk>.<str:extension>",
        citing_views.source_citation,
        name="source_citation",
    ),
    # Before the regions' pages: "suggest" is a reserved slug (models.regions.RESERVED_SLUGS).
    path("regions/suggest/", views.region_suggest, name="region-suggest"),
    *(url for record_type in record_types() for url in record_type_urls(record_type)),
    path("data/", data_views.package_page, name="data_package"),
    path("data/datapackage.json", data_views.package_descriptor, name="data_package_json"),
    path("data/regiontrade.zip", data_views.package_zip, name="data_package_zip"),
    path("data/<slug:name>.csv", data_views.resource_csv, name="data_resource_csv"),
]
