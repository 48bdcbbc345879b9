"""Reading an impact map from a YAML, JSON or Excel file, or from an already parsed dict.

Whatever is wrong with a file (not found, not UTF-8, malformed YAML, a key given twice in one
mapping, a zip that is not a workbook) becomes an InputError naming the file, so callers never
see a parser's traceback. A repeated key is refused as the tender reader refuses it: PyYAML and
json would otherwise keep the last value and silently drop the first (a deduction, say).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from socialvalue.core.errors import InputError, Problem
from socialvalue.core.formats.strict import load_json, load_yaml, yaml_message
from socialvalue.core.sroi.model import ImpactMap, parse_impact_map
from socialvalue.core.sroi.xlsx import load_workbook_map, read_workbook

SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")


def read_map_file(path: str | os.PathLike[str]) -> Any:
    """The parsed content of a map file (dicts and lists), before validation."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            f"{p.name}: not an impact map file (use {', '.join(SUFFIXES)})", source=None
        )
    if suffix == ".xlsx":
        return read_workbook(p)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", source=str(p)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("is not UTF-8 text", source=str(p)) from None
    try:
        if suffix == ".json":
            return load_json(text)
        return load_yaml(text)
    except RecursionError:
        raise InputError("is nested too deeply to read", source=str(p)) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            source=str(p),
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"is not valid YAML: {yaml_message(exc)}", source=str(p)) from None
    except Exception as exc:  # noqa: BLE001 - any parser failure is bad input, not a crash
        kind = "JSON" if suffix == ".json" else "YAML"
        detail = " ".join(str(exc).split())[:200]
        raise InputError(f"is not valid {kind}: {detail}", source=str(p)) from None


def load_impact_map(source: str | os.PathLike[str] | Mapping[str, Any] | ImpactMap) -> ImpactMap:
    """Load and validate an impact map from a path (.yaml/.yml/.json/.xlsx) or a parsed dict."""
    if isinstance(source, ImpactMap):
        return source
    if isinstance(source, Mapping):
        return parse_impact_map(source)
    if not isinstance(source, str | os.PathLike):
        raise InputError(Problem("", f"cannot read an impact map from {type(source).__name__}"))
    path = Path(source)
    if path.suffix.lower() == ".xlsx":
        return load_workbook_map(path)
    return parse_impact_map(read_map_file(path), source=str(path))
