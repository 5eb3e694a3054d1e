"""User management, login throttling and the audit log, through HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from api_client import ADMIN_EMAIL, Api
from loomworks.auth import throttle, users
from loomworks.runtime import Runtime


def _member(api: Api, email: str = "max@example.com", password: str = "member-password") -> dict[str, Any]:
    status, body = api.post("/api/users", {"email": email, "password": password, "roles": ["member"]})
    assert status == 201, body
    return body  # type: ignore[no-any-return]


def _token_client(app: Flask, runtime: Runtime, user_id: int) -> Api:
    with runtime.engine.begin() as conn:
        token = users.create_token(conn, user_id, "t")["token"]
    return Api(app.test_client(), {"Authorization": f"Bearer {token}"})


def _login(app: Flask, email: str, password: str) -> tuple[int, Any, Api]:
    client = Api(app.test_client())
    status, body = client.post("/api/auth/login", {"email": email, "password": password})
    return status, body, client


def test_only_admins_manage_users_and_read_the_audit_log(app: Flask, runtime: Runtime, api: Api) -> None:
    member = _token_client(app, runtime, _member(api)["id"])
    for method, path, body in [
        ("GET", "/api/users", None),
        ("POST", "/api/users", {"email": "x@example.com"}),
        ("PATCH", "/api/users/1", {"roles": ["admin"]}),
        ("GET", "/api/audit", None),
    ]:
        status, payload = member.call(method, path, body)
        assert status == 403, (method, path, payload)
        assert payload["error"]["code"] == "forbidden"


def test_an_invited_user_gets_a_one_time_password_that_works(app: Flask, api: Api) -> None:
    status, created = api.post("/api/users", {"email": "New@Example.com", "name": "Nina", "locale": "zh-CN"})
    assert status == 201 and created["email"] == "new@example.com" and created["roles"] == ["member"]
    assert _login(app, "new@example.com", created["initial_password"])[0] == 200
    status, listing = api.get("/api/users")
    assert "initial_password" not in str(listing) and "password_hash" not in str(listing)


def test_bad_user_input_names_the_field(api: Api) -> None:
    status, body = api.post("/api/users", {"email": "a@example.com", "roles": ["wizard"], "link": "company"})
    assert status == 422
    assert {d["field"] for d in body["error"]["details"]} == {"roles", "link"}
    assert api.post("/api/users", {"email": ADMIN_EMAIL})[0] == 409
    assert api.patch("/api/users/999999", {"name": "x"})[0] == 404


def test_deactivation_stops_sessions_and_tokens_at_once(app: Flask, runtime: Runtime, api: Api) -> None:
    member = _member(api)
    by_token = _token_client(app, runtime, member["id"])
    status, _, by_session = _login(app, "max@example.com", "member-password")
    assert status == 200 and by_token.get("/api/auth/me")[0] == 200 and by_session.get("/api/auth/me")[0] == 200
    assert api.patch(f"/api/users/{member['id']}", {"active": False})[0] == 200
    assert by_token.get("/api/auth/me")[0] == 401
    assert by_session.get("/api/auth/me")[0] == 401
    assert _login(app, "max@example.com", "member-password")[0] == 401


def test_password_reset_ends_old_sessions(app: Flask, api: Api) -> None:
    member = _member(api)
    _, _, old_session = _login(app, "max@example.com", "member-password")
    assert api.patch(f"/api/users/{member['id']}", {"password": "brand-new-password"})[0] == 200
    assert old_session.get("/api/auth/me")[0] == 401
    assert _login(app, "max@example.com", "member-password")[0] == 401
    assert _login(app, "max@example.com", "brand-new-password")[0] == 200


def test_the_last_admin_cannot_be_demoted_or_deactivated(api: Api, admin_user: dict[str, Any]) -> None:
    status, body = api.patch(f"/api/users/{admin_user['id']}", {"roles": ["member"]})
    assert status == 409 and "last active admin" in body["error"]["message"]
    assert api.patch(f"/api/users/{admin_user['id']}", {"active": False})[0] == 409
    second = _member(api, "second@example.com")
    assert api.patch(f"/api/users/{second['id']}", {"roles": ["admin"]})[0] == 200
    assert api.patch(f"/api/users/{admin_user['id']}", {"roles": ["member"]})[0] == 200


def test_repeated_failures_lock_the_account_not_the_address(app: Flask, api: Api) -> None:
    _member(api)
    _member(api, "other@example.com", "other-password")
    for _ in range(throttle.ACCOUNT_LIMIT):
        assert _login(app, "max@example.com", "wrong-password")[0] == 401
    status, body, client = _login(app, "max@example.com", "member-password")
    assert status == 429 and body["error"]["code"] == "too_many_requests"
    response = client.client.post("/api/auth/login", json={"email": "max@example.com", "password": "member-password"})
    assert int(response.headers["Retry-After"]) > 0
    assert _login(app, "other@example.com", "other-password")[0] == 200
    # Unknown accounts are throttled the same way, so a 429 reveals nothing.
    for _ in range(throttle.ACCOUNT_LIMIT):
        _login(app, "ghost@example.com", "whatever-it-is")
    assert _login(app, "ghost@example.com", "whatever-it-is")[0] == 429


def test_one_address_spraying_many_accounts_is_throttled(app: Flask, api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(throttle, "ADDRESS_LIMIT", 4)
    for index in range(4):
        assert _login(app, f"victim{index}@example.com", "guess-guess")[0] == 401
    assert _login(app, "victim9@example.com", "guess-guess")[0] == 429


def test_the_audit_log_records_security_events(app: Flask, api: Api, admin_user: dict[str, Any]) -> None:
    member = _member(api)
    _login(app, "max@example.com", "not-the-password")
    _login(app, "max@example.com", "member-password")
    status, token = api.post("/api/auth/tokens", {"name": "ci"})
    api.patch(f"/api/users/{member['id']}", {"roles": ["builder"]})
    status, log = api.get("/api/audit")
    assert status == 200
    actions = [entry["action"] for entry in log["items"]]
    assert actions[:5] == ["user.update", "token.create", "login.success", "login.failure", "user.create"]
    update = log["items"][0]
    assert update["actor"]["id"] == admin_user["id"] and update["data"] == {"roles": ["builder"]}
    failure = log["items"][3]
    assert failure["actor"] is None and failure["target"] == "email:max@example.com"
    status, page = api.get("/api/audit?action=login.success&limit=1")
    assert [e["action"] for e in page["items"]] == ["login.success"]


def test_definition_changes_are_audited(api: Api, admin_user: dict[str, Any]) -> None:
    entity = {"key": "memo", "label": {"en": "Memo"}, "fields": [{"key": "body", "type": "text", "label": {"en": "B"}}]}
    assert api.post("/api/meta/entities", entity)[0] == 201
    assert api.delete("/api/meta/entities/memo/fields/body")[0] == 200
    assert api.delete("/api/meta/entities/memo")[0] == 200
    assert api.delete("/api/meta/entities/memo?purge=true")[0] == 204
    status, log = api.get("/api/audit")
    entries = [(e["action"], e["target"]) for e in log["items"] if e["action"].startswith("entity.")]
    assert entries == [
        ("entity.purge", "entity:memo"),
        ("entity.delete", "entity:memo"),
        ("entity.remove_field", "entity:memo"),
        ("entity.create", "entity:memo"),
    ]
    assert all(e["actor"]["id"] == admin_user["id"] for e in log["items"] if e["action"].startswith("entity."))
