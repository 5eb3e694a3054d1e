"""The attachment field type.

Files are uploaded first (``POST /api/files``) and a record refers to them by id.
The record keeps each file's name, size and content type next to the id so that
lists and exports never need a lookup per row.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy.types import TypeEngine

from ..core.sqltypes import json_column_type
from .base import FieldSpec, FieldType, JsonValue, ValueError_

FILE_ID_PATTERN = "^[a-f0-9]{32}$"


class AttachmentType(FieldType):
    type_key = "attachment"
    label: ClassVar[dict[str, str]] = {"en": "Attachment", "zh-CN": "附件"}
    filter_kind = None
    widget = "file"
    indexable = False
    sortable = False
    options_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {
            "max_files": {"type": "integer", "minimum": 1, "maximum": 100},
            "accept": {"type": "array", "items": {"type": "string"}},
        },
        "additionalProperties": False,
    }

    def column_type(self, spec: FieldSpec) -> TypeEngine[Any]:
        return json_column_type()

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        file_ref = {
            "anyOf": [
                {"type": "string", "pattern": FILE_ID_PATTERN},
                {
                    "type": "object",
                    "required": ["id"],
                    "properties": {"id": {"type": "string", "pattern": FILE_ID_PATTERN}},
                },
            ]
        }
        return {"type": "array", "items": file_ref, "maxItems": spec.options.get("max_files", 20)}

    def file_ids(self, value: JsonValue) -> list[str]:
        """The ids a client sent, in order, without duplicates."""
        if not isinstance(value, list):
            raise ValueError_("must be a list of files")
        ids = [item["id"] if isinstance(item, dict) else item for item in value]
        return list(dict.fromkeys(str(i) for i in ids))

    def to_db(self, value: JsonValue, spec: FieldSpec) -> Any:
        # The records service replaces ids by the stored file descriptions.
        return value or None

    def from_db(self, value: Any, spec: FieldSpec) -> JsonValue:
        return list(value) if value else None

    def format_text(self, value: JsonValue, spec: FieldSpec) -> str:
        if not value:
            return ""
        return ", ".join(str(item.get("name", item.get("id"))) for item in value)

    def parse_text(self, text: str, spec: FieldSpec) -> JsonValue:
        raise ValueError_("attachments cannot be imported from text")


FILE_TYPES: list[FieldType] = [AttachmentType()]
