"""Tender evaluation: score bids on price, quality and social value, check the charter, test the winner.

The method and the file format are `docs/tender-evaluation.md`. Where that text leaves a choice
open, this module takes the one a UK procurement practitioner would expect:

- **Defaults.** `max_score` 5; `price.method` `lowest_over_bid`; the `price`, `quality`,
  `social_value`, `charter` and per-bid `commitments` sections may be left out. A missing
  `social_value` section (or one giving neither part) splits the social value weight 50/50
  between the method statement and the valued commitments; giving only one of the two parts is
  an error, because a split that silently completes itself hides a typo. A criterion's `name`
  defaults to its `id`. A charter rule left out does not apply (minimum weight 0, minimum
  outcomes 0); `threshold` defaults to 0.
- **Strictness.** Unknown keys, duplicate keys in a YAML/JSON mapping, duplicate criterion ids,
  duplicate outcomes and duplicate bidders are errors. Numbers must be numbers (a quoted "5" or
  `true` is an error), finite, and in range. Sums are compared to within 1e-6 so that weights
  such as 33.3/33.3/33.4 are accepted. `social_value_score` is required on every bid even when
  the social value weight is 0, as a missing score usually means a missing evaluation.
- **Ranks and winners.** A bid's rank is 1 + the number of bids whose total is more than 1e-9
  above its own (standard competition ranking: 1, 1, 3). The winner is every bid ranked 1: a
  string for one, a list sorted by name for several.
- **Charter.** Checked only when a charter is given and `contract_value` is missing or at least
  the threshold. A breach does not stop the evaluation and does not change the exit code.
  Numbers in the sentences are written as typed (5%, 12.5%), and one outcome is singular
  ("asks for 1 social value outcome").
- **Sensitivity.** At a social value weight w, price and quality share 100 - w in their current
  ratio, each quality criterion keeps its share of quality and the two social value parts keep
  their split. Each bid's total is the line (100 - w) * a + w * b, so the winner set is
  constant between crossing points of the lines: the range [0, 100] is cut at every crossing,
  the winner set is read at each piece's midpoint and neighbouring pieces with the same winner
  are merged. Bids share a piece only when their lines coincide (within 1e-9 at both ends of
  the range); lines that only touch at a point do not make a shared interval. When
  weights.price + weights.quality is 0 there is no ratio to keep, so the range is the single
  point of the current weights: one interval from and to the current social value weight (100)
  whose winner is the evaluation's winner. `total_by_social_value_weight` then accepts only that
  weight.
- **Share of price.** `social_value_offered_share_of_price` is a fraction (0.0326 for 3.26%),
  at full precision.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from gettext import ngettext
from pathlib import Path
from typing import Any

import yaml

from socialvalue.core.errors import InputError, Problem
from socialvalue.core.formats.strict import load_json, load_yaml, yaml_message

__all__ = [
    "PRICE_METHODS",
    "TIE_TOLERANCE",
    "BidScore",
    "Bid",
    "Charter",
    "Commitment",
    "Criterion",
    "SocialValue",
    "Tender",
    "TenderEvaluation",
    "Weights",
    "WinnerInterval",
    "check_charter",
    "dump_tender",
    "evaluate",
    "load_tender",
    "parse_tender",
    "read_tender_file",
    "reweight",
    "total_by_social_value_weight",
    "winner_by_social_value_weight",
]

PRICE_METHODS = ("lowest_over_bid", "deviation_from_lowest")

#: Totals closer than this share a rank.
TIE_TOLERANCE = 1e-9

# Weights typed by hand (33.3 + 33.3 + 33.4) rarely add to exactly 100 in binary floating point.
_SUM_TOLERANCE = 1e-6

Winner = str | list[str]


# --------------------------------------------------------------------------------------------
# The tender


@dataclass(frozen=True)
class Weights:
    """The percentage of the total each part of the evaluation is worth; they sum to 100."""

    price: float
    quality: float
    social_value: float


@dataclass(frozen=True)
class Criterion:
    """One quality criterion: its weight is its share of the 100 points."""

    id: str
    name: str
    weight: float


@dataclass(frozen=True)
class SocialValue:
    """How the social value weight is split, and the outcomes the tender asks for."""

    qualitative: float = 50.0
    quantitative: float = 50.0
    outcomes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Charter:
    """The buyer's own rules for its tenders, applied at or above the contract value threshold."""

    minimum_social_value_weight: float = 0.0
    threshold: float = 0.0
    minimum_outcomes: int = 0


@dataclass(frozen=True)
class Commitment:
    """Social value a bidder offers: a quantity of a measure, each worth proxy_value."""

    measure: str
    quantity: float
    proxy_value: float

    @property
    def value(self) -> float:
        return self.quantity * self.proxy_value


@dataclass(frozen=True)
class Bid:
    """One bidder's offer and the evaluators' scores for it."""

    bidder: str
    price: float
    quality: Mapping[str, float]
    social_value_score: float
    commitments: tuple[Commitment, ...] = ()

    @property
    def social_value_offered(self) -> float:
        return sum((c.value for c in self.commitments), 0.0)


@dataclass(frozen=True)
class Tender:
    """A tender ready to evaluate: build one with `load_tender`, which validates it."""

    title: str
    weights: Weights
    bids: tuple[Bid, ...]
    quality: tuple[Criterion, ...] = ()
    social_value: SocialValue = field(default_factory=SocialValue)
    price_method: str = "lowest_over_bid"
    max_score: float = 5.0
    contract_value: float | None = None
    charter: Charter | None = None


# --------------------------------------------------------------------------------------------
# Reading and validating


def _fmt(value: Any) -> str:
    """A number as a person wrote it: 5 not 5.0, 12.5 as 12.5."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return repr(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _at(place: str, key: Any) -> str:
    return f"{place}.{key}" if place else str(key)


_MISSING = object()


class _Reader:
    """Walks the raw mapping once, collecting every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, place: str, message: str) -> None:
        self.problems.append(Problem(place, message))

    def mapping(
        self, value: Any, place: str, allowed: Sequence[str], *, what: str = "a mapping"
    ) -> dict[str, Any] | None:
        if not isinstance(value, Mapping):
            self.add(place, f"must be {what}, not {_describe(value)}")
            return None
        for key in value:
            if key not in allowed:
                self.add(_at(place, key), f"unknown key (expected one of {', '.join(allowed)})")
        return {k: v for k, v in value.items() if k in allowed}

    def text(self, data: Mapping[str, Any], key: str, place: str, *, required: bool = True) -> Any:
        value = data.get(key, _MISSING)
        where = _at(place, key)
        if value is _MISSING or value is None:
            if required:
                self.add(where, "missing")
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(where, f"must be non-empty text, not {_describe(value)}")
            return None
        return value.strip()

    def number(
        self,
        data: Mapping[str, Any],
        key: str,
        place: str,
        *,
        default: Any = _MISSING,
        minimum: float | None = None,
        above: float | None = None,
        maximum: float | None = None,
        maximum_name: str | None = None,
        whole: bool = False,
    ) -> float | None:
        value = data.get(key, _MISSING)
        where = _at(place, key)
        if value is _MISSING or value is None:
            if default is _MISSING:
                self.add(where, "missing")
            return None if default is _MISSING else default
        return self.check_number(
            value,
            where,
            minimum=minimum,
            above=above,
            maximum=maximum,
            maximum_name=maximum_name,
            whole=whole,
        )

    def check_number(
        self,
        value: Any,
        where: str,
        *,
        minimum: float | None = None,
        above: float | None = None,
        maximum: float | None = None,
        maximum_name: str | None = None,
        whole: bool = False,
    ) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(where, f"must be a number, not {_describe(value)}")
            return None
        if not math.isfinite(value):
            self.add(where, f"must be a finite number, not {value}")
            return None
        if whole and not float(value).is_integer():
            self.add(where, f"{_fmt(value)} must be a whole number")
            return None
        ok = True
        if minimum is not None and value < minimum:
            self.add(where, f"{_fmt(value)} is below {_fmt(minimum)}")
            ok = False
        if above is not None and value <= above:
            self.add(where, f"{_fmt(value)} must be above {_fmt(above)}")
            ok = False
        if maximum is not None and value > maximum:
            label = f"{maximum_name} {_fmt(maximum)}" if maximum_name else _fmt(maximum)
            self.add(where, f"{_fmt(value)} is above {label}")
            ok = False
        return float(value) if ok else None

    def sequence(self, data: Mapping[str, Any], key: str, place: str) -> list[Any]:
        value = data.get(key, _MISSING)
        if value is _MISSING or value is None:
            return []
        if not isinstance(value, list | tuple):
            self.add(_at(place, key), f"must be a list, not {_describe(value)}")
            return []
        return list(value)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, str):
        return f'the text "{value}"'
    return repr(value)


_TOP_KEYS = (
    "title",
    "contract_value",
    "max_score",
    "weights",
    "price",
    "quality",
    "social_value",
    "charter",
    "bids",
)


def parse_tender(data: Any, *, source: str | None = None) -> Tender:
    """Validate a raw mapping (as read from YAML or JSON) into a Tender, reporting every problem."""
    r = _Reader()
    top = r.mapping(data, "", _TOP_KEYS, what="a mapping of tender fields")
    if top is None:
        raise InputError(r.problems, source=source)

    title = r.text(top, "title", "")
    contract_value = r.number(top, "contract_value", "", default=None, minimum=0)
    max_score = r.number(top, "max_score", "", default=5.0, above=0)

    weights = _read_weights(r, top.get("weights", _MISSING))
    price_method = _read_price(r, top.get("price"))
    criteria = _read_criteria(r, top.get("quality"), weights)
    social_value = _read_social_value(r, top.get("social_value"))
    charter = _read_charter(r, top.get("charter"))
    bids = _read_bids(r, top.get("bids", _MISSING), criteria, max_score)

    if r.problems:
        raise InputError(r.problems, source=source)
    assert title is not None and weights is not None and criteria is not None
    assert social_value is not None and max_score is not None and bids is not None
    return Tender(
        title=title,
        weights=weights,
        bids=tuple(bids),
        quality=tuple(criteria),
        social_value=social_value,
        price_method=price_method or "lowest_over_bid",
        max_score=max_score,
        contract_value=contract_value,
        charter=charter,
    )


def _read_weights(r: _Reader, raw: Any) -> Weights | None:
    if raw is _MISSING or raw is None:
        r.add("weights", "missing")
        return None
    data = r.mapping(raw, "weights", ("price", "quality", "social_value"))
    if data is None:
        return None
    parts = {
        key: r.number(data, key, "weights", minimum=0, maximum=100)
        for key in ("price", "quality", "social_value")
    }
    if any(v is None for v in parts.values()):
        return None
    price, quality, social_value = (float(parts[k] or 0.0) for k in parts)
    total = price + quality + social_value
    if abs(total - 100) > _SUM_TOLERANCE:
        r.add(
            "weights",
            f"price {_fmt(price)} + quality {_fmt(quality)} + social_value {_fmt(social_value)}"
            f" = {_fmt(total)}, not 100",
        )
        return None
    return Weights(price, quality, social_value)


def _read_price(r: _Reader, raw: Any) -> str | None:
    if raw is None:
        return "lowest_over_bid"
    data = r.mapping(raw, "price", ("method",))
    if data is None:
        return None
    method = data.get("method", "lowest_over_bid")
    if method not in PRICE_METHODS:
        r.add("price.method", f"{_describe(method)} is not one of {', '.join(PRICE_METHODS)}")
        return None
    return str(method)


def _read_criteria(r: _Reader, raw: Any, weights: Weights | None) -> list[Criterion] | None:
    if raw is None:
        raw = []
    if not isinstance(raw, list | tuple):
        r.add("quality", f"must be a list of criteria, not {_describe(raw)}")
        return None
    criteria: list[Criterion] = []
    complete = True
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        place = f"quality[{i}]"
        data = r.mapping(item, place, ("id", "name", "weight"))
        if data is None:
            complete = False
            continue
        cid = r.text(data, "id", place)
        name = r.text(data, "name", place, required=False)
        weight = r.number(data, "weight", place, minimum=0, maximum=100)
        if cid is not None and cid in seen:
            r.add(_at(place, "id"), f'"{cid}" is already used by quality[{seen[cid]}]')
            complete = False
            continue
        if cid is None or weight is None:
            complete = False
            continue
        seen[cid] = i
        criteria.append(Criterion(cid, name or cid, weight))
    if complete and weights is not None:
        total = sum(c.weight for c in criteria)
        if abs(total - weights.quality) > _SUM_TOLERANCE:
            r.add(
                "quality",
                f"criteria weights sum to {_fmt(total)}, not weights.quality {_fmt(weights.quality)}",
            )
    return criteria if complete else None


def _read_social_value(r: _Reader, raw: Any) -> SocialValue | None:
    if raw is None:
        return SocialValue()
    data = r.mapping(raw, "social_value", ("qualitative", "quantitative", "outcomes"))
    if data is None:
        return None
    ok = True
    if "qualitative" not in data and "quantitative" not in data:
        qualitative: float | None = 50.0
        quantitative: float | None = 50.0
    else:
        qualitative = r.number(data, "qualitative", "social_value", minimum=0, maximum=100)
        quantitative = r.number(data, "quantitative", "social_value", minimum=0, maximum=100)
        if qualitative is None or quantitative is None:
            ok = False
        elif abs(qualitative + quantitative - 100) > _SUM_TOLERANCE:
            r.add(
                "social_value",
                f"qualitative {_fmt(qualitative)} + quantitative {_fmt(quantitative)}"
                f" = {_fmt(qualitative + quantitative)}, not 100",
            )
            ok = False
    outcomes: list[str] = []
    seen: dict[str, int] = {}
    for i, outcome in enumerate(r.sequence(data, "outcomes", "social_value")):
        place = f"social_value.outcomes[{i}]"
        if not isinstance(outcome, str) or not outcome.strip():
            r.add(place, f"must be non-empty text, not {_describe(outcome)}")
            ok = False
            continue
        outcome = outcome.strip()
        if outcome in seen:
            r.add(place, f'"{outcome}" is already listed at social_value.outcomes[{seen[outcome]}]')
            ok = False
            continue
        seen[outcome] = i
        outcomes.append(outcome)
    if not ok:
        return None
    assert qualitative is not None and quantitative is not None
    return SocialValue(qualitative, quantitative, tuple(outcomes))


def _read_charter(r: _Reader, raw: Any) -> Charter | None:
    if raw is None:
        return None
    data = r.mapping(
        raw, "charter", ("minimum_social_value_weight", "threshold", "minimum_outcomes")
    )
    if data is None:
        return None
    minimum_weight = r.number(
        data, "minimum_social_value_weight", "charter", default=0.0, minimum=0, maximum=100
    )
    threshold = r.number(data, "threshold", "charter", default=0.0, minimum=0)
    minimum_outcomes = r.number(
        data, "minimum_outcomes", "charter", default=0.0, minimum=0, whole=True
    )
    if minimum_weight is None or threshold is None or minimum_outcomes is None:
        return None
    return Charter(minimum_weight, threshold, int(minimum_outcomes))


def _read_bids(
    r: _Reader, raw: Any, criteria: list[Criterion] | None, max_score: float | None
) -> list[Bid] | None:
    if raw is _MISSING or raw is None:
        r.add("bids", "missing; a tender needs at least one bid")
        return None
    if not isinstance(raw, list | tuple):
        r.add("bids", f"must be a list of bids, not {_describe(raw)}")
        return None
    if not raw:
        r.add("bids", "empty; a tender needs at least one bid")
        return None
    bids: list[Bid] = []
    complete = True
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        place = f"bids[{i}]"
        bid = _read_bid(r, item, place, criteria, max_score)
        if bid is None:
            complete = False
        name = bid.bidder if bid else _bidder_name(item)
        if name is not None:
            if name in seen:
                r.add(_at(place, "bidder"), f'"{name}" is already used by bids[{seen[name]}]')
                complete = False
            else:
                seen[name] = i
        if bid is not None:
            bids.append(bid)
    return bids if complete else None


def _bidder_name(item: Any) -> str | None:
    if isinstance(item, Mapping):
        name = item.get("bidder")
        if isinstance(name, str) and name.strip():
            return name.strip()
    return None


def _read_bid(
    r: _Reader,
    raw: Any,
    place: str,
    criteria: list[Criterion] | None,
    max_score: float | None,
) -> Bid | None:
    data = r.mapping(
        raw, place, ("bidder", "price", "quality", "social_value_score", "commitments")
    )
    if data is None:
        return None
    before = len(r.problems)
    bidder = r.text(data, "bidder", place)
    price = r.number(data, "price", place, above=0)

    def score(value: Any, where: str) -> float | None:
        return r.check_number(value, where, minimum=0, maximum=max_score, maximum_name="max_score")

    scores: dict[str, float] = {}
    raw_quality = data.get("quality")
    quality_place = _at(place, "quality")
    if raw_quality is None:
        raw_quality = {}
    if not isinstance(raw_quality, Mapping):
        r.add(
            quality_place,
            f"must be a mapping of criterion id to score, not {_describe(raw_quality)}",
        )
    else:
        known = [c.id for c in criteria] if criteria is not None else None
        for key, value in raw_quality.items():
            where = _at(quality_place, key)
            if known is not None and key not in known:
                expected = ", ".join(known) if known else "none"
                r.add(where, f"unknown criterion (the criteria are {expected})")
                continue
            if value is None:
                continue  # reported below as missing
            s = score(value, where)
            if s is not None:
                scores[str(key)] = s
        for cid in known or ():
            if raw_quality.get(cid) is None:
                r.add(_at(quality_place, cid), "missing; every quality criterion needs a score")

    sv_score: float | None = None
    if data.get("social_value_score") is None:
        r.add(_at(place, "social_value_score"), "missing")
    else:
        sv_score = score(data["social_value_score"], _at(place, "social_value_score"))

    commitments: list[Commitment] = []
    for j, item in enumerate(r.sequence(data, "commitments", place)):
        cplace = f"{place}.commitments[{j}]"
        c = r.mapping(item, cplace, ("measure", "quantity", "proxy_value"))
        if c is None:
            continue
        measure = r.text(c, "measure", cplace)
        quantity = r.number(c, "quantity", cplace, minimum=0)
        proxy_value = r.number(c, "proxy_value", cplace, minimum=0)
        if measure is not None and quantity is not None and proxy_value is not None:
            commitments.append(Commitment(measure, quantity, proxy_value))

    if len(r.problems) > before or criteria is None:
        return None
    assert bidder is not None and price is not None and sv_score is not None
    return Bid(bidder, price, scores, sv_score, tuple(commitments))


def read_tender_file(path: str | Path) -> Any:
    """Read a YAML or JSON file into plain data; a syntax error becomes an InputError."""
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 text ({exc.reason} at byte {exc.start})", source=source
        ) from None
    if path.suffix.lower() == ".json":
        try:
            return load_json(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
                source=source,
            ) from None
        except ValueError as exc:
            raise InputError(f"not valid JSON: {exc}", source=source) from None
    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {yaml_message(exc)}", source=source) from None


def load_tender(path_or_dict: str | Path | Mapping[str, Any] | Tender) -> Tender:
    """Load and validate a tender from a YAML/JSON file or an already-parsed mapping."""
    if isinstance(path_or_dict, Tender):
        return path_or_dict
    if isinstance(path_or_dict, str | Path):
        return parse_tender(read_tender_file(path_or_dict), source=str(path_or_dict))
    return parse_tender(path_or_dict)


def _plain_number(value: float) -> int | float:
    # Whole numbers go back out as integers so an exported file reads like a typed one.
    if float(value).is_integer() and abs(value) < 2**53:
        return int(value)
    return float(value)


def dump_tender(tender: Tender) -> dict[str, Any]:
    """The tender as plain data in the file format; `load_tender(dump_tender(t)) == t`."""
    data: dict[str, Any] = {"title": tender.title}
    if tender.contract_value is not None:
        data["contract_value"] = _plain_number(tender.contract_value)
    data["max_score"] = _plain_number(tender.max_score)
    data["weights"] = {
        "price": _plain_number(tender.weights.price),
        "quality": _plain_number(tender.weights.quality),
        "social_value": _plain_number(tender.weights.social_value),
    }
    data["price"] = {"method": tender.price_method}
    data["quality"] = [
        {"id": c.id, "name": c.name, "weight": _plain_number(c.weight)} for c in tender.quality
    ]
    data["social_value"] = {
        "qualitative": _plain_number(tender.social_value.qualitative),
        "quantitative": _plain_number(tender.social_value.quantitative),
        "outcomes": list(tender.social_value.outcomes),
    }
    if tender.charter is not None:
        data["charter"] = {
            "minimum_social_value_weight": _plain_number(
                tender.charter.minimum_social_value_weight
            ),
            "threshold": _plain_number(tender.charter.threshold),
            "minimum_outcomes": tender.charter.minimum_outcomes,
        }
    data["bids"] = [
        {
            "bidder": b.bidder,
            "price": _plain_number(b.price),
            "quality": {k: _plain_number(v) for k, v in b.quality.items()},
            "social_value_score": _plain_number(b.social_value_score),
            "commitments": [
                {
                    "measure": c.measure,
                    "quantity": _plain_number(c.quantity),
                    "proxy_value": _plain_number(c.proxy_value),
                }
                for c in b.commitments
            ],
        }
        for b in tender.bids
    ]
    return data


# --------------------------------------------------------------------------------------------
# Scoring


@dataclass(frozen=True)
class BidScore:
    """One bid's scores, each out of its weight, with its rank among the bids."""

    bidder: str
    price: float
    price_score: float
    quality_score: float
    social_value_qualitative_score: float
    social_value_quantitative_score: float
    social_value_score: float
    total: float
    rank: int
    social_value_offered: float
    social_value_offered_share_of_price: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "bidder": self.bidder,
            "price": float(self.price),
            "price_score": float(self.price_score),
            "quality_score": float(self.quality_score),
            "social_value_qualitative_score": float(self.social_value_qualitative_score),
            "social_value_quantitative_score": float(self.social_value_quantitative_score),
            "social_value_score": float(self.social_value_score),
            "total": float(self.total),
            "rank": self.rank,
            "social_value_offered": float(self.social_value_offered),
            "social_value_offered_share_of_price": float(self.social_value_offered_share_of_price),
        }


@dataclass(frozen=True)
class WinnerInterval:
    """A stretch of social value weights over which the same bid (or bids) would win."""

    start: float
    end: float
    winner: Winner

    def to_dict(self) -> dict[str, Any]:
        winner = list(self.winner) if isinstance(self.winner, list) else self.winner
        return {"from": float(self.start), "to": float(self.end), "winner": winner}


@dataclass(frozen=True)
class TenderEvaluation:
    """The result of evaluating a tender; `to_dict()` is the JSON contract."""

    title: str
    bids: tuple[BidScore, ...]
    winner: Winner
    breaches: tuple[str, ...]
    sensitivity: tuple[WinnerInterval, ...]

    @property
    def compliant(self) -> bool:
        return not self.breaches

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "bids": [b.to_dict() for b in self.bids],
            "winner": list(self.winner) if isinstance(self.winner, list) else self.winner,
            "charter": {"compliant": self.compliant, "breaches": list(self.breaches)},
            "sensitivity": {"social_value_weight": [i.to_dict() for i in self.sensitivity]},
        }


@dataclass(frozen=True)
class _Ratios:
    """A bid's performance per point of weight, independent of how the weights are set."""

    price: float  # price_score / W_price
    quality: float  # quality_score at the current weights
    social_value: float  # social_value_score / W_sv, with the parts in their current split
    qualitative: float  # social_value_score / max_score
    quantitative: float  # offered / best offer (0 when the best offer is 0)


def _ratios(tender: Tender) -> list[_Ratios]:
    lowest = min(b.price for b in tender.bids)
    best_offer = max(b.social_value_offered for b in tender.bids)
    split = tender.social_value
    out = []
    for bid in tender.bids:
        if tender.price_method == "deviation_from_lowest":
            price = max(0.0, 1 - (bid.price - lowest) / lowest)
        else:
            price = lowest / bid.price
        quality = sum(c.weight * bid.quality[c.id] / tender.max_score for c in tender.quality)
        qualitative = bid.social_value_score / tender.max_score
        quantitative = bid.social_value_offered / best_offer if best_offer > 0 else 0.0
        social_value = (split.qualitative * qualitative + split.quantitative * quantitative) / 100
        out.append(_Ratios(price, quality, social_value, qualitative, quantitative))
    return out


def _ranks(totals: Sequence[float]) -> list[int]:
    return [1 + sum(1 for other in totals if other > t + TIE_TOLERANCE) for t in totals]


def _winner(names: Iterable[str]) -> Winner:
    ordered = sorted(names)
    return ordered[0] if len(ordered) == 1 else ordered


def _as_tender(tender: Tender | str | Path | Mapping[str, Any]) -> Tender:
    return tender if isinstance(tender, Tender) else load_tender(tender)


def score_bids(tender: Tender) -> list[BidScore]:
    """Each bid's scores at the tender's own weights, in input order."""
    tender = _as_tender(tender)
    w = tender.weights
    split = tender.social_value
    lowest = min(b.price for b in tender.bids)
    best_offer = max(b.social_value_offered for b in tender.bids)
    rows = []
    # Each score is computed in the order the method writes it, so that published figures can
    # be reproduced to the last digit by anyone following the method by hand or in a spreadsheet.
    for bid, ratio in zip(tender.bids, _ratios(tender), strict=True):
        if tender.price_method == "deviation_from_lowest":
            price_score = w.price * max(0.0, 1 - (bid.price - lowest) / lowest)
        else:
            price_score = w.price * lowest / bid.price
        quality_score = ratio.quality
        qualitative = (
            w.social_value * split.qualitative / 100 * bid.social_value_score / tender.max_score
        )
        offered = bid.social_value_offered
        # offered / best_offer first: offers can be tiny, and scaling one first loses precision.
        quantitative = (
            w.social_value * split.quantitative / 100 * (offered / best_offer)
            if best_offer > 0
            else 0.0
        )
        rows.append(
            (bid, price_score, quality_score, qualitative, quantitative, offered),
        )
    totals = [p + q + (sq + sn) for _, p, q, sq, sn, _ in rows]
    ranks = _ranks(totals)
    return [
        BidScore(
            bidder=bid.bidder,
            price=bid.price,
            price_score=p,
            quality_score=q,
            social_value_qualitative_score=sq,
            social_value_quantitative_score=sn,
            social_value_score=sq + sn,
            total=total,
            rank=rank,
            social_value_offered=offered,
            social_value_offered_share_of_price=offered / bid.price,
        )
        for (bid, p, q, sq, sn, offered), total, rank in zip(rows, totals, ranks, strict=True)
    ]


def check_charter(
    tender: Tender | Charter | str | Path | Mapping[str, Any] | None,
    *,
    social_value_weight: float | None = None,
    outcomes: int | Sequence[str] | None = None,
    contract_value: float | None = None,
) -> list[str]:
    """The charter breaches, one plain sentence each; empty when compliant or not applicable.

    Pass a Tender (or anything `load_tender` reads), or a Charter with the tender's social value
    weight, its outcomes (or their count) and its contract value, as the web application does
    for a procurement still being drafted.
    """
    if isinstance(tender, Charter) or tender is None:
        charter = tender
        if social_value_weight is None or outcomes is None:
            raise TypeError("check_charter(charter, ...) needs social_value_weight and outcomes")
        weight = social_value_weight
        count = outcomes if isinstance(outcomes, int) else len(outcomes)
        value = contract_value
    else:
        t = _as_tender(tender)
        charter = t.charter
        weight = t.weights.social_value
        count = len(t.social_value.outcomes)
        value = t.contract_value
    if charter is None:
        return []
    if value is not None and value < charter.threshold:
        return []
    breaches = []
    if weight < charter.minimum_social_value_weight:
        breaches.append(
            f"The social value weighting is {_fmt(weight)}%, below the charter's minimum of"
            f" {_fmt(charter.minimum_social_value_weight)}%."
        )
    if count < charter.minimum_outcomes:
        noun = ngettext("outcome", "outcomes", count)
        breaches.append(
            f"The tender asks for {count} social value {noun}; the charter requires at least"
            f" {charter.minimum_outcomes}."
        )
    return breaches


# --------------------------------------------------------------------------------------------
# Sensitivity to the social value weight


def _lines(tender: Tender) -> list[tuple[float, float]] | None:
    """Each bid's total as (total at W_sv = 0, total at W_sv = 100); None if there is no ratio."""
    w = tender.weights
    price_and_quality = w.price + w.quality
    if price_and_quality <= 0:
        return None
    lines = []
    for r in _ratios(tender):
        at_zero = 100 * (w.price * r.price + r.quality) / price_and_quality
        lines.append((at_zero, 100 * r.social_value))
    return lines


def reweight(tender: Tender, social_value_weight: float) -> Tender:
    """The same tender with the social value weight set and price/quality sharing the rest.

    Price and quality keep their ratio, each criterion keeps its share of quality; the social
    value split is a share of the social value weight already, so it needs no change.
    """
    tender = _as_tender(tender)
    w = tender.weights
    if not 0 <= social_value_weight <= 100:
        raise InputError(
            Problem("social_value_weight", f"{_fmt(social_value_weight)} is not between 0 and 100")
        )
    rest = w.price + w.quality
    if rest <= 0:
        if social_value_weight == w.social_value:
            return tender
        raise InputError(
            Problem(
                "social_value_weight",
                "price and quality are both weighted 0, so only the current social value weight"
                f" {_fmt(w.social_value)} can be evaluated",
            )
        )
    scale = (100 - social_value_weight) / rest
    criteria = tuple(replace(c, weight=c.weight * scale) for c in tender.quality)
    return replace(
        tender,
        weights=Weights(w.price * scale, w.quality * scale, social_value_weight),
        quality=criteria,
    )


def total_by_social_value_weight(
    tender: Tender | str | Path | Mapping[str, Any], points: Iterable[float]
) -> dict[str, list[float]]:
    """Each bid's total at each social value weight in `points`, keyed by bidder in input order.

    For the chart of totals against the social value weight. When price and quality are both
    weighted 0 only the current social value weight can be given.
    """
    tender = _as_tender(tender)
    points = list(points)
    problems = [
        Problem(f"points[{i}]", f"{_fmt(p)} is not between 0 and 100")
        for i, p in enumerate(points)
        if isinstance(p, bool) or not isinstance(p, int | float) or not 0 <= p <= 100
    ]
    if problems:
        raise InputError(problems)
    lines = _lines(tender)
    if lines is None:
        current = tender.weights.social_value
        bad = [
            Problem(
                f"points[{i}]",
                f"{_fmt(p)} cannot be evaluated: price and quality are both weighted 0, so only"
                f" the current social value weight {_fmt(current)} can",
            )
            for i, p in enumerate(points)
            if p != current
        ]
        if bad:
            raise InputError(bad)
        return {s.bidder: [s.total for _ in points] for s in score_bids(tender)}
    return {
        bid.bidder: [a + (b - a) * p / 100 for p in points]
        for bid, (a, b) in zip(tender.bids, lines, strict=True)
    }


def _coincide(one: tuple[float, float], other: tuple[float, float]) -> bool:
    return abs(one[0] - other[0]) <= TIE_TOLERANCE and abs(one[1] - other[1]) <= TIE_TOLERANCE


def winner_by_social_value_weight(
    tender: Tender | str | Path | Mapping[str, Any],
) -> list[WinnerInterval]:
    """The winner over social value weights 0 to 100 as consecutive intervals (the envelope)."""
    tender = _as_tender(tender)
    lines = _lines(tender)
    if lines is None:
        scores = score_bids(tender)
        current = tender.weights.social_value
        return [WinnerInterval(current, current, _winner(s.bidder for s in scores if s.rank == 1))]

    cuts = {0.0, 100.0}
    for i, one in enumerate(lines):
        for other in lines[i + 1 :]:
            if _coincide(one, other):
                continue
            # Line (a, b) is a + (b - a) * w / 100; two lines meet where their difference is 0.
            d0 = one[0] - other[0]
            d100 = one[1] - other[1]
            if d0 == d100:
                continue
            w = 100 * d0 / (d0 - d100)
            if 0 < w < 100:
                cuts.add(w)
    ordered = sorted(cuts)
    points = [ordered[0]]
    for w in ordered[1:]:
        # Crossings closer than this are one crossing computed twice with rounding error.
        if w - points[-1] > 1e-9:
            points.append(w)
    points[-1] = 100.0

    names = [b.bidder for b in tender.bids]
    intervals: list[WinnerInterval] = []
    for start, end in zip(points, points[1:], strict=False):
        mid = (start + end) / 2
        totals = [a + (b - a) * mid / 100 for a, b in lines]
        top = max(range(len(totals)), key=lambda k: totals[k])
        winner = _winner(
            n for n, line in zip(names, lines, strict=True) if _coincide(line, lines[top])
        )
        if intervals and intervals[-1].winner == winner:
            intervals[-1] = replace(intervals[-1], end=end)
        else:
            intervals.append(WinnerInterval(start, end, winner))
    return intervals


def evaluate(tender: Tender | str | Path | Mapping[str, Any]) -> TenderEvaluation:
    """Score every bid, rank them, name the winner, check the charter and test the weighting."""
    tender = _as_tender(tender)
    scores = score_bids(tender)
    return TenderEvaluation(
        title=tender.title,
        bids=tuple(scores),
        winner=_winner(s.bidder for s in scores if s.rank == 1),
        breaches=tuple(check_charter(tender)),
        sensitivity=tuple(winner_by_social_value_weight(tender)),
    )
