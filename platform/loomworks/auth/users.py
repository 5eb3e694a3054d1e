"""User accounts and API tokens.

Passwords are hashed with scrypt (werkzeug); API tokens are 256-bit random
strings shown once and stored as SHA-256 digests, so a database leak reveals
neither. ``session_nonce`` is part of every session cookie: changing it (logout,
password reset, deactivation) ends all of that user's sessions server-side.
A user's roles are also Casbin ``g`` rows, written in the same transaction as the row.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, insert, or_, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.context import Actor
from ..core.sqltypes import utcnow
from ..errors import Conflict, NotFound, ValidationFailed, field_error
from . import casbin_rules
from .models import api_tokens, users

TOKEN_PREFIX = "lw_"
MIN_PASSWORD = 8
# Verifying against a dummy hash keeps the timing of "no such user" like "wrong password".
_DUMMY_HASH = generate_password_hash("loomworks-timing-guard")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    conn: Connection,
    email: str,
    password: str | None,
    name: str = "",
    roles: list[str] | None = None,
    locale: str = "en",
) -> dict[str, Any]:
    email = normalize_email(email)
    if "@" not in email or len(email) > 320:
        raise ValidationFailed("invalid email", [field_error("email", "is not an email address")])
    if password is not None and len(password) < MIN_PASSWORD:
        raise ValidationFailed(
            "password too short", [field_error("password", f"needs at least {MIN_PASSWORD} characters")]
        )
    if conn.execute(select(users.c.id).where(users.c.email == email)).first():
        raise Conflict(f"a user with email {email} exists", [field_error("email", "already used")])
    assigned = list(roles or ["member"])
    result = conn.execute(
        insert(users).values(
            email=email,
            name=name or email.split("@")[0],
            password_hash=generate_password_hash(password) if password else None,
            roles=assigned,
            locale=locale,
            active=True,
            session_nonce=secrets.token_hex(16),
            created_at=utcnow(),
        )
    )
    user_id = _new_id(result)
    casbin_rules.write_user_roles(conn, user_id, assigned)  # same transaction: in step with the row
    return get_user(conn, user_id)


def _new_id(result: Any) -> int:
    key = result.inserted_primary_key
    assert key is not None, "an INSERT always returns its new primary key here"
    return int(key[0])


def get_user(conn: Connection, user_id: int) -> dict[str, Any]:
    row = conn.execute(select(users).where(users.c.id == user_id)).mappings().first()
    if row is None:
        raise NotFound(f"user {user_id} does not exist")
    return dict(row)


def find_user_by_email(conn: Connection, email: str) -> dict[str, Any] | None:
    row = conn.execute(select(users).where(users.c.email == normalize_email(email))).mappings().first()
    return dict(row) if row else None


def verify_password(conn: Connection, email: str, password: str) -> dict[str, Any] | None:
    user = find_user_by_email(conn, email)
    if user is None or not user["password_hash"]:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user["password_hash"], password) or not user["active"]:
        return None
    conn.execute(update(users).where(users.c.id == user["id"]).values(last_login_at=utcnow()))
    return user


def set_password(conn: Connection, user_id: int, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed(
            "password too short", [field_error("password", f"needs at least {MIN_PASSWORD} characters")]
        )
    conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(password_hash=generate_password_hash(password), session_nonce=secrets.token_hex(16))
    )


def end_sessions(conn: Connection, user_id: int) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(session_nonce=secrets.token_hex(16)))


def actor_for(user: dict[str, Any]) -> Actor:
    return Actor(
        id=user["id"],
        email=user["email"],
        name=user["name"],
        roles=tuple(user["roles"] or ()),
        locale=user["locale"],
        link=user["link"],
    )


def public_user(user: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": user["id"],
        "email": user["email"],
        "name": user["name"],
        "roles": list(user["roles"] or []),
        "locale": user["locale"],
        "active": user["active"],
        "manager": user.get("manager_id"),
    }


# --- API tokens ------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(conn: Connection, user_id: int, name: str, expires_in_days: int | None = None) -> dict[str, Any]:
    """Create a token; the plain value is returned here and never again.

    ``expires_in_days`` bounds its life (integrations that only need a token for a while
    should not hold one forever); without it the token lives until revoked.
    """
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = utcnow() + timedelta(days=expires_in_days) if expires_in_days else None
    result = conn.execute(
        insert(api_tokens).values(
            user_id=user_id,
            name=(name or "API token")[:200],
            prefix=token[:10],
            token_hash=_digest(token),
            created_at=utcnow(),
            expires_at=expires_at,
        )
    )
    return {
        "id": _new_id(result),
        "token": token,
        "name": name,
        "expires_at": expires_at.isoformat() if expires_at else None,
    }


def user_for_token(conn: Connection, token: str) -> dict[str, Any] | None:
    """The active user owning a live token, plus ``token_id`` and ``token_last_used_at``."""
    row = (
        conn.execute(
            select(users, api_tokens.c.id.label("token_id"), api_tokens.c.last_used_at.label("token_last_used_at"))
            .join(api_tokens, api_tokens.c.user_id == users.c.id)
            .where(
                api_tokens.c.token_hash == _digest(token),
                api_tokens.c.revoked_at.is_(None),
                or_(api_tokens.c.expires_at.is_(None), api_tokens.c.expires_at > utcnow()),
                users.c.active.is_(True),
            )
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


#: ``last_used_at`` is refreshed at most this often, so reads don't turn into writes.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)


def token_needs_touch(row: dict[str, Any]) -> bool:
    last = row.get("token_last_used_at")
    return last is None or utcnow() - last > TOKEN_TOUCH_INTERVAL


def touch_token(conn: Connection, token_id: int) -> None:
    conn.execute(update(api_tokens).where(api_tokens.c.id == token_id).values(last_used_at=utcnow()))


def list_tokens(conn: Connection, user_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(
            api_tokens.c.id,
            api_tokens.c.name,
            api_tokens.c.prefix,
            api_tokens.c.created_at,
            api_tokens.c.last_used_at,
            api_tokens.c.expires_at,
        )
        .where(api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
        .order_by(api_tokens.c.id)
    ).mappings()
    return [
        {
            **dict(r),
            "created_at": r["created_at"].isoformat(),
            "last_used_at": r["last_used_at"].isoformat() if r["last_used_at"] else None,
            "expires_at": r["expires_at"].isoformat() if r["expires_at"] else None,
        }
        for r in rows
    ]


def revoke_token(conn: Connection, user_id: int, token_id: int) -> None:
    result = conn.execute(
        update(api_tokens)
        .where(api_tokens.c.id == token_id, api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    if result.rowcount == 0:
        raise NotFound(f"token {token_id} does not exist")
