"""``/api/openapi.json``: an OpenAPI 3.1 document built from the live definitions.

Besides the generic ``/api/records/{entity}`` paths, every entity gets its own
concrete paths whose bodies reference ``<Entity>Record`` / ``<Entity>Write``
schemas compiled from its definition, so client generators and fuzzers see the
real field types. It needs a signed-in caller and shows only what that caller may use:
entity names and field names are information too.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from flask import Blueprint

from ..fields.entity import EntitySpec
from ..meta.entities import readable_specs
from ..meta.validation import meta_validator
from ..records.schema import record_schema, write_schema
from .context import transaction
from .openapi_automation import automation_paths, record_automation_paths
from .openapi_paths import admin_paths, auth_paths, meta_paths, record_paths
from .openapi_templates import template_paths
from .openapi_views import view_paths
from .openapi_workflows import record_workflow_paths, workflow_paths

bp = Blueprint("openapi", __name__, url_prefix="/api")


@bp.get("/openapi.json")
def openapi_document() -> Any:
    """The document as the caller may use it: entities they can read, fields they can see."""
    with transaction() as tx:
        return build_document(readable_specs(tx))


def build_document(specs: list[EntitySpec]) -> dict[str, Any]:
    schemas: dict[str, Any] = {
        "Error": _error_schema(),
        "EntityDefinition": _entity_definition_schema(),
        "AnyRecord": {"type": "object", "additionalProperties": True},
    }
    paths: dict[str, Any] = {}
    paths.update(auth_paths())
    paths.update(admin_paths())
    paths.update(meta_paths())
    paths.update(automation_paths())
    paths.update(workflow_paths())
    paths.update(template_paths())
    paths.update(view_paths())
    paths.update(record_paths("{entity}", "AnyRecord", "AnyRecordWrite", generic=True))
    paths.update(record_automation_paths("{entity}", generic=True))
    paths.update(record_workflow_paths("{entity}", generic=True))
    schemas["AnyRecordWrite"] = schemas["AnyRecordCreate"] = schemas["AnyRecord"]
    for spec in specs:
        name = _schema_name(spec.key)
        schemas[f"{name}Record"] = _components_safe(record_schema(spec))
        schemas[f"{name}Write"] = _components_safe(write_schema(spec))
        schemas[f"{name}Create"] = _create_schema(spec)
        paths.update(record_paths(spec.key, f"{name}Record", f"{name}Write", generic=False))
        paths.update(record_automation_paths(spec.key, generic=False))
        paths.update(record_workflow_paths(spec.key, generic=False))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Loomworks API",
            "version": "1",
            "description": "Definitions, records and queries of a Loomworks instance.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "loomworks_session"},
            },
        },
    }


# --- schemas ---------------------------------------------------------------------------------


def _error_schema() -> dict[str, Any]:
    detail = {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}
    return {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "details": {"type": "array", "items": detail},
                },
            }
        },
    }


def _entity_definition_schema() -> dict[str, Any]:
    """The meta-schema, with its internal references re-pointed into components."""
    schema = copy.deepcopy(meta_validator("entity").schema)
    schema.pop("$id", None)
    schema.pop("$schema", None)
    text = json.dumps(schema).replace('"#/$defs/', '"#/components/schemas/EntityDefinition/$defs/')
    return json.loads(text)  # type: ignore[no-any-return]


def _components_safe(schema: dict[str, Any]) -> dict[str, Any]:
    schema = dict(schema)
    schema.pop("$schema", None)
    return schema


def _create_schema(spec: EntitySpec) -> dict[str, Any]:
    """A create body: the writable fields, with the required ones (without a default) required."""
    schema = _components_safe(write_schema(spec))
    schema["required"] = [f.key for f in spec.live_fields.values() if f.required and not f.has_default]
    return schema


def _schema_name(key: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"_+", key) if part) or "Entity"
