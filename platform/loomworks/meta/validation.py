"""Validation of definitions: the meta-schema first, then what a schema cannot say.

Every problem is collected and reported at once, each tied to the path of the
offending property (``fields.2.options.target``), so a builder fixes a bad
definition in one round trip.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from ..errors import ErrorDetail, ValidationFailed, field_error
from ..fields.base import FieldSpec, ValueError_
from ..fields.computed import AUTO_NUMBER_TOKEN
from ..fields.entity import SYSTEM_COLUMNS
from ..fields.registry import FIELD_TYPES
from ..logic.evaluator import OPERATORS
from ..logic.walk import operators, variables

RESERVED_KEYS = set(SYSTEM_COLUMNS) | {"parent_id", "position", "source_id", "target_id"}
CHILD_TYPES_EXCLUDED = {"sub_table", "rollup", "auto_number", "attachment"}
NUMERIC_TYPES = {"integer", "decimal", "currency", "percent", "rating", "duration", "formula", "rollup"}


@cache
def meta_validator(kind: str) -> Draft202012Validator:
    text = resources.files("loomworks.meta").joinpath("schemas", f"{kind}.json").read_text()
    schema = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def validate_document(
    kind: str, doc: Any, semantic: Callable[[dict[str, Any]], Iterable[ErrorDetail]], message: str
) -> None:
    """The meta-schema of ``kind`` first, then (on a document that passed it) what only the
    world can say; ValidationFailed lists every problem of the first stage that has any."""
    errors = schema_errors(meta_validator(kind), doc) or list(semantic(doc))
    if errors:
        raise ValidationFailed(message, errors)


def schema_errors(validator: Draft202012Validator, doc: Any, prefix: str = "") -> list[ErrorDetail]:
    details = []
    for error in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.path))):
        names = _offending_properties(error)
        if not names:
            details.append(field_error(_path(prefix, error), _message(error)))
        for name in names:
            message = "is required" if error.validator == "required" else "unknown property"
            details.append(field_error(_path(prefix, error, name), message))
    return details


def _offending_properties(error: SchemaError) -> list[str]:
    """A missing or unexpected property is reported at its own path, not at its parent's."""
    if not isinstance(error.instance, dict):
        return []
    if error.validator == "required" and isinstance(error.validator_value, list):
        missing = [n for n in error.validator_value if n not in error.instance]
        return [n for n in missing if repr(n) in error.message][:1] or missing[:1]
    if error.validator == "additionalProperties" and error.validator_value is False:
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        return [str(n)[:100] for n in error.instance if n not in known]
    return []


def _path(prefix: str, error: SchemaError, name: str | None = None) -> str | None:
    parts = [prefix] if prefix else []
    parts += [str(p) for p in error.absolute_path]
    if name is not None:
        parts.append(name)
    return ".".join(parts) or None


def _message(error: SchemaError) -> str:
    if error.validator == "additionalProperties":
        return str(error.message).replace("Additional properties are not allowed", "unknown property")
    if error.validator == "pattern" and isinstance(error.instance, str):
        return f"{error.instance[:80]!r} does not match {error.validator_value}"
    return str(error.message)[:300]


def validate_entity(doc: Any, entity_exists: Callable[[str], bool]) -> None:
    """Raise ValidationFailed listing every problem of an entity definition."""
    details = schema_errors(meta_validator("entity"), doc)
    if details:
        raise ValidationFailed("the entity definition is invalid", details)
    details = list(_semantic_errors(doc, entity_exists))
    if details:
        raise ValidationFailed("the entity definition is invalid", details)


def _semantic_errors(doc: dict[str, Any], entity_exists: Callable[[str], bool]) -> Iterable[ErrorDetail]:
    fields = [FieldSpec.from_json(f) for f in doc["fields"]]
    yield from _key_errors(fields, "fields")
    by_key = {f.key: f for f in fields}
    for index, spec in enumerate(fields):
        yield from _field_errors(spec, f"fields.{index}", doc, by_key, entity_exists)
    title = doc.get("title_field")
    if title and (title not in by_key or by_key[title].removed):
        yield field_error("title_field", f"{title!r} is not a field of this entity")


def _key_errors(fields: list[FieldSpec], path: str) -> Iterable[ErrorDetail]:
    seen: set[str] = set()
    for index, spec in enumerate(fields):
        if spec.key in seen:
            yield field_error(f"{path}.{index}.key", f"{spec.key!r} is used twice")
        if spec.key in RESERVED_KEYS or spec.key.endswith("__lwconv"):
            yield field_error(f"{path}.{index}.key", f"{spec.key!r} is reserved")
        seen.add(spec.key)


def _field_errors(
    spec: FieldSpec,
    path: str,
    doc: dict[str, Any],
    siblings: dict[str, FieldSpec],
    entity_exists: Callable[[str], bool],
) -> Iterable[ErrorDetail]:
    if spec.type not in FIELD_TYPES:
        known = ", ".join(sorted(FIELD_TYPES.keys()))
        yield field_error(f"{path}.type", f"unknown field type {spec.type!r}; known: {known}")
        return
    ftype = FIELD_TYPES.get(spec.type)
    options_validator = Draft202012Validator(ftype.options_schema)
    option_problems = schema_errors(options_validator, spec.options, f"{path}.options")
    yield from option_problems
    if option_problems:
        return
    if (spec.unique or spec.indexed) and not (ftype.indexable and ftype.stores_column(spec)):
        yield field_error(path, f"a {spec.type} field cannot be unique or indexed")
    if spec.has_default:
        yield from _default_errors(spec, path)
    checker = _TYPE_CHECKS.get(spec.type)
    if checker:
        yield from checker(spec, path, doc, siblings, entity_exists)


def _default_errors(spec: FieldSpec, path: str) -> Iterable[ErrorDetail]:
    ftype = FIELD_TYPES.get(spec.type)
    if not ftype.writable:
        yield field_error(f"{path}.default", f"a {spec.type} field is computed and has no default")
        return
    if spec.default is None:
        return
    try:
        ftype.to_db(spec.default, spec)
    except (ValueError_, TypeError) as exc:
        yield field_error(f"{path}.default", f"default {exc}")


def _relation_checks(
    spec: FieldSpec, path: str, doc: dict[str, Any], _s: Any, exists: Callable[[str], bool]
) -> Iterable[ErrorDetail]:
    target = spec.options["target"]
    if target != doc["key"] and not exists(target):
        yield field_error(f"{path}.options.target", f"entity {target!r} does not exist")


def _sub_table_checks(
    spec: FieldSpec, path: str, doc: dict[str, Any], _s: Any, exists: Callable[[str], bool]
) -> Iterable[ErrorDetail]:
    children = [FieldSpec.from_json(f) for f in spec.options["fields"]]
    child_path = f"{path}.options.fields"
    problems = schema_errors(
        meta_validator("entity"), {"key": "x", "label": {"en": "x"}, "fields": spec.options["fields"]}
    )
    if problems:
        yield from (field_error(f"{path}.options.{d.field}", d.message) for d in problems)
        return
    yield from _key_errors(children, child_path)
    by_key = {c.key: c for c in children}
    for index, child in enumerate(children):
        if child.type in CHILD_TYPES_EXCLUDED or (child.type == "relation" and child.options.get("many")):
            yield field_error(f"{child_path}.{index}.type", f"{child.type} cannot be used inside a sub-table")
            continue
        yield from _field_errors(child, f"{child_path}.{index}", doc, by_key, exists)


def _formula_checks(
    spec: FieldSpec, path: str, doc: dict[str, Any], siblings: dict[str, FieldSpec], _e: Any
) -> Iterable[ErrorDetail]:
    for operator in operators(spec.options["expression"]):
        if operator not in OPERATORS:
            yield field_error(f"{path}.options.expression", f"unknown operator {operator!r}")
    for name in variables(spec.options["expression"]):
        root = name.split(".")[0]
        if root and root not in siblings and not root.startswith(("$", "_")) and root != "id":
            yield field_error(f"{path}.options.expression", f"unknown field {root!r}")


def _rollup_checks(
    spec: FieldSpec, path: str, doc: dict[str, Any], siblings: dict[str, FieldSpec], exists: Callable[[str], bool]
) -> Iterable[ErrorDetail]:
    options = spec.options
    if options["aggregate"] != "count" and "field" not in options:
        yield field_error(f"{path}.options.field", f"{options['aggregate']} needs a field")
    if "sub_table" in options:
        sub = siblings.get(options["sub_table"])
        if sub is None or sub.type != "sub_table":
            yield field_error(f"{path}.options.sub_table", f"{options['sub_table']!r} is not a sub-table here")
        elif "field" in options:
            children = {c["key"]: c for c in sub.options.get("fields", [])}
            child = children.get(options["field"])
            if child is None or (options["aggregate"] in ("sum", "avg") and child["type"] not in NUMERIC_TYPES):
                yield field_error(f"{path}.options.field", f"{options['field']!r} is not a numeric field of {sub.key}")
    elif not exists(options["entity"]) and options["entity"] != doc["key"]:
        yield field_error(f"{path}.options.entity", f"entity {options['entity']!r} does not exist")


def _auto_number_checks(spec: FieldSpec, path: str, *_: Any) -> Iterable[ErrorDetail]:
    if not any(t.startswith("0") for t in AUTO_NUMBER_TOKEN.findall(spec.options["pattern"])):
        yield field_error(f"{path}.options.pattern", "needs a counter such as {0000}")


_TYPE_CHECKS: dict[str, Callable[..., Iterable[ErrorDetail]]] = {
    "relation": _relation_checks,
    "sub_table": _sub_table_checks,
    "formula": _formula_checks,
    "rollup": _rollup_checks,
    "auto_number": _auto_number_checks,
}
