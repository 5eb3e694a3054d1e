"""The paths of the OpenAPI document: auth, admin, metadata and (per entity) records.

Kept apart from ``api.openapi`` (which assembles the document and its schemas) so each
stays small; every operation lists the error statuses it can answer with API.md's body.
"""

from __future__ import annotations

from typing import Any

from ..fields.base import MAX_RECORD_ID

ERROR_REF = {"$ref": "#/components/schemas/Error"}
JSON = "application/json"


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


def definition_paths(plural: str, noun: str, *, create: str, delete: str) -> dict[str, Any]:
    """The seven paths of a definition kind served by ``document_routes`` (list, create, get,
    replace, merge-patch, soft delete, restore), changed by admins and builders."""
    key = _path_param("key", {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"})
    changes = (400, 401, 403, 404, 409, 422)
    base = f"/api/meta/{plural}"
    return {
        base: {
            "get": _op(
                f"{noun.capitalize()} definitions",
                params=[_query("include_deleted", {"type": "boolean"})],
                result=OBJECT,
            ),
            "post": _op(create, body=OBJECT, ok=201, result=OBJECT, errors=changes),
        },
        f"{base}/{{key}}": {
            "get": _op(f"One {noun}", params=[key], result=OBJECT),
            "put": _op(f"Replace a {noun}", params=[key], body=OBJECT, result=OBJECT, errors=changes),
            "patch": _op(
                f"Change a {noun} (JSON merge patch)", params=[key], body=OBJECT, result=OBJECT, errors=changes
            ),
            "delete": _op(delete, params=[key], result=OBJECT, errors=changes),
        },
        f"{base}/{{key}}/restore": {"post": _op(f"Restore a {noun}", params=[key], result=OBJECT, errors=changes)},
    }


def auth_paths() -> dict[str, Any]:
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


def admin_paths() -> dict[str, Any]:
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
        **form_paths(),
    }


def form_paths() -> dict[str, Any]:
    """Form definitions (admins and builders) and forms served for rendering and submitting."""
    form = _path_param("form")
    key = _path_param("key")
    language = {"name": "Accept-Language", "in": "header", "required": False, "schema": {"type": "string"}}
    changes = (400, 401, 403, 404, 409, 422)
    return {
        "/api/meta/forms": {
            "get": _op("Form definitions", result=OBJECT, errors=(401, 403)),
            "post": _op("Create a form (admins, builders)", body=OBJECT, ok=201, result=OBJECT, errors=changes),
        },
        "/api/meta/forms/{key}": {
            "get": _op("One form definition (or an entity's default form)", params=[key], result=OBJECT),
            "put": _op("Replace a form (admins, builders)", params=[key], body=OBJECT, result=OBJECT, errors=changes),
            "delete": _op("Delete a form (admins, builders)", params=[key], result=OBJECT, errors=changes),
        },
        "/api/forms/{form}": {
            "get": _op(
                "JSON Schema + uiSchema + rules + defaults + layout for rjsf, localized (anonymous: public forms only)",
                params=[form, language],
                result=OBJECT,
            ),
        },
        "/api/forms/{form}/records/{id}": {
            "get": _op(
                "The form with a record's formData",
                params=[form, _path_param("id", ID_SCHEMA), language],
                result=OBJECT,
            ),
        },
        "/api/forms/{form}/fields/{field}/options": {
            "get": _op(
                "Readable choices for a relation or user field (`<sub_table>.<column>` for a row's picker)",
                params=[
                    form,
                    _path_param("field"),
                    _query("q", {"type": "string"}),
                    _query("limit", {"type": "integer", "minimum": 1, "maximum": 50}),
                ],
                result=OBJECT,
                errors=(400, 401, 403, 404),
            ),
        },
        "/api/forms/{form}/submit": {
            "post": _op(
                "Create (or with id, update) a record through the form's rules; anonymous callers may"
                " create through public forms (rate-limited; answer {status: received})",
                params=[form, language],
                body={
                    "type": "object",
                    "properties": {
                        "id": ID_SCHEMA,
                        "_version": {"type": "integer"},
                        "values": OBJECT,
                        "_hp": {"type": "string", "description": "the public form's honeypot input"},
                    },
                },
                ok=201,
                result=OBJECT,
                errors=(*changes, 413, 429),
            ),
        },
    }


def meta_paths() -> dict[str, Any]:
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


IMPORT_FORM = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "CSV or XLSX"},
        "options": {
            "type": "string",
            "description": "JSON: mapping, values, key, create_missing, day_first, timezone, dry_run, "
            "keep_workflow_states, defaults (docs/imports.md)",
        },
    },
}


def _import_op(entity: str, scope: list[Any]) -> dict[str, Any]:
    operation = _op(
        f"Import {entity} records from a CSV or XLSX file, row by row, with a per-row report",
        params=scope,
        result=OBJECT,
        errors=(400, 401, 403, 404, 413, 422),
    )
    operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": IMPORT_FORM}}}
    return operation


def _export_op(entity: str, scope: list[Any]) -> dict[str, Any]:
    operation = _op(
        f"Export {entity} records as CSV (UTF-8 with BOM; the list's rows and fields, needs the export grant)",
        params=scope
        + [
            _query("format", {"type": "string", "enum": ["csv"]}),
            _query("where", {"type": "string"}, "JsonLogic filter, URL-encoded JSON"),
            _query("q", {"type": "string"}, "text search over text fields"),
            _query("sort", {"type": "string"}, "comma-separated fields, '-' for descending"),
            _query("fields", {"type": "string"}, "comma-separated columns (id, _created_at, _updated_at too)"),
        ],
        errors=(400, 401, 403, 404),
    )
    operation["responses"]["200"]["content"] = {"text/csv": {"schema": {"type": "string"}}}
    return operation


def record_paths(entity: str, record: str, write: str, *, generic: bool) -> dict[str, Any]:
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
        f"{base}/import": {"post": _import_op(entity, scope)},
        f"{base}/export": {"get": _export_op(entity, scope)},
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
