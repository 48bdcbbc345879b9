"""Template filters for SROI pages: figures read as they do in every report."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from socialvalue.reports import formatting

register = template.Library()


@register.filter
def money(value: Any) -> str:
    return formatting.money(value)


@register.filter
def ratio(value: Any) -> str:
    return formatting.ratio(value)


@register.filter
def percent(value: Any) -> str:
    return formatting.percent(value)


@register.filter
def number(value: Any) -> str:
    return formatting.number(value)


@register.filter
def signed_money(value: Any) -> str:
    """A difference: `+£1,200` or `-£300`."""
    text = formatting.money(value)
    return "+" + text if value is not None and round(float(value)) > 0 else text


@register.filter
def signed_ratio(value: Any) -> str:
    if value is None:
        return formatting.NOT_AVAILABLE
    return f"{value:+,.2f}"


@register.filter
def field_value(value: Any, parameter: str) -> str:
    """A switching value or sensitivity bound in its field's own terms (a percentage or an amount)."""
    if value is None:
        return "None in range"
    if parameter in ("deadweight", "displacement", "attribution", "drop_off"):
        return formatting.percent(value)
    if parameter == "proxy_value":
        return formatting.money(value) if abs(value) >= 100 else formatting.money(value, pence=True)
    return formatting.number(value)


@register.filter
def ratio_range(result: Any) -> tuple[float, float] | None:
    """The ratio's 5th to 95th percentile, when Monte Carlo ran and had ranges to draw from.

    None when no field carries a distribution (``uncertain_fields`` is 0): the draws are then
    the point estimate, which must not be shown as a range (sroi-method.md section 7).
    """
    mc = (result or {}).get("monte_carlo") or {}
    if mc.get("uncertain_fields") == 0:
        return None
    ratio = mc.get("sroi_ratio") or {}
    low, high = ratio.get("p5"), ratio.get("p95")
    if low is None or high is None or high - low < 1e-12 * max(1.0, abs(high)):
        return None
    return low, high


@register.filter
def sum_of(values: Any) -> float | None:
    """The sum of a list of numbers (the undiscounted value over all years)."""
    try:
        return float(sum(values))
    except TypeError:
        return None


@register.filter
def warning_text(warning: str) -> str:
    """A warning's sentence without its code (``mixed-price-years: the proxies ...``)."""
    code, sep, sentence = str(warning).partition(":")
    text = sentence.strip() if sep and code and " " not in code else str(warning)
    return text[:1].upper() + text[1:]


@register.filter
def get(mapping: Any, key: Any) -> Any:
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return None


@register.simple_tag
def cell(field: Any, row_label: str = "", live: str = "") -> str:
    """One input of an editable table, with its hidden label and any error, written in Python:
    a table of sixty outcomes has six hundred cells, and rendering each through templates would
    make every live edit wait on the page being drawn.

    With `live` (the table's address), htmx posts the table when the input changes; the target
    and swap come from the row."""
    widget = field.field.widget
    name, ident = escape(field.html_name), escape(field.auto_id)
    errors = field.errors
    label = escape(f"{field.label}, {row_label}" if row_label else field.label)
    described = f' aria-describedby="{ident}-error"' if errors else ""
    if live:
        described += f' hx-post="{escape(live)}"'
    value = field.value()
    if getattr(widget, "input_type", None) == "select":
        current = "" if value is None else str(value)
        options = "".join(
            f'<option value="{escape(v)}"{" selected" if str(v) == current else ""}>{escape(t)}</option>'
            for v, t in field.field.choices
        )
        error_class = " govuk-select--error" if errors else ""
        control = f'<select class="govuk-select{error_class}" id="{ident}" name="{name}"{described}>{options}</select>'
    else:
        mode = widget.attrs.get("inputmode")
        extra = f' inputmode="{escape(mode)}" spellcheck="false"' if mode else ""
        shown = escape("" if value is None else value)
        css = escape(widget.attrs.get("class", "govuk-input"))
        control = f'<input class="{css}" id="{ident}" name="{name}" type="text" value="{shown}"{extra}{described}>'
    message = ""
    if errors:
        lines = "<br>".join(
            f'<span class="govuk-visually-hidden">Error:</span> {escape(e)}' for e in errors
        )
        message = f'<p id="{ident}-error" class="govuk-error-message">{lines}</p>'
    group = " govuk-form-group--error" if errors else ""
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<div class="govuk-form-group govuk-!-margin-bottom-0{group}">'
        f'<label class="govuk-label govuk-visually-hidden" for="{ident}">{label}</label>'
        f"{message}{control}</div>"
    )


@register.simple_tag
def hidden(field: Any) -> str:
    value = field.value()
    return format_html(
        '<input type="hidden" name="{}" value="{}" id="{}">',
        field.html_name,
        "" if value is None else value,
        field.auto_id,
    )


@register.simple_tag
def management(formset: Any) -> str:
    """A formset's management form as plain hidden inputs (Django draws them through templates)."""
    form = formset.management_form
    return mark_safe("".join(hidden(form[name]) for name in form.fields))  # noqa: S308
