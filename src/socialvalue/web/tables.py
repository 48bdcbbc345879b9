"""`{% scrollable %}`: a wide table in a region of its own that scrolls sideways on a narrow screen.

Every template can use it (it is a built-in library). The region is named after the table's
caption (or by what names the table: its aria-labelledby) unless a name is given, and can be
reached by keyboard, so a keyboard user can scroll it:

    {% scrollable %}<table class="govuk-table"><caption …>Contracts</caption>…</table>{% endscrollable %}
    {% scrollable %}<table class="govuk-table" aria-labelledby="results-heading">…</table>{% endscrollable %}
    {% scrollable "Measures found" %}<table class="govuk-table">…</table>{% endscrollable %}
"""

from __future__ import annotations

import html
import re

from django import template
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe

register = template.Library()

_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.IGNORECASE | re.DOTALL)
_LABELLED_BY = re.compile(r"<table\b[^>]*\baria-labelledby=\"([^\"]+)\"", re.IGNORECASE)


def caption_of(markup: str) -> str:
    """The text of the first caption in `markup`, or "" when it has none."""
    found = _CAPTION.search(markup)
    if not found:
        return ""
    return " ".join(html.unescape(strip_tags(found.group(1))).split())


def scroll_region(markup: str, label: str = "") -> str:
    label = label or caption_of(markup)
    labelled_by = _LABELLED_BY.search(markup)
    if not label and labelled_by:
        return format_html(
            '<div class="sv-table-scroll" role="region" aria-labelledby="{}" tabindex="0">{}</div>',
            html.unescape(labelled_by.group(1)),
            mark_safe(markup),  # noqa: S308 - already rendered, escaped, by the template
        )
    return format_html(
        '<div class="sv-table-scroll" role="region" aria-label="{}" tabindex="0">{}</div>',
        label or "Table",
        mark_safe(markup),  # noqa: S308 - already rendered, escaped, by the template
    )


class ScrollableNode(template.Node):
    def __init__(self, nodelist: template.NodeList, label: template.base.FilterExpression | None):
        self.nodelist = nodelist
        self.label = label

    def render(self, context: template.Context) -> str:
        label = str(self.label.resolve(context)) if self.label is not None else ""
        return scroll_region(self.nodelist.render(context), " ".join(label.split()))


@register.tag
def scrollable(parser: template.base.Parser, token: template.base.Token) -> ScrollableNode:
    bits = token.split_contents()
    if len(bits) > 2:
        raise template.TemplateSyntaxError("{% scrollable %} takes at most a name for the region")
    label = parser.compile_filter(bits[1]) if len(bits) == 2 else None
    nodelist = parser.parse(("endscrollable",))
    parser.delete_first_token()
    return ScrollableNode(nodelist, label)
