"""The "Cite this" box of the lists, the record pages and the pictures (``citing.py``)."""

from django import template
from django.utils.text import capfirst
from django.utils.translation import gettext

from ..citing import NOT_IN_PERMALINK, page_citation

register = template.Library()

# The pictures' titles, as their pages give them.
PICTURE_TITLES = {
    "stats": "Statistics",
    "map": "Map of ties and offices",
    "network": "Network of ties",
}


def page_title(context, url_name: str) -> str | None:
    """The title a citation gives the page: the list's or record's name, or the picture's; the
    filters in use after it. None for a page that is not cited (home, search, about)."""
    if url_name.endswith("-list"):
        title = capfirst(str(context.get("title", "")))
    elif url_name.endswith("-detail") and context.get("record") is not None:
        record = context["record"]
        return str(getattr(record, "name", "") or record)  # the name its page is headed with
    elif url_name in PICTURE_TITLES:
        title = gettext(PICTURE_TITLES[url_name])
    else:
        return None
    filters = [
        f"{capfirst(str(active['label']))}: {active['value']}"
        for active in context.get("active_filters", [])
    ]
    return f"{title} ({'; '.join(filters)})" if filters else title


def refused(context) -> bool:
    """Whether the page answers refused input (400): nothing there to cite."""
    filterset = context.get("filterset")
    paging = context.get("paging_form")
    return bool(
        context.get("bad_export")
        or (filterset is not None and filterset.is_bound and filterset.form.errors)
        or (paging is not None and paging.is_bound and paging.errors)
    )


@register.inclusion_tag("exchanges/includes/cite_box.html", takes_context=True)
def cite_box(context):
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None or match.app_name != "exchanges" or refused(context):
        return {"citation": None}
    title = page_title(context, match.url_name or "")
    if title is None:
        return {"citation": None}
    return {
        "citation": page_citation(request, title, context.get("filterset")),
        "left_out": sorted(NOT_IN_PERMALINK),
    }
