"""The FieldType contract: one class per type owns everything about that type.

A type knows its column, the JSON Schema of its value, its default widget, how a
JSON value becomes a database value and back, how it reads and writes CSV text,
which filter kind the JsonLogic→SQL compiler should treat it as, and which other
types it may be converted to. Conversions are judged generically and per value:
a value converts *losslessly* when converting it back yields the original, so
"05" → 5 is flagged as lossy while 5 → "5" is not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from sqlalchemy.types import TypeEngine

JsonValue = Any

#: Largest record id (a signed 64-bit integer); larger numbers can never name a record.
MAX_RECORD_ID = 2**63 - 1
#: JSON Schema of a reference to a record or user by id.
ID_SCHEMA: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": MAX_RECORD_ID}


class ValueError_(ValueError):
    """A value that this field type cannot accept; the message is shown to users."""


@dataclass(frozen=True)
class FieldSpec:
    """A field definition as the runtime sees it (the stored JSON, typed)."""

    key: str
    type: str
    label: dict[str, str]
    required: bool = False
    unique: bool = False
    indexed: bool = False
    default: Any = None
    options: dict[str, Any] = field(default_factory=dict)
    removed: bool = False
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> FieldSpec:
        return cls(
            key=doc["key"],
            type=doc["type"],
            label=dict(doc.get("label") or {}),
            required=bool(doc.get("required", False)),
            unique=bool(doc.get("unique", False)),
            indexed=bool(doc.get("indexed", False)),
            default=doc.get("default"),
            options=dict(doc.get("options") or {}),
            removed=bool(doc.get("removed", False)),
            raw=doc,
        )

    @property
    def has_default(self) -> bool:
        return "default" in self.raw


class FieldType:
    """Base class. Subclasses set the class attributes and override what differs."""

    type_key: ClassVar[str]
    label: ClassVar[dict[str, str]]
    #: Kind used by the JsonLogic→SQL compiler; None means "cannot be filtered".
    filter_kind: ClassVar[str | None] = "text"
    #: JSON Schema of this type's ``options`` object.
    options_schema: ClassVar[dict[str, Any]] = {"type": "object", "additionalProperties": False}
    #: Default widget name for the generated uiSchema.
    widget: ClassVar[str] = "text"
    #: False for values the system computes (formula, auto_number, audit fields).
    writable: ClassVar[bool] = True
    #: True when the type has its own column in the entity table.
    has_column: ClassVar[bool] = True
    #: Types this one may be converted to (the conversion itself is judged per value).
    converts_to: ClassVar[frozenset[str]] = frozenset()
    #: Whether unique/indexed make sense for this type.
    indexable: ClassVar[bool] = True
    #: Whether ``q`` text search looks into this field.
    searchable: ClassVar[bool] = False
    #: Whether the value may be sorted and aggregated by.
    sortable: ClassVar[bool] = True

    # --- storage -------------------------------------------------------------------------
    def column_type(self, spec: FieldSpec) -> TypeEngine[Any]:
        raise NotImplementedError

    def stores_column(self, spec: FieldSpec) -> bool:
        """Whether this field has a column of its own in the entity table."""
        return self.has_column

    def kind(self, spec: FieldSpec) -> str | None:
        """Filter kind for this particular field (formulas depend on their result type)."""
        return self.filter_kind

    def system_column(self, spec: FieldSpec) -> str | None:
        """For audit fields: the system column whose value this field shows."""
        return None

    # --- schema --------------------------------------------------------------------------
    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        """JSON Schema of a non-null value of this field."""
        raise NotImplementedError

    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        """JSON Schema of the field in a record; null is allowed (required is enforced apart)."""
        schema = dict(self.value_schema(spec))
        schema["title"] = spec.label.get("en") or spec.key
        if not self.writable:
            schema["readOnly"] = True
        return {"anyOf": [schema, {"type": "null"}], "title": schema["title"]}

    # --- values --------------------------------------------------------------------------
    def to_db(self, value: JsonValue, spec: FieldSpec) -> Any:
        """Turn a schema-valid JSON value into the column value; raise ValueError_ if invalid."""
        return value

    def from_db(self, value: Any, spec: FieldSpec) -> JsonValue:
        """Turn a column value into its JSON form."""
        return value

    def is_empty(self, value: JsonValue) -> bool:
        return value is None or value == "" or value == []

    def coerce(self, value: JsonValue, spec: FieldSpec) -> JsonValue:
        """Best-effort conversion of any JSON value (from another type) to this type.

        Used by type conversion and imports; raises ValueError_ when impossible.
        """
        if value is None:
            return None
        return self.from_db(self.to_db(value, spec), spec)

    # --- text (CSV) ----------------------------------------------------------------------
    def parse_text(self, text: str, spec: FieldSpec) -> JsonValue:
        if text == "":
            return None
        return self.coerce(text, spec)

    def format_text(self, value: JsonValue, spec: FieldSpec) -> str:
        if value is None:
            return ""
        return str(value)

    # --- description ---------------------------------------------------------------------
    def describe(self) -> dict[str, Any]:
        return {
            "type": self.type_key,
            "label": self.label,
            "options_schema": self.options_schema,
            "widget": self.widget,
            "writable": self.writable,
            "filterable": self.filter_kind is not None,
            "sortable": self.sortable,
            "indexable": self.indexable,
            "converts_to": sorted(self.converts_to),
        }
