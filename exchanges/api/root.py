"""The API's front page: every endpoint, the interactive documentation and the schema."""

from rest_framework.reverse import reverse
from rest_framework.routers import APIRootView


class DirectoryRootView(APIRootView):
    """The record lists of the directory, the feed of their changes (``changes``), then where
    the API is described: ``docs`` (Swagger UI) and ``schema`` (OpenAPI 3, from which a client
    can be generated)."""

    described_at = {"changes": "api:changes", "docs": "api:docs", "schema": "api:schema"}

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        for key, url_name in self.described_at.items():
            response.data[key] = reverse(url_name, request=request)
        return response
