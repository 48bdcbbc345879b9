"""Every schema in the OpenAPI document has one meaning: no two classes share a component name.

django-ninja files each schema under its class name and lets a later one overwrite an earlier one
of the same name, so two apps with a `FileOut` would leave one app's routes documented with the
other's body.
"""

import enum
import types
import typing
from collections import defaultdict

import pydantic
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from pydantic.json_schema import models_json_schema

from socialvalue.web.api.router import api


def _models_in(annotation, found: set) -> None:
    """Every model and enum an annotation names, through lists, unions, Annotated and the models' own fields."""
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        found.add(annotation)
        return
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)
        return
    for arg in typing.get_args(annotation):
        _models_in(arg, found)
    origin = typing.get_origin(annotation)
    if origin is not None and origin not in (typing.Union, types.UnionType):
        _models_in(origin, found)


def _operations():
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                yield prefix + path, operation


def _schema_classes() -> set[type]:
    """The models behind every request and response, without ninja's own per-route wrappers."""
    found: set = set()
    for _, operation in _operations():
        for model in operation.models:
            for field in model.model_fields.values():
                _models_in(field.annotation, found)
        for model in operation.response_models.values():
            if isinstance(model, type) and issubclass(model, pydantic.BaseModel):
                for field in model.model_fields.values():
                    _models_in(field.annotation, found)
    return found


class _Holder(pydantic.BaseModel):
    pass


def _component_name(cls: type) -> str:
    """The name pydantic (and so ninja) gives the class's entry in `components/schemas`."""
    holder = pydantic.create_model("Holder", __base__=_Holder, value=(cls, ...))
    keys, defs = models_json_schema([(holder, "serialization")], ref_template=REF_TEMPLATE)
    return defs["$defs"]["Holder"]["properties"]["value"]["$ref"].rsplit("/", 1)[-1]


def test_the_walk_finds_the_api_schemas():
    names = {model.__name__ for model in _schema_classes()}
    # A sample from several apps, so a walk that found nothing could not pass the test below.
    assert {"ObjectiveOut", "EvidenceOut", "ReturnOut", "StatementOut", "ErrorOut"} <= names


def test_no_two_schema_classes_share_a_component_name():
    by_name: dict[str, set[str]] = defaultdict(set)
    for model in _schema_classes():
        by_name[_component_name(model)].add(f"{model.__module__}.{model.__qualname__}")
    shared = {name: sorted(classes) for name, classes in by_name.items() if len(classes) > 1}
    assert not shared, f"schema names used by more than one class (rename one): {shared}"


def test_no_component_is_overwritten_with_another_definition(monkeypatch):
    """Whatever the classes, a name in the document is never written twice with different content."""
    seen: dict[str, list[dict]] = defaultdict(list)
    original = OpenAPISchema.add_schema_definitions

    def recording(self, definitions: dict) -> None:
        for name, definition in definitions.items():
            if definition not in seen[name]:
                seen[name].append(definition)
        original(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", recording)
    document = api.get_openapi_schema()
    assert set(seen) == set(document["components"]["schemas"])
    overwritten = sorted(name for name, versions in seen.items() if len(versions) > 1)
    assert not overwritten, f"components written with different definitions: {overwritten}"
