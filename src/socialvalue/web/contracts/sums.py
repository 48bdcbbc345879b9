"""The return lines summed per commitment and financial year (`LineSums`), kept with the lines.

Every change to return lines goes through a function of `services` that calls
`refresh_line_sums` for the commitments and years it touched, in the same transaction, so the
portfolio can read a row per commitment instead of every line (year 0 holds every year). `refresh_line_sums`
recomputes those rows from the lines (rather than adding differences), so a sum cannot drift
from the lines it sums; `rebuild_line_sums` does the same for a whole council (bulk loads).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Sum

from .models import Commitment, LineSums, ReturnLine

#: Insert the sums of the lines matching `{where}` (a condition on `l`, the lines), grouped per
#: commitment and year, with the commitment's proxy price year. Table names are the models' own.
SUM_LINES = """
INSERT INTO contracts_linesums (
    commitment_id, contract_id, is_fiscal, commissioner_id, year, price_year, target_value,
    delivered_value, verified_value, target_quantity, delivered_quantity, verified_quantity
)
SELECT l.commitment_id, c.contract_id, c.value_type = 'fiscal', l.commissioner_id, l.year,
       c.price_year, SUM(l.target_value), SUM(l.delivered_value), SUM(l.verified_value),
       SUM(l.target_quantity), SUM(l.delivered_quantity), SUM(l.verified_quantity)
FROM contracts_returnline l JOIN contracts_commitment c ON c.id = l.commitment_id
{where}
GROUP BY l.commitment_id, c.contract_id, c.value_type, l.commissioner_id, l.year, c.price_year
"""

#: Insert each commitment's row for every year together (year 0), from its rows per year
#: matching `{where}` (a condition on `s`, the sums).
SUM_ALL_YEARS = """
INSERT INTO contracts_linesums (
    commitment_id, contract_id, is_fiscal, commissioner_id, year, price_year, target_value,
    delivered_value, verified_value, target_quantity, delivered_quantity, verified_quantity
)
SELECT s.commitment_id, s.contract_id, s.is_fiscal, s.commissioner_id, 0, s.price_year,
       SUM(s.target_value), SUM(s.delivered_value), SUM(s.verified_value),
       SUM(s.target_quantity), SUM(s.delivered_quantity), SUM(s.verified_quantity)
FROM contracts_linesums s
WHERE s.year <> 0 {where}
GROUP BY s.commitment_id, s.contract_id, s.is_fiscal, s.commissioner_id, s.price_year
"""

COLUMNS = (
    "contract_id",
    "is_fiscal",
    "commissioner_id",
    "year",
    "price_year",
    "target_value",
    "delivered_value",
    "verified_value",
    "target_quantity",
    "delivered_quantity",
    "verified_quantity",
)


def _placeholders(values: list[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def refresh_line_sums(commitment_ids: Iterable[int], years: Iterable[int] | None = None) -> None:
    """Recompute the sums of these commitments (in these financial years, or all) from their lines.

    Call inside the transaction that changed the lines. The commitments are locked first, in id
    order, so two decisions on the same commitment's lines are summed one after the other.
    """
    ids = sorted(set(commitment_ids))
    if not ids:
        return
    list(Commitment.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
    year_list = sorted(set(years)) if years is not None else None
    if year_list == []:
        return
    of_ids = f"commitment_id IN ({_placeholders(ids)})"
    where, delete = f"WHERE l.{of_ids}", f"DELETE FROM contracts_linesums WHERE {of_ids}"
    year_params: list[Any] = []
    if year_list is not None:
        # The rows of these years, and the every-year row (0) they add up to.
        where += f" AND l.year IN ({_placeholders(year_list)})"
        delete += f" AND year IN (0, {_placeholders(year_list)})"
        year_params = year_list
    with connection.cursor() as cursor:
        cursor.execute(delete, [*ids, *year_params])
        cursor.execute(SUM_LINES.format(where=where), [*ids, *year_params])
        cursor.execute(SUM_ALL_YEARS.format(where=f"AND s.{of_ids}"), list(ids))


def rebuild_line_sums(commissioner_id: int) -> None:
    """Recompute every sum of a council's lines (after lines were loaded in bulk, not one by one)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM contracts_linesums WHERE commissioner_id = %s", [commissioner_id]
        )
        cursor.execute(SUM_LINES.format(where="WHERE l.commissioner_id = %s"), [commissioner_id])


def recomputed(commissioner_id: int) -> dict[tuple[int, int], tuple]:
    """The sums as they would be recomputed from the lines now: (commitment, year) -> columns."""

    rows = (
        ReturnLine.objects.filter(commissioner_id=commissioner_id)
        .values(
            "commitment_id",
            "year",
            "commissioner_id",
            "commitment__price_year",
            "commitment__contract_id",
            "commitment__value_type",
        )
        .annotate(
            tv=Sum("target_value"),
            dv=Sum("delivered_value"),
            vv=Sum("verified_value"),
            tq=Sum("target_quantity"),
            dq=Sum("delivered_quantity"),
            vq=Sum("verified_quantity"),
        )
        .order_by()
    )
    found: dict[tuple[int, int], tuple] = {}
    for r in rows:
        head = (r["commitment__contract_id"], r["commitment__value_type"] == "fiscal")
        values = (r["tv"], r["dv"], r["vv"], r["tq"], r["dq"], r["vq"])
        found[(r["commitment_id"], r["year"])] = (
            *head,
            r["commissioner_id"],
            r["year"],
            r["commitment__price_year"],
            *values,
        )
        every = found.get((r["commitment_id"], 0))
        found[(r["commitment_id"], 0)] = (
            *head,
            r["commissioner_id"],
            0,
            r["commitment__price_year"],
            *(values if every is None else (a + b for a, b in zip(every[5:], values, strict=True))),
        )
    return found


def stored(commissioner_id: int) -> dict[tuple[int, int], tuple]:
    """The sums as kept: (commitment, year) -> columns, in `recomputed`'s order."""
    return {
        (r[0], r[4]): tuple(r[1:])
        for r in LineSums.objects.filter(commissioner_id=commissioner_id).values_list(
            "commitment_id", *COLUMNS
        )
    }
