"""Numeric field types: integer, decimal, currency, percent, rating, duration.

Decimals are exact in the database (NUMERIC) and plain JSON numbers on the wire.
Input with more decimal places than the field keeps is refused rather than
rounded, so nothing a user typed changes silently; conversions between types
round and are then reported as lossy by the generic round-trip check.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, ClassVar

from sqlalchemy import BigInteger, Integer, Numeric
from sqlalchemy.types import TypeEngine

from .base import FieldSpec, FieldType, JsonValue, ValueError_
from .text import TEXTUAL

NUMERIC = frozenset({"integer", "decimal", "currency", "percent", "rating", "duration"})
MAX_ABS = Decimal("1e15")
DECIMAL_PRECISION = 20


def to_decimal(value: JsonValue) -> Decimal:
    """Read a JSON number or numeric string as a Decimal; raise ValueError_ otherwise."""
    if isinstance(value, bool) or value is None:
        raise ValueError_("must be a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError_("must be a finite number")
    if isinstance(value, str):
        value = value.strip().replace(",", "")
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise ValueError_("must be a number") from None
    if not result.is_finite():
        raise ValueError_("must be a finite number")
    if abs(result) >= MAX_ABS:
        raise ValueError_("is too large")
    return result


def decimal_to_json(value: Decimal) -> int | float:
    if value == value.to_integral_value():
        return int(value)
    return float(value)


class IntegerType(FieldType):
    type_key = "integer"
    label: ClassVar[dict[str, str]] = {"en": "Integer", "zh-CN": "整数"}
    filter_kind = "number"
    widget = "updown"
    options_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {"min": {"type": "number"}, "max": {"type": "number"}},
        "additionalProperties": False,
    }
    converts_to = NUMERIC | TEXTUAL - {"email", "phone", "url"} | {"boolean"}

    def column_type(self, spec: FieldSpec) -> TypeEngine[Any]:
        return BigInteger()

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "integer"}
        schema["minimum"] = spec.options.get("min", -int(MAX_ABS) + 1)
        schema["maximum"] = spec.options.get("max", int(MAX_ABS) - 1)
        return schema

    def to_db(self, value: JsonValue, spec: FieldSpec) -> Any:
        number = to_decimal(value)
        if number != number.to_integral_value():
            raise ValueError_("must be a whole number")
        return int(number)

    def from_db(self, value: Any, spec: FieldSpec) -> JsonValue:
        return None if value is None else int(value)

    def coerce(self, value: JsonValue, spec: FieldSpec) -> JsonValue:
        if value is None:
            return None
        if isinstance(value, bool):
            return int(value)
        number = to_decimal(value).to_integral_value(rounding=ROUND_HALF_UP)
        return int(number)


class DecimalType(FieldType):
    type_key = "decimal"
    label: ClassVar[dict[str, str]] = {"en": "Decimal", "zh-CN": "小数"}
    filter_kind = "number"
    widget = "updown"
    default_scale: ClassVar[int] = 2
    options_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "scale": {"type": "integer", "minimum": 0, "maximum": 8},
            "min": {"type": "number"},
            "max": {"type": "number"},
        },
        "additionalProperties": False,
    }
    converts_to = NUMERIC | TEXTUAL - {"email", "phone", "url"}

    def scale(self, spec: FieldSpec) -> int:
        return int(spec.options.get("scale", self.default_scale))

    def column_type(self, spec: FieldSpec) -> TypeEngine[Any]:
        return Numeric(DECIMAL_PRECISION, self.scale(spec), asdecimal=True)

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "number"}
        if "min" in spec.options:
            schema["minimum"] = spec.options["min"]
        if "max" in spec.options:
            schema["maximum"] = spec.options["max"]
        return schema

    def to_db(self, value: JsonValue, spec: FieldSpec) -> Any:
        number = to_decimal(value)
        quantum = Decimal(1).scaleb(-self.scale(spec))
        if number.quantize(quantum, rounding=ROUND_HALF_UP) != number:
            raise ValueError_(f"has more than {self.scale(spec)} decimal places")
        return number.quantize(quantum)

    def from_db(self, value: Any, spec: FieldSpec) -> JsonValue:
        return None if value is None else decimal_to_json(Decimal(value))

    def coerce(self, value: JsonValue, spec: FieldSpec) -> JsonValue:
        if value is None:
            return None
        if isinstance(value, bool):
            value = int(value)
        quantum = Decimal(1).scaleb(-self.scale(spec))
        return decimal_to_json(to_decimal(value).quantize(quantum, rounding=ROUND_HALF_UP))


class CurrencyType(DecimalType):
    type_key = "currency"
    label: ClassVar[dict[str, str]] = {"en": "Currency", "zh-CN": "金额"}
    widget = "currency"
    options_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "scale": {"type": "integer", "minimum": 0, "maximum": 4},
            "min": {"type": "number"},
            "max": {"type": "number"},
        },
        "additionalProperties": False,
    }


class PercentType(DecimalType):
    """A percentage as the user sees it: 12.5 means 12.5 %."""

    type_key = "percent"
    label: ClassVar[dict[str, str]] = {"en": "Percent", "zh-CN": "百分比"}
    widget = "percent"


class RatingType(IntegerType):
    type_key = "rating"
    label: ClassVar[dict[str, str]] = {"en": "Rating", "zh-CN": "评分"}
    widget = "rating"
    options_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {"max": {"type": "integer", "minimum": 1, "maximum": 10}},
        "additionalProperties": False,
    }

    def column_type(self, spec: FieldSpec) -> TypeEngine[Any]:
        return Integer()

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "integer", "minimum": 0, "maximum": int(spec.options.get("max", 5))}

    def to_db(self, value: JsonValue, spec: FieldSpec) -> Any:
        number = super().to_db(value, spec)
        if not 0 <= number <= int(spec.options.get("max", 5)):
            raise ValueError_(f"must be between 0 and {spec.options.get('max', 5)}")
        return number

    def coerce(self, value: JsonValue, spec: FieldSpec) -> JsonValue:
        number = super().coerce(value, spec)
        return None if number is None else self.to_db(number, spec)


_ISO_DURATION = re.compile(r"^P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?$", re.IGNORECASE)
_CLOCK = re.compile(r"^(?P<h>\d+):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?$")


class DurationType(IntegerType):
    """A length of time in whole seconds; text input may be ISO 8601 (PT1H30M) or h:mm[:ss]."""

    type_key = "duration"
    label: ClassVar[dict[str, str]] = {"en": "Duration", "zh-CN": "时长"}
    widget = "duration"
    options_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {"unit": {"enum": ["seconds", "minutes", "hours", "days"]}},
        "additionalProperties": False,
    }

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "integer", "minimum": 0, "maximum": 10**12}

    def to_db(self, value: JsonValue, spec: FieldSpec) -> Any:
        number = super().to_db(value, spec)
        if number < 0:
            raise ValueError_("must not be negative")
        return number

    def coerce(self, value: JsonValue, spec: FieldSpec) -> JsonValue:
        if isinstance(value, str):
            return parse_duration(value)
        return super().coerce(value, spec)

    def format_text(self, value: JsonValue, spec: FieldSpec) -> str:
        if value is None:
            return ""
        hours, rest = divmod(int(value), 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}"


def parse_duration(text: str) -> int:
    text = text.strip()
    if text.isdigit():
        return int(text)
    if match := _ISO_DURATION.fullmatch(text):
        parts = {k: int(v or 0) for k, v in match.groupdict().items()}
        if text.upper() in ("P", "PT"):
            raise ValueError_("is not a duration")
        return parts["d"] * 86400 + parts["h"] * 3600 + parts["m"] * 60 + parts["s"]
    if match := _CLOCK.fullmatch(text):
        parts = {k: int(v or 0) for k, v in match.groupdict().items()}
        return parts["h"] * 3600 + parts["m"] * 60 + parts["s"]
    raise ValueError_("is not a duration (use seconds, PT1H30M or 1:30)")


NUMBER_TYPES: list[FieldType] = [
    IntegerType(),
    DecimalType(),
    CurrencyType(),
    PercentType(),
    RatingType(),
    DurationType(),
]
