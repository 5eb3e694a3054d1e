"""Effective permissions of a user: role documents + Casbin, computed once and cached.

``permissions_for(conn, actor)`` is what enforcement calls. It takes the user's roles
from Casbin (``g, user:<id>, role``), adds every inherited role
(``get_implicit_roles_for_user``) and turns each role's grants into ``Grant`` objects,
keeping only the actions Casbin confirms with a ``p`` row; scopes and field rules come
from the role documents.

Caching, per database (engine) and process:

* a *snapshot* (a loaded enforcer plus the live role documents) per generation of the
  definition store. Every role save and every change of a user's roles bumps the
  generation in its own transaction, so another process sees the new number on its
  next transaction and reloads: nothing has to be told;
* ``Permissions`` per (user id, roles, generation), bounded (LRU) and thread-safe.

A transaction that has itself bumped the generation sees uncommitted policy: what it
computes is used by that transaction only (memoised on its connection) and never
enters the shared cache, so a rollback cannot leave a poisoned entry behind.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import casbin
from sqlalchemy import Connection, Engine

from ..core.context import Actor, Tx
from ..errors import Forbidden, NotFound, ValidationFailed, field_error
from ..meta import store
from . import casbin_rules, users
from .authorize import permissions
from .permissions import ADMIN_ROLE, BUILDER_ROLE, RECORD_ACTIONS, Grant, Permissions

KIND = "role"
#: Cached ``Permissions`` per process and database (users × live generations).
MAX_CACHED_PERMISSIONS = 4096
_SNAPSHOT_MEMO = "loomworks_policy_snapshot"
_GENERATION_MEMO = "loomworks_policy_generation"


@dataclass
class PolicySnapshot:
    """Casbin and the role documents as of one generation; read-only once built.

    Casbin's role manager creates entries while answering queries, so every query on the
    enforcer holds ``lock``.
    """

    generation: int
    enforcer: casbin.Enforcer
    stored: dict[str, store.StoredDefinition]
    lock: threading.Lock = field(default_factory=threading.Lock)
    _confirmed: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)
    _docs: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, conn: Connection, generation: int) -> PolicySnapshot:
        stored = {d.key: d for d in store.list_definitions(conn, KIND)}
        return cls(generation, casbin_rules.load_enforcer(conn), stored)

    def role_doc(self, role: str) -> dict[str, Any] | None:
        """The effective document of a live role (merged on first use: most roles are never asked for)."""
        with self.lock:
            doc = self._docs.get(role)
            if doc is None and role in self.stored:
                doc = self._docs[role] = self.stored[role].effective
            return doc

    def direct_roles(self, subject: str) -> list[str]:
        with self.lock:
            return list(self.enforcer.get_roles_for_user(subject))

    def implicit_roles(self, subject: str) -> list[str]:
        """Direct roles first, then inherited ones breadth-first (Casbin's order)."""
        with self.lock:
            return list(self.enforcer.get_implicit_roles_for_user(subject))

    def confirmed(self, role: str) -> frozenset[tuple[str, str]]:
        """The (entity, action) pairs Casbin grants the role itself (not through inheritance)."""
        with self.lock:
            found = self._confirmed.get(role)
            if found is None:
                rules = self.enforcer.get_filtered_policy(0, role)
                found = self._confirmed[role] = frozenset((r[1], r[2]) for r in rules if len(r) >= 3)
            return found


class PolicyCache:
    """The snapshot and the computed permissions of one database, in this process."""

    def __init__(self, max_entries: int = MAX_CACHED_PERMISSIONS) -> None:
        self._lock = threading.Lock()
        self._snapshot: PolicySnapshot | None = None
        self._permissions: OrderedDict[tuple[Any, ...], Permissions] = OrderedDict()
        self.max_entries = max_entries

    def snapshot(self, conn: Connection) -> PolicySnapshot:
        generation = _generation(conn)
        if store.generation_changed_here(conn):
            return _transaction_snapshot(conn, generation)
        current = self._snapshot
        if current is not None and current.generation == generation:
            return current
        fresh = PolicySnapshot.load(conn, generation)
        with self._lock:
            if self._snapshot is None or self._snapshot.generation < generation:
                self._snapshot = fresh
        return fresh

    def permissions(self, conn: Connection, actor: Actor) -> Permissions:
        snapshot = self.snapshot(conn)
        if store.generation_changed_here(conn):
            return compute_permissions(snapshot, actor)
        key = (actor.id, actor.roles, snapshot.generation)
        with self._lock:
            found = self._permissions.get(key)
            if found is not None:
                self._permissions.move_to_end(key)
                return found
        computed = compute_permissions(snapshot, actor)
        with self._lock:
            self._permissions[key] = computed
            while len(self._permissions) > self.max_entries:
                self._permissions.popitem(last=False)
        return computed

    def __len__(self) -> int:
        return len(self._permissions)

    def clear(self) -> None:
        with self._lock:
            self._snapshot = None
            self._permissions.clear()


_caches: weakref.WeakKeyDictionary[Engine, PolicyCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def policy_cache(engine: Engine) -> PolicyCache:
    """The cache of one database; keyed by engine so two databases in a process never mix."""
    with _caches_lock:
        cache = _caches.get(engine)
        if cache is None:
            cache = _caches[engine] = PolicyCache()
        return cache


def permissions_for(conn: Connection, actor: Actor) -> Permissions:
    """Everything ``actor`` is granted, as of the generation ``conn`` sees."""
    return policy_cache(conn.engine).permissions(conn, actor)


def snapshot_for(conn: Connection) -> PolicySnapshot:
    return policy_cache(conn.engine).snapshot(conn)


def _generation(conn: Connection) -> int:
    """The generation, read once per clean transaction (a bump makes the transaction re-read)."""
    transaction = conn.get_transaction()
    memo = conn.info.get(_GENERATION_MEMO)
    if (
        transaction is not None
        and memo is not None
        and memo[0] is transaction
        and not store.generation_changed_here(conn)
    ):
        return int(memo[1])
    generation = store.current_generation(conn)
    conn.info[_GENERATION_MEMO] = (conn.get_transaction(), generation)  # begun by the read if need be
    return generation


def _transaction_snapshot(conn: Connection, generation: int) -> PolicySnapshot:
    """A private snapshot for a transaction with uncommitted policy changes."""
    transaction = conn.get_transaction()
    memo = conn.info.get(_SNAPSHOT_MEMO)
    if memo is not None and memo[0] is transaction and memo[1].generation == generation:
        return memo[1]  # type: ignore[no-any-return]
    snapshot = PolicySnapshot.load(conn, generation)
    conn.info[_SNAPSHOT_MEMO] = (transaction, snapshot)
    return snapshot


# --- computing -------------------------------------------------------------------------------


def direct_roles(snapshot: PolicySnapshot, actor: Actor) -> list[str]:
    """The roles assigned to the actor itself.

    For a user, Casbin's ``g`` rows; they are written with ``lw_users.roles`` in one
    transaction, so the two agree. A user without any ``g`` row (created before policies
    were stored) falls back to the roles on the user row. Actors without an id (the
    system) carry their roles themselves.
    """
    if actor.id is None:
        return list(dict.fromkeys(actor.roles))
    return snapshot.direct_roles(casbin_rules.user_subject(actor.id)) or list(dict.fromkeys(actor.roles))


def effective_roles(snapshot: PolicySnapshot, direct: list[str]) -> list[str]:
    """``direct`` and every role they inherit, each once, direct roles first."""
    ordered = list(direct)
    for role in direct:
        ordered += snapshot.implicit_roles(role)
    return list(dict.fromkeys(ordered))


def role_grants(snapshot: PolicySnapshot, role: str) -> list[Grant]:
    """The role's own grants, each narrowed to the actions Casbin confirms."""
    doc = snapshot.role_doc(role)
    if doc is None:
        return []
    confirmed = snapshot.confirmed(role)
    grants = []
    for grant in doc.get("grants", []):
        entity = grant["entity"]
        actions = frozenset(a for a in grant["actions"] if (entity, a) in confirmed)
        if actions:
            grants.append(
                Grant(
                    role=role,
                    entity=entity,
                    actions=actions,
                    scope=grant.get("scope"),
                    hidden_fields=frozenset(grant.get("hidden_fields", ())),
                    readonly_fields=frozenset(grant.get("readonly_fields", ())),
                    disclosed_fields=frozenset(grant.get("disclosed_fields", ())),
                )
            )
    return grants


def compute_permissions(snapshot: PolicySnapshot, actor: Actor) -> Permissions:
    roles = effective_roles(snapshot, direct_roles(snapshot, actor))
    grants = tuple(grant for role in roles for grant in role_grants(snapshot, role))
    by_entity: dict[str, list[Grant]] = {}
    for grant in grants:
        by_entity.setdefault(grant.entity, []).append(grant)
    return Permissions(
        user_id=actor.id,
        roles=frozenset(roles),
        grants=grants,
        by_entity={entity: tuple(found) for entity, found in by_entity.items()},
    )


def inheritance_paths(snapshot: PolicySnapshot, direct: list[str]) -> dict[str, list[str]]:
    """For each effective role, the shortest chain from one of ``direct`` to it."""
    paths = {role: [role] for role in direct}
    queue = list(direct)
    while queue:
        role = queue.pop(0)
        for inherited in snapshot.direct_roles(role):
            if inherited not in paths:
                paths[inherited] = [*paths[role], inherited]
                queue.append(inherited)
    return paths


# --- explaining ------------------------------------------------------------------------------


def explain(conn: Connection, who: Actor | int, entity: str, action: str) -> dict[str, Any]:
    """Which grants let ``who`` take ``action`` on ``entity`` records, or that none does.

    Built from the same snapshot and ``Permissions`` that enforcement uses, so the
    explanation cannot drift from what is enforced. Each grant names the role holding it
    and the inheritance path from one of the user's own roles (``["manager", "rep"]``).
    """
    user = users.get_user(conn, who) if isinstance(who, int) else None
    actor = users.actor_for(user) if user is not None else who
    assert isinstance(actor, Actor)
    snapshot = snapshot_for(conn)
    granted = permissions_for(conn, actor)
    direct = direct_roles(snapshot, actor)
    paths = inheritance_paths(snapshot, direct)
    effective = effective_roles(snapshot, direct)
    result: dict[str, Any] = {
        "user": {"id": actor.id, "email": actor.email, "active": bool(user["active"]) if user else True},
        "entity": entity,
        "action": action,
        "roles": direct,
        "effective_roles": effective,
    }
    fixed = next((role for role in (ADMIN_ROLE, BUILDER_ROLE) if role in granted.roles), None)
    if fixed is not None:
        everything = Grant(fixed, entity, frozenset(RECORD_ACTIONS))
        result.update(
            allowed=True,
            grants=[_grant_json(everything, paths)],
            other_grants=[],
            reason=f"allowed: role {fixed}{_via(paths, fixed)} may take every action on every entity",
        )
    else:
        grants = granted.grants_for(entity, action)
        result.update(
            allowed=bool(grants),
            grants=[_grant_json(g, paths) for g in grants],
            other_grants=[_grant_json(g, paths) for g in granted.by_entity.get(entity, ()) if action not in g.actions],
            reason=(
                "allowed by " + "; ".join(_grant_summary(g, paths) for g in grants)
                if grants
                else f"denied: none of roles [{', '.join(effective)}] grants {action} on {entity}"
            ),
        )
    if user is not None and not user["active"]:
        result["reason"] += " (the account is deactivated, so it cannot sign in)"
    return result


def explain_access(tx: Tx, user_id: int | None, entity: str, action: str) -> dict[str, Any]:
    """``explain`` for admins debugging someone's access (default: their own)."""
    if not permissions(tx).is_admin:
        raise Forbidden("only admins may explain access")
    errors = []
    if not entity:
        errors.append(field_error("entity", "is required"))
    if action not in RECORD_ACTIONS:
        errors.append(field_error("action", f"must be one of {', '.join(RECORD_ACTIONS)}"))
    if errors:
        raise ValidationFailed("cannot explain that", errors)
    stored = store.get_definition(tx.conn, "entity", entity)
    if stored is None or stored.deleted:
        raise NotFound(f"entity {entity!r} does not exist", data={"entity": entity})
    who: Actor | int = user_id if user_id is not None else (tx.actor.id if tx.actor.id is not None else tx.actor)
    return explain(tx.conn, who, entity, action)


def _via(paths: dict[str, list[str]], role: str) -> str:
    path = paths.get(role, [role])
    return f" (via {' → '.join(path)})" if len(path) > 1 else ""


def _grant_json(grant: Grant, paths: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "role": grant.role,
        "path": paths.get(grant.role, [grant.role]),
        "actions": [a for a in RECORD_ACTIONS if a in grant.actions],
        "scope": grant.scope,
        "hidden_fields": sorted(grant.hidden_fields),
        "readonly_fields": sorted(grant.readonly_fields),
        "disclosed_fields": sorted(grant.disclosed_fields),
    }


def _grant_summary(grant: Grant, paths: dict[str, list[str]]) -> str:
    parts = [f"role {grant.role}{_via(paths, grant.role)}"]
    parts.append("every row" if grant.scope is None else f"rows where {json.dumps(grant.scope, ensure_ascii=False)}")
    if grant.hidden_fields:
        parts.append(f"hidden: {', '.join(sorted(grant.hidden_fields))}")
    if grant.readonly_fields:
        parts.append(f"read-only: {', '.join(sorted(grant.readonly_fields))}")
    if grant.disclosed_fields:
        parts.append(f"disclosed: {', '.join(sorted(grant.disclosed_fields))}")
    return ", ".join(parts)
