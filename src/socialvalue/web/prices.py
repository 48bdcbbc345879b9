"""The price year a page or API answer shows money in: `?price_year=`, else the organisation's.

Every sum of pounds is restated to one price year with the GDP deflator
(`socialvalue.core.valuation.restate_money` / `in_price_year`); this is where a request says
which year. A year outside the shipped deflator series is refused naming `price_year`: the API
answers 400 (an `InputError`), a page 400 with the reason (`bad_price_year`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, DecimalField, ExpressionWrapper, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from socialvalue.core.errors import InputError, Problem
from socialvalue.core.valuation import check_price_year, deflator, load_deflators


def requested_price_year(request: HttpRequest, organisation: Any) -> int:
    """`?price_year=` when given (checked), else the organisation's reporting price year."""
    raw = request.GET.get("price_year", "").strip()
    if not raw:
        return check_price_year(organisation.reporting_price_year)
    if not raw.isdigit():
        raise InputError(Problem("price_year", f"{raw!r} is not a year"))
    return check_price_year(int(raw))


def price_year_choices() -> list[tuple[int, str]]:
    """The years of the shipped deflator series, latest first, for a select."""
    return [(y, f"{y} prices") for y in sorted(load_deflators().index, reverse=True)]


def bad_price_year(request: HttpRequest, error: InputError) -> HttpResponse:
    """A page's answer to a `price_year` it cannot use: 400, naming the field and the series."""
    return render(
        request,
        "errors/400.html",
        {"problems": error.problems, "field": "price_year"},
        status=400,
    )


def over_deflator(pounds: Any, price_year_field: str) -> ExpressionWrapper:
    """An ORM expression: `pounds` over D[the row's `price_year_field`] (NULL outside the series).

    Summed in SQL and passed to `core.valuation.in_price_year`, it gives the pounds of any one
    price year, rounded once: the evidence totals and the portfolio's line lists both use it.
    """
    index = Case(
        *(
            When(**{price_year_field: year}, then=Value(deflator(year)))
            for year in load_deflators().index
        ),
        default=None,
        output_field=DecimalField(max_digits=12, decimal_places=4),
    )
    return ExpressionWrapper(
        pounds / index, output_field=DecimalField(max_digits=40, decimal_places=20)
    )
