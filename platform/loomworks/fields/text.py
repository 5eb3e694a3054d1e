"""Text-like field types: text, long_text, rich_text, email, phone, url."""

from __future__ import annotations

import re
from typing import Any, ClassVar

import nh3
from sqlalchemy import Text
from sqlalchemy.types import TypeEngine

from .base import FieldSpec, FieldType, JsonValue, ValueError_

TEXTUAL = frozenset({"text", "long_text", "rich_text", "email", "phone", "url"})
SCALARS = frozenset({"integer", "decimal", "currency", "percent", "rating", "duration"})
FROM_TEXT = TEXTUAL | SCALARS | frozenset({"select", "tags", "multi_select", "date", "datetime"})


class TextType(FieldType):
    type_key = "text"
    label: ClassVar[dict[str, str]] = {"en": "Text", "zh-CN": "单行文本"}
    filter_kind = "text"
    widget = "text"
    searchable = True
    default_max_length: ClassVar[int] = 500
    options_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "max_length": {"type": "integer", "minimum": 1, "maximum": 1_000_000},
            "placeholder": {"type": "object"},
        },
        "additionalProperties": False,
    }
    converts_to = FROM_TEXT | {"boolean"}

    def column_type(self, spec: FieldSpec) -> TypeEngine[Any]:
        return Text()

    def max_length(self, spec: FieldSpec) -> int:
        return int(spec.options.get("max_length", self.default_max_length))

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "string", "maxLength": self.max_length(spec)}

    def to_db(self, value: JsonValue, spec: FieldSpec) -> Any:
        if not isinstance(value, str):
            raise ValueError_("must be a string")
        if len(value) > self.max_length(spec):
            raise ValueError_(f"is longer than {self.max_length(spec)} characters")
        return self.normalize(value)

    def normalize(self, value: str) -> str:
        return value

    def coerce(self, value: JsonValue, spec: FieldSpec) -> JsonValue:
        if value is None:
            return None
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, float) and value.is_integer():
            value = str(int(value))
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        elif not isinstance(value, str):
            value = str(value)
        return self.from_db(self.to_db(value, spec), spec)


class LongTextType(TextType):
    type_key = "long_text"
    label: ClassVar[dict[str, str]] = {"en": "Long text", "zh-CN": "多行文本"}
    widget = "textarea"
    default_max_length = 100_000
    indexable = False


class RichTextType(TextType):
    """HTML, sanitized on the way in so stored content is always safe to render."""

    type_key = "rich_text"
    label: ClassVar[dict[str, str]] = {"en": "Rich text", "zh-CN": "富文本"}
    widget = "richtext"
    default_max_length = 1_000_000
    indexable = False
    sortable = False

    def normalize(self, value: str) -> str:
        return nh3.clean(value)


class _PatternText(TextType):
    pattern: ClassVar[re.Pattern[str]]
    problem: ClassVar[str]
    default_max_length = 320

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {**super().value_schema(spec), "pattern": self.pattern.pattern}

    def normalize(self, value: str) -> str:
        value = value.strip()
        if not self.pattern.fullmatch(value):
            raise ValueError_(self.problem)
        return value


class EmailType(_PatternText):
    type_key = "email"
    label: ClassVar[dict[str, str]] = {"en": "Email", "zh-CN": "邮箱"}
    widget = "email"
    pattern = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    problem = "is not a valid email address"


class PhoneType(_PatternText):
    type_key = "phone"
    label: ClassVar[dict[str, str]] = {"en": "Phone", "zh-CN": "电话"}
    widget = "phone"
    pattern = re.compile(r"^\+?[0-9][0-9 ()./-]{2,30}(?:\s*(?:x|ext\.?|#)\s*[0-9]{1,6})?$")
    problem = "is not a valid phone number"
    default_max_length = 40


class UrlType(_PatternText):
    type_key = "url"
    label: ClassVar[dict[str, str]] = {"en": "URL", "zh-CN": "网址"}
    widget = "url"
    pattern = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
    problem = "is not a valid http(s) URL"
    default_max_length = 2048


TEXT_TYPES: list[FieldType] = [
    TextType(),
    LongTextType(),
    RichTextType(),
    EmailType(),
    PhoneType(),
    UrlType(),
]
