"""Strict YAML and JSON readers: a key given twice in one mapping is an error, not a silent overwrite.

PyYAML and the json module both keep the last of two equal keys, so a file that says
``deadweight: 0.2`` and, further down the same mapping, ``deadweight: 0`` would lose a deduction
without a word. Every file contract in core (tenders, impact maps) reads through these.
"""

from __future__ import annotations

import json
from typing import Any

import yaml


class UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a key given twice, which PyYAML would silently overwrite."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, f'the key "{key}" is given twice', mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def reject_duplicate_json_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` for json.loads: ValueError naming a key given twice."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f'the key "{key}" is given twice')
        result[key] = value
    return result


def load_yaml(text: str) -> Any:
    """Parse YAML safely, refusing repeated keys (yaml.YAMLError names the line)."""
    return yaml.load(text, Loader=UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass


def load_json(text: str) -> Any:
    """Parse JSON, refusing repeated keys (json.JSONDecodeError, or ValueError naming the key)."""
    return json.loads(text, object_pairs_hook=reject_duplicate_json_keys)


def yaml_message(exc: yaml.YAMLError) -> str:
    """A YAML error in one line: the problem and where it is."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
    return " ".join(f"{problem}{where}".split())
