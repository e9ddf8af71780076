from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("exchanges.api.urls")),
    path("", include("exchanges.urls")),
]
