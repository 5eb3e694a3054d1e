"""OpenAPI paths of automation: rules, runs, the outbox, notifications, inbound hooks, and the
bulk and button endpoints of each entity's records."""

from __future__ import annotations

from typing import Any

from .openapi_paths import ID_SCHEMA, OBJECT, _op, _path_param, _query, definition_paths

KEY = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"}
CHANGES = (400, 401, 403, 404, 409, 422)


def automation_paths() -> dict[str, Any]:
    key = _path_param("key", KEY)
    run_id = _path_param("run_id", ID_SCHEMA)
    outbox_id = _path_param("outbox_id", ID_SCHEMA)
    page = [_query("limit", {"type": "integer", "minimum": 1, "maximum": 200}), _query("before", ID_SCHEMA)]
    test_body = {
        "type": "object",
        "properties": {"record": OBJECT, "old": OBJECT, "payload": {}, "definition": OBJECT},
        "additionalProperties": False,
    }
    return {
        "/api/meta/rule-types": {"get": _op("Trigger and action types with their schemas", result=OBJECT)},
        **definition_paths(
            "rules",
            "rule",
            create="Create a rule (a webhook rule's secret is answered once)",
            delete="Delete a rule (soft)",
        ),
        "/api/meta/rules/{key}/test": {
            "post": _op(
                "What the rule would do for a record, without doing it",
                params=[key],
                body=test_body,
                result=OBJECT,
                errors=CHANGES,
            ),
        },
        "/api/meta/rules/{key}/secret": {
            "post": _op("A new secret for an inbound webhook rule", params=[key], result=OBJECT, errors=CHANGES),
        },
        "/api/automation/runs": {
            "get": _op(
                "Rule runs, newest first (admins, builders)",
                params=[
                    _query("rule", KEY),
                    _query("status", {"enum": ["success", "failed", "skipped", "stopped", "rolled_back"]}),
                    _query("entity", KEY),
                    _query("record", ID_SCHEMA),
                    *page,
                ],
                result=OBJECT,
                errors=(400, 401, 403),
            ),
        },
        "/api/automation/runs/{run_id}": {
            "get": _op("One run", params=[run_id], result=OBJECT, errors=(401, 403, 404))
        },
        "/api/automation/runs/{run_id}/replay": {
            "post": _op("Run the rule again for that trigger", params=[run_id], ok=201, result=OBJECT, errors=CHANGES),
        },
        "/api/outbox": {
            "get": _op(
                "Deliveries (admins)",
                params=[_query("status", {"enum": ["pending", "failed", "processing", "delivered", "dead"]}), *page],
                result=OBJECT,
                errors=(400, 401, 403),
            ),
        },
        "/api/outbox/{outbox_id}": {
            "get": _op("One delivery with its attempts", params=[outbox_id], result=OBJECT, errors=(401, 403, 404)),
        },
        "/api/outbox/{outbox_id}/replay": {
            "post": _op("Deliver again (same idempotency key)", params=[outbox_id], result=OBJECT, errors=CHANGES),
        },
        "/api/notifications": {
            "get": _op("My notifications", params=[_query("unread", {"type": "boolean"}), *page], result=OBJECT),
        },
        "/api/notifications/{notification_id}/read": {
            "post": _op("Mark one read", params=[_path_param("notification_id", ID_SCHEMA)], result=OBJECT),
        },
        "/api/notifications/read-all": {"post": _op("Mark all read", result=OBJECT, errors=(401,))},
        "/api/hooks/{key}": {
            "post": {
                **_op(
                    "Inbound webhook: runs the rule with the body as $payload (header X-Loomworks-Secret)",
                    params=[
                        key,
                        {"name": "X-Loomworks-Secret", "in": "header", "required": True, "schema": {"type": "string"}},
                    ],
                    body={},
                    ok=202,
                    result=OBJECT,
                    errors=(400, 401, 413, 415, 422),
                ),
                "security": [],
            },
        },
    }


def record_automation_paths(entity: str, *, generic: bool) -> dict[str, Any]:
    base = f"/api/records/{entity}"
    scope = [_path_param("entity")] if generic else []
    record_id = _path_param("id", ID_SCHEMA)
    bulk = {
        "type": "object",
        "required": ["action", "ids"],
        "properties": {
            "action": {"enum": ["update", "delete", "restore"]},
            "ids": {"type": "array", "items": ID_SCHEMA, "minItems": 1, "maxItems": 1000},
            "values": OBJECT,
        },
        "additionalProperties": False,
    }
    return {
        f"{base}/bulk": {
            "post": _op(
                f"Change, delete or restore many {entity} records, each on its own",
                params=scope,
                body=bulk,
                result=OBJECT,
                errors=(400, 401, 403, 404),
            ),
        },
        f"{base}/{{id}}/actions": {
            "get": _op(f"The rule buttons of a {entity} record", params=[*scope, record_id], result=OBJECT),
        },
        f"{base}/{{id}}/actions/{{rule}}": {
            "post": _op(
                f"Run a button on a {entity} record",
                params=[*scope, record_id, _path_param("rule", KEY)],
                result=OBJECT,
                errors=CHANGES,
            ),
        },
    }
