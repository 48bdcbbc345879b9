"""Template filters for SROI pages: figures read as they do in every report."""

from __future__ import annotations

from typing import Any

from django import template

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
    """The ratio's 5th to 95th percentile, when Monte Carlo ran and had ranges to draw from."""
    ratio = ((result or {}).get("monte_carlo") or {}).get("sroi_ratio") or {}
    low, high = ratio.get("p5"), ratio.get("p95")
    if low is None or high is None or high - low < 1e-12 * max(1.0, abs(high)):
        return None
    return low, high


@register.filter
def get(mapping: Any, key: Any) -> Any:
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return None
