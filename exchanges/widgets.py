"""Form widgets for the filter forms every list page shows."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """A ``<select>`` written out in Python, the same markup as Django's own.

    Django renders each option through a template of its own; for the 250 countries of a
    country filter that costs more than the rest of a list page together.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = "".join(
            f'<option value="{escape(option["value"])}"'
            f"{' selected' if option['selected'] else ''}>{escape(option['label'])}</option>"
            for _group, group_options, _index in widget["optgroups"]
            for option in group_options
        )
        return mark_safe(
            f'<select name="{escape(name)}"{flatatt(widget["attrs"])}>{options}</select>'
        )


class QuickSelectMultiple(QuickSelect, forms.SelectMultiple):
    """A ``<select multiple>`` written out as QuickSelect writes a ``<select>``; its value is
    every value the query string gives for its name (``area=culture&area=economy``)."""
