"""``/data/``: the whole directory as a Frictionless Data package (``datapackage.py``).

A page that explains the package and lists its tables, the ``datapackage.json``, each table's CSV
file and the whole package as one zip. The files are in English and named in English whatever
the page's language, and carry an ETag of the package's data: a mirror that sends it back in
``If-None-Match`` gets 304 until something changes.

The zip is streamed as it is compressed (``datapackage.zip_chunks``) rather than written to a
temporary file first, as the XLSX downloads are: zipfile can write to a stream it cannot seek,
so nothing waits for the last table before the first bytes leave and nothing lands on disk.
"""

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response

from . import datapackage
from .exports import attach
from .licences import DATA_LICENSES

ZIP_MEDIA_TYPE = "application/zip"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
JSON_MEDIA_TYPE = "application/json; charset=utf-8"


def homepage(request) -> str:
    """The package's page, in English (no language prefix), as an absolute address."""
    with translation.override("en"):
        return request.build_absolute_uri(reverse("exchanges:data_package"))


def unless_unchanged(request, package, respond):
    """304 when ``If-None-Match`` names the package's current ETag, else ``respond()``; both
    carry the ETag."""
    etag = package.etag(homepage(request))
    response = get_conditional_response(request, etag=etag) or respond()
    response["ETag"] = etag
    return response


def package_page(request):
    package = datapackage.Package.current()
    descriptor = package.descriptor(folder="")
    counts = {resource.name: resource.count() for resource in package.resources}
    context = {
        "package": descriptor,
        "last_change": package.last_change,
        "licence": {"id": package.licence, **DATA_LICENSES[package.licence]},
        "resources": [
            {**resource, "rows": counts[resource["name"]]} for resource in descriptor["resources"]
        ],
    }
    return render(request, "exchanges/data_package.html", context)


def package_descriptor(request):
    package = datapackage.Package.current()
    # The files' paths are relative to this address: /data/regions.csv beside it.
    return unless_unchanged(
        request,
        package,
        lambda: HttpResponse(
            package.descriptor_bytes("", homepage(request), datapackage.now()),
            content_type=JSON_MEDIA_TYPE,
        ),
    )


def resource_csv(request, name: str):
    resource = datapackage.resource_named(name)
    if resource is None:
        raise Http404
    package = datapackage.Package.current()
    return unless_unchanged(
        request,
        package,
        lambda: attach(
            StreamingHttpResponse(resource.csv_chunks(), content_type=CSV_MEDIA_TYPE),
            resource.file_name,
        ),
    )


def package_zip(request):
    package = datapackage.Package.current()
    return unless_unchanged(
        request,
        package,
        lambda: attach(
            StreamingHttpResponse(
                datapackage.zip_chunks(package, datapackage.now(), homepage(request)),
                content_type=ZIP_MEDIA_TYPE,
            ),
            datapackage.ZIP_NAME,
        ),
    )
