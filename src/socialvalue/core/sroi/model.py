"""The impact map: its dataclasses, the validation of a parsed file, and the dict/YAML form.

Choices made where the method text leaves room (sroi-method.md section 1):

- Places in messages use zero-based positions, as JSON paths do: ``outcomes[0]`` is the first
  outcome (whose default id is ``o1``).
- Only ``value`` is required on an input; ``stakeholder`` and ``description`` are optional text.
- ``proxy`` may be written as a bare number (its value) or as a mapping.
- A numeric ``discount.rate`` must be a fraction between 0 and 1: ``3.5`` almost always means
  3.5 % and would otherwise silently wipe out every future year.
- An input's distribution is written ``uncertainty: {value: {...}}`` on the input, and the
  discount rate's ``discount: {rate: 0.035, uncertainty: {rate: {...}}}``.
- A distribution must lie inside its field's domain (a triangular deadweight cannot reach 1.2),
  and ``normal`` is truncated to the intersection of the domain and any ``low``/``high``.
- ``duration`` and ``start`` accept a whole number written as a float (``3.0``), not ``2.5``.
- ``start`` and ``duration`` are at most 1000 years and Monte Carlo at most 10 million draws,
  so a typo cannot ask for an impossible horizon.
- Booleans are never numbers (YAML reads ``yes`` as true), and NaN and infinity are rejected.

Price years (section 6), with the shipped GDP deflator series of ``socialvalue.core.valuation``:

- A proxy whose ``price_year`` differs from the map's ``price_year`` is restated by
  ``D[map year] / D[proxy year]``. A proxy that states no price year is taken to be in the map's
  price year, as inputs are: it is not restated (factor 1.0).
- A map without ``price_year`` restates nothing, whatever its proxies state.
- Any ``price_year`` outside the shipped series is refused, named by place, whether or not
  anything would be restated with it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import yaml

from socialvalue.core.discounting import CONVENTIONS, SCHEDULES
from socialvalue.core.errors import InputError, Problem
from socialvalue.core.valuation import DeflatorTable, load_deflators

VALUE_TYPES: Final[tuple[str, ...]] = ("fiscal", "economic", "social", "wellbeing", "environmental")
PERCENT_FIELDS: Final[tuple[str, ...]] = ("deadweight", "displacement", "attribution", "drop_off")
#: Fields of an outcome that may carry a distribution, in the order switching values list them.
UNCERTAIN_FIELDS: Final[tuple[str, ...]] = ("quantity", "proxy_value", *PERCENT_FIELDS)
DISTRIBUTIONS: Final[tuple[str, ...]] = ("uniform", "triangular", "pert", "normal", "choice")
DEFAULT_DRAWS: Final[int] = 10_000
#: Bounds that keep a typo from asking for a 10**12-year horizon or a week of draws.
MAX_YEARS: Final[int] = 1000
MAX_DRAWS: Final[int] = 10_000_000

_DIST_KEYS: Final[dict[str, tuple[set[str], set[str]]]] = {
    # dist: (required keys, optional keys)
    "uniform": ({"low", "high"}, set()),
    "triangular": ({"low", "mode", "high"}, set()),
    "pert": ({"low", "mode", "high"}, set()),
    "normal": ({"mean", "sd"}, {"low", "high"}),
    "choice": ({"values"}, {"weights"}),
}

INF = math.inf
#: Valid domain of each uncertain quantity: (low, high), inclusive.
DOMAINS: Final[dict[str, tuple[float, float]]] = {
    "quantity": (0.0, INF),
    "proxy_value": (-INF, INF),
    "deadweight": (0.0, 1.0),
    "displacement": (0.0, 1.0),
    "attribution": (0.0, 1.0),
    "drop_off": (0.0, 1.0),
    "value": (0.0, INF),
    "rate": (0.0, 1.0),
}


@dataclass(frozen=True)
class Distribution:
    """A distribution for one field in Monte Carlo; ``low``..``high`` bound normal when given."""

    dist: str
    low: float | None = None
    mode: float | None = None
    high: float | None = None
    mean: float | None = None
    sd: float | None = None
    values: tuple[float, ...] = ()
    weights: tuple[float, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"dist": self.dist}
        if self.dist == "choice":
            out["values"] = list(self.values)
            if self.weights is not None:
                out["weights"] = list(self.weights)
            return out
        for key in ("mean", "sd", "low", "mode", "high"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


@dataclass(frozen=True)
class Proxy:
    """The financial proxy: the value of one unit of outcome, with its evidence."""

    value: float
    description: str | None = None
    source: str | None = None
    price_year: int | None = None


@dataclass(frozen=True)
class Outcome:
    """One row of the impact map: who changes, how much, for how long, and what it is worth."""

    id: str
    stakeholder: str
    description: str
    quantity: float
    proxy: Proxy
    duration: int
    start: int = 1
    deadweight: float = 0.0
    displacement: float = 0.0
    attribution: float = 0.0
    drop_off: float = 0.0
    indicator: str | None = None
    value_type: str | None = None
    uncertainty: dict[str, Distribution] = field(default_factory=dict)

    @property
    def proxy_value(self) -> float:
        return self.proxy.value

    @property
    def impact(self) -> float:
        """Q * P * (1 - DW) * (1 - DS) * (1 - AT): the first year's value after deductions."""
        return (
            self.quantity
            * self.proxy.value
            * (1.0 - self.deadweight)
            * (1.0 - self.displacement)
            * (1.0 - self.attribution)
        )

    def field_value(self, name: str) -> float:
        return float(self.proxy.value if name == "proxy_value" else getattr(self, name))


@dataclass(frozen=True)
class Input:
    """One contribution to the investment (money or money's worth)."""

    value: float
    stakeholder: str | None = None
    description: str | None = None
    uncertainty: Distribution | None = None


@dataclass(frozen=True)
class Discount:
    """The discount rate (a number or a named schedule), its convention and optional distribution."""

    rate: float | str = 0.035
    convention: str = "end"
    uncertainty: Distribution | None = None


@dataclass(frozen=True)
class MonteCarloSettings:
    draws: int = DEFAULT_DRAWS
    seed: int | None = None


@dataclass(frozen=True)
class ImpactMap:
    """A whole SROI impact map as read from a file or built in code."""

    title: str
    inputs: tuple[Input, ...]
    outcomes: tuple[Outcome, ...]
    currency: str = "GBP"
    price_year: int | None = None
    discount: Discount = field(default_factory=Discount)
    monte_carlo: MonteCarloSettings | None = None

    @property
    def investment(self) -> float:
        return float(sum(i.value for i in self.inputs))

    @property
    def horizon(self) -> int:
        return max(o.start + o.duration - 1 for o in self.outcomes)

    def restatement_factors(self, deflators: DeflatorTable | None = None) -> tuple[float, ...]:
        """``D[price_year] / D[proxy price year]`` per outcome, 1.0 where nothing is restated.

        Nothing is restated when the map has no price year or a proxy states none (or the same
        one). A year outside the deflator series raises InputError naming its place.
        """
        table = deflators or load_deflators()
        problems = price_year_problems(self, table)
        if problems:
            raise InputError(problems)
        if self.price_year is None:
            return tuple(1.0 for _ in self.outcomes)
        target = table.index[self.price_year]
        return tuple(
            1.0
            if o.proxy.price_year is None or o.proxy.price_year == self.price_year
            else float(target) / float(table.index[o.proxy.price_year])
            for o in self.outcomes
        )

    @property
    def uncertain_fields(self) -> int:
        """How many fields carry a distribution: per outcome, per input, and the discount rate."""
        return (
            sum(len(o.uncertainty) for o in self.outcomes)
            + sum(1 for i in self.inputs if i.uncertainty is not None)
            + (1 if self.discount.uncertainty is not None else 0)
        )

    def proxy_price_years(self) -> list[int]:
        """The distinct price years the proxies state, oldest first."""
        return sorted({o.proxy.price_year for o in self.outcomes if o.proxy.price_year is not None})

    def to_dict(self) -> dict[str, Any]:
        """The file form (plain dicts, lists, numbers and text): load_impact_map reads it back."""
        out: dict[str, Any] = {"title": self.title, "currency": self.currency}
        if self.price_year is not None:
            out["price_year"] = self.price_year
        discount: dict[str, Any] = {
            "rate": self.discount.rate,
            "convention": self.discount.convention,
        }
        if self.discount.uncertainty is not None:
            discount["uncertainty"] = {"rate": self.discount.uncertainty.to_dict()}
        out["discount"] = discount
        out["inputs"] = [_input_dict(i) for i in self.inputs]
        out["outcomes"] = [_outcome_dict(o) for o in self.outcomes]
        if self.monte_carlo is not None:
            mc: dict[str, Any] = {"draws": self.monte_carlo.draws}
            if self.monte_carlo.seed is not None:
                mc["seed"] = self.monte_carlo.seed
            out["sensitivity"] = {"monte_carlo": mc}
        return out

    def to_yaml(self) -> str:
        return str(yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True))


def _input_dict(item: Input) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if item.stakeholder is not None:
        out["stakeholder"] = item.stakeholder
    if item.description is not None:
        out["description"] = item.description
    out["value"] = item.value
    if item.uncertainty is not None:
        out["uncertainty"] = {"value": item.uncertainty.to_dict()}
    return out


def _outcome_dict(o: Outcome) -> dict[str, Any]:
    out: dict[str, Any] = {"id": o.id, "stakeholder": o.stakeholder, "description": o.description}
    if o.indicator is not None:
        out["indicator"] = o.indicator
    if o.value_type is not None:
        out["value_type"] = o.value_type
    out["quantity"] = o.quantity
    proxy: dict[str, Any] = {"value": o.proxy.value}
    for key in ("description", "source", "price_year"):
        value = getattr(o.proxy, key)
        if value is not None:
            proxy[key] = value
    out["proxy"] = proxy
    out["duration"] = o.duration
    out["start"] = o.start
    for key in PERCENT_FIELDS:
        out[key] = getattr(o, key)
    if o.uncertainty:
        out["uncertainty"] = {k: d.to_dict() for k, d in o.uncertainty.items()}
    return out


# --- validation -------------------------------------------------------------------------------


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if value is None:
        return "empty"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _domain_text(low: float, high: float) -> str:
    if high == INF and low == -INF:
        return "a number"
    if high == INF:
        return f"at least {_num(low)}"
    return f"between {_num(low)} and {_num(high)}"


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _outside_series(year: int, table: DeflatorTable) -> str:
    return f"{year} is outside the deflator series {table.first_year}-{table.last_year}"


def price_year_problems(impact_map: ImpactMap, table: DeflatorTable | None = None) -> list[Problem]:
    """A problem for the map's and each proxy's price year that the deflator series does not cover."""
    table = table or load_deflators()
    problems = []
    if impact_map.price_year is not None and impact_map.price_year not in table.index:
        problems.append(Problem("price_year", _outside_series(impact_map.price_year, table)))
    for k, o in enumerate(impact_map.outcomes):
        year = o.proxy.price_year
        if year is not None and year not in table.index:
            problems.append(
                Problem(f"outcomes[{k}].proxy.price_year", _outside_series(year, table))
            )
    return problems


class _Checker:
    """Collects every problem in a map instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, place: str, message: str) -> None:
        self.problems.append(Problem(place, message))

    def required(self, place: str) -> float | None:
        """Record a missing field; returns None so it can stand in for the field's value."""
        self.add(place, "is required")
        return None

    def mapping(self, value: Any, place: str) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.add(place, f"{_show(value)} is not a mapping of keys to values")
            return None
        return value

    def keys(
        self, data: Mapping[Any, Any], place: str, allowed: set[str] | tuple[str, ...]
    ) -> None:
        for key in data:
            if not isinstance(key, str) or key not in allowed:
                where = f"{place}.{key}" if place else str(key)
                self.add(where, f"unknown key (expected one of: {', '.join(sorted(allowed))})")

    def number(
        self,
        value: Any,
        place: str,
        low: float = -INF,
        high: float = INF,
    ) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(place, f"{_show(value)} is not a number")
            return None
        try:
            number = float(value)
        except OverflowError:
            self.add(place, f"{_show(value)} is too large")
            return None
        if not math.isfinite(number):
            self.add(place, f"{_show(value)} is not a finite number")
            return None
        if not low <= number <= high:
            self.add(place, f"{_show(value)} is not {_domain_text(low, high)}")
            return None
        return number

    def whole(self, value: Any, place: str, low: int = 1, high: int | None = None) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(place, f"{_show(value)} is not a whole number")
            return None
        if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
            self.add(place, f"{_show(value)} is not a whole number")
            return None
        number = int(value)
        if number < low:
            self.add(place, f"{_show(value)} is not a whole number of at least {low}")
            return None
        if high is not None and number > high:
            self.add(place, f"{_show(value)} is not a whole number between {low} and {high}")
            return None
        return number

    def text(self, value: Any, place: str, required: bool) -> str | None:
        if value is None:
            if required:
                self.add(place, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.add(place, f"{_show(value)} is not text")
            return None
        text = str(value).strip()
        if not text and required:
            self.add(place, "is required and must not be blank")
            return None
        return text or None

    def distribution(self, value: Any, place: str, domain: str) -> Distribution | None:
        data = self.mapping(value, place)
        if data is None:
            return None
        low_d, high_d = DOMAINS[domain]
        kind = data.get("dist")
        if kind not in DISTRIBUTIONS:
            self.add(
                f"{place}.dist",
                f"{_show(kind)} is not a distribution (use one of: {', '.join(DISTRIBUTIONS)})",
            )
            return None
        required, optional = _DIST_KEYS[kind]
        self.keys(data, place, {"dist"} | required | optional)
        missing = sorted(required - set(data))
        for key in missing:
            self.add(f"{place}.{key}", f"is required for a {kind} distribution")
        if missing:
            return None
        before = len(self.problems)
        if kind == "choice":
            return self._choice(data, place, low_d, high_d)
        if kind == "normal":
            mean = self.number(data["mean"], f"{place}.mean")
            sd = self.number(data["sd"], f"{place}.sd", 0.0)
            low = self.number(data["low"], f"{place}.low", low_d, high_d) if "low" in data else None
            high = (
                self.number(data["high"], f"{place}.high", low_d, high_d)
                if "high" in data
                else None
            )
            if len(self.problems) > before or mean is None or sd is None:
                return None
            lo = max(low_d, low if low is not None else -INF)
            hi = min(high_d, high if high is not None else INF)
            if lo > hi:
                self.add(place, f"low {_num(lo)} is above high {_num(hi)}")
                return None
            if sd == 0.0 and not lo <= mean <= hi:
                self.add(f"{place}.mean", f"{_show(mean)} is not {_domain_text(lo, hi)}")
                return None
            return Distribution("normal", low=low, high=high, mean=mean, sd=sd)
        low = self.number(data["low"], f"{place}.low", low_d, high_d)
        high = self.number(data["high"], f"{place}.high", low_d, high_d)
        mode = self.number(data["mode"], f"{place}.mode", low_d, high_d) if "mode" in data else None
        if len(self.problems) > before or low is None or high is None:
            return None
        if low > high:
            self.add(place, f"low {_num(low)} is above high {_num(high)}")
            return None
        if kind != "uniform":
            assert mode is not None
            if not low <= mode <= high:
                self.add(
                    f"{place}.mode", f"{_show(mode)} is not between {_num(low)} and {_num(high)}"
                )
                return None
        return Distribution(kind, low=low, mode=mode, high=high)

    def _choice(
        self, data: Mapping[str, Any], place: str, low_d: float, high_d: float
    ) -> Distribution | None:
        raw = data["values"]
        if not isinstance(raw, list | tuple) or not raw:
            self.add(f"{place}.values", f"{_show(raw)} is not a non-empty list of numbers")
            return None
        values = [self.number(v, f"{place}.values[{k}]", low_d, high_d) for k, v in enumerate(raw)]
        weights: list[float | None] | None = None
        if "weights" in data and data["weights"] is not None:
            raw_w = data["weights"]
            if not isinstance(raw_w, list | tuple) or len(raw_w) != len(raw):
                self.add(f"{place}.weights", f"{_show(raw_w)} is not a list of {len(raw)} weights")
                return None
            weights = [self.number(w, f"{place}.weights[{k}]", 0.0) for k, w in enumerate(raw_w)]
            if all(w is not None for w in weights) and sum(w or 0.0 for w in weights) <= 0:
                self.add(f"{place}.weights", "must not all be zero")
                return None
        if any(v is None for v in values) or (weights is not None and None in weights):
            return None
        return Distribution(
            "choice",
            values=tuple(float(v or 0.0) for v in values),
            weights=None if weights is None else tuple(float(w or 0.0) for w in weights),
        )


_TOP_KEYS = ("title", "currency", "price_year", "discount", "inputs", "outcomes", "sensitivity")
_OUTCOME_KEYS = (
    "id",
    "stakeholder",
    "description",
    "indicator",
    "value_type",
    "quantity",
    "proxy",
    "duration",
    "start",
    *PERCENT_FIELDS,
    "uncertainty",
)


def parse_impact_map(data: Any, *, source: str | None = None) -> ImpactMap:
    """Validate a parsed file (dicts and lists) into an ImpactMap, or raise InputError naming every problem."""
    check = _Checker()
    top = check.mapping(data, "")
    if top is None:
        raise InputError(check.problems, source=source)
    check.keys(top, "", _TOP_KEYS)

    title = check.text(top.get("title"), "title", required=True)
    currency = check.text(top.get("currency", "GBP"), "currency", required=True) or "GBP"
    price_year = (
        check.whole(top["price_year"], "price_year", 1)
        if top.get("price_year") is not None
        else None
    )
    discount = _parse_discount(check, top.get("discount"))
    inputs = _parse_inputs(check, top.get("inputs"))
    outcomes = _parse_outcomes(check, top.get("outcomes"))
    monte_carlo = _parse_sensitivity(check, top.get("sensitivity"))

    table = load_deflators()
    if price_year is not None and price_year not in table.index:
        check.add("price_year", _outside_series(price_year, table))
    if check.problems:
        raise InputError(check.problems, source=source)
    assert title is not None and discount is not None
    return ImpactMap(
        title=title,
        currency=currency,
        price_year=price_year,
        discount=discount,
        inputs=tuple(inputs),
        outcomes=tuple(outcomes),
        monte_carlo=monte_carlo,
    )


def _parse_discount(check: _Checker, raw: Any) -> Discount | None:
    if raw is None:
        return Discount()
    data = check.mapping(raw, "discount")
    if data is None:
        return None
    check.keys(data, "discount", ("rate", "convention", "uncertainty"))
    rate_raw = data.get("rate", 0.035)
    rate: float | str | None
    if isinstance(rate_raw, str):
        if rate_raw not in SCHEDULES:
            check.add(
                "discount.rate",
                f"{_show(rate_raw)} is not a number or one of: {', '.join(SCHEDULES)}",
            )
            rate = None
        else:
            rate = rate_raw
    else:
        rate = check.number(rate_raw, "discount.rate", 0.0, 1.0)
    convention = data.get("convention", "end")
    if convention not in CONVENTIONS:
        check.add(
            "discount.convention",
            f"{_show(convention)} is not one of: {', '.join(CONVENTIONS)}",
        )
    uncertainty = None
    if data.get("uncertainty") is not None:
        block = check.mapping(data["uncertainty"], "discount.uncertainty")
        if block is not None:
            check.keys(block, "discount.uncertainty", ("rate",))
            if isinstance(rate, str):
                check.add(
                    "discount.uncertainty.rate",
                    "a distribution needs a numeric rate, not a named schedule",
                )
            elif "rate" in block:
                uncertainty = check.distribution(block["rate"], "discount.uncertainty.rate", "rate")
    if rate is None or convention not in CONVENTIONS:
        return None
    return Discount(rate=rate, convention=str(convention), uncertainty=uncertainty)


def _parse_inputs(check: _Checker, raw: Any) -> list[Input]:
    if raw is None or (isinstance(raw, list | tuple) and not raw):
        check.add("inputs", "at least one input is required")
        return []
    if not isinstance(raw, list | tuple) or not raw:
        check.add("inputs", f"{_show(raw)} is not a non-empty list of inputs")
        return []
    inputs = []
    for k, item in enumerate(raw):
        place = f"inputs[{k}]"
        data = check.mapping(item, place)
        if data is None:
            continue
        check.keys(data, place, ("stakeholder", "description", "value", "uncertainty"))
        stakeholder = check.text(data.get("stakeholder"), f"{place}.stakeholder", required=False)
        description = check.text(data.get("description"), f"{place}.description", required=False)
        if "value" not in data:
            check.add(f"{place}.value", "is required")
            value = None
        else:
            value = check.number(data["value"], f"{place}.value", 0.0)
        uncertainty = None
        if data.get("uncertainty") is not None:
            block = check.mapping(data["uncertainty"], f"{place}.uncertainty")
            if block is not None:
                check.keys(block, f"{place}.uncertainty", ("value",))
                if "value" in block:
                    uncertainty = check.distribution(
                        block["value"], f"{place}.uncertainty.value", "value"
                    )
        if value is not None:
            inputs.append(Input(value, stakeholder, description, uncertainty))
    return inputs


def _parse_outcomes(check: _Checker, raw: Any) -> list[Outcome]:
    if raw is None or (isinstance(raw, list | tuple) and not raw):
        check.add("outcomes", "at least one outcome is required")
        return []
    if not isinstance(raw, list | tuple) or not raw:
        check.add("outcomes", f"{_show(raw)} is not a non-empty list of outcomes")
        return []
    outcomes: list[Outcome] = []
    seen: dict[str, int] = {}
    for k, item in enumerate(raw):
        place = f"outcomes[{k}]"
        data = check.mapping(item, place)
        if data is None:
            continue
        before = len(check.problems)
        check.keys(data, place, _OUTCOME_KEYS)
        oid = check.text(data.get("id", f"o{k + 1}"), f"{place}.id", required=True)
        if oid is not None:
            if oid in seen:
                check.add(f"{place}.id", f"{_show(oid)} is already used by outcomes[{seen[oid]}]")
            seen.setdefault(oid, k)
        stakeholder = check.text(data.get("stakeholder"), f"{place}.stakeholder", required=True)
        description = check.text(data.get("description"), f"{place}.description", required=True)
        indicator = check.text(data.get("indicator"), f"{place}.indicator", required=False)
        value_type = data.get("value_type")
        if value_type is not None and value_type not in VALUE_TYPES:
            check.add(
                f"{place}.value_type",
                f"{_show(value_type)} is not one of: {', '.join(VALUE_TYPES)}",
            )
        quantity = (
            check.number(data["quantity"], f"{place}.quantity", 0.0)
            if "quantity" in data
            else check.required(f"{place}.quantity")
        )
        proxy = _parse_proxy(check, data.get("proxy"), f"{place}.proxy")
        duration = (
            check.whole(data["duration"], f"{place}.duration", 1, MAX_YEARS)
            if "duration" in data
            else check.required(f"{place}.duration")
        )
        start = check.whole(data.get("start", 1), f"{place}.start", 1, MAX_YEARS)
        percents = {
            name: check.number(data.get(name, 0.0), f"{place}.{name}", 0.0, 1.0)
            for name in PERCENT_FIELDS
        }
        uncertainty: dict[str, Distribution] = {}
        if data.get("uncertainty") is not None:
            block = check.mapping(data["uncertainty"], f"{place}.uncertainty")
            if block is not None:
                check.keys(block, f"{place}.uncertainty", UNCERTAIN_FIELDS)
                for name in UNCERTAIN_FIELDS:
                    if name in block:
                        dist = check.distribution(block[name], f"{place}.uncertainty.{name}", name)
                        if dist is not None:
                            uncertainty[name] = dist
        if len(check.problems) > before:
            continue
        assert oid and stakeholder and description and proxy is not None
        assert quantity is not None and duration is not None and start is not None
        outcomes.append(
            Outcome(
                id=oid,
                stakeholder=stakeholder,
                description=description,
                indicator=indicator,
                value_type=value_type,
                quantity=quantity,
                proxy=proxy,
                duration=int(duration),
                start=start,
                deadweight=percents["deadweight"] or 0.0,
                displacement=percents["displacement"] or 0.0,
                attribution=percents["attribution"] or 0.0,
                drop_off=percents["drop_off"] or 0.0,
                uncertainty=uncertainty,
            )
        )
    return outcomes


def _parse_proxy(check: _Checker, raw: Any, place: str) -> Proxy | None:
    if raw is None:
        check.add(place, "is required")
        return None
    if not isinstance(raw, Mapping):
        value = check.number(raw, place)
        return None if value is None else Proxy(value)
    check.keys(raw, place, ("value", "description", "source", "price_year"))
    if "value" not in raw:
        check.add(f"{place}.value", "is required")
        return None
    value = check.number(raw["value"], f"{place}.value")
    description = check.text(raw.get("description"), f"{place}.description", required=False)
    source = check.text(raw.get("source"), f"{place}.source", required=False)
    price_year = (
        check.whole(raw["price_year"], f"{place}.price_year", 1)
        if raw.get("price_year") is not None
        else None
    )
    table = load_deflators()
    if price_year is not None and price_year not in table.index:
        check.add(f"{place}.price_year", _outside_series(price_year, table))
        return None
    if value is None:
        return None
    return Proxy(value, description, source, price_year)


def _parse_sensitivity(check: _Checker, raw: Any) -> MonteCarloSettings | None:
    if raw is None:
        return None
    data = check.mapping(raw, "sensitivity")
    if data is None:
        return None
    check.keys(data, "sensitivity", ("monte_carlo",))
    mc = data.get("monte_carlo")
    if mc is None:
        return None
    block = check.mapping(mc, "sensitivity.monte_carlo")
    if block is None:
        return None
    check.keys(block, "sensitivity.monte_carlo", ("draws", "seed"))
    draws = check.whole(
        block.get("draws", DEFAULT_DRAWS), "sensitivity.monte_carlo.draws", 1, MAX_DRAWS
    )
    seed = (
        check.whole(block["seed"], "sensitivity.monte_carlo.seed", 0)
        if block.get("seed") is not None
        else None
    )
    if draws is None:
        return None
    return MonteCarloSettings(draws=draws, seed=seed)
