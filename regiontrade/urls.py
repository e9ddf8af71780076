from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

# The API speaks English at one address per version; pages and admin carry the reader's
# language in the URL (/ja/ties/, /ko/admin/), English without a prefix, so that a link
# reproduces the page in its language.
urlpatterns = [
    path("api/v1/", include("exchanges.api.urls")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("exchanges.urls")),
    prefix_default_language=False,
)
