"""Field types that point at other rows: user, relation, sub_table.

A relation is many-to-one by default (a foreign-key column); with
``options.many`` it is many-to-many through a link table. Its inverse shows as a
related list on the target. A sub_table owns child rows in a child table
(quote lines, milestones) that are written and read with their parent.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import BigInteger
from sqlalchemy.types import TypeEngine

from .base import ID_SCHEMA, FieldSpec, FieldType, JsonValue, ValueError_

KEY_PATTERN = "^[a-z][a-z0-9_]{0,62}$"
ON_DELETE = ("restrict", "set_null", "cascade")


def _as_id(value: JsonValue) -> int:
    if isinstance(value, bool):
        raise ValueError_("must be a record id")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise ValueError_("must be a record id")


class UserType(FieldType):
    type_key = "user"
    label: ClassVar[dict[str, str]] = {"en": "User", "zh-CN": "成员"}
    filter_kind = "number"
    widget = "user"

    def column_type(self, spec: FieldSpec) -> TypeEngine[Any]:
        return BigInteger()

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return dict(ID_SCHEMA)

    def to_db(self, value: JsonValue, spec: FieldSpec) -> Any:
        return _as_id(value)


class RelationType(FieldType):
    type_key = "relation"
    label: ClassVar[dict[str, str]] = {"en": "Relation", "zh-CN": "关联记录"}
    filter_kind = "number"
    widget = "relation"
    options_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "required": ["target"],
        "properties": {
            "target": {"type": "string", "pattern": KEY_PATTERN},
            "many": {"type": "boolean"},
            "on_delete": {"enum": list(ON_DELETE)},
            "related_label": {"type": "object"},
        },
        "additionalProperties": False,
    }

    def is_many(self, spec: FieldSpec) -> bool:
        return bool(spec.options.get("many", False))

    def on_delete(self, spec: FieldSpec) -> str:
        return str(spec.options.get("on_delete", "restrict"))

    def target(self, spec: FieldSpec) -> str:
        return str(spec.options["target"])

    def stores_column(self, spec: FieldSpec) -> bool:
        return not self.is_many(spec)

    def kind(self, spec: FieldSpec) -> str | None:
        return None if self.is_many(spec) else "number"

    def column_type(self, spec: FieldSpec) -> TypeEngine[Any]:
        return BigInteger()

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        if self.is_many(spec):
            return {"type": "array", "items": ID_SCHEMA, "uniqueItems": True}
        return dict(ID_SCHEMA)

    def to_db(self, value: JsonValue, spec: FieldSpec) -> Any:
        if self.is_many(spec):
            if not isinstance(value, list):
                raise ValueError_("must be a list of record ids")
            return list(dict.fromkeys(_as_id(v) for v in value))
        return _as_id(value)

    def from_db(self, value: Any, spec: FieldSpec) -> JsonValue:
        if self.is_many(spec):
            return list(value or [])
        return value

    def format_text(self, value: JsonValue, spec: FieldSpec) -> str:
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return "" if value is None else str(value)


class SubTableType(FieldType):
    """Child rows edited with their parent; ``options.fields`` defines their columns."""

    type_key = "sub_table"
    label: ClassVar[dict[str, str]] = {"en": "Sub-table", "zh-CN": "子表"}
    filter_kind = None
    widget = "subtable"
    has_column = False
    indexable = False
    sortable = False
    options_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "required": ["fields"],
        "properties": {
            "fields": {"type": "array", "minItems": 1, "maxItems": 100},
            "max_rows": {"type": "integer", "minimum": 1, "maximum": 10000},
        },
        "additionalProperties": False,
    }

    def child_specs(self, spec: FieldSpec) -> list[FieldSpec]:
        return [FieldSpec.from_json(f) for f in spec.options.get("fields", [])]

    def max_rows(self, spec: FieldSpec) -> int:
        return int(spec.options.get("max_rows", 1000))

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        from .registry import FIELD_TYPES  # the registry imports this module

        properties: dict[str, Any] = {"id": ID_SCHEMA}
        for child in self.child_specs(spec):
            if not child.removed:
                properties[child.key] = FIELD_TYPES.get(child.type).json_schema(child)
        return {
            "type": "array",
            "maxItems": self.max_rows(spec),
            "items": {"type": "object", "properties": properties, "additionalProperties": False},
        }

    def is_empty(self, value: JsonValue) -> bool:
        return not value


RELATION_TYPES: list[FieldType] = [UserType(), RelationType(), SubTableType()]
