from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpResponseServerError
from django.template import loader
from django.urls import include, path
from django.views.decorators.csrf import requires_csrf_token

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


@requires_csrf_token
def server_error(request):
    """Django's 500 page, with the request's id for the reader to quote to the operators."""
    body = loader.get_template("500.html").render({"request_id": getattr(request, "id", "")})
    return HttpResponseServerError(body)


handler500 = server_error
