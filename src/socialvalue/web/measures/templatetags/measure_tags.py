"""`{% proxy measure %}`: a measure's financial proxy as every measures page shows it.

A tag rather than an included template: the search page shows one on each row of results, and
an include per row costs more than the rest of the row.
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_COUNTED = mark_safe('<span class="govuk-body-s">Counted, not valued</span>')  # noqa: S308 - constant


@register.simple_tag
def proxy(measure) -> SafeString:
    """`£1,234.50 (2023 prices)`, or `Counted, not valued` for a measure with no proxy value."""
    if measure.proxy_value is None:
        return _COUNTED
    amount = format_html("£{}", floatformat(measure.proxy_value, "2g"))
    if not measure.price_year:
        return amount
    return format_html(
        '{} <span class="govuk-body-s">({} prices)</span>', amount, localize(measure.price_year)
    )
