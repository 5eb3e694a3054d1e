"""Users and API tokens. Passwords and tokens are only ever stored hashed."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, Column, Index, String, Table, Text

from ..core.schema import SYSTEM_METADATA
from ..core.sqltypes import UtcDateTime
from ..storage.tables import ID_TYPE

users = Table(
    "lw_users",
    SYSTEM_METADATA,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("name", Text, nullable=False, default=""),
    Column("password_hash", Text, nullable=True),
    Column("roles", JSON, nullable=False),
    Column("locale", String(16), nullable=False, default="en"),
    Column("active", Boolean, nullable=False, default=True),
    Column("link", JSON, nullable=True),
    #: Who approves for this user when an approval step names "the manager of" them.
    Column("manager_id", BigInteger, nullable=True),
    Column("session_nonce", String(64), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("last_login_at", UtcDateTime(), nullable=True),
)

api_tokens = Table(
    "lw_api_tokens",
    SYSTEM_METADATA,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("user_id", BigInteger, nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("prefix", String(16), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("last_used_at", UtcDateTime(), nullable=True),
    Column("expires_at", UtcDateTime(), nullable=True),
    Column("revoked_at", UtcDateTime(), nullable=True),
)

audit_log = Table(
    "lw_audit",
    SYSTEM_METADATA,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime(), nullable=False, index=True),
    Column("actor_id", BigInteger, nullable=True, index=True),
    Column("actor_email", String(320), nullable=True),
    Column("action", String(64), nullable=False, index=True),
    Column("target", String(200), nullable=True),
    Column("address", String(64), nullable=True),
    Column("data", JSON, nullable=True),
)

login_failures = Table(
    "lw_login_failures",
    SYSTEM_METADATA,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("email", String(320), nullable=False, index=True),
    Column("address", String(64), nullable=False, index=True),
    Column("at", UtcDateTime(), nullable=False, index=True),
)

# Casbin policies, in Casbin's usual layout: ``p`` rows (role, entity, action) and ``g``
# rows (``user:<id>`` → role, role → inherited role). Written only by ``auth.casbin_rules``
# in the transaction of the definition or user change they follow.
casbin_rules = Table(
    "lw_casbin_rule",
    SYSTEM_METADATA,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("ptype", String(8), nullable=False),
    Column("v0", String(255), nullable=True),
    Column("v1", String(255), nullable=True),
    Column("v2", String(255), nullable=True),
    Column("v3", String(255), nullable=True),
    Column("v4", String(255), nullable=True),
    Column("v5", String(255), nullable=True),
    Index("ix_lw_casbin_rule_ptype_v0", "ptype", "v0"),
    Index("ix_lw_casbin_rule_ptype_v1", "ptype", "v1"),
)
