"""``/api/auth``: sign in and out, who am I, personal API tokens."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, session
from flask_login import login_user, logout_user

from ..auth import audit, throttle, users
from ..errors import Unauthorized, ValidationFailed, field_error
from .context import current_actor, json_body, request_connection, request_work
from .session import SignedInUser, csrf_token, signed_in_user

bp = Blueprint("auth", __name__, url_prefix="/api/auth")

MAX_TOKEN_DAYS = 3650


@bp.post("/login")
def login() -> Any:
    body = json_body()
    email, password = _credentials(body)
    address = request.remote_addr or "unknown"
    with request_work() as conn:
        throttle.check(conn, users.normalize_email(email), address)
        row = users.verify_password(conn, email, password)
        if row is None:
            # Committed before the 401 below: failures must count even though the call fails.
            throttle.record_failure(conn, users.normalize_email(email), address)
            audit.record(conn, None, "login.failure", f"email:{users.normalize_email(email)[:180]}", None, address)
        else:
            throttle.clear(conn, row["email"])
            audit.record(conn, users.actor_for(row), "login.success", f"user:{row['id']}", None, address)
    if row is None:
        raise Unauthorized("wrong email or password")
    session.clear()  # a fresh session (and CSRF token) on every sign-in
    login_user(SignedInUser(row))
    return {"user": {**users.public_user(row), "csrf_token": csrf_token()}}


@bp.post("/logout")
def logout() -> Any:
    user = signed_in_user()
    if user is not None:
        with request_work() as conn:
            users.end_sessions(conn, user.row["id"])
            audit.record(conn, user.actor, "logout", f"user:{user.row['id']}", None, request.remote_addr)
    logout_user()
    session.clear()
    return {"ok": True}


@bp.get("/me")
def me() -> Any:
    current_actor()
    user = signed_in_user()
    assert user is not None
    return {**users.public_user(user.row), "csrf_token": csrf_token()}


@bp.get("/tokens")
def list_tokens() -> Any:
    actor = current_actor()
    return {"items": users.list_tokens(request_connection(), int(actor.id or 0))}


@bp.post("/tokens")
def create_token() -> Any:
    actor = current_actor()
    body = json_body(required=False)
    if not isinstance(body, dict):
        raise ValidationFailed("the body must be an object", [field_error("body", "must be an object")])
    name = body.get("name", "API token")
    days = body.get("expires_in_days")
    errors = []
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        errors.append(field_error("name", "must be text of 1-200 characters"))
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_TOKEN_DAYS):
        errors.append(field_error("expires_in_days", f"must be a whole number of days from 1 to {MAX_TOKEN_DAYS}"))
    unknown = sorted(set(body) - {"name", "expires_in_days"})
    errors += [field_error(key[:100], "unknown field") for key in unknown]
    if errors:
        raise ValidationFailed("the token cannot be created", errors)
    with request_work() as conn:
        created = users.create_token(conn, int(actor.id or 0), name.strip(), days)
        audit.record(
            conn, actor, "token.create", f"token:{created['id']}", {"name": created["name"]}, request.remote_addr
        )
    return created, 201


@bp.delete("/tokens/<int:token_id>")
def revoke_token(token_id: int) -> Any:
    actor = current_actor()
    with request_work() as conn:
        users.revoke_token(conn, int(actor.id or 0), token_id)
        audit.record(conn, actor, "token.revoke", f"token:{token_id}", None, request.remote_addr)
    return "", 204


def _credentials(body: Any) -> tuple[str, str]:
    if not isinstance(body, dict):
        raise ValidationFailed("the body must be an object", [field_error("body", "must be an object")])
    errors = [
        field_error(name, "is required and must be text")
        for name in ("email", "password")
        if not isinstance(body.get(name), str) or not body.get(name)
    ]
    if errors:
        raise ValidationFailed("email and password are required", errors)
    return body["email"], body["password"]
