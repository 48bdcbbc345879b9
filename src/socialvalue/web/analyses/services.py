"""Building, changing and calculating SROI analyses: every rule about an analysis lives here.

The impact map is kept as the engine's dict. Every change goes through `save_map`, which validates
the whole map with the engine (so a bad value is refused with the engine's own place and message,
and nothing is saved), then stores the map and its freshly calculated result.
"""

from __future__ import annotations

import copy
import json
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from socialvalue.core.errors import InputError, Problem
from socialvalue.core.sroi import ImpactMap, SroiResult, calculate, load_impact_map
from socialvalue.core.sroi.model import UNCERTAIN_FIELDS, parse_impact_map
from socialvalue.core.sroi.xlsx import write_results, write_template
from socialvalue.web.measures import services as measures
from socialvalue.web.measures.overlaps import OverlapWarning

from .models import Analysis

MAP_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")
#: Draws a page or API call may ask for: about a tenth of a second for a typical map. More is
#: for `socialvalue sroi calc`, which shows progress.
WEB_MAX_DRAWS = 100_000
MAX_SEED = 2**31 - 1
NAME_LENGTH = 200
#: The problems of a map that is only unfinished: it is saved, and the page says what is missing.
_UNFINISHED = {"inputs": "Add at least one input.", "outcomes": "Add at least one outcome."}


# --- the map -----------------------------------------------------------------------------------


def blank_map(
    *,
    title: str,
    currency: str = "GBP",
    price_year: int | None = None,
    rate: float | str = 0.035,
    convention: str = "end",
) -> dict[str, Any]:
    data: dict[str, Any] = {"title": title, "currency": currency}
    if price_year is not None:
        data["price_year"] = price_year
    data["discount"] = {"rate": rate, "convention": convention}
    data["inputs"] = []
    data["outcomes"] = []
    return data


def check_map(data: Mapping[str, Any]) -> ImpactMap | None:
    """The validated map, None when it only lacks inputs or outcomes; InputError for anything else."""
    try:
        return parse_impact_map(data)
    except InputError as exc:
        real = [
            p
            for p in exc.problems
            if not (p.place in _UNFINISHED and p.message.startswith("at least one"))
        ]
        if real:
            raise InputError(real) from None
        return None


def missing_parts(analysis: Analysis) -> list[str]:
    """What the map still needs before it can be calculated, in the user's words."""
    return [_UNFINISHED[key] for key in missing_keys(analysis)]


def _stored(impact_map: ImpactMap) -> dict[str, Any]:
    data = impact_map.to_dict()
    data.pop("sensitivity", None)  # draws and seed live on the analysis
    return data


def engine_map(analysis: Analysis) -> dict[str, Any]:
    """The map as a file holds it, with the analysis's Monte Carlo settings, for downloads and the CLI."""
    data = copy.deepcopy(analysis.impact_map)
    data["title"] = analysis.name
    if analysis.draws:
        data["sensitivity"] = {"monte_carlo": {"draws": analysis.draws, "seed": analysis.seed}}
    return data


def calculate_analysis(analysis: Analysis) -> SroiResult | None:
    """The engine's result for the map as saved (None while inputs or outcomes are missing).

    The engine restates each proxy from the ``price_year`` the map stores for it to the map's
    price year (sroi-method.md section 6).
    """
    impact_map = check_map(analysis.impact_map)
    if impact_map is None:
        return None
    return calculate(impact_map, monte_carlo=analysis.draws, seed=analysis.seed)


def result_of(analysis: Analysis) -> SroiResult:
    """The engine's result; InputError naming what is missing while the map is unfinished."""
    result = calculate_analysis(analysis)
    if result is None:
        raise InputError([Problem(key, _UNFINISHED[key]) for key in missing_keys(analysis)])
    return result


def missing_keys(analysis: Analysis) -> list[str]:
    return [key for key in _UNFINISHED if not analysis.impact_map.get(key)]


def result_dict(analysis: Analysis) -> dict[str, Any] | None:
    """The cached `calculate(...).to_dict()`, calculated and stored if it is missing."""
    if analysis.result is None and not missing_parts(analysis):
        try:
            result = calculate_analysis(analysis)
        except InputError:
            # A map saved before a rule it now breaks (a price year the deflator series does
            # not cover): no result; the analysis page says why.
            return None
        if result is not None:
            analysis.keep_result(result.to_dict())
            Analysis.objects.filter(pk=analysis.pk).update(
                result=analysis.result, sroi_ratio=analysis.sroi_ratio
            )
    return analysis.result


def _settings_problems(name: str, draws: int, seed: int) -> list[Problem]:
    problems = []
    if not name.strip() or len(name) > NAME_LENGTH:
        problems.append(Problem("title", f"must be 1 to {NAME_LENGTH} characters long"))
    if not 0 <= draws <= WEB_MAX_DRAWS:
        problems.append(
            Problem(
                "sensitivity.monte_carlo.draws",
                f"{draws} is more than the {WEB_MAX_DRAWS:,} draws an analysis here may run "
                "(socialvalue sroi calc runs more)",
            )
        )
    if not 0 <= seed <= MAX_SEED:
        problems.append(
            Problem("sensitivity.monte_carlo.seed", f"{seed} is not between 0 and {MAX_SEED}")
        )
    return problems


def parse_map(data: Any) -> ImpactMap:
    """A whole map as an API caller or a file gives it: InputError for any problem, emptiness included."""
    return parse_impact_map(data)


def monte_carlo_settings(impact_map: ImpactMap) -> dict[str, int]:
    """The draws and seed a map file asks for, as the analysis's fields."""
    if impact_map.monte_carlo is None:
        return {}
    settings = {"draws": impact_map.monte_carlo.draws}
    if impact_map.monte_carlo.seed is not None:
        settings["seed"] = impact_map.monte_carlo.seed
    return settings


def save_map(analysis: Analysis, data: Mapping[str, Any], **changes: Any) -> Analysis:
    """Validate and store a new map (and any other fields), recalculating the result.

    Raises InputError naming each problem; nothing is saved then.
    """
    name = changes.get("name", analysis.name)
    data = {**data, "title": name}
    data.pop("sensitivity", None)
    problems = _settings_problems(
        name, changes.get("draws", analysis.draws), changes.get("seed", analysis.seed)
    )
    try:
        impact_map = check_map(data)
    except InputError as exc:
        raise InputError(exc.problems + problems) from None
    if problems:
        raise InputError(problems)
    for key, value in changes.items():
        setattr(analysis, key, value)
    analysis.impact_map = _stored(impact_map) if impact_map is not None else data
    known = {s["name"] for s in analysis.stakeholders}
    analysis.stakeholders = [
        *analysis.stakeholders,
        *(s for s in stakeholders_of(analysis.impact_map) if s["name"] not in known),
    ]
    analysis.keep_result(
        calculate(impact_map, monte_carlo=analysis.draws, seed=analysis.seed).to_dict()
        if impact_map is not None
        else None
    )
    analysis.updated_at = timezone.now()
    analysis.save()
    return analysis


# --- creating ---------------------------------------------------------------------------------


def stakeholders_of(data: Mapping[str, Any]) -> list[dict[str, str]]:
    """The stakeholders a map names, in the order they first appear (inputs, then outcomes)."""
    names: list[str] = []
    for row in [*(data.get("inputs") or []), *(data.get("outcomes") or [])]:
        name = row.get("stakeholder")
        if name and name not in names:
            names.append(name)
    return [{"name": name, "involvement": ""} for name in names]


@transaction.atomic
def create_analysis(
    *,
    organisation: Any,
    created_by: Any,
    name: str,
    kind: str = Analysis.Kind.FORECAST,
    description: str = "",
    period: str = "",
    impact_map: Mapping[str, Any] | ImpactMap | None = None,
    draws: int | None = None,
    seed: int | None = None,
    **map_settings: Any,
) -> Analysis:
    """A new analysis, blank (with `map_settings`: currency, price_year, rate, convention) or from a map.

    A map's own Monte Carlo settings are kept unless `draws` or `seed` say otherwise.
    """
    if isinstance(impact_map, ImpactMap):
        parsed = impact_map
    elif impact_map is not None:
        parsed = parse_impact_map(impact_map)
    else:
        parsed = None
    analysis = Analysis(
        organisation=organisation,
        created_by=created_by,
        name=name.strip(),
        kind=kind,
        description=description,
        period=period,
    )
    for key, value in (monte_carlo_settings(parsed) if parsed else {}).items():
        setattr(analysis, key, value)
    if draws is not None:
        analysis.draws = draws
    if seed is not None:
        analysis.seed = seed
    data = _stored(parsed) if parsed else blank_map(title=analysis.name, **map_settings)
    analysis.stakeholders = stakeholders_of(data)
    return save_map(analysis, data)


def read_uploaded_map(upload: Any) -> ImpactMap:
    """An uploaded YAML, JSON or Excel impact map, validated; InputError names each problem's place."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in MAP_SUFFIXES:
        raise InputError(f"{upload.name} is not an impact map: use a .yaml, .json or .xlsx file")
    upload.seek(0)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"impact-map{suffix}"
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        try:
            return load_impact_map(path)
        except InputError as exc:
            # The problems name places in the file; the temporary path would mean nothing to anyone.
            raise InputError(exc.problems, source=upload.name) from None


@transaction.atomic
def start_evaluation(forecast: Analysis, *, created_by: Any) -> Analysis:
    """The evaluative version of a forecast: a copy of its map and settings, to fill in with what happened."""
    if not forecast.is_forecast:
        raise InputError(Problem("kind", "only a forecast can have an evaluative version"))
    evaluation = Analysis(
        organisation=forecast.organisation,
        created_by=created_by,
        name=forecast.name,
        description=forecast.description,
        period=forecast.period,
        kind=Analysis.Kind.EVALUATIVE,
        forecast=forecast,
        stakeholders=copy.deepcopy(forecast.stakeholders),
        draws=forecast.draws,
        seed=forecast.seed,
    )
    return save_map(evaluation, copy.deepcopy(forecast.impact_map))


# --- editing the tables -----------------------------------------------------------------------


def save_settings(analysis: Analysis, **fields: Any) -> Analysis:
    """Name, description, period, Monte Carlo, and the map's currency, price year and discount."""
    data = copy.deepcopy(analysis.impact_map)
    data["currency"] = fields.pop("currency")
    price_year = fields.pop("price_year")
    if price_year is None:
        data.pop("price_year", None)
    else:
        data["price_year"] = price_year
    discount = dict(data.get("discount") or {})
    discount["rate"] = fields.pop("rate")
    discount["convention"] = fields.pop("convention")
    if isinstance(discount["rate"], str):
        discount.pop("uncertainty", None)  # a named schedule has no distribution
    data["discount"] = discount
    return save_map(analysis, data, **fields)


def save_stakeholders(analysis: Analysis, rows: Iterable[Mapping[str, Any]]) -> Analysis:
    """Replace the stakeholder list; a renamed stakeholder is renamed in every row that names it.

    Each row is {"name", "involvement", "original"} (original: the name it had, "" for a new one).
    Raises InputError (places `stakeholders[k].name`) for a repeated name or for removing a
    stakeholder that inputs or outcomes still name.
    """
    rows = list(rows)
    problems: list[Problem] = []
    renames: dict[str, str] = {}
    seen: dict[str, int] = {}
    for k, row in enumerate(rows):
        name = row["name"].strip()
        if name.casefold() in seen:
            problems.append(
                Problem(
                    f"stakeholders[{k}].name",
                    f"{name!r} is already in row {seen[name.casefold()] + 1}",
                )
            )
        seen.setdefault(name.casefold(), k)
        if row.get("original") and row["original"] != name:
            renames[row["original"]] = name
    kept = {row["original"] for row in rows if row.get("original")}
    data = copy.deepcopy(analysis.impact_map)
    for group in ("inputs", "outcomes"):
        for k, item in enumerate(data.get(group) or []):
            name = item.get("stakeholder")
            if name in renames:
                item["stakeholder"] = renames[name]
            elif name and name not in kept:
                problems.append(
                    Problem(
                        "stakeholders",
                        f"{name} cannot be removed: the {group[:-1]} "
                        f"{item.get('description') or k + 1!r} names them; change its stakeholder first",
                    )
                )
    if problems:
        raise InputError(problems)
    stakeholders = [
        {"name": row["name"].strip(), "involvement": (row.get("involvement") or "").strip()}
        for row in rows
    ]
    return save_map(analysis, data, stakeholders=stakeholders)


def range_of(distribution: Mapping[str, Any] | None) -> tuple[float | None, float | None]:
    """The low and high a person sees for a distribution (None, None for one without both)."""
    if not distribution:
        return None, None
    return distribution.get("low"), distribution.get("high")


#: Distributions a low and a high describe; the others (normal, choice) are kept as uploaded.
RANGED = ("uniform", "triangular", "pert")


def with_range(
    distribution: Mapping[str, Any] | None,
    *,
    old_value: float | None,
    value: float,
    low: float | None,
    high: float | None,
) -> dict[str, Any] | None:
    """A field's distribution after an edit: a range given on screen keeps the shape it had.

    A new range is triangular with its mode at the field's value (as the Excel template does); the
    mode of a triangular or PERT range follows the value when it sat on the old value. A range left
    empty removes the distribution. A normal or choice distribution is kept while the range shown
    for it is left as it was, and replaced by a triangular one when the range is changed.
    """
    if distribution and distribution.get("dist") not in RANGED:
        if range_of(distribution) == (low, high):
            return dict(distribution)
        distribution = None
    if low is None and high is None:
        return None
    if low is None or high is None:
        low = high = low if low is not None else high
    out = dict(distribution) if distribution else {"dist": "triangular", "mode": value}
    out["low"], out["high"] = low, high
    if out["dist"] != "uniform" and (distribution is None or out.get("mode") in (old_value, None)):
        out["mode"] = value
    return {k: out[k] for k in ("dist", "low", "mode", "high") if k in out}


def save_inputs(analysis: Analysis, rows: Iterable[Mapping[str, Any]]) -> Analysis:
    """Replace the inputs; rows are {"stakeholder", "description", "value", "low", "high", "index"}.

    `index` is the row's position in the saved map (None for a new row), so a distribution the
    screen does not show in full is carried over.
    """
    data = copy.deepcopy(analysis.impact_map)
    old = data.get("inputs") or []
    inputs = []
    for row in rows:
        before = (
            old[row["index"]] if row.get("index") is not None and row["index"] < len(old) else {}
        )
        item: dict[str, Any] = {}
        if row.get("stakeholder"):
            item["stakeholder"] = row["stakeholder"]
        if row.get("description"):
            item["description"] = row["description"]
        item["value"] = row["value"]
        dist = with_range(
            (before.get("uncertainty") or {}).get("value"),
            old_value=before.get("value"),
            value=row["value"],
            low=row.get("low"),
            high=row.get("high"),
        )
        if dist:
            item["uncertainty"] = {"value": dist}
        inputs.append(item)
    data["inputs"] = inputs
    return save_map(analysis, data)


def _next_outcome_id(outcomes: list[dict[str, Any]]) -> str:
    used = {o.get("id") for o in outcomes}
    k = len(outcomes) + 1
    while f"o{k}" in used:
        k += 1
    return f"o{k}"


def outcome_from_row(
    before: Mapping[str, Any], row: Mapping[str, Any], new_id: str
) -> dict[str, Any]:
    """An outcome dict from a row of the screen, keeping what the row does not show."""
    item = copy.deepcopy(dict(before)) or {"id": new_id, "start": 1}
    item.setdefault("id", new_id)
    proxy = dict(item.get("proxy") or {})
    old_values = {name: field_value(item, name) for name in UNCERTAIN_FIELDS}
    for key, value in row.items():
        if key == "proxy_value":
            proxy["value"] = value
        elif key in ("proxy_description", "proxy_source", "proxy_price_year"):
            short = key.removeprefix("proxy_")
            if value in (None, ""):
                proxy.pop(short, None)
            else:
                proxy[short] = value
        elif key in ("indicator", "value_type") and value in (None, ""):
            item.pop(key, None)
        elif key not in ("ranges", "index"):
            item[key] = value
    item["proxy"] = proxy
    ranges = row.get("ranges")
    uncertainty = dict(item.get("uncertainty") or {})
    for name in UNCERTAIN_FIELDS:
        value = field_value(item, name)
        low, high = (ranges or {}).get(name, range_of(uncertainty.get(name)))
        if ranges is None and name not in uncertainty:
            continue
        dist = with_range(
            uncertainty.get(name), old_value=old_values[name], value=value, low=low, high=high
        )
        if dist:
            uncertainty[name] = dist
        else:
            uncertainty.pop(name, None)
    if uncertainty:
        item["uncertainty"] = uncertainty
    else:
        item.pop("uncertainty", None)
    return item


def field_value(outcome: Mapping[str, Any], name: str) -> Any:
    if name == "proxy_value":
        proxy = outcome.get("proxy")
        return proxy.get("value") if isinstance(proxy, Mapping) else proxy
    return outcome.get(name)


def save_outcomes(analysis: Analysis, rows: Iterable[Mapping[str, Any]]) -> Analysis:
    """Replace the outcomes from the table's rows ({TABLE_FIELDS..., "index"}), in the rows' order."""
    data = copy.deepcopy(analysis.impact_map)
    old = data.get("outcomes") or []
    outcomes: list[dict[str, Any]] = []
    for row in rows:
        index = row.get("index")
        before = old[index] if index is not None and index < len(old) else {}
        outcomes.append(outcome_from_row(before, row, _next_outcome_id([*old, *outcomes])))
    data["outcomes"] = outcomes
    return save_map(analysis, data)


def save_outcome(analysis: Analysis, index: int | None, row: Mapping[str, Any]) -> Analysis:
    """Change one outcome (index) or add one (None) from its full form, ranges included."""
    data = copy.deepcopy(analysis.impact_map)
    outcomes = list(data.get("outcomes") or [])
    if index is None:
        outcomes.append(outcome_from_row({}, row, _next_outcome_id(outcomes)))
    else:
        outcomes[index] = outcome_from_row(outcomes[index], row, "")
    data["outcomes"] = outcomes
    return save_map(analysis, data)


def set_outcome_measure(analysis: Analysis, outcome_id: str, measure: Any | None) -> Analysis:
    """Name the measure an outcome is counted by (None: no measure), for overlap warnings."""
    chosen = {
        key: value for key, value in (analysis.outcome_measures or {}).items() if key != outcome_id
    }
    if measure is not None:
        chosen[outcome_id] = measure.pk
    if chosen != (analysis.outcome_measures or {}):
        analysis.outcome_measures = chosen
        analysis.save(update_fields=["outcome_measures"])
    return analysis


def overlap_warnings(analysis: Analysis) -> list[OverlapWarning]:
    """Where the analysis's outcomes are counted by two measures that value the same change."""
    present = {o.get("id") for o in analysis.outcomes}
    ids = [m for key, m in (analysis.outcome_measures or {}).items() if key in present]
    if len(ids) < 2:
        return []
    return measures.overlaps_among(ids, where="this analysis's outcomes")


def remove_outcome(analysis: Analysis, index: int) -> Analysis:
    data = copy.deepcopy(analysis.impact_map)
    del data["outcomes"][index]
    return save_map(analysis, data)


# --- comparing and exporting ------------------------------------------------------------------


@dataclass(frozen=True)
class ComparedFigure:
    label: str
    forecast: float | None
    evaluation: float | None
    kind: str = "money"  # or "ratio"

    @property
    def difference(self) -> float | None:
        if self.forecast is None or self.evaluation is None:
            return None
        return self.evaluation - self.forecast

    @property
    def changed(self) -> bool:
        if self.forecast is None or self.evaluation is None:
            return self.forecast != self.evaluation
        return abs(self.evaluation - self.forecast) > 1e-9 * max(1.0, abs(self.forecast))


@dataclass(frozen=True)
class Comparison:
    forecast: Analysis
    evaluation: Analysis
    headline: list[ComparedFigure]
    by_stakeholder: list[ComparedFigure]
    by_outcome: list[ComparedFigure]


def version_pair(analysis: Analysis) -> tuple[Analysis, Analysis] | None:
    """The forecast and its latest evaluative version for either one of them, or None."""
    if analysis.is_forecast:
        evaluation = analysis.evaluations.order_by("-created_at").first()
        return (analysis, evaluation) if evaluation else None
    if analysis.forecast_id is None:
        return None
    return analysis.forecast, analysis


def _pairs(
    left: Mapping[str, float],
    right: Mapping[str, float],
    labels: Mapping[str, str] | None = None,
    kind: str = "money",
) -> list[ComparedFigure]:
    keys = list(left) + [k for k in right if k not in left]
    labels = labels or {}
    return [ComparedFigure(labels.get(k, k), left.get(k), right.get(k), kind) for k in keys]


def compare(forecast: Analysis, evaluation: Analysis) -> Comparison:
    """Forecast against evaluation: the headline figures, value by stakeholder and by outcome.

    Outcomes are matched by their ID, which the evaluative version keeps from its forecast.
    """
    f = result_dict(forecast) or {}
    e = result_dict(evaluation) or {}

    def by_outcome(result: Mapping[str, Any]) -> dict[str, float]:
        return {o["id"]: o["present_value"] for o in result.get("outcomes", [])}

    labels = {
        o["id"]: o.get("description") or o["id"] for o in [*evaluation.outcomes, *forecast.outcomes]
    }
    headline = [
        ComparedFigure("SROI ratio", f.get("sroi_ratio"), e.get("sroi_ratio"), "ratio"),
        ComparedFigure("Present value", f.get("present_value"), e.get("present_value")),
        ComparedFigure("Investment", f.get("investment"), e.get("investment")),
        ComparedFigure("Net present value", f.get("net_present_value"), e.get("net_present_value")),
    ]
    return Comparison(
        forecast=forecast,
        evaluation=evaluation,
        headline=headline,
        by_stakeholder=_pairs(f.get("by_stakeholder", {}), e.get("by_stakeholder", {})),
        by_outcome=_pairs(by_outcome(f), by_outcome(e), labels),
    )


def export_map(analysis: Analysis, file_format: str, path: Path) -> Path:
    """The map as YAML, JSON or the Excel template, each readable by `socialvalue sroi calc`."""
    data = engine_map(analysis)
    if file_format == "json":
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    elif file_format == "yaml":
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    else:
        write_template(path, parse_impact_map(data))
    return path


def export_results(analysis: Analysis, file_format: str, path: Path) -> Path:
    """The engine's results as its JSON or its Excel workbook; InputError while the map is unfinished."""
    result = result_of(analysis)
    if file_format == "json":
        path.write_text(
            json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    else:
        write_results(result, result.impact_map, path)
    return path
