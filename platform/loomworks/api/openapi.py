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

from ..fields.base import MAX_RECORD_ID
from ..fields.entity import EntitySpec
from ..meta.entities import readable_specs
from ..meta.validation import meta_validator
from ..records.schema import record_schema, write_schema
from .context import transaction

bp = Blueprint("openapi", __name__, url_prefix="/api")

ERROR_REF = {"$ref": "#/components/schemas/Error"}
JSON = "application/json"


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
    paths.update(_auth_paths())
    paths.update(_admin_paths())
    paths.update(_meta_paths())
    paths.update(_record_paths("{entity}", "AnyRecord", "AnyRecordWrite", generic=True))
    schemas["AnyRecordWrite"] = schemas["AnyRecordCreate"] = schemas["AnyRecord"]
    for spec in specs:
        name = _schema_name(spec.key)
        schemas[f"{name}Record"] = _components_safe(record_schema(spec))
        schemas[f"{name}Write"] = _components_safe(write_schema(spec))
        schemas[f"{name}Create"] = _create_schema(spec)
        paths.update(_record_paths(spec.key, f"{name}Record", f"{name}Write", generic=False))
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


# --- paths -----------------------------------------------------------------------------------


def _op(
    summary: str,
    *,
    params: list[Any] | None = None,
    body: Any = None,
    ok: int = 200,
    result: Any = None,
    errors: tuple[int, ...] = (400, 401, 404),
) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": summary, "responses": {}}
    if params:
        operation["parameters"] = params
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {JSON: {"schema": body}}}
    success: dict[str, Any] = {"description": "OK"}
    if result is not None:
        success["content"] = {JSON: {"schema": result}}
    operation["responses"][str(ok)] = success
    for status in errors:
        operation["responses"][str(status)] = {"description": "Error", "content": {JSON: {"schema": ERROR_REF}}}
    return operation


def _path_param(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema or {"type": "string"}}


def _query(name: str, schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    param = {"name": name, "in": "query", "required": False, "schema": schema}
    if description:
        param["description"] = description
    return param


OBJECT = {"type": "object"}
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_RECORD_ID}
CONFIRM = _query("confirm", {"type": "boolean"}, "apply a lossy change previewed by a 409")


def _auth_paths() -> dict[str, Any]:
    credentials = {
        "type": "object",
        "required": ["email", "password"],
        "properties": {"email": {"type": "string"}, "password": {"type": "string"}},
    }
    return {
        "/api/health": {"get": {**_op("Database and worker status", errors=()), "security": []}},
        "/api/openapi.json": {"get": _op("This document, as the caller may use it", result=OBJECT, errors=(401,))},
        "/api/auth/login": {
            "post": {**_op("Sign in", body=credentials, result=OBJECT, errors=(400, 401, 422)), "security": []}
        },
        "/api/auth/logout": {"post": _op("Sign out and end the session", result=OBJECT, errors=(401,))},
        "/api/auth/me": {"get": _op("The signed-in user and CSRF token", result=OBJECT, errors=(401,))},
        "/api/auth/tokens": {
            "get": _op("My API tokens", result=OBJECT, errors=(401,)),
            "post": _op(
                "Create an API token (shown once)",
                body={"type": "object", "properties": {"name": {"type": "string"}}},
                ok=201,
                result=OBJECT,
                errors=(400, 401, 422),
            ),
        },
        "/api/auth/tokens/{token_id}": {
            "delete": _op("Revoke a token", params=[_path_param("token_id", ID_SCHEMA)], ok=204),
        },
    }


def _admin_paths() -> dict[str, Any]:
    """Users, roles, the audit log and explain: admins (roles are readable by builders)."""
    user_id = _path_param("user_id", ID_SCHEMA)
    role = _path_param("key")
    admin_errors = (400, 401, 403, 404, 409, 422)
    return {
        "/api/users": {
            "get": _op("Users (admins)", result=OBJECT, errors=(401, 403)),
            "post": _op("Create or invite a user (admins)", body=OBJECT, ok=201, result=OBJECT, errors=admin_errors),
        },
        "/api/users/{user_id}": {
            "get": _op("One user (admins)", params=[user_id], result=OBJECT, errors=(401, 403, 404)),
            "patch": _op(
                "Change roles, deactivate, reset password (admins)",
                params=[user_id],
                body=OBJECT,
                result=OBJECT,
                errors=admin_errors,
            ),
        },
        "/api/audit": {
            "get": _op(
                "The audit log, newest first (admins)",
                params=[
                    _query("action", {"type": "string"}),
                    _query("actor", ID_SCHEMA),
                    _query("before", ID_SCHEMA),
                    _query("limit", {"type": "integer", "minimum": 1, "maximum": 500}),
                ],
                result=OBJECT,
                errors=(400, 401, 403),
            ),
        },
        "/api/auth/explain": {
            "get": _op(
                "Why a user may or may not act on an entity (admins)",
                params=[
                    _query("user", ID_SCHEMA),
                    _query("entity", {"type": "string"}),
                    _query("action", {"type": "string"}),
                    _query("id", ID_SCHEMA),
                ],
                result=OBJECT,
                errors=(400, 401, 403, 404),
            ),
        },
        "/api/meta/roles": {
            "get": _op("Role definitions", result=OBJECT, errors=(401, 403)),
            "post": _op("Create a role (admins)", body=OBJECT, ok=201, result=OBJECT, errors=admin_errors),
        },
        "/api/meta/roles/{key}": {
            "get": _op("One role", params=[role], result=OBJECT, errors=(401, 403, 404)),
            "put": _op("Replace a role (admins)", params=[role], body=OBJECT, result=OBJECT, errors=admin_errors),
            "patch": _op("Change a role (admins)", params=[role], body=OBJECT, result=OBJECT, errors=admin_errors),
            "delete": _op("Delete a role (admins; recoverable)", params=[role], result=OBJECT, errors=admin_errors),
        },
        "/api/meta/roles/{key}/restore": {
            "post": _op("Restore a deleted role (admins)", params=[role], result=OBJECT, errors=admin_errors),
        },
    }


def _meta_paths() -> dict[str, Any]:
    entity = _path_param("entity")
    field = _path_param("field")
    definition = {"$ref": "#/components/schemas/EntityDefinition"}
    change = (400, 401, 404, 409, 422)
    purge = _query("purge", {"type": "boolean"}, "delete for good (admins only)")
    revision = _path_param("revision_id", ID_SCHEMA)
    return {
        "/api/meta/field-types": {"get": _op("Every field type with its options schema", result=OBJECT)},
        "/api/meta/entities": {
            "get": _op("Entity definitions", params=[_query("include_deleted", {"type": "boolean"})], result=OBJECT),
            "post": _op("Create an entity (and its table)", body=definition, ok=201, result=OBJECT, errors=change),
        },
        "/api/meta/entities/{entity}": {
            "get": _op("One entity definition", params=[entity], result=OBJECT),
            "patch": _op("Change an entity", params=[entity, CONFIRM], body=OBJECT, result=OBJECT, errors=change),
            "delete": _op(
                "Delete (recoverable) or purge an entity",
                params=[entity, purge],
                result=OBJECT,
                errors=(400, 401, 403, 404, 409),
            ),
        },
        "/api/meta/entities/{entity}/restore": {
            "post": _op("Restore a deleted entity", params=[entity], result=OBJECT, errors=change),
        },
        "/api/meta/entities/{entity}/schema": {
            "get": _op("JSON Schema (2020-12) of a record", params=[entity], result=OBJECT),
        },
        "/api/meta/entities/{entity}/fields": {
            "post": _op(
                "Add a field",
                params=[entity],
                body={"$ref": "#/components/schemas/EntityDefinition/$defs/field"},
                ok=201,
                result=OBJECT,
                errors=change,
            ),
        },
        "/api/meta/entities/{entity}/fields/{field}": {
            "patch": _op("Change a field", params=[entity, field, CONFIRM], body=OBJECT, result=OBJECT, errors=change),
            "delete": _op(
                "Remove (data kept) or purge a field", params=[entity, field, purge], result=OBJECT, errors=change
            ),
        },
        "/api/meta/entities/{entity}/fields/{field}/restore": {
            "post": _op("Restore a removed field with its data", params=[entity, field], result=OBJECT, errors=change),
        },
        "/api/meta/revisions": {
            "get": _op(
                "Definition revisions, newest first",
                params=[
                    _query("kind", {"type": "string"}),
                    _query("key", {"type": "string"}),
                    _query("limit", {"type": "integer", "minimum": 1, "maximum": 500}),
                ],
                result=OBJECT,
            ),
        },
        "/api/meta/revisions/{revision_id}": {
            "get": _op("One revision with before and after", params=[revision], result=OBJECT),
        },
        "/api/meta/revisions/{revision_id}/revert": {
            "post": _op(
                "Revert a definition to before (or after) a revision",
                params=[revision],
                body={
                    "type": "object",
                    "properties": {"to": {"enum": ["before", "after"]}, "confirm": {"type": "boolean"}},
                },
                result=OBJECT,
                errors=change,
            ),
        },
        "/api/files": {"post": _op("Upload a file (multipart field 'file')", ok=201, result=OBJECT)},
        "/api/files/{file_id}": {"get": _op("Download a file", params=[_path_param("file_id")])},
    }


def _record_paths(entity: str, record: str, write: str, *, generic: bool) -> dict[str, Any]:
    base = f"/api/records/{entity}"
    scope = [_path_param("entity")] if generic else []
    record_id = _path_param("id", ID_SCHEMA)
    record_ref = {"$ref": f"#/components/schemas/{record}"}
    write_ref = {"$ref": f"#/components/schemas/{write}"}
    page = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": record_ref},
            "next_cursor": {"type": ["string", "null"]},
            "total": {"type": ["integer", "null"]},
            "total_is_estimate": {"type": "boolean"},
        },
    }
    list_params = [
        _query("where", {"type": "string"}, "JsonLogic filter, URL-encoded JSON"),
        _query("q", {"type": "string"}, "text search over text fields"),
        _query("sort", {"type": "string"}, "comma-separated fields, '-' for descending"),
        _query("limit", {"type": "integer", "minimum": 1, "maximum": 500}),
        _query("cursor", {"type": "string"}),
        _query("fields", {"type": "string"}, "comma-separated projection"),
        _query("deleted", {"type": "boolean"}, "list the trash instead"),
        _query("total", {"type": "boolean"}, "count the matching records (default true)"),
    ]
    change = (400, 401, 404, 409, 422)
    return {
        base: {
            "get": _op(f"List {entity} records", params=scope + list_params, result=page),
            "post": _op(
                f"Create a {entity} record",
                params=scope,
                body={"$ref": f"#/components/schemas/{write.removesuffix('Write')}Create"},
                ok=201,
                result=record_ref,
                errors=change,
            ),
        },
        f"{base}/aggregate": {
            "get": _op(
                f"Group and total {entity} records",
                params=scope
                + [
                    _query("group_by", {"type": "string"}, "up to two fields; dates as field:bucket"),
                    _query("metrics", {"type": "string"}, "count, sum:f, avg:f, min:f, max:f"),
                    _query("where", {"type": "string"}),
                ],
                result=OBJECT,
            ),
        },
        f"{base}/{{id}}": {
            "get": _op(f"One {entity} record", params=[*scope, record_id], result=record_ref),
            "patch": _op(
                f"Change a {entity} record (send _version or If-Match)",
                params=[*scope, record_id],
                body=write_ref,
                result=record_ref,
                errors=change,
            ),
            "delete": _op(f"Delete a {entity} record (soft)", params=[*scope, record_id], ok=204, errors=change),
        },
        f"{base}/{{id}}/restore": {
            "post": _op(
                f"Restore a deleted {entity} record", params=[*scope, record_id], result=record_ref, errors=change
            ),
        },
        f"{base}/{{id}}/history": {
            "get": _op(f"Field-level history of a {entity} record", params=[*scope, record_id], result=OBJECT),
        },
    }
