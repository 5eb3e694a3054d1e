"""Values the system computes: auto_number, formula, rollup and the audit fields.

None of these accept client input. Formulas and rollups are stored in typed
columns so they filter, sort and aggregate like any other field; the records
service recomputes them on every write that can change them.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from sqlalchemy import BigInteger, Boolean, Date, Float, Text
from sqlalchemy.types import TypeEngine

from ..core.sqltypes import UtcDateTime
from .base import FieldSpec, FieldType, JsonValue
from .relations import KEY_PATTERN
from .temporal import format_datetime, parse_date, parse_datetime

AUTO_NUMBER_TOKEN = re.compile(r"\{(YYYY|YY|MM|DD|0+)\}")
AUTO_NUMBER_PATTERN = r"^[^{}]*(\{(YYYY|YY|MM|DD|0+)\}[^{}]*)*$"
RESULT_TYPES = ("number", "text", "boolean", "date")
AGGREGATES = ("count", "sum", "avg", "min", "max")


class AutoNumberType(FieldType):
    """A human-readable, unique number such as ``DEAL-2026-0042``.

    The counter restarts whenever the date part of the pattern changes (a new
    year for ``{YYYY}``), and is taken from a sequence row under a lock so
    concurrent inserts never share a number.
    """

    type_key = "auto_number"
    label: ClassVar[dict[str, str]] = {"en": "Auto number", "zh-CN": "自动编号"}
    filter_kind = "text"
    widget = "text"
    writable = False
    searchable = True
    options_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "required": ["pattern"],
        "properties": {
            "pattern": {
                "type": "string",
                "minLength": 1,
                "maxLength": 100,
                "pattern": AUTO_NUMBER_PATTERN,
            }
        },
        "additionalProperties": False,
    }

    def column_type(self, spec: FieldSpec) -> TypeEngine[Any]:
        return Text()

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "string"}


DEFAULT_FORMULA_SCALE = 10


class FormulaType(FieldType):
    """A JsonLogic expression over the record, stored in a column of its result type."""

    type_key = "formula"
    label: ClassVar[dict[str, str]] = {"en": "Formula", "zh-CN": "公式"}
    widget = "text"
    writable = False
    options_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "required": ["expression"],
        "properties": {
            "expression": {},
            "result_type": {"enum": list(RESULT_TYPES)},
            "scale": {"type": "integer", "minimum": 0, "maximum": 10},
        },
        "additionalProperties": False,
    }

    def result_type(self, spec: FieldSpec) -> str:
        return str(spec.options.get("result_type", "number"))

    def kind(self, spec: FieldSpec) -> str | None:
        return self.result_type(spec)

    def scale(self, spec: FieldSpec) -> int:
        """Decimal places a number result is rounded to; the default hides binary float
        noise (``0.1 + 0.2`` is ``0.3``, as a user expects) without losing real precision."""
        return int(spec.options.get("scale", DEFAULT_FORMULA_SCALE))

    def column_type(self, spec: FieldSpec) -> TypeEngine[Any]:
        types: dict[str, TypeEngine[Any]] = {"number": Float(), "text": Text(), "boolean": Boolean(), "date": Date()}
        return types[self.result_type(spec)]

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        json_type = {"number": "number", "text": "string", "boolean": "boolean", "date": "string"}
        return {"type": json_type[self.result_type(spec)]}

    def from_db(self, value: Any, spec: FieldSpec) -> JsonValue:
        if value is None:
            return None
        if self.result_type(spec) == "date":
            return parse_date(value).isoformat()
        if self.result_type(spec) == "number":
            number = float(value)
            return int(number) if number.is_integer() and abs(number) < 2**53 else number
        return value


class RollupType(FieldType):
    """An aggregate over related rows, kept current when those rows change.

    ``options`` name the source: ``{"entity": "deal", "via": "company"}`` (deals whose
    ``company`` points here) or ``{"sub_table": "lines"}``, plus ``aggregate`` and,
    except for count, the ``field`` to aggregate.
    """

    type_key = "rollup"
    label: ClassVar[dict[str, str]] = {"en": "Rollup", "zh-CN": "汇总"}
    filter_kind = "number"
    widget = "text"
    writable = False
    options_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "required": ["aggregate"],
        "properties": {
            "entity": {"type": "string", "pattern": KEY_PATTERN},
            "via": {"type": "string", "pattern": KEY_PATTERN},
            "sub_table": {"type": "string", "pattern": KEY_PATTERN},
            "aggregate": {"enum": list(AGGREGATES)},
            "field": {"type": "string", "pattern": KEY_PATTERN},
        },
        "oneOf": [{"required": ["entity", "via"]}, {"required": ["sub_table"]}],
        "additionalProperties": False,
    }

    def column_type(self, spec: FieldSpec) -> TypeEngine[Any]:
        return Float()

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "number"}

    def from_db(self, value: Any, spec: FieldSpec) -> JsonValue:
        if value is None:
            return None
        number = float(value)
        return int(number) if number.is_integer() else number


class _AuditType(FieldType):
    """Shows a system column (who/when created or last changed) as a regular field."""

    writable = False
    has_column = False
    column: ClassVar[str]

    def system_column(self, spec: FieldSpec) -> str | None:
        return self.column


class CreatedAtType(_AuditType):
    type_key = "created_at"
    label: ClassVar[dict[str, str]] = {"en": "Created at", "zh-CN": "创建时间"}
    filter_kind = "datetime"
    widget = "datetime"
    column = "created_at"

    def column_type(self, spec: FieldSpec) -> TypeEngine[Any]:
        return UtcDateTime()

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "string", "format": "date-time"}

    def from_db(self, value: Any, spec: FieldSpec) -> JsonValue:
        return None if value is None else format_datetime(parse_datetime(value))


class UpdatedAtType(CreatedAtType):
    type_key = "updated_at"
    label: ClassVar[dict[str, str]] = {"en": "Updated at", "zh-CN": "更新时间"}
    column = "updated_at"


class CreatedByType(_AuditType):
    type_key = "created_by"
    label: ClassVar[dict[str, str]] = {"en": "Created by", "zh-CN": "创建人"}
    filter_kind = "number"
    widget = "user"
    column = "created_by"

    def column_type(self, spec: FieldSpec) -> TypeEngine[Any]:
        return BigInteger()

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "integer"}


class UpdatedByType(CreatedByType):
    type_key = "updated_by"
    label: ClassVar[dict[str, str]] = {"en": "Updated by", "zh-CN": "更新人"}
    column = "updated_by"


COMPUTED_TYPES: list[FieldType] = [
    AutoNumberType(),
    FormulaType(),
    RollupType(),
    CreatedAtType(),
    UpdatedAtType(),
    CreatedByType(),
    UpdatedByType(),
]
