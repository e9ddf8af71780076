"""The base of every page drawn from filtered records: the lists, the statistics, the map and
the network.

Each binds the query string to one or more FilterSets, and either draws its page from the rows
they select or, when a value is refused, answers 400 with the form that names the field.
"""

from django.http import HttpResponseBase
from django.shortcuts import render
from django.views import View


def active_filters(filterset) -> list[dict]:
    """Each filter in use, with its label, the value as a reader reads it, and a link without it."""
    if not filterset.is_bound or not hasattr(filterset.form, "cleaned_data"):
        return []
    active = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", [], ()):
            continue
        field = filterset.form.fields[name]
        if hasattr(field, "display"):  # a filter of several values says how it reads
            display = field.display(value)
        elif hasattr(field, "choices"):
            display = dict(field.choices).get(value, value)
        else:
            display = value
        if isinstance(display, tuple):
            display = "–".join(display)
        remaining = filterset.data.copy()
        for key in (name, "page"):
            remaining.pop(key, None)
        active.append(
            {
                "name": name,
                "label": field.label,
                "value": display,
                "clear_url": "?" + remaining.urlencode() if remaining else "?",
            }
        )
    return active


class FilteredPageView(View):
    """Binds the filters (``bind_filters``), then answers what ``draw`` makes of them: a context
    for ``template_name``, or a response of its own (a download). Refused values answer 400 with
    the page's form and ``refused_context``. The first FilterSet is the one whose form and
    active filters the page shows."""

    template_name = None

    def bind_filters(self, request) -> dict:
        raise NotImplementedError

    def refuses(self, request) -> bool:
        """Whether something besides the filters is refused (the paging, an export format)."""
        return False

    def draw(self, request, filtersets: dict) -> dict | HttpResponseBase:
        raise NotImplementedError

    def refused_context(self, request, filtersets: dict) -> dict:
        return {}

    def shown_filterset(self, filtersets: dict):
        return next(iter(filtersets.values()))

    def get(self, request, **kwargs):
        filtersets = self.bind_filters(request)
        valid = all(filterset.is_valid() for filterset in filtersets.values())
        valid = not self.refuses(request) and valid
        shown = self.shown_filterset(filtersets)
        context = {"filterset": shown, "active_filters": active_filters(shown) if valid else []}
        if not valid:
            context.update(self.refused_context(request, filtersets))
            return render(request, self.template_name, context, status=400)
        drawn = self.draw(request, filtersets)
        if isinstance(drawn, HttpResponseBase):
            return drawn
        return render(request, self.template_name, {**context, **drawn})
