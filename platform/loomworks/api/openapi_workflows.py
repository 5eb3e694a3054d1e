"""OpenAPI paths of workflows: definitions, a record's transitions and workflow history,
and the approvals inbox with its decisions."""

from __future__ import annotations

from typing import Any

from ..workflows.decisions import DECISIONS
from ..workflows.inbox import STATUSES
from .openapi_paths import ID_SCHEMA, OBJECT, _op, _path_param, _query, definition_paths

KEY = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"}
CHANGES = (400, 401, 403, 404, 409, 422)
USER_IDS = {"type": "array", "items": ID_SCHEMA, "maxItems": 20}

TRANSITION_BODY = {
    "type": "object",
    "properties": {
        "comment": {"type": "string", "maxLength": 5000},
        "fields": {"type": "object", "description": "values of the fields the transition asks for"},
        "_version": {"type": "integer", "description": "the version the caller saw; a stale one is a 409"},
    },
    "additionalProperties": False,
}
DECISION_BODY = {
    "type": "object",
    "required": ["decision"],
    "properties": {
        "decision": {"enum": list(DECISIONS)},
        "comment": {"type": "string", "maxLength": 5000},
        "to": {**ID_SCHEMA, "description": "delegate: the user the task passes to"},
        "users": {**USER_IDS, "description": "add_approver, cc: the users named"},
        "back_to": {"enum": ["previous", "requester"]},
        "task": {**ID_SCHEMA, "description": "delegate by an admin: the pending task to transfer"},
    },
    "additionalProperties": False,
}


def workflow_paths() -> dict[str, Any]:
    approval = _path_param("approval_id", ID_SCHEMA)
    listing = [
        _query("mine", {"type": "boolean"}, "only requests waiting for the caller's decision"),
        _query("requested", {"type": "boolean"}, "only requests the caller asked for"),
        _query("status", {"enum": list(STATUSES)}),
        _query("entity", KEY),
        _query("record_id", ID_SCHEMA),
        _query("limit", {"type": "integer", "minimum": 1, "maximum": 200}),
        _query("before", ID_SCHEMA),
    ]
    return {
        **definition_paths(
            "workflows",
            "workflow",
            create="Create a workflow (admins, builders); existing rows are mapped to its states",
            delete="Delete a workflow (soft; its pending approvals are cancelled)",
        ),
        "/api/approvals": {
            "get": _op("Approval requests the caller is part of, newest first", params=listing, result=OBJECT),
        },
        "/api/approvals/{approval_id}": {
            "get": _op("One approval request with its steps and tasks", params=[approval], result=OBJECT),
            "post": _op(
                "Decide or act on a request: approve, reject, send back, delegate, add approver, cc, withdraw",
                params=[approval],
                body=DECISION_BODY,
                result=OBJECT,
                errors=CHANGES,
            ),
        },
    }


def record_workflow_paths(entity: str, *, generic: bool) -> dict[str, Any]:
    base = f"/api/records/{entity}/{{id}}"
    scope = [_path_param("entity")] if generic else []
    record_id = _path_param("id", ID_SCHEMA)
    take = _op(
        f"Take a transition on a {entity} record",
        params=[*scope, record_id, _path_param("transition", KEY)],
        body=TRANSITION_BODY,
        result=OBJECT,
        errors=CHANGES,
    )
    take["responses"]["202"] = {
        "description": "The transition waits for approval: {approval}",
        "content": {"application/json": {"schema": OBJECT}},
    }
    return {
        f"{base}/transitions": {
            "get": _op(
                f"The states of a {entity} record and the transitions the caller may take now",
                params=[*scope, record_id],
                result=OBJECT,
                errors=(400, 401, 403, 404),
            ),
        },
        f"{base}/transitions/{{transition}}": {"post": take},
        f"{base}/workflow": {
            "get": _op(
                f"The workflow history of a {entity} record: transitions and approval events",
                params=[*scope, record_id],
                result=OBJECT,
                errors=(400, 401, 403, 404),
            ),
        },
    }
