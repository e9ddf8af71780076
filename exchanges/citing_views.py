"""The About page and each source as a reference-manager file (``citing.py``)."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from . import citing
from .licences import DATA_LICENSES
from .models import Region, Source
from .models.regions import CoordinatesBasis
from .models.sources import SourceKind


def source_citation(request, pk: int, extension: str):
    """``/sources/3.bib``, ``.ris`` or ``.csl.json``: the source's own entry."""
    citation_format = citing.FORMAT_OF_EXTENSION.get(extension)
    if citation_format is None:
        raise Http404
    get_object_or_404(Source, pk=pk)
    return citing.sources_download(
        Source.objects.filter(pk=pk), citation_format, stem=f"source-{pk}"
    )


def about(request):
    """What the directory is, where its records come from, their licences and how to cite."""
    context = {
        "licence": {"id": settings.DATA_LICENSE, **DATA_LICENSES[settings.DATA_LICENSE]},
        "context_basis": CoordinatesBasis.CONTEXT.label,
        "source_basis": CoordinatesBasis.SOURCE.label,
        "basis_field": Region._meta.get_field("coordinates_basis").verbose_name,
        "citation_formats": [citing.FORMAT_LABELS[name] for name in citing.CITATION_FORMATS],
        # Credited here as their licences ask: name, publisher, edition, licence, address.
        "datasets": Source.objects.filter(kind=SourceKind.DATASET).order_by("title", "pk"),
    }
    return render(request, "exchanges/about.html", context)
