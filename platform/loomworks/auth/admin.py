"""User management for admins: list, create (invite), change roles, deactivate, reset passwords.

Every change ends the user's sessions where it must (deactivation, password reset) by
rotating the session nonce, and is written to the audit log in the same transaction, as
are the user's Casbin ``g`` rows when their roles change.
The last active admin cannot be demoted or deactivated: someone must stay able to
manage the instance.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import Connection, select, update

from ..core.context import Actor
from ..errors import Conflict, Forbidden, ValidationFailed, field_error
from . import audit, casbin_rules, users
from .models import users as users_table
from .policy import permissions_for

BUILTIN_ROLES = ("admin", "builder", "member")
EDITABLE = frozenset({"name", "roles", "active", "locale", "link", "password", "manager"})
LOCALES = ("en", "zh-CN")


def require_admin(conn: Connection, actor: Actor) -> None:
    """Admins by assignment or through an inherited role (as everywhere permissions are checked)."""
    if not actor.is_admin and not permissions_for(conn, actor).is_admin:
        raise Forbidden("only admins may manage users")


def known_roles(conn: Connection) -> set[str]:
    """Built-in roles plus every role definition (kind ``role``) in the store."""
    from ..meta.models import definitions

    defined = conn.execute(
        select(definitions.c.key).where(definitions.c.kind == "role", definitions.c.deleted_at.is_(None))
    ).scalars()
    return set(BUILTIN_ROLES) | set(defined)


def list_users(conn: Connection, actor: Actor) -> list[dict[str, Any]]:
    require_admin(conn, actor)
    rows = conn.execute(select(users_table).order_by(users_table.c.id)).mappings()
    return [users.public_user(dict(row)) for row in rows]


def get_user(conn: Connection, actor: Actor, user_id: int) -> dict[str, Any]:
    require_admin(conn, actor)
    return users.public_user(users.get_user(conn, user_id))


def create_user(conn: Connection, actor: Actor, body: Any, address: str | None = None) -> dict[str, Any]:
    """Create a user; without a password one is generated and returned once (an invitation)."""
    require_admin(conn, actor)
    if not isinstance(body, dict):
        raise ValidationFailed("the body must be an object", [field_error("body", "must be an object")])
    unknown = set(body) - {"email", "name", "password", "roles", "locale", "link", "manager"}
    errors = [field_error(key[:100], "unknown field") for key in sorted(unknown)]
    email = body.get("email")
    if not isinstance(email, str):
        errors.append(field_error("email", "is required and must be text"))
        email = ""
    errors += _role_errors(conn, body.get("roles", ["member"]))
    errors += _profile_errors(body)
    errors += _manager_errors(conn, None, body)
    if errors:
        raise ValidationFailed("the user cannot be created", errors)
    generated = body.get("password") is None
    password: str = secrets.token_urlsafe(12) if generated else body["password"]
    row = users.create_user(
        conn, email, password, name=body.get("name", ""), roles=body.get("roles"), locale=body.get("locale", "en")
    )
    extra = {"link": body.get("link"), "manager_id": body.get("manager")}
    if any(value is not None for value in extra.values()):
        conn.execute(update(users_table).where(users_table.c.id == row["id"]).values(**extra))
        row = users.get_user(conn, row["id"])
    audit.record(
        conn, actor, "user.create", f"user:{row['id']}", {"email": row["email"], "roles": row["roles"]}, address
    )
    result = users.public_user(row)
    if generated:
        result["initial_password"] = password
    return result


def update_user(conn: Connection, actor: Actor, user_id: int, body: Any, address: str | None = None) -> dict[str, Any]:
    require_admin(conn, actor)
    current = users.get_user(conn, user_id)
    if not isinstance(body, dict):
        raise ValidationFailed("the body must be an object", [field_error("body", "must be an object")])
    errors = [field_error(key[:100], "unknown field") for key in sorted(set(body) - EDITABLE)]
    if "roles" in body:
        errors += _role_errors(conn, body["roles"])
    if "active" in body and not isinstance(body["active"], bool):
        errors.append(field_error("active", "must be true or false"))
    errors += _profile_errors(body)
    errors += _manager_errors(conn, user_id, body)
    if errors:
        raise ValidationFailed("the user cannot be changed", errors)
    _keep_an_admin(conn, current, body)
    values = {key: body[key] for key in ("name", "roles", "active", "locale", "link") if key in body}
    if "manager" in body:
        values["manager_id"] = body["manager"]
    if values:
        conn.execute(update(users_table).where(users_table.c.id == user_id).values(**values))
    if "roles" in values:
        casbin_rules.write_user_roles(conn, user_id, values["roles"])  # in step, same transaction
    if "password" in body:
        users.set_password(conn, user_id, body["password"])  # also ends every session
    if body.get("active") is False:
        users.end_sessions(conn, user_id)
    changed = dict(values) | ({"password": "reset"} if "password" in body else {})
    audit.record(conn, actor, "user.update", f"user:{user_id}", changed, address)
    return users.public_user(users.get_user(conn, user_id))


def _keep_an_admin(conn: Connection, current: dict[str, Any], body: dict[str, Any]) -> None:
    was_admin = "admin" in (current["roles"] or []) and current["active"]
    stays_admin = "admin" in body.get("roles", current["roles"] or []) and body.get("active", current["active"])
    if was_admin and not stays_admin and _active_admins(conn) <= 1:
        raise Conflict("this is the last active admin; make someone else admin first")


def _active_admins(conn: Connection) -> int:
    rows = conn.execute(select(users_table.c.roles).where(users_table.c.active.is_(True))).scalars()
    return sum(1 for roles in rows if "admin" in (roles or []))


def _role_errors(conn: Connection, roles: Any) -> list[Any]:
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles) or len(roles) > 50:
        return [field_error("roles", "must be a list of role keys")]
    unknown = sorted(set(roles) - known_roles(conn))
    return [field_error("roles", f"unknown role {role[:60]!r}") for role in unknown]


def _manager_errors(conn: Connection, user_id: int | None, body: dict[str, Any]) -> list[Any]:
    """A manager is another existing user, and following managers up never comes back here."""
    manager = body.get("manager")
    if manager is None:
        return []
    if isinstance(manager, bool) or not isinstance(manager, int):
        return [field_error("manager", "must be a user id or null")]
    seen = {user_id}
    while manager is not None:
        if manager in seen:
            return [field_error("manager", "would make someone their own manager")]
        row = conn.execute(select(users_table.c.manager_id).where(users_table.c.id == manager)).first()
        if row is None:
            return [field_error("manager", f"no user {manager}")]
        seen.add(manager)
        manager = row.manager_id
    return []


def _profile_errors(body: dict[str, Any]) -> list[Any]:
    errors = []
    if "name" in body and (not isinstance(body["name"], str) or len(body["name"]) > 200):
        errors.append(field_error("name", "must be text of at most 200 characters"))
    if "locale" in body and body["locale"] not in LOCALES:
        errors.append(field_error("locale", f"must be one of {', '.join(LOCALES)}"))
    if "password" in body and body["password"] is not None and not isinstance(body["password"], str):
        errors.append(field_error("password", "must be text"))
    link = body.get("link")
    if link is not None and not (
        isinstance(link, dict)
        and set(link) == {"entity", "id"}
        and isinstance(link["entity"], str)
        and isinstance(link["id"], int)
        and not isinstance(link["id"], bool)
    ):
        errors.append(field_error("link", 'must be {"entity": "<entity key>", "id": <record id>} or null'))
    return errors
