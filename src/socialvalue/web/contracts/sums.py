"""The return lines summed per commitment and financial year (`LineSums`), kept with the lines.

Every change to return lines goes through a function of `services` that calls
`refresh_line_sums` for the commitments and years it touched, in the same transaction, so the
portfolio can read a row per commitment instead of every line (year 0 holds every year). `refresh_line_sums`
recomputes those rows from the lines (rather than adding differences), so a sum cannot drift
from the lines it sums; `rebuild_line_sums` does the same for a whole council (bulk loads).

The sums are added up once more per council, year and proxy price year (`YearSums`, for the
all-years portfolio's "by year" rows), from the `LineSums` of the years that changed, under a
lock per council so two decisions of one council add up one after the other. Deleting a
commitment or a contract removes its `LineSums` by cascade; `year_sums_follow_deletions`
connects the signals that add the council's years up again, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Count, Sum
from django.db.models.signals import post_delete, pre_delete

from .models import Commitment, Contract, LineSums, ReturnLine, YearSums

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


#: Insert a council's `YearSums` for the years `{years}` from its `LineSums` of those years.
SUM_YEARS = """
INSERT INTO contracts_yearsums (
    commissioner_id, year, price_year, is_fiscal, target_value, delivered_value, verified_value,
    target_quantity, delivered_quantity, verified_quantity, commitments, contracts
)
SELECT s.commissioner_id, s.year, s.price_year, s.is_fiscal, SUM(s.target_value),
       SUM(s.delivered_value), SUM(s.verified_value), SUM(s.target_quantity),
       SUM(s.delivered_quantity), SUM(s.verified_quantity), COUNT(*), MAX(y.contracts)
FROM contracts_linesums s JOIN (
    SELECT year, COUNT(DISTINCT contract_id) AS contracts FROM contracts_linesums
    WHERE commissioner_id = %s AND year IN ({years}) GROUP BY year
) y ON y.year = s.year
WHERE s.commissioner_id = %s AND s.year IN ({years})
GROUP BY s.commissioner_id, s.year, s.price_year, s.is_fiscal
"""

#: An arbitrary first key for PostgreSQL's advisory locks on a council's year sums.
_LOCK_SPACE = 7_301


def _placeholders(values: list[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def lock_council_sums(commissioner_ids: Iterable[int]) -> None:
    """Hold these councils' year sums until the transaction ends (PostgreSQL; SQLite has one writer).

    Taken before any line or commitment is locked, so two transactions that change one
    council's sums queue here rather than deadlock. Taken again by the same transaction, it
    returns at once.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for council in sorted(set(commissioner_ids)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_SPACE, council])


def refresh_year_sums(commissioner_id: int, years: Iterable[int]) -> None:
    """Add up the council's `LineSums` of these financial years again into its `YearSums`.

    Call inside the transaction that changed the `LineSums`, after `lock_council_sums`.
    """
    year_list = sorted({y for y in years if y != LineSums.ALL_YEARS})
    if not year_list:
        return
    marks = _placeholders(year_list)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM contracts_yearsums WHERE commissioner_id = %s AND year IN ({marks})",
            [commissioner_id, *year_list],
        )
        cursor.execute(
            SUM_YEARS.format(years=marks),
            [commissioner_id, *year_list, commissioner_id, *year_list],
        )


def _years_of(commitment_ids: list[int], years: list[int] | None) -> set[tuple[int, int]]:
    """(council, year) of the kept sums of these commitments, in these years (or all)."""
    rows = LineSums.objects.filter(commitment_id__in=commitment_ids).exclude(
        year=LineSums.ALL_YEARS
    )
    if years is not None:
        rows = rows.filter(year__in=years)
    return set(rows.values_list("commissioner_id", "year").distinct().order_by())


def refresh_line_sums(commitment_ids: Iterable[int], years: Iterable[int] | None = None) -> None:
    """Recompute the sums of these commitments (in these financial years, or all) from their lines.

    Call inside the transaction that changed the lines. The commitments are locked first, in id
    order, so two decisions on the same commitment's lines are summed one after the other.
    """
    ids = sorted(set(commitment_ids))
    if not ids:
        return
    year_list = sorted(set(years)) if years is not None else None
    if year_list == []:
        return
    lock_council_sums(
        Commitment.objects.filter(pk__in=ids).values_list("contract__commissioner_id", flat=True)
    )
    list(Commitment.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
    changed = _years_of(ids, year_list)
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
    _refresh_councils(changed | _years_of(ids, year_list))


def _refresh_councils(council_years: set[tuple[int, int]]) -> None:
    by_council: dict[int, set[int]] = {}
    for council, year in council_years:
        by_council.setdefault(council, set()).add(year)
    lock_council_sums(by_council)
    for council, council_years_of in sorted(by_council.items()):
        refresh_year_sums(council, council_years_of)


def rebuild_line_sums(commissioner_id: int) -> None:
    """Recompute every sum of a council's lines (after lines were loaded in bulk, not one by one)."""
    lock_council_sums([commissioner_id])
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM contracts_linesums WHERE commissioner_id = %s", [commissioner_id]
        )
        cursor.execute(SUM_LINES.format(where="WHERE l.commissioner_id = %s"), [commissioner_id])
        cursor.execute(SUM_ALL_YEARS.format(where="AND s.commissioner_id = %s"), [commissioner_id])
        cursor.execute(
            "DELETE FROM contracts_yearsums WHERE commissioner_id = %s", [commissioner_id]
        )
    refresh_year_sums(
        commissioner_id,
        LineSums.objects.filter(commissioner_id=commissioner_id)
        .values_list("year", flat=True)
        .distinct()
        .order_by(),
    )


def _before_delete(sender, instance, **kwargs) -> None:
    """Note the council years a commitment's or contract's sums are in, before the cascade removes them."""
    rows = LineSums.objects.exclude(year=LineSums.ALL_YEARS)
    if sender is Contract:
        rows = rows.filter(contract_id=instance.pk)
    else:
        rows = rows.filter(commitment_id=instance.pk)
    years = set(rows.values_list("commissioner_id", "year").distinct().order_by())
    lock_council_sums(council for council, _year in years)
    instance._sums_years = years


def _after_delete(sender, instance, **kwargs) -> None:
    _refresh_councils(getattr(instance, "_sums_years", set()))


def year_sums_follow_deletions() -> None:
    """Add a council's years up again whenever a commitment or contract (and its sums) is deleted."""
    for model in (Commitment, Contract):
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"year-sums-{model.__name__}")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"year-sums-{model.__name__}")


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


def years_recomputed(commissioner_id: int) -> dict[tuple[int, int | None, bool], tuple]:
    """The year sums as they would be added up from the kept `LineSums` now."""
    rows = LineSums.objects.filter(commissioner_id=commissioner_id).exclude(year=LineSums.ALL_YEARS)
    contracts = dict(
        rows.values_list("year").annotate(n=Count("contract_id", distinct=True)).order_by()
    )
    summed = (
        rows.values("year", "price_year", "is_fiscal")
        .annotate(
            tv=Sum("target_value"),
            dv=Sum("delivered_value"),
            vv=Sum("verified_value"),
            tq=Sum("target_quantity"),
            dq=Sum("delivered_quantity"),
            vq=Sum("verified_quantity"),
            n=Count("id"),
        )
        .order_by()
    )
    return {
        (r["year"], r["price_year"], r["is_fiscal"]): (
            r["tv"],
            r["dv"],
            r["vv"],
            r["tq"],
            r["dq"],
            r["vq"],
            r["n"],
            contracts[r["year"]],
        )
        for r in summed
    }


def years_stored(commissioner_id: int) -> dict[tuple[int, int | None, bool], tuple]:
    """The year sums as kept, in `years_recomputed`'s form."""
    return {
        (r[0], r[1], r[2]): tuple(r[3:])
        for r in YearSums.objects.filter(commissioner_id=commissioner_id).values_list(
            "year",
            "price_year",
            "is_fiscal",
            "target_value",
            "delivered_value",
            "verified_value",
            "target_quantity",
            "delivered_quantity",
            "verified_quantity",
            "commitments",
            "contracts",
        )
    }


def stored(commissioner_id: int) -> dict[tuple[int, int], tuple]:
    """The sums as kept: (commitment, year) -> columns, in `recomputed`'s order."""
    return {
        (r[0], r[4]): tuple(r[1:])
        for r in LineSums.objects.filter(commissioner_id=commissioner_id).values_list(
            "commitment_id", *COLUMNS
        )
    }
