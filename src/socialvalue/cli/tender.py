"""The `socialvalue tender` commands: evaluate a tender file and show how the winner was reached."""

from __future__ import annotations

from gettext import ngettext
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from socialvalue.cli.common import echo_json, reports_input_errors
from socialvalue.core.scoring import Tender, TenderEvaluation, evaluate, load_tender


@click.group()
def tender() -> None:
    """Evaluate tenders on price, quality and social value."""


@tender.command("evaluate")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--json", "as_json", is_flag=True, help="Print the result as JSON (the file contract)."
)
@reports_input_errors
def evaluate_command(file: Path, as_json: bool) -> None:
    """Score every bid in FILE (YAML or JSON), rank them and check the charter."""
    loaded = load_tender(file)
    result = evaluate(loaded)
    if as_json:
        echo_json(result.to_dict())
    else:
        _print_evaluation(loaded, result)


def _money(value: float) -> str:
    return f"£{value:,.0f}" if value >= 100 else f"£{value:,.2f}"


def _points(value: float) -> str:
    return f"{value:.2f}"


def _weight(value: float) -> str:
    return f"{value:g}"


def _winner_text(winner: str | list[str]) -> str:
    return winner if isinstance(winner, str) else "tie: " + ", ".join(winner)


def _print_evaluation(tender: Tender, result: TenderEvaluation) -> None:
    # Piped output (a file, a CI log) gets room for every column rather than the 80-column default.
    probe = Console()
    console = Console(highlight=False, width=probe.width if probe.is_terminal else 200)
    w = tender.weights
    console.print(f"[bold]{result.title}[/bold]")
    method = tender.price_method.replace("_", " ")
    console.print(
        f"Weights: price {_weight(w.price)}%, quality {_weight(w.quality)}%, social value"
        f" {_weight(w.social_value)}% (method statement {_weight(tender.social_value.qualitative)}%,"
        f" commitments {_weight(tender.social_value.quantitative)}%). Price scored by {method}."
    )

    table = Table(title="Bids", title_justify="left")
    table.add_column("Rank", justify="right")
    table.add_column("Bidder")
    table.add_column("Price", justify="right")
    table.add_column(f"Price /{_weight(w.price)}", justify="right")
    table.add_column(f"Quality /{_weight(w.quality)}", justify="right")
    qualitative = w.social_value * tender.social_value.qualitative / 100
    quantitative = w.social_value * tender.social_value.quantitative / 100
    table.add_column(f"SV statement /{_weight(qualitative)}", justify="right")
    table.add_column(f"SV commitments /{_weight(quantitative)}", justify="right")
    table.add_column(f"Social value /{_weight(w.social_value)}", justify="right")
    table.add_column("Total /100", justify="right")
    table.add_column("SV offered", justify="right")
    table.add_column("SV % of price", justify="right")
    for bid in sorted(result.bids, key=lambda b: b.rank):
        table.add_row(
            str(bid.rank),
            bid.bidder,
            _money(bid.price),
            _points(bid.price_score),
            _points(bid.quality_score),
            _points(bid.social_value_qualitative_score),
            _points(bid.social_value_quantitative_score),
            _points(bid.social_value_score),
            f"[bold]{_points(bid.total)}[/bold]",
            _money(bid.social_value_offered),
            f"{100 * bid.social_value_offered_share_of_price:.1f}%",
        )
    console.print(table)
    console.print(f"Winner: [bold]{_winner_text(result.winner)}[/bold]")

    if tender.charter is None:
        console.print("Charter: none given.")
    elif result.compliant:
        console.print("Charter: compliant.")
    else:
        count = len(result.breaches)
        console.print(f"Charter: [bold]{count} {ngettext('breach', 'breaches', count)}[/bold]")
        for breach in result.breaches:
            console.print(f"  - {breach}")

    sensitivity = Table(title="Winner by social value weight", title_justify="left")
    sensitivity.add_column("From %", justify="right")
    sensitivity.add_column("To %", justify="right")
    sensitivity.add_column("Winner")
    for interval in result.sensitivity:
        sensitivity.add_row(
            f"{interval.start:.2f}", f"{interval.end:.2f}", _winner_text(interval.winner)
        )
    console.print(sensitivity)
    if w.price + w.quality == 0:
        console.print(
            "Price and quality are both weighted 0, so only the current weights can be evaluated."
        )


COMMANDS = [tender]
