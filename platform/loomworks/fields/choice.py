"""Choice field types: boolean, select, multi_select, tags.

Select values are the stable ``value`` of a choice, never its label, so renaming
a label (in either language) never touches data. Multi-valued types are JSON
arrays in one column; order is kept, duplicates are removed.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import Boolean, Text
from sqlalchemy.types import TypeEngine

from ..core.sqltypes import json_column_type
from .base import FieldSpec, FieldType, JsonValue, ValueError_
from .text import TEXTUAL

LABEL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"en": {"type": "string"}, "zh-CN": {"type": "string"}},
    "additionalProperties": False,
}
CHOICES_SCHEMA: dict[str, Any] = {
    "type": "array",
    "maxItems": 500,
    "items": {
        "type": "object",
        "required": ["value"],
        "properties": {
            "value": {"type": "string", "minLength": 1, "maxLength": 200},
            "label": LABEL_SCHEMA,
            "color": {"type": "string", "maxLength": 32},
        },
        "additionalProperties": False,
    },
}
TRUE_WORDS = {"true", "yes", "y", "1", "on", "是", "对", "x", "✓"}
FALSE_WORDS = {"false", "no", "n", "0", "off", "否", "不", ""}


def choice_values(spec: FieldSpec) -> list[str]:
    return [c["value"] for c in spec.options.get("choices", [])]


def match_choice(text: str, spec: FieldSpec) -> str:
    """Find the choice a text means: its value or either label, case-insensitively."""
    wanted = text.strip().casefold()
    for choice in spec.options.get("choices", []):
        names = [choice["value"], *(choice.get("label") or {}).values()]
        if any(name.casefold() == wanted for name in names):
            return str(choice["value"])
    raise ValueError_(f"{text!r} is not one of the choices")


class BooleanType(FieldType):
    type_key = "boolean"
    label: ClassVar[dict[str, str]] = {"en": "Yes/No", "zh-CN": "是/否"}
    filter_kind = "boolean"
    widget = "checkbox"
    converts_to = frozenset({"text", "integer"})

    def column_type(self, spec: FieldSpec) -> TypeEngine[Any]:
        return Boolean()

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "boolean"}

    def to_db(self, value: JsonValue, spec: FieldSpec) -> Any:
        if not isinstance(value, bool):
            raise ValueError_("must be true or false")
        return value

    def from_db(self, value: Any, spec: FieldSpec) -> JsonValue:
        return None if value is None else bool(value)

    def coerce(self, value: JsonValue, spec: FieldSpec) -> JsonValue:
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            if value in (0, 1):
                return bool(value)
            raise ValueError_("must be 0 or 1 to become yes/no")
        if isinstance(value, str):
            word = value.strip().casefold()
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
        raise ValueError_("must be yes or no")

    def format_text(self, value: JsonValue, spec: FieldSpec) -> str:
        return "" if value is None else ("true" if value else "false")


class SelectType(FieldType):
    type_key = "select"
    label: ClassVar[dict[str, str]] = {"en": "Single select", "zh-CN": "单选"}
    filter_kind = "text"
    widget = "select"
    options_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "required": ["choices"],
        "properties": {"choices": CHOICES_SCHEMA},
        "additionalProperties": False,
    }
    converts_to = TEXTUAL | {"multi_select", "tags"}

    def column_type(self, spec: FieldSpec) -> TypeEngine[Any]:
        return Text()

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "string", "enum": choice_values(spec)}

    def to_db(self, value: JsonValue, spec: FieldSpec) -> Any:
        if value not in choice_values(spec):
            raise ValueError_(f"{value!r} is not one of the choices")
        return value

    def coerce(self, value: JsonValue, spec: FieldSpec) -> JsonValue:
        if value is None:
            return None
        if isinstance(value, list):
            if len(value) != 1:
                raise ValueError_("holds several values; a single select keeps one")
            value = value[0]
        return match_choice(str(value), spec)


class MultiSelectType(FieldType):
    type_key = "multi_select"
    label: ClassVar[dict[str, str]] = {"en": "Multiple select", "zh-CN": "多选"}
    filter_kind = "json_list"
    widget = "checkboxes"
    indexable = False
    sortable = False
    options_schema = SelectType.options_schema
    converts_to = frozenset({"tags", "select", "text", "long_text"})

    def column_type(self, spec: FieldSpec) -> TypeEngine[Any]:
        return json_column_type()

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {
            "type": "array",
            "items": {"type": "string", "enum": choice_values(spec)},
            "uniqueItems": True,
        }

    def to_db(self, value: JsonValue, spec: FieldSpec) -> Any:
        if not isinstance(value, list):
            raise ValueError_("must be a list")
        allowed = set(choice_values(spec))
        unknown = [v for v in value if v not in allowed]
        if unknown:
            raise ValueError_(f"{unknown[0]!r} is not one of the choices")
        return list(dict.fromkeys(value)) or None

    def from_db(self, value: Any, spec: FieldSpec) -> JsonValue:
        return list(value) if value else None

    def coerce(self, value: JsonValue, spec: FieldSpec) -> JsonValue:
        items = split_list(value)
        return [match_choice(item, spec) for item in items] or None

    def format_text(self, value: JsonValue, spec: FieldSpec) -> str:
        return "" if not value else ", ".join(value)


class TagsType(MultiSelectType):
    """Free-form labels; ``suggestions`` only guide the widget."""

    type_key = "tags"
    label: ClassVar[dict[str, str]] = {"en": "Tags", "zh-CN": "标签"}
    widget = "tags"
    options_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {"suggestions": {"type": "array", "items": {"type": "string"}}},
        "additionalProperties": False,
    }
    converts_to = frozenset({"multi_select", "text", "long_text"})

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {
            "type": "array",
            "maxItems": 100,
            "items": {"type": "string", "minLength": 1, "maxLength": 100},
        }

    def to_db(self, value: JsonValue, spec: FieldSpec) -> Any:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError_("must be a list of strings")
        return list(dict.fromkeys(v.strip() for v in value if v.strip())) or None

    def coerce(self, value: JsonValue, spec: FieldSpec) -> JsonValue:
        return self.to_db(split_list(value), spec)


def split_list(value: JsonValue) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [part.strip() for part in str(value).replace("，", ",").split(",") if part.strip()]


CHOICE_TYPES: list[FieldType] = [BooleanType(), SelectType(), MultiSelectType(), TagsType()]
