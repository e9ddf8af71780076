"""The API's front page: every endpoint, the interactive documentation and the schema."""

from django.utils import translation
from rest_framework.reverse import reverse
from rest_framework.routers import APIRootView


class DirectoryRootView(APIRootView):
    """The record lists of the directory, the feed of their changes (``changes``), then where
    the API is described: ``docs`` (Swagger UI) and ``schema`` (OpenAPI 3, from which a client
    can be generated), and ``data_package``: the whole directory as a Frictionless Data
    package (its ``datapackage.json``)."""

    described_at = {
        "changes": "api:changes",
        "docs": "api:docs",
        "schema": "api:schema",
        "data_package": "exchanges:data_package_json",
    }

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        with translation.override("en"):  # the pages' addresses without a language prefix
            for key, url_name in self.described_at.items():
                response.data[key] = reverse(url_name, request=request)
        return response
