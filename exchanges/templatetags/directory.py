"""Template filters for the directory's pages."""

from django import template
from django.utils.html import format_html, format_html_join
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
