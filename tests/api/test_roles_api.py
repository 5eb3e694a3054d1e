"""Roles through HTTP: CRUD, validation errors, who may change them, explain, users in step."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from api_client import Api
from loomworks.auth import casbin_rules, users
from loomworks.runtime import Runtime

L = {"en": "Label", "zh-CN": "标签"}
OWN = {"==": [{"var": "_owner"}, {"var": "$user.id"}]}
REP = {
    "key": "sales_rep",
    "label": {"en": "Sales rep", "zh-CN": "销售代表"},
    "inherits": ["member"],
    "grants": [
        {
            "entity": "deal",
            "actions": ["read", "create", "update"],
            "scope": OWN,
            "hidden_fields": ["margin"],
            "readonly_fields": ["stage"],
        }
    ],
}
DEAL = {
    "key": "deal",
    "label": {"en": "Deal"},
    "fields": [
        {"key": "name", "type": "text", "label": {"en": "Name"}},
        {"key": "margin", "type": "decimal", "label": {"en": "Margin"}},
        {"key": "stage", "type": "text", "label": {"en": "Stage"}},
    ],
}


@pytest.fixture
def crm(api: Api) -> Api:
    assert api.post("/api/meta/entities", DEAL)[0] == 201
    return api


def client_for(app: Flask, runtime: Runtime, api: Api, email: str, roles: list[str]) -> tuple[Api, int]:
    status, body = api.post("/api/users", {"email": email, "password": "password-123", "roles": roles})
    assert status == 201, body
    with runtime.engine.begin() as conn:
        token = users.create_token(conn, body["id"], "t")["token"]
    return Api(app.test_client(), {"Authorization": f"Bearer {token}"}), int(body["id"])


def fields_of(body: Any) -> set[str]:
    return {d["field"] for d in body["error"]["details"]}


def test_role_crud_round_trip(crm: Api) -> None:
    status, created = crm.post("/api/meta/roles", REP)
    assert status == 201 and created["version"] == 1 and created["grants"] == REP["grants"]
    assert crm.get("/api/meta/roles/sales_rep")[1]["label"]["zh-CN"] == "销售代表"

    replaced = {**REP, "grants": [{"entity": "deal", "actions": ["read"]}], "version": 1}
    status, body = crm.call("PUT", "/api/meta/roles/sales_rep", replaced)
    assert status == 200 and body["version"] == 2 and body["grants"] == replaced["grants"]
    assert crm.call("PUT", "/api/meta/roles/sales_rep", replaced)[0] == 409  # version 1 is stale now

    status, body = crm.patch("/api/meta/roles/sales_rep", {"inherits": None, "description": L})
    assert status == 200 and body["inherits"] == [] and body["description"] == L

    status, listing = crm.get("/api/meta/roles")
    assert [r["key"] for r in listing["items"]] == ["admin", "builder", "member", "sales_rep"]

    assert crm.delete("/api/meta/roles/sales_rep")[0] == 200
    assert crm.get("/api/meta/roles/sales_rep")[0] == 404
    assert crm.get("/api/meta/roles/sales_rep?include_deleted=1")[1]["deleted"] is True
    assert crm.post("/api/meta/roles/sales_rep/restore")[0] == 200
    assert crm.get("/api/meta/roles/sales_rep")[1]["version"] == 5

    status, revisions = crm.get("/api/meta/revisions?kind=role&key=sales_rep")
    assert status == 200 and [r["action"] for r in revisions["items"]][::-1] == [
        "create",
        "update",
        "update",
        "delete",
        "restore",
    ]
    status, audit = crm.get("/api/audit")
    assert [e["action"] for e in audit["items"] if e["action"].startswith("role.")][::-1] == [
        "role.create",
        "role.update",
        "role.update",
        "role.delete",
        "role.update",
    ]


@pytest.mark.parametrize(
    "change, path",
    [
        ({"key": "Sales Rep"}, "key"),
        ({"grants": [{"entity": "deal", "actions": ["read", "teleport"]}]}, "grants.0.actions.1"),
        ({"grants": [{"entity": "ghost", "actions": ["read"]}]}, "grants.0.entity"),
        ({"grants": [{"entity": "deal", "actions": ["read"], "hidden_fields": ["salary"]}]}, "grants.0.hidden_fields"),
        ({"grants": [{"entity": "deal", "actions": ["read"], "scope": {"==": [{"var": "x"}, 1]}}]}, "grants.0.scope"),
        ({"inherits": ["nobody"]}, "inherits.0"),
    ],
)
def test_validation_errors_name_the_field(crm: Api, change: dict[str, Any], path: str) -> None:
    status, body = crm.post("/api/meta/roles", {**REP, **change})
    assert status == 422 and body["error"]["code"] == "validation_failed"
    assert path in fields_of(body)


def test_cycles_duplicates_and_fixed_roles_are_refused(crm: Api) -> None:
    assert crm.post("/api/meta/roles", {"key": "a", "label": L})[0] == 201
    assert crm.post("/api/meta/roles", {"key": "b", "label": L, "inherits": ["a"]})[0] == 201
    status, body = crm.patch("/api/meta/roles/a", {"inherits": ["b"]})
    assert status == 422 and fields_of(body) == {"inherits.0"} and "cycle" in str(body)

    assert crm.post("/api/meta/roles", {"key": "a", "label": L})[0] == 409
    assert crm.delete("/api/meta/roles/a")[0] == 409  # b inherits it
    for method, path, body in [
        ("POST", "/api/meta/roles", {"key": "admin", "label": L}),
        ("PUT", "/api/meta/roles/builder", {"key": "builder", "label": L}),
        ("PATCH", "/api/meta/roles/admin", {"label": L}),
        ("DELETE", "/api/meta/roles/builder", None),
    ]:
        assert crm.call(method, path, body)[0] == 409, (method, path)
    assert crm.call("PUT", "/api/meta/roles/member", {"key": "member", "label": L})[0] == 200
    assert crm.call("PUT", "/api/meta/roles/ghost", {"key": "ghost", "label": L})[0] == 404
    assert crm.post("/api/meta/roles", "not an object")[0] == 400


def test_only_admins_write_roles_builders_read_them(app: Flask, runtime: Runtime, crm: Api) -> None:
    assert crm.post("/api/meta/roles", REP)[0] == 201
    member, _ = client_for(app, runtime, crm, "m@example.com", ["member"])
    builder, _ = client_for(app, runtime, crm, "b@example.com", ["builder"])
    writes = [
        ("POST", "/api/meta/roles", {**REP, "key": "other"}),
        ("PUT", "/api/meta/roles/sales_rep", REP),
        ("PATCH", "/api/meta/roles/sales_rep", {"label": L}),
        ("DELETE", "/api/meta/roles/sales_rep", None),
        ("POST", "/api/meta/roles/sales_rep/restore", None),
    ]
    for client in (member, builder):
        for method, path, body in writes:
            status, payload = client.call(method, path, body)
            assert status == 403 and payload["error"]["code"] == "forbidden", (method, path)
    assert builder.get("/api/meta/roles")[0] == 200 and builder.get("/api/meta/roles/sales_rep")[0] == 200
    assert member.get("/api/meta/roles")[0] == 403 and member.get("/api/meta/roles/sales_rep")[0] == 403


def test_user_roles_and_casbin_stay_in_step_through_the_api(app: Flask, runtime: Runtime, crm: Api) -> None:
    assert crm.post("/api/meta/roles", REP)[0] == 201
    _, user_id = client_for(app, runtime, crm, "rep@example.com", ["sales_rep"])

    def g_rows() -> list[str]:
        with runtime.engine.connect() as conn:
            return [r[-1] for r in casbin_rules.rules_of(conn, casbin_rules.user_subject(user_id))]

    assert g_rows() == ["sales_rep"]
    assert crm.delete("/api/meta/roles/sales_rep")[0] == 409  # still held
    assert crm.patch(f"/api/users/{user_id}", {"roles": ["member", "ghost"]})[0] == 422
    assert g_rows() == ["sales_rep"]
    assert crm.patch(f"/api/users/{user_id}", {"roles": ["member"]})[0] == 200
    assert g_rows() == ["member"]
    assert crm.delete("/api/meta/roles/sales_rep")[0] == 200


def test_explain_through_http(app: Flask, runtime: Runtime, crm: Api) -> None:
    assert crm.post("/api/meta/roles", REP)[0] == 201
    rep, rep_id = client_for(app, runtime, crm, "rep@example.com", ["sales_rep"])

    status, allowed = crm.get(f"/api/auth/explain?user={rep_id}&entity=deal&action=read")
    assert status == 200 and allowed["allowed"] and allowed["grants"][0]["role"] == "sales_rep"
    assert allowed["grants"][0]["hidden_fields"] == ["margin"]
    status, denied = crm.get(f"/api/auth/explain?user={rep_id}&entity=deal&action=delete")
    assert status == 200 and denied["reason"] == "denied: none of roles [sales_rep, member] grants delete on deal"
    status, mine = crm.get("/api/auth/explain?entity=deal&action=admin")
    assert status == 200 and mine["allowed"] and mine["user"]["email"] == "api-admin@example.com"

    assert rep.get(f"/api/auth/explain?user={rep_id}&entity=deal&action=read")[0] == 403
    assert crm.get("/api/auth/explain?entity=deal&action=fly")[0] == 422
    assert crm.get("/api/auth/explain?entity=ghost&action=read")[0] == 404
    assert crm.get("/api/auth/explain?user=987654&entity=deal&action=read")[0] == 404


def test_a_role_inheriting_admin_makes_its_holders_admins(app: Flask, runtime: Runtime, crm: Api) -> None:
    assert crm.post("/api/meta/roles", {"key": "ops", "label": L, "inherits": ["admin"]})[0] == 201
    ops, ops_id = client_for(app, runtime, crm, "ops@example.com", ["ops"])

    assert ops.get("/api/users")[0] == 200
    assert ops.post("/api/meta/roles", {"key": "auditor", "label": L})[0] == 201
    status, answer = ops.get(f"/api/auth/explain?user={ops_id}&entity=deal&action=delete")
    assert status == 200 and answer["grants"][0]["path"] == ["ops", "admin"]
