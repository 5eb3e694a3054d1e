"""JSON Schemas of records, compiled once per entity version.

``record_schema`` is what clients read (``/schema``, OpenAPI, forms); the write
validator checks an incoming body against the writable fields only and reports
every problem at once, each tied to its field.
"""

from __future__ import annotations

import threading
from typing import Any

from jsonschema import Draft202012Validator

from ..errors import ErrorDetail, field_error
from ..fields.base import ID_SCHEMA
from ..fields.entity import EntitySpec
from ..fields.registry import FIELD_TYPES

SYSTEM_PROPERTIES: dict[str, Any] = {
    "id": {"type": "integer", "readOnly": True, "description": "Opaque record id"},
    "_version": {"type": "integer", "description": "Optimistic-locking version"},
    "_created_at": {"type": "string", "format": "date-time", "readOnly": True},
    "_updated_at": {"type": "string", "format": "date-time", "readOnly": True},
    "_created_by": {"type": ["integer", "null"], "readOnly": True},
    "_updated_by": {"type": ["integer", "null"], "readOnly": True},
    "_owner": {"type": ["integer", "null"]},
    "_deleted_at": {"type": ["string", "null"], "format": "date-time", "readOnly": True},
    "_refs": {
        "type": "object",
        "readOnly": True,
        "description": "id and title of every related record or user, by field",
    },
}


def record_schema(spec: EntitySpec) -> dict[str, Any]:
    """JSON Schema (2020-12) of a record as the API returns it."""
    properties: dict[str, Any] = dict(SYSTEM_PROPERTIES)
    for fspec in spec.live_fields.values():
        properties[fspec.key] = FIELD_TYPES.get(fspec.type).json_schema(fspec)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": spec.label.get("en") or spec.key,
        "type": "object",
        "properties": properties,
        "required": [f.key for f in spec.live_fields.values() if f.required],
        "additionalProperties": False,
    }


def write_schema(spec: EntitySpec) -> dict[str, Any]:
    """Schema of the writable part of a body (required is checked on the merged record)."""
    properties: dict[str, Any] = {"_owner": {"anyOf": [{"type": "null"}, ID_SCHEMA]}}
    for fspec in spec.live_fields.values():
        ftype = FIELD_TYPES.get(fspec.type)
        if ftype.writable:
            properties[fspec.key] = ftype.json_schema(fspec)
    return {"type": "object", "properties": properties, "additionalProperties": False}


class ValidatorCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._validators: dict[tuple[str, int, str], Draft202012Validator] = {}

    def write_validator(self, spec: EntitySpec) -> Draft202012Validator:
        key = spec.cache_key
        validator = self._validators.get(key)
        if validator is None:
            with self._lock:
                validator = Draft202012Validator(write_schema(spec))
                self._validators = {k: v for k, v in self._validators.items() if k[0] != spec.key}
                self._validators[key] = validator
        return validator


def body_errors(validator: Draft202012Validator, body: dict[str, Any]) -> list[ErrorDetail]:
    """Every schema problem of ``body``, one per field, with a message a user can act on."""
    details: dict[str, ErrorDetail] = {}
    for error in validator.iter_errors(body):
        if error.validator == "additionalProperties":
            known = set(validator.schema["properties"])
            for name in sorted(set(error.instance) - known):
                details.setdefault(str(name)[:100], field_error(str(name)[:100], "unknown field"))
            continue
        path = [str(p) for p in error.absolute_path]
        name = path[0] if path else None
        if name is None or name in details:
            continue
        error = _non_null_branch(error)
        path = [str(p) for p in error.absolute_path]
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = set(error.schema.get("properties", {}))
            unknown = sorted(str(k) for k in error.instance if k not in known)
            details[name] = field_error(".".join([*path, unknown[0][:100]]), "unknown field")
            continue
        details[name] = field_error(".".join(path), _friendly(error))
    return list(details.values())


def _non_null_branch(error: Any) -> Any:
    """A nullable field's problem is the one in its non-null branch, at its precise path."""
    while error.validator == "anyOf":
        best = [e for e in error.context or [] if e.schema_path and e.schema_path[0] == 0]
        if not best:
            break
        error = best[0]
    return error


def _friendly(error: Any) -> str:
    if error.validator == "anyOf":
        # A nullable field: report the problem against the non-null branch.
        best = [e for e in error.context or [] if e.schema_path and e.schema_path[0] == 0]
        if best:
            return _friendly(best[0])
    if error.validator == "enum":
        return f"must be one of: {', '.join(map(str, error.validator_value))[:300]}"
    if error.validator == "type":
        return f"must be of type {error.validator_value}"
    return str(error.message)[:300]
