"""The roles service: role definitions (kind ``role``) and their Casbin rows, changed together.

Every change runs in the caller's transaction and does four things or none: validate,
store the definition (new version, revision, generation bump), rewrite the role's
Casbin rows (``p``: role, entity, action; ``g``: role → inherited role) and write an
audit entry. Only admins change roles; admins and builders may read them.

``admin`` and ``builder`` have a meaning fixed by the platform (everything; definitions
plus every record action), so they cannot be defined or deleted. ``member`` is built in
(every user starts with it) but may be defined to give members grants; deleting that
definition takes the grants away, never the role.
"""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import select

from ..core.context import Tx
from ..core.jsondiff import diff
from ..errors import (
    BadRequest,
    Conflict,
    Forbidden,
    LoomworksError,
    NotFound,
    Unauthorized,
    ValidationFailed,
    field_error,
)
from ..fields.entity import EntitySpec
from ..logic.sql import compile_filter
from ..meta import store
from ..records.filter_scope import entity_filter_scope
from . import audit, casbin_rules
from .authorize import permissions
from .models import users
from .permissions import ADMIN_ROLE, BUILDER_ROLE, BUILTIN_ROLES, MEMBER_ROLE
from .role_checks import RoleWorld, validate_role

KIND = "role"
FIXED_ROLES = (ADMIN_ROLE, BUILDER_ROLE)
BUILTIN_LABELS = {
    ADMIN_ROLE: {"en": "Administrator", "zh-CN": "管理员"},
    BUILDER_ROLE: {"en": "Builder", "zh-CN": "搭建者"},
    MEMBER_ROLE: {"en": "Member", "zh-CN": "成员"},
}
#: Properties left out of stored documents when empty (their default).
EMPTY_DEFAULTS = ("inherits", "grants")
GRANT_EMPTY_DEFAULTS = ("hidden_fields", "readonly_fields", "disclosed_fields")


def list_roles(tx: Tx, include_deleted: bool = False) -> list[dict[str, Any]]:
    """Built-in roles first (as defined, if ``member`` is), then the others by key."""
    _require(tx, write=False)
    stored = {d.key: d for d in store.list_definitions(tx.conn, KIND, include_deleted)}
    defined = {key: stored.pop(key, None) for key in BUILTIN_ROLES}
    items = [_describe(d) if d and not d.deleted else _builtin(key) for key, d in defined.items()]
    return items + [_describe(d) for d in stored.values()]


def get_role(tx: Tx, key: str, include_deleted: bool = False) -> dict[str, Any]:
    _require(tx, write=False)
    if key in BUILTIN_ROLES:
        found = store.get_definition(tx.conn, KIND, key)
        return _describe(found) if found and (include_deleted or not found.deleted) else _builtin(key)
    return _describe(_stored(tx, key, include_deleted))


def create_role(tx: Tx, doc: Any, address: str | None = None) -> dict[str, Any]:
    _require(tx, write=True)
    if not isinstance(doc, dict):
        raise BadRequest("a role definition must be a JSON object")
    key = doc.get("key")
    if isinstance(key, str):
        _refuse_fixed(key)
        existing = store.get_definition(tx.conn, KIND, key)
        if existing is not None:
            hint = " (it is deleted: restore it instead)" if existing.deleted else ""
            raise Conflict(f"role {key!r} already exists{hint}", [field_error("key", "already exists")])
    return _save(tx, None, doc, "create", address)


def replace_role(tx: Tx, key: str, doc: Any, address: str | None = None) -> dict[str, Any]:
    """PUT: the body becomes the whole definition (``member`` is defined by its first PUT)."""
    _require(tx, write=True)
    _refuse_fixed(key)
    if not isinstance(doc, dict):
        raise BadRequest("a role definition must be a JSON object")
    current = _to_change(tx, key)
    _check_key_and_version(key, doc, current)
    return _save(tx, current, {**doc, "key": key}, _action(current), address)


def patch_role(tx: Tx, key: str, patch: Any, address: str | None = None) -> dict[str, Any]:
    """Merge top-level properties; ``null`` removes an optional one (``description``, ...)."""
    _require(tx, write=True)
    _refuse_fixed(key)
    if not isinstance(patch, dict):
        raise BadRequest("the body must be a JSON object")
    current = _to_change(tx, key)
    _check_key_and_version(key, patch, current)
    live = current is not None and not current.deleted
    doc = copy.deepcopy(current.effective) if live and current else {"key": key, "label": BUILTIN_LABELS[key]}
    for name, value in patch.items():
        if name in ("kind", "version", "key"):
            continue
        if value is None:
            doc.pop(name, None)
        else:
            doc[name] = value
    return _save(tx, current, doc, _action(current), address)


def delete_role(tx: Tx, key: str, address: str | None = None) -> dict[str, Any]:
    """Soft-delete (restorable); refused while users hold the role or other roles inherit it."""
    _require(tx, write=True)
    _refuse_fixed(key)
    current = _stored(tx, key)
    if key != MEMBER_ROLE:
        _refuse_while_used(tx, key)
    stored = store.save_definition(
        tx.conn, KIND, key, current.effective, author_id=tx.actor.id, action="delete", deleted=True
    )
    casbin_rules.write_role_rules(tx.conn, key, None)
    audit.record(tx.conn, tx.actor, "role.delete", f"role:{key}", {"version": stored.version}, address)
    return _describe(stored)


def restore_role(tx: Tx, key: str, address: str | None = None) -> dict[str, Any]:
    """Bring a deleted role back, checked against today's roles and entities."""
    _require(tx, write=True)
    current = _stored(tx, key, include_deleted=True)
    if not current.deleted:
        raise Conflict(f"role {key!r} is not deleted")
    return _save(tx, current, current.effective, "restore", address)


# --- the one path ----------------------------------------------------------------------------


def _save(
    tx: Tx, current: store.StoredDefinition | None, doc: dict[str, Any], action: str, address: str | None
) -> dict[str, Any]:
    doc = without_defaults({k: v for k, v in doc.items() if k not in ("kind", "version")})
    validate_role(doc, _world(tx, doc.get("key")))
    key = doc["key"]
    before = current.effective if current and not current.deleted else None
    stored = store.save_definition(
        tx.conn,
        KIND,
        key,
        doc,
        author_id=tx.actor.id,
        action=action,
        deleted=False if current is not None and current.deleted else None,
    )
    casbin_rules.write_role_rules(tx.conn, key, stored.effective)
    data: dict[str, Any] = {"version": stored.version, "changes": diff(before or {}, stored.effective)}
    if action == "restore":
        data["restored"] = True
    audit_action = "role.create" if action == "create" else "role.update"
    audit.record(tx.conn, tx.actor, audit_action, f"role:{key}", data, address)
    return _describe(stored)


def _world(tx: Tx, key: Any) -> RoleWorld:
    roles = {
        d.key: list(d.effective.get("inherits", []))
        for d in store.list_definitions(tx.conn, KIND)
        if d.key != key and d.key not in FIXED_ROLES
    }
    # Soft-deleted entities count: restoring one brings its records back, and its grants with them.
    specs = tx.runtime.entities.specs(tx.conn)

    def compile_scope(scope: Any, spec: EntitySpec) -> str | None:
        """Enforcement compiles scopes to SQL; a scope it would refuse is refused now."""
        try:
            compile_filter(scope, entity_filter_scope(tx, spec))
        except LoomworksError as exc:
            return exc.message
        return None

    return RoleWorld(roles=roles, entity=specs.get, compile_scope=compile_scope)


def without_defaults(doc: dict[str, Any]) -> dict[str, Any]:
    """Defaults are left out of stored documents (DESIGN §1): empty lists go."""
    for name in EMPTY_DEFAULTS:
        if doc.get(name) == []:
            doc.pop(name)
    for grant in doc.get("grants", []) if isinstance(doc.get("grants"), list) else []:
        if isinstance(grant, dict):
            for name in GRANT_EMPTY_DEFAULTS:
                if grant.get(name) == []:
                    grant.pop(name)
    return doc


def _require(tx: Tx, *, write: bool) -> None:
    if tx.actor.id is None and not tx.actor.is_admin:
        raise Unauthorized("sign in first")
    granted = permissions(tx)  # memoised on the transaction: saving many roles reloads nothing
    if write and not granted.is_admin:
        raise Forbidden("only admins may change roles")
    if not granted.changes_definitions:
        raise Forbidden("only admins and builders may read role definitions")


def _refuse_fixed(key: str) -> None:
    if key in FIXED_ROLES:
        raise Conflict(f"role {key!r} is built in and its meaning is fixed; it cannot be defined or deleted")


def _refuse_while_used(tx: Tx, key: str) -> None:
    """Casbin's ``g`` rows say who uses the role; the user rows and role documents are
    checked too, so a store that drifted (or predates policies) cannot orphan anyone."""
    user_ids, inheriting = casbin_rules.holders(tx.conn, key)
    rows = tx.conn.execute(select(users.c.id, users.c.roles)).all()
    user_ids = sorted(set(user_ids) | {row.id for row in rows if key in (row.roles or [])})
    inheriting += [d.key for d in store.list_definitions(tx.conn, KIND) if key in d.effective.get("inherits", [])]
    problems = []
    if user_ids:
        shown = ", ".join(str(i) for i in user_ids[:20])
        problems.append(field_error("users", f"{len(user_ids)} user(s) hold this role (ids {shown})"))
    for role in sorted(set(inheriting)):
        problems.append(field_error("inherits", f"role {role!r} inherits this role"))
    if problems:
        raise Conflict(f"role {key!r} is still in use; take it away first", problems)


def _check_key_and_version(key: str, body: dict[str, Any], current: store.StoredDefinition | None) -> None:
    if "key" in body and body["key"] != key:
        raise ValidationFailed("a role's key never changes", [field_error("key", "is immutable")])
    version = body.get("version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise ValidationFailed("version must be an integer", [field_error("version", "must be an integer")])
    if version is not None and current is not None and not current.deleted and version != current.version:
        raise Conflict(
            f"role {key!r} changed meanwhile (version {current.version}, not {version}); reload it",
            [field_error("version", "is stale")],
        )


def _stored(tx: Tx, key: str, include_deleted: bool = False) -> store.StoredDefinition:
    stored = store.get_definition(tx.conn, KIND, key)
    if stored is None or (stored.deleted and not include_deleted):
        raise NotFound(f"role {key!r} does not exist", data={"role": key})
    return stored


def _to_change(tx: Tx, key: str) -> store.StoredDefinition | None:
    """The definition a PUT or PATCH replaces; ``member`` may have none (or a deleted one) yet."""
    if key == MEMBER_ROLE:
        return store.get_definition(tx.conn, KIND, key)
    return _stored(tx, key)


def _action(current: store.StoredDefinition | None) -> str:
    return "update" if current is not None and not current.deleted else "create"


def _builtin(key: str) -> dict[str, Any]:
    return {
        "kind": KIND,
        "key": key,
        "label": BUILTIN_LABELS[key],
        "inherits": [],
        "grants": [],
        "builtin": True,
        "fixed": key in FIXED_ROLES,
        "version": 0,
        "deleted": False,
        "template": None,
        "updated_at": None,
    }


def _describe(stored: store.StoredDefinition) -> dict[str, Any]:
    doc = stored.effective
    return {
        "kind": KIND,
        **doc,
        "inherits": doc.get("inherits", []),
        "grants": doc.get("grants", []),
        "builtin": stored.key in BUILTIN_ROLES,
        "fixed": False,
        "version": stored.version,
        "deleted": stored.deleted,
        "template": stored.template,
        "updated_at": stored.updated_at.isoformat() if stored.updated_at else None,
    }
