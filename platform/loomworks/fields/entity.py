"""EntitySpec: the effective entity definition, typed, as every layer below the API sees it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from .base import FieldSpec, FieldType
from .registry import FIELD_TYPES

SYSTEM_COLUMNS = (
    "id",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "owner_id",
    "version",
    "deleted_at",
)
#: System columns as they are named in record JSON and in JsonLogic.
SYSTEM_FIELDS = {
    "id": "id",
    "_version": "version",
    "_created_at": "created_at",
    "_created_by": "created_by",
    "_updated_at": "updated_at",
    "_updated_by": "updated_by",
    "_owner": "owner_id",
}


@dataclass(frozen=True)
class EntitySpec:
    key: str
    label: dict[str, str]
    fields: tuple[FieldSpec, ...]
    title_field: str | None
    version: int
    doc: dict[str, Any] = field(compare=False, repr=False)

    @classmethod
    def from_json(cls, doc: dict[str, Any], version: int) -> EntitySpec:
        return cls(
            key=doc["key"],
            label=dict(doc.get("label") or {}),
            fields=tuple(FieldSpec.from_json(f) for f in doc.get("fields", [])),
            title_field=doc.get("title_field"),
            version=version,
            doc=doc,
        )

    @cached_property
    def cache_key(self) -> tuple[str, int, str]:
        """Identifies this exact definition for caches of derived objects (tables, validators).

        The version alone is not enough: a rolled-back change, or an entity purged and
        created again, reuses version numbers for a different document.
        """
        text = json.dumps(self.doc, sort_keys=True, separators=(",", ":"), default=str)
        return self.key, self.version, hashlib.sha1(text.encode()).hexdigest()

    @cached_property
    def all_fields(self) -> dict[str, FieldSpec]:
        """Every field, removed ones included (their columns still exist)."""
        return {f.key: f for f in self.fields}

    @cached_property
    def live_fields(self) -> dict[str, FieldSpec]:
        return {f.key: f for f in self.fields if not f.removed}

    def field_type(self, key: str) -> FieldType:
        return FIELD_TYPES.get(self.all_fields[key].type)

    def title_key(self) -> str | None:
        """The field shown as a record's title: the configured one, else the first text field."""
        if self.title_field and self.title_field in self.live_fields:
            return self.title_field
        for spec in self.live_fields.values():
            if spec.type in ("text", "auto_number", "email"):
                return spec.key
        return None

    def without(self, keys: frozenset[str]) -> EntitySpec:
        """A read-only view lacking ``keys`` (e.g. the fields hidden from one reader); never stored."""
        if not keys:
            return self
        return replace(self, fields=tuple(f for f in self.fields if f.key not in keys))

    def fields_of_type(self, *types: str) -> list[FieldSpec]:
        return [f for f in self.live_fields.values() if f.type in types]
