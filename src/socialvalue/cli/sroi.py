"""`socialvalue sroi`: calculate an impact map's SROI, or write a blank Excel template."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from socialvalue.cli.common import echo_json, fail, reports_input_errors
from socialvalue.core.errors import InputError


@click.group()
def sroi() -> None:
    """Social return on investment: impact maps, ratios, switching values, Monte Carlo."""


def _money(value: float | None, currency: str) -> str:
    if value is None:
        return "n/a"
    symbol = {"GBP": "£", "EUR": "€", "USD": "$"}.get(currency, "")
    text = f"{abs(value):,.0f}"
    sign = "-" if value < 0 else ""
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"


def _figure(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} : 1"


def _engine() -> ModuleType:
    from socialvalue.core import sroi as engine  # noqa: PLC0415 - the SROI engine (numpy, scipy, openpyxl) loads when a command runs: `socialvalue --help` stays quick

    return engine


def _workbooks() -> ModuleType:
    from socialvalue.core.sroi import xlsx  # noqa: PLC0415 - as `_engine`

    return xlsx


def _load(path: str) -> Any:
    try:
        return _engine().load_impact_map(path)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure is the file's fault, not ours
        raise InputError(f"could not read the file ({type(exc).__name__})", source=path) from None


@sroi.command("calc")
@click.argument("map_path", metavar="MAP", type=click.Path(dir_okay=False))
@click.option(
    "--json", "as_json", is_flag=True, help="Print the result as JSON (the file contract)."
)
@click.option(
    "--monte-carlo", "draws", type=click.IntRange(min=0), help="Monte Carlo draws (0: none)."
)
@click.option(
    "--seed", type=click.IntRange(min=0), help="Seed for Monte Carlo (default: the file's, or 0)."
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    help="Also write the results: .xlsx for a workbook, .json for the JSON.",
)
@reports_input_errors
def calc(
    map_path: str, as_json: bool, draws: int | None, seed: int | None, out: str | None
) -> None:
    """Calculate the SROI of the impact map MAP (.yaml, .yml, .json or .xlsx)."""
    calculate = _engine().calculate
    if out is not None and Path(out).suffix.lower() not in (".xlsx", ".json"):
        fail(f"--out: {out!r} must end in .xlsx or .json")
    impact_map = _load(map_path)
    asked = (
        draws
        if draws is not None
        else (impact_map.monte_carlo.draws if impact_map.monte_carlo else 0)
    )
    if as_json or not asked:
        result = calculate(impact_map, monte_carlo=draws, seed=seed)
    else:
        with Progress(
            TextColumn("Monte Carlo"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        ) as bar:
            task = bar.add_task("draws", total=asked)
            result = calculate(
                impact_map,
                monte_carlo=draws,
                seed=seed,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    data = result.to_dict()
    if out is not None:
        _write(out, result, impact_map, data)
    if as_json:
        echo_json(data)
        return
    _show(result, data)
    if out is not None:
        click.echo(f"Results written to {out}")


def _write(out: str, result: Any, impact_map: Any, data: dict[str, Any]) -> None:
    try:
        if out.lower().endswith(".json"):
            Path(out).write_text(
                json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n",
                encoding="utf-8",
            )
        else:
            _workbooks().write_results(result, impact_map, out)
    except OSError as exc:
        fail(f"{out}: cannot write ({exc.strerror or exc})")


def _show(result: Any, data: dict[str, Any]) -> None:
    console = Console()
    currency = data["currency"]
    console.print(f"[bold]{data['title']}[/bold]", highlight=False)

    outcomes = Table(title="Outcomes", title_justify="left")
    for name in ("ID", "Stakeholder", "Impact (year 1)", "Present value"):
        outcomes.add_column(name, justify="right" if name not in ("ID", "Stakeholder") else "left")
    for o in data["outcomes"]:
        # Year 1 of the analysis: an outcome that starts later has no value in it.
        outcomes.add_row(
            o["id"],
            o["stakeholder"],
            _money(o["value_by_year"][0], currency),
            _money(o["present_value"], currency),
        )
    console.print(outcomes)

    years = Table(title="Years", title_justify="left")
    for name in ("Year", "Value", "Present value"):
        years.add_column(name, justify="right")
    for n, value, pv in zip(
        data["years"], data["value_by_year"], data["present_value_by_year"], strict=True
    ):
        years.add_row(str(n), _money(value, currency), _money(pv, currency))
    console.print(years)

    summary = Table(title="Result", title_justify="left", show_header=False)
    summary.add_column("Measure")
    summary.add_column("Value", justify="right")
    rate = data["discount"]["rate"]
    rate_text = rate if isinstance(rate, str) else f"{rate:.2%}"
    summary.add_row("Discount", f"{rate_text}, {data['discount']['convention']} of year")
    price_year = result.impact_map.price_year
    summary.add_row(
        "Prices",
        f"{price_year} (proxies restated with the GDP deflator)"
        if price_year is not None
        else "no price year given: nothing restated",
    )
    summary.add_row("Investment", _money(data["investment"], currency))
    summary.add_row("Present value", _money(data["present_value"], currency))
    summary.add_row("Net present value", _money(data["net_present_value"], currency))
    summary.add_row("SROI ratio", _ratio(data["sroi_ratio"]))
    mc = data.get("monte_carlo")
    if mc and not mc["uncertain_fields"]:
        summary.add_row(
            f"Monte Carlo ({mc['draws']:,} draws)", "no uncertainty given: no range to show"
        )
    elif mc:
        r = mc["sroi_ratio"]
        if r["p5"] is not None:
            summary.add_row(
                f"Monte Carlo range (p5-p95, {mc['draws']:,} draws)",
                f"{r['p5']:.2f} to {r['p95']:.2f}",
            )
            summary.add_row(
                "Chance the ratio is below 1:1", f"{mc['probability_ratio_below_one']:.1%}"
            )
    payback = data["payback_months"]
    if data["payback_within_horizon"] is False:
        horizon = len(data["years"])
        payback_text = (
            f"not reached within the {horizon}-year horizon "
            f"({_money(sum(data['value_by_year']), currency)} undiscounted)"
        )
    else:
        payback_text = "n/a" if payback is None else f"{payback:.1f} months"
    summary.add_row("Payback", payback_text)
    console.print(summary)
    for warning in data["warnings"]:
        console.print(f"Warning: {warning}", highlight=False)

    nearest = sorted(
        (s for s in result.switching if s.value is not None), key=lambda s: s.relative_change
    )[:8]
    switching = Table(title="Switching values nearest to 1:1", title_justify="left")
    for name in ("Outcome", "Parameter", "Now", "At 1:1", "Change"):
        switching.add_column(name, justify="left" if name in ("Outcome", "Parameter") else "right")
    for s in nearest:
        change = s.relative_change
        switching.add_row(
            s.outcome,
            s.parameter,
            _figure(s.current),
            _figure(s.value),
            "n/a" if change is None or change == float("inf") else f"{change:.0%}",
        )
    if nearest:
        console.print(switching)
    else:
        console.print("No switching values (no field can bring the ratio to 1:1).")


@sroi.command("template")
@click.argument("out", type=click.Path(dir_okay=False))
@reports_input_errors
def template(out: str) -> None:
    """Write a blank impact-map workbook to OUT (.xlsx) for practitioners to fill in."""
    if not out.lower().endswith(".xlsx"):
        fail(f"{out}: the template is an Excel workbook; name it .xlsx")
    _workbooks().write_template(out)
    click.echo(f"Template written to {out}")


COMMANDS = [sroi]
