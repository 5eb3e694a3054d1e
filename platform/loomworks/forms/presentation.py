"""How one field appears to react-jsonschema-form: its JSON Schema and its uiSchema entry.

The schema is the field type's *value* schema (an empty field is absent from the form
data, never ``null``, so rjsf shows a plain input rather than a choice between "value"
and "null"). ``ui:options.field_type`` names the Loomworks type so the browser picks
our widget for it, and the options a widget needs (choice labels, a relation's target,
a currency code...) travel beside it, already localized.
"""

from __future__ import annotations

from typing import Any

from ..fields.base import FieldSpec
from ..fields.registry import FIELD_TYPES
from ..fields.relations import RelationType, SubTableType
from .text import localize

#: Options copied as they are into ``ui:options`` when the field's definition sets them.
PASSED_OPTIONS = ("currency", "scale", "max", "max_files", "accept", "unit", "max_rows")


def field_schema(fspec: FieldSpec, locale: str, label: Any = None, help_text: Any = None) -> dict[str, Any]:
    """The field's value schema titled in ``locale`` (form overrides first, then the field's own)."""
    ftype = FIELD_TYPES.get(fspec.type)
    if isinstance(ftype, SubTableType):
        schema = _sub_table_schema(ftype, fspec, locale)
    else:
        schema = dict(ftype.value_schema(fspec))
    schema["title"] = localize(label, locale) or localize(fspec.label, locale) or fspec.key
    description = localize(help_text, locale) or localize(fspec.raw.get("help"), locale)
    if description:
        schema["description"] = description
    if not ftype.writable:
        schema["readOnly"] = True
    return schema


def field_ui(fspec: FieldSpec, locale: str) -> dict[str, Any]:
    """``{"ui:options": {...}}`` for the field (sub-tables add ``items`` for their columns)."""
    ftype = FIELD_TYPES.get(fspec.type)
    options: dict[str, Any] = {"field_type": fspec.type}
    options.update({name: fspec.options[name] for name in PASSED_OPTIONS if name in fspec.options})
    if "choices" in fspec.options:
        options["choices"] = [_choice(choice, locale) for choice in fspec.options["choices"]]
    if isinstance(ftype, RelationType):
        options["target"] = ftype.target(fspec)
        options["many"] = ftype.is_many(fspec)
    ui: dict[str, Any] = {"ui:options": options}
    if isinstance(ftype, SubTableType):
        columns = [child for child in ftype.child_specs(fspec) if not child.removed]
        ui["items"] = {child.key: field_ui(child, locale) for child in columns}
        ui["items"]["id"] = {"ui:widget": "hidden"}
        ui["items"]["ui:order"] = [child.key for child in columns] + ["*"]
    return ui


def _choice(choice: dict[str, Any], locale: str) -> dict[str, Any]:
    shown = {"value": choice["value"], "label": localize(choice.get("label"), locale) or choice["value"]}
    if choice.get("color"):
        shown["color"] = choice["color"]
    return shown


def _sub_table_schema(ftype: SubTableType, fspec: FieldSpec, locale: str) -> dict[str, Any]:
    """Rows of the child fields' value schemas; a required column is required in each row."""
    columns = [child for child in ftype.child_specs(fspec) if not child.removed]
    properties: dict[str, Any] = {"id": {"type": "integer", "minimum": 1}}
    properties.update({child.key: field_schema(child, locale) for child in columns})
    row = {
        "type": "object",
        "properties": properties,
        "required": [child.key for child in columns if child.required and FIELD_TYPES.get(child.type).writable],
        "additionalProperties": False,
    }
    return {"type": "array", "maxItems": ftype.max_rows(fspec), "items": row}
