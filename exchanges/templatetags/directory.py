"""Template filters for the directory's pages."""

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext

register = template.Library()


@register.filter
def region_links(regions):
    """Regions as links named in the reader's language, comma-separated; a dash for none.

    Safe HTML, so that a translated sentence can place the links where its grammar wants them:
    ``{% blocktranslate with places=regions|region_links %}from {{ places }}…``.
    """
    links = format_html_join(
        gettext(", "), '<a href="{}">{}</a>', ((r.get_absolute_url(), r.name) for r in regions)
    )
    return links or "—"


@register.filter
def record_link(record):
    """A record (a region, a firm) as a link named in the reader's language."""
    return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.name)


@register.filter
def whole_minutes(duration) -> int:
    """A timedelta as the number of minutes it lasts, rounded up."""
    return -(-int(duration.total_seconds()) // 60)


# What a record's page never lists among its facts: its id, its timestamps, its notes (a
# section of their own) and the text the search reads.
UNLISTED_FACTS = {"id", "created", "updated", "notes", "search_text"}


@register.filter
def facts(record) -> list[tuple[str, object]]:
    """The record's stated fields as (label, value) for a page without a template of its own:
    choices by their label, linked records as links, empty fields left out."""
    shown = []
    for field in record._meta.concrete_fields:
        if field.name in UNLISTED_FACTS:
            continue
        if field.is_relation:
            linked = getattr(record, field.name)
            value = record_link(linked) if hasattr(linked, "get_absolute_url") else linked
        elif field.choices:
            value = getattr(record, f"get_{field.name}_display")()
        else:
            value = getattr(record, field.attname)
        if value not in (None, ""):
            shown.append((field.verbose_name, value))
    return shown


@register.filter
def subject_links(items):
    """A figure's subject (``Indicator.subject_records`` or part of it): regions and firms as
    links, countries by their code with their name as the title; joined by a dash."""
    return format_html_join(
        " – ",
        "{}",
        (
            (
                record_link(item)
                if hasattr(item, "get_absolute_url")
                else format_html('<abbr title="{}">{}</abbr>', item.name, item.code),
            )
            for item in items
        ),
    )


@register.filter
def others_than(indicator, region):
    """The figure's subject records other than ``region`` (its partner, on a region's page)."""
    return indicator.others_than(region)


@register.simple_tag
def partnership_phrase(partnership, firm):
    """A partnership as ``firm``'s page reads it, the partner a link: "Import agent of
    <Buyer A>" on the agent's page, "<Dayang> is its import agent" on the buyer's."""
    phrase = conditional_escape(capfirst(str(partnership.phrase_for(firm))))
    return mark_safe(phrase % {"partner": record_link(partnership.partner_of(firm))})
