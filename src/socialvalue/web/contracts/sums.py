"""The return lines summed per commitment and financial year (`LineSums`), kept with the lines.

Every change to return lines goes through a function of `services` that calls
`refresh_line_sums` for the commitments and years it touched, in the same transaction, so the
portfolio can read a few rows per commitment instead of every line. `refresh_line_sums`
recomputes those rows from the lines (rather than adding differences), so a sum cannot drift
from the lines it sums; `rebuild_line_sums` does the same for a whole council (bulk loads).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection

#: Insert the sums of the lines matching `{where}` (a condition on `l`, the lines), grouped per
#: commitment and year, with the commitment's proxy price year. Table names are the models' own.
SUM_LINES = """
INSERT INTO contracts_linesums (
    commitment_id, commissioner_id, year, price_year, target_value, delivered_value,
    verified_value, target_quantity, delivered_quantity, verified_quantity
)
SELECT l.commitment_id, l.commissioner_id, l.year, c.price_year,
       SUM(l.target_value), SUM(l.delivered_value), SUM(l.verified_value),
       SUM(l.target_quantity), SUM(l.delivered_quantity), SUM(l.verified_quantity)
FROM contracts_returnline l JOIN contracts_commitment c ON c.id = l.commitment_id
{where}
GROUP BY l.commitment_id, l.commissioner_id, l.year, c.price_year
"""

COLUMNS = (
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
    from .models import Commitment

    ids = sorted(set(commitment_ids))
    if not ids:
        return
    list(Commitment.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
    year_list = sorted(set(years)) if years is not None else None
    where = f"WHERE l.commitment_id IN ({_placeholders(ids)})"
    delete = f"DELETE FROM contracts_linesums WHERE commitment_id IN ({_placeholders(ids)})"
    params: list[Any] = list(ids)
    if year_list is not None:
        if not year_list:
            return
        where += f" AND l.year IN ({_placeholders(year_list)})"
        delete += f" AND year IN ({_placeholders(year_list)})"
        params += year_list
    with connection.cursor() as cursor:
        cursor.execute(delete, params)
        cursor.execute(SUM_LINES.format(where=where), params)


def rebuild_line_sums(commissioner_id: int) -> None:
    """Recompute every sum of a council's lines (after lines were loaded in bulk, not one by one)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM contracts_linesums WHERE commissioner_id = %s", [commissioner_id]
        )
        cursor.execute(SUM_LINES.format(where="WHERE l.commissioner_id = %s"), [commissioner_id])


def recomputed(commissioner_id: int) -> dict[tuple[int, int], tuple]:
    """The sums as they would be recomputed from the lines now: (commitment, year) -> columns."""
    from django.db.models import Sum

    from .models import ReturnLine

    rows = (
        ReturnLine.objects.filter(commissioner_id=commissioner_id)
        .values("commitment_id", "year", "commissioner_id", "commitment__price_year")
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
    return {
        (r["commitment_id"], r["year"]): (
            r["commissioner_id"],
            r["year"],
            r["commitment__price_year"],
            r["tv"],
            r["dv"],
            r["vv"],
            r["tq"],
            r["dq"],
            r["vq"],
        )
        for r in rows
    }


def stored(commissioner_id: int) -> dict[tuple[int, int], tuple]:
    """The sums as kept: (commitment, year) -> columns, in `recomputed`'s order."""
    from .models import LineSums

    return {
        (r[0], r[2]): tuple(r[1:])
        for r in LineSums.objects.filter(commissioner_id=commissioner_id).values_list(
            "commitment_id", *COLUMNS
        )
    }
