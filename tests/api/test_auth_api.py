"""Signing in, sessions, CSRF and API tokens, through HTTP only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from api_client import ADMIN_EMAIL, ADMIN_PASSWORD, Api
from loomworks.auth.models import api_tokens, users
from loomworks.core.sqltypes import utcnow
from loomworks.runtime import Runtime


def _login(anonymous: Api) -> dict[str, Any]:
    status, body = anonymous.post("/api/auth/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert status == 200, body
    return body  # type: ignore[no-any-return]


def test_every_api_path_needs_a_signed_in_user(anonymous: Api, admin_user: dict[str, Any]) -> None:
    for method, path in [
        ("GET", "/api/meta/entities"),
        ("POST", "/api/meta/entities"),
        ("GET", "/api/records/deal"),
        ("GET", "/api/auth/me"),
        ("GET", "/api/meta/revisions"),
        ("POST", "/api/files"),
    ]:
        status, body = anonymous.call(method, path)
        assert status == 401, (method, path)
        assert body["error"]["code"] == "unauthorized"


def test_health_is_public_and_the_api_description_is_not(anonymous: Api, api: Api) -> None:
    status, body = anonymous.get("/api/health")
    assert status == 200 and body["status"] == "ok" and body["database"] == "ok"
    assert anonymous.get("/api/openapi.json")[0] == 401  # entity and field names are information
    status, body = api.get("/api/openapi.json")
    assert status == 200 and body["openapi"].startswith("3.1")


def test_wrong_password_and_unknown_user_get_the_same_401(anonymous: Api, admin_user: dict[str, Any]) -> None:
    wrong = anonymous.post("/api/auth/login", {"email": ADMIN_EMAIL, "password": "not it at all"})
    unknown = anonymous.post("/api/auth/login", {"email": "nobody@example.com", "password": "whatever1"})
    assert wrong == unknown
    assert wrong[0] == 401


def test_login_gives_an_httponly_samesite_cookie_and_me(anonymous: Api, admin_user: dict[str, Any]) -> None:
    response = anonymous.client.post("/api/auth/login", json={"email": ADMIN_EMAIL.upper(), "password": ADMIN_PASSWORD})
    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    status, me = anonymous.get("/api/auth/me")
    assert status == 200
    assert me["email"] == ADMIN_EMAIL and me["roles"] == ["admin"] and me["csrf_token"]


def test_session_writes_need_the_csrf_token(anonymous: Api, admin_user: dict[str, Any]) -> None:
    login = _login(anonymous)
    entity = {
        "key": "note",
        "label": {"en": "Note"},
        "fields": [{"key": "body", "type": "text", "label": {"en": "Body"}}],
    }
    status, body = anonymous.post("/api/meta/entities", entity)
    assert status == 403 and "X-CSRF-Token" in body["error"]["message"]
    status, body = anonymous.post("/api/meta/entities", entity, headers={"X-CSRF-Token": "guess"})
    assert status == 403
    status, _ = anonymous.post("/api/meta/entities", entity, headers={"X-CSRF-Token": login["user"]["csrf_token"]})
    assert status == 201


def test_logout_ends_the_session_on_the_server(anonymous: Api, admin_user: dict[str, Any]) -> None:
    login = _login(anonymous)
    stolen = anonymous.client.get_cookie("loomworks_session")
    assert stolen is not None
    status, _ = anonymous.post("/api/auth/logout", headers={"X-CSRF-Token": login["user"]["csrf_token"]})
    assert status == 200
    # Replaying the old cookie (as a thief would) no longer works.
    anonymous.client.set_cookie("loomworks_session", stolen.value)
    status, _ = anonymous.get("/api/auth/me")
    assert status == 401


def test_tokens_are_shown_once_stored_hashed_and_revocable(
    anonymous: Api, api: Api, runtime: Runtime, admin_user: dict[str, Any]
) -> None:
    status, created = api.post("/api/auth/tokens", {"name": "integration"})
    assert status == 201 and created["token"].startswith("lw_")
    with runtime.engine.connect() as conn:
        stored = [row.token_hash for row in conn.execute(select(api_tokens.c.token_hash))]
    assert created["token"] not in stored
    status, listing = api.get("/api/auth/tokens")
    assert status == 200
    assert {t["name"] for t in listing["items"]} == {"tests", "integration"}
    assert all("token" not in t and "token_hash" not in t for t in listing["items"])

    fresh = Api(anonymous.client, {"Authorization": f"Bearer {created['token']}"})
    assert fresh.get("/api/auth/me")[0] == 200
    used = {t["id"]: t["last_used_at"] for t in api.get("/api/auth/tokens")[1]["items"]}
    assert used[created["id"]] is not None  # owners can spot tokens that are (not) in use
    assert api.delete(f"/api/auth/tokens/{created['id']}")[0] == 204
    status, body = fresh.get("/api/auth/me")
    assert status == 401 and body["error"]["code"] == "unauthorized"
    assert api.delete(f"/api/auth/tokens/{created['id']}")[0] == 404


def test_a_bad_bearer_token_never_falls_back_to_the_session(anonymous: Api, admin_user: dict[str, Any]) -> None:
    _login(anonymous)
    status, _ = anonymous.get("/api/auth/me", headers={"Authorization": "Bearer lw_forged"})
    assert status == 401


def test_passwords_are_stored_hashed(runtime: Runtime, admin_user: dict[str, Any]) -> None:
    with runtime.engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash).where(users.c.email == ADMIN_EMAIL)).scalar_one()
    assert ADMIN_PASSWORD not in stored and stored.startswith("scrypt:")


def test_login_rejects_malformed_bodies_with_field_errors(anonymous: Api) -> None:
    status, body = anonymous.post("/api/auth/login", {"email": 5})
    assert status == 422
    assert {d["field"] for d in body["error"]["details"]} == {"email", "password"}
    status, body = anonymous.call("POST", "/api/auth/login", data="{", content_type="application/json")
    assert status == 400 and body["error"]["code"] == "bad_request"


def test_expired_tokens_stop_working(anonymous: Api, api: Api, runtime: Runtime) -> None:
    status, created = api.post("/api/auth/tokens", {"name": "short", "expires_in_days": 1})
    assert status == 201 and created["expires_at"]
    short = Api(anonymous.client, {"Authorization": f"Bearer {created['token']}"})
    assert short.get("/api/auth/me")[0] == 200
    with runtime.engine.begin() as conn:  # a day later
        conn.execute(
            update(api_tokens)
            .where(api_tokens.c.id == created["id"])
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    assert short.get("/api/auth/me")[0] == 401
    status, body = api.post("/api/auth/tokens", {"name": "x", "expires_in_days": 0, "scope": "all"})
    assert status == 422 and {d["field"] for d in body["error"]["details"]} == {"expires_in_days", "scope"}


def test_session_cookies_are_secure_over_https(anonymous: Api, admin_user: dict[str, Any]) -> None:
    body = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    over_https = anonymous.client.post("/api/auth/login", json=body, base_url="https://localhost")
    assert over_https.status_code == 200 and "Secure" in over_https.headers["Set-Cookie"]
    over_http = anonymous.client.post("/api/auth/login", json=body)
    assert "Secure" not in over_http.headers["Set-Cookie"]


def test_a_cross_site_form_cannot_sign_anyone_in(anonymous: Api, admin_user: dict[str, Any]) -> None:
    form_post = anonymous.client.post(
        "/api/auth/login",
        data=f'{{"email": "{ADMIN_EMAIL}", "password": "{ADMIN_PASSWORD}"}}',
        content_type="text/plain",
    )
    assert form_post.status_code == 415 and form_post.get_json()["error"]["code"] == "unsupported_media_type"
    assert anonymous.get("/api/auth/me")[0] == 401
