"""The field-type registry: every built-in type registers here like an extension would."""

from __future__ import annotations

from ..core.registry import Registry
from .base import FieldSpec, FieldType
from .choice import CHOICE_TYPES
from .computed import COMPUTED_TYPES
from .files import FILE_TYPES
from .numbers import NUMBER_TYPES
from .relations import RELATION_TYPES
from .temporal import TEMPORAL_TYPES
from .text import TEXT_TYPES

FIELD_TYPES: Registry[FieldType] = Registry("field types")


def register(field_type: FieldType) -> FieldType:
    """Register a field type; a duplicate ``type_key`` fails at start-up."""
    return FIELD_TYPES.register(field_type.type_key, field_type)


for _builtin in (
    *TEXT_TYPES,
    *NUMBER_TYPES,
    *TEMPORAL_TYPES,
    *CHOICE_TYPES,
    *RELATION_TYPES,
    *COMPUTED_TYPES,
    *FILE_TYPES,
):
    register(_builtin)


def type_of(spec: FieldSpec) -> FieldType:
    return FIELD_TYPES.get(spec.type)
