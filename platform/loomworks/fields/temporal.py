"""Date and datetime field types.

Dates travel as ``YYYY-MM-DD``; datetimes as ISO 8601 with an offset and are
stored in UTC, so comparisons and sorting are the same on every database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from dateutil import parser as date_parser
from sqlalchemy import Date
from sqlalchemy.types import TypeEngine

from ..core.sqltypes import UtcDateTime
from .base import FieldSpec, FieldType, JsonValue, ValueError_

DATE_FORMAT_HINT = "YYYY-MM-DD"


def parse_date(value: JsonValue) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError_(f"must be a date ({DATE_FORMAT_HINT})")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError_(f"must be a date ({DATE_FORMAT_HINT})") from None


def parse_datetime(value: JsonValue) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError_("must be an ISO 8601 date-time with offset") from None
    else:
        raise ValueError_("must be an ISO 8601 date-time with offset")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_datetime(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def loose_parse(text: str, fmt: str | None = None) -> datetime:
    """Parse human-entered text (imports); ``fmt`` is a strptime format when given."""
    try:
        if fmt:
            return datetime.strptime(text.strip(), fmt)
        parsed: datetime = date_parser.parse(text.strip())
        return parsed
    except (ValueError, OverflowError):
        raise ValueError_(f"cannot read {text!r} as a date") from None


class DateType(FieldType):
    type_key = "date"
    label: ClassVar[dict[str, str]] = {"en": "Date", "zh-CN": "日期"}
    filter_kind = "date"
    widget = "date"
    converts_to = frozenset({"datetime", "text", "long_text"})

    def column_type(self, spec: FieldSpec) -> TypeEngine[Any]:
        return Date()

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}

    def to_db(self, value: JsonValue, spec: FieldSpec) -> Any:
        return parse_date(value)

    def from_db(self, value: Any, spec: FieldSpec) -> JsonValue:
        if value is None:
            return None
        return parse_date(value).isoformat()

    def coerce(self, value: JsonValue, spec: FieldSpec) -> JsonValue:
        if isinstance(value, str) and "T" in value:
            return parse_datetime(value).date().isoformat()
        return super().coerce(value, spec)

    def parse_text(self, text: str, spec: FieldSpec, fmt: str | None = None) -> JsonValue:
        if text.strip() == "":
            return None
        try:
            return parse_date(text).isoformat()
        except ValueError_:
            return loose_parse(text, fmt).date().isoformat()


class DateTimeType(FieldType):
    type_key = "datetime"
    label: ClassVar[dict[str, str]] = {"en": "Date and time", "zh-CN": "日期时间"}
    filter_kind = "datetime"
    widget = "datetime"
    converts_to = frozenset({"date", "text", "long_text"})

    def column_type(self, spec: FieldSpec) -> TypeEngine[Any]:
        return UtcDateTime()

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "string", "format": "date-time"}

    def to_db(self, value: JsonValue, spec: FieldSpec) -> Any:
        return parse_datetime(value)

    def from_db(self, value: Any, spec: FieldSpec) -> JsonValue:
        return None if value is None else format_datetime(parse_datetime(value))

    def coerce(self, value: JsonValue, spec: FieldSpec) -> JsonValue:
        if isinstance(value, str) and len(value.strip()) == 10:
            return format_datetime(datetime.combine(parse_date(value), datetime.min.time(), UTC))
        return super().coerce(value, spec)

    def parse_text(self, text: str, spec: FieldSpec, fmt: str | None = None) -> JsonValue:
        if text.strip() == "":
            return None
        try:
            return format_datetime(parse_datetime(text))
        except ValueError_:
            return format_datetime(loose_parse(text, fmt))


TEMPORAL_TYPES: list[FieldType] = [DateType(), DateTimeType()]
