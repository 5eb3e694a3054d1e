"""Casbin's rows in ``lw_casbin_rule``: the model, a read-only adapter, and the writers.

Casbin holds three facts (DESIGN §6): which roles a user has (``g, user:<id>, role``),
which roles a role inherits (``g, role, inherited``) and which actions a role may take on
an entity's records (``p, role, entity, action``). Row scopes and field rules stay in the
role documents; Casbin only confirms the (role, entity, action) triples.

The rows are written here with plain SQL on the caller's connection, never through an
enforcer's auto-save, so they commit or roll back with the role definition or user row
they mirror. The adapter only loads: an enforcer is a read-only snapshot of one
generation (see ``auth.policy``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import casbin
from casbin.model import Model
from casbin.persist.adapter import Adapter
from sqlalchemy import Connection, delete, insert, select

from ..meta import store
from .models import casbin_rules

#: request: who, which entity, which action; ``g`` links users to roles and roles to roles.
MODEL_TEXT = """
[request_definition]
r = sub, obj, act

[policy_definition]
p = sub, obj, act

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub) && r.obj == p.obj && r.act == p.act
"""

USER_PREFIX = "user:"


def user_subject(user_id: int) -> str:
    """A user's Casbin subject; role keys never contain ``:``, so the two cannot collide."""
    return f"{USER_PREFIX}{user_id}"


class ConnectionAdapter(Adapter):  # type: ignore[misc]
    """Loads every rule through one SQLAlchemy connection (the caller's transaction)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def load_policy(self, model: Model) -> None:
        columns = [casbin_rules.c[f"v{i}"] for i in range(6)]
        rows = self.conn.execute(select(casbin_rules.c.ptype, *columns).order_by(casbin_rules.c.id))
        for ptype, *values in rows:
            section = ptype[0]
            if section in model.model and ptype in model.model[section]:
                model.model[section][ptype].policy.append([v for v in values if v is not None])

    def save_policy(self, model: Model) -> bool:
        raise NotImplementedError("policies are written by loomworks.auth.casbin_rules in the caller's transaction")

    def add_policy(self, sec: str, ptype: str, rule: list[str]) -> None:
        self.save_policy(None)

    def remove_policy(self, sec: str, ptype: str, rule: list[str]) -> None:
        self.save_policy(None)

    def remove_filtered_policy(self, sec: str, ptype: str, field_index: int, *field_values: str) -> None:
        self.save_policy(None)


def load_enforcer(conn: Connection) -> casbin.Enforcer:
    """An enforcer holding every rule as ``conn`` sees them now."""
    model = casbin.Enforcer.new_model(text=MODEL_TEXT)
    enforcer = casbin.Enforcer(model, ConnectionAdapter(conn))
    enforcer.enable_auto_save(False)
    return enforcer


# --- writers ---------------------------------------------------------------------------------


def role_rules(doc: dict[str, Any]) -> list[tuple[str, ...]]:
    """The ``p`` and ``g`` rows a role document stands for (deduplicated, in document order)."""
    key = doc["key"]
    rows: list[tuple[str, ...]] = []
    for grant in doc.get("grants", []):
        for action in grant["actions"]:
            rows.append(("p", key, grant["entity"], action))
    for inherited in doc.get("inherits", []):
        rows.append(("g", key, inherited))
    return list(dict.fromkeys(rows))


def write_role_rules(conn: Connection, key: str, doc: dict[str, Any] | None) -> None:
    """Replace the role's own rows by those of ``doc`` (``None``: the role is gone).

    Rows naming the role from elsewhere (users holding it, roles inheriting it) are
    left alone: the roles service refuses a deletion while any exist. The generation
    moves (again, after the definition's save) so no cache outlives the change.
    """
    conn.execute(delete(casbin_rules).where(casbin_rules.c.v0 == key, casbin_rules.c.ptype.in_(("p", "g"))))
    if doc is not None:
        _insert(conn, role_rules(doc))
    store.bump_generation(conn)


def write_user_roles(conn: Connection, user_id: int, roles: Iterable[str]) -> None:
    """Make the user's ``g`` rows equal ``roles`` and move the generation.

    Called in the transaction that changes ``lw_users.roles``, so both commit or roll
    back together; the generation bump makes every process drop cached permissions.
    """
    subject = user_subject(user_id)
    conn.execute(delete(casbin_rules).where(casbin_rules.c.ptype == "g", casbin_rules.c.v0 == subject))
    _insert(conn, [("g", subject, role) for role in dict.fromkeys(roles)])
    store.bump_generation(conn)


def _insert(conn: Connection, rows: list[tuple[str, ...]]) -> None:
    if rows:
        # Every row names all six columns: one executemany needs the same keys in each.
        values = [{"ptype": row[0], **{f"v{i}": (row[1:] + (None,) * 6)[i] for i in range(6)}} for row in rows]
        conn.execute(insert(casbin_rules), values)


# --- readers used by the roles service ------------------------------------------------------


def holders(conn: Connection, role: str) -> tuple[list[int], list[str]]:
    """Who names ``role`` in a ``g`` row: user ids and (other) role keys, sorted."""
    rows = conn.execute(
        select(casbin_rules.c.v0).where(casbin_rules.c.ptype == "g", casbin_rules.c.v1 == role)
    ).scalars()
    user_ids: list[int] = []
    roles: list[str] = []
    for subject in rows:
        if subject.startswith(USER_PREFIX):
            user_ids.append(int(subject[len(USER_PREFIX) :]))
        elif subject != role:
            roles.append(subject)
    return sorted(user_ids), sorted(roles)


def rules_of(conn: Connection, subject: str) -> list[tuple[str, ...]]:
    """A subject's own rows as ``(ptype, v0, v1, ...)`` tuples (for tests and repair tools)."""
    rows = conn.execute(select(casbin_rules).where(casbin_rules.c.v0 == subject).order_by(casbin_rules.c.id)).mappings()
    return [(r["ptype"], *[r[f"v{i}"] for i in range(6) if r[f"v{i}"] is not None]) for r in rows]
