"""The definition kinds that are plain documents (forms, rules, later views and dashboards).

Each is stored like every definition (both layers, revisions, the generation bump) and
changed only by admins and builders; what differs per kind is how a document is checked,
and what saving it sets in motion. A ``DocumentKind`` names those two things, and this
module gives every such kind the same list / get / create / PUT / PATCH / delete / restore
with the same answers: 409 for a key taken or a stale ``version``, 422 naming each bad
path, 404 for what does not exist, and an audit entry in the change's transaction.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..auth import audit
from ..auth.authorize import permissions
from ..core.context import Tx
from ..core.jsondiff import diff
from ..errors import BadRequest, Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed, field_error
from . import store

#: Checks a document (raising ValidationFailed naming every bad path) and returns it as stored.
Validate = Callable[[Tx, dict[str, Any]], dict[str, Any]]
#: Runs after a save in the same transaction: (tx, stored before or None, stored after).
AfterSave = Callable[[Tx, "store.StoredDefinition | None", "store.StoredDefinition"], None]


@dataclass(frozen=True)
class DocumentKind:
    kind: str
    validate: Validate
    after_save: AfterSave | None = None


def list_documents(tx: Tx, kind: DocumentKind, include_deleted: bool = False) -> list[dict[str, Any]]:
    require_builder(tx, kind)
    return [describe(d) for d in store.list_definitions(tx.conn, kind.kind, include_deleted)]


def get_document(tx: Tx, kind: DocumentKind, key: str, include_deleted: bool = False) -> dict[str, Any]:
    require_builder(tx, kind)
    return describe(stored_document(tx, kind, key, include_deleted))


def create_document(tx: Tx, kind: DocumentKind, doc: Any, address: str | None = None) -> dict[str, Any]:
    require_builder(tx, kind)
    _require_object(kind, doc)
    key = doc.get("key")
    current = store.get_definition(tx.conn, kind.kind, key) if isinstance(key, str) else None
    if current is not None and not current.deleted:
        raise Conflict(f"{kind.kind} {key!r} already exists", [field_error("key", "already exists")])
    return _save(tx, kind, current, doc, address, "create")


def replace_document(tx: Tx, kind: DocumentKind, key: str, doc: Any, address: str | None = None) -> dict[str, Any]:
    """PUT: the body becomes the whole definition; ``version`` (if sent) must be current."""
    require_builder(tx, kind)
    _require_object(kind, doc)
    current = stored_document(tx, kind, key)
    _check_key_and_version(kind, key, doc, current)
    return _save(tx, kind, current, {**doc, "key": key}, address, "update")


def patch_document(tx: Tx, kind: DocumentKind, key: str, patch: Any, address: str | None = None) -> dict[str, Any]:
    """A JSON merge patch (RFC 7386): objects merge, ``null`` removes, anything else replaces."""
    require_builder(tx, kind)
    _require_object(kind, patch)
    current = stored_document(tx, kind, key)
    _check_key_and_version(kind, key, patch, current)
    body = {k: v for k, v in patch.items() if k not in ("kind", "version", "key")}
    return _save(tx, kind, current, merge_patch(current.effective, body), address, "update")


def delete_document(tx: Tx, kind: DocumentKind, key: str, address: str | None = None) -> dict[str, Any]:
    """Soft delete: the document stops acting and can be restored."""
    require_builder(tx, kind)
    current = stored_document(tx, kind, key)
    stored = store.save_definition(
        tx.conn, kind.kind, key, current.effective, author_id=tx.actor.id, action="delete", deleted=True
    )
    audit.record(tx.conn, tx.actor, f"{kind.kind}.delete", f"{kind.kind}:{key}", {"version": stored.version}, address)
    if kind.after_save is not None:
        kind.after_save(tx, current, stored)
    return describe(stored)


def restore_document(tx: Tx, kind: DocumentKind, key: str, address: str | None = None) -> dict[str, Any]:
    """Bring a deleted document back, checked against today's definitions."""
    require_builder(tx, kind)
    current = stored_document(tx, kind, key, include_deleted=True)
    if not current.deleted:
        raise Conflict(f"{kind.kind} {key!r} is not deleted")
    return _save(tx, kind, current, current.effective, address, "restore")


def stored_document(tx: Tx, kind: DocumentKind, key: str, include_deleted: bool = False) -> store.StoredDefinition:
    stored = store.get_definition(tx.conn, kind.kind, key)
    if stored is None or (stored.deleted and not include_deleted):
        raise NotFound(f"{kind.kind} {key[:100]!r} does not exist", data={kind.kind: key[:100]})
    return stored


def describe(stored: store.StoredDefinition) -> dict[str, Any]:
    return {
        "kind": stored.kind,
        **stored.effective,
        "version": stored.version,
        "deleted": stored.deleted,
        "template": stored.template,
        "updated_at": stored.updated_at.isoformat() if stored.updated_at else None,
    }


def require_builder(tx: Tx, kind: DocumentKind) -> None:
    if tx.actor.id is None and not tx.actor.is_admin:
        raise Unauthorized("sign in first")
    if not permissions(tx).changes_definitions:
        raise Forbidden(f"only admins and builders may read or change {kind.kind} definitions")


def merge_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = merge_patch(result.get(name), value)
    return result


def _save(
    tx: Tx,
    kind: DocumentKind,
    current: store.StoredDefinition | None,
    doc: dict[str, Any],
    address: str | None,
    action: str,
) -> dict[str, Any]:
    doc = kind.validate(tx, {k: v for k, v in doc.items() if k not in ("kind", "version")})
    key = doc["key"]
    live = current is not None and not current.deleted
    stored = store.save_definition(
        tx.conn,
        kind.kind,
        key,
        doc,
        author_id=tx.actor.id,
        action=action,
        deleted=False if current is not None and current.deleted else None,
    )
    before = current.effective if current is not None and live else {}
    data: dict[str, Any] = {"version": stored.version, "changes": diff(before, stored.effective)}
    if action == "restore":
        data["restored"] = True
    audit_action = f"{kind.kind}.update" if live else f"{kind.kind}.create"
    audit.record(tx.conn, tx.actor, audit_action, f"{kind.kind}:{key}", data, address)
    if kind.after_save is not None:
        kind.after_save(tx, current, stored)
    return describe(stored)


def _require_object(kind: DocumentKind, doc: Any) -> None:
    if not isinstance(doc, dict):
        raise BadRequest(f"a {kind.kind} definition must be a JSON object")


def _check_key_and_version(kind: DocumentKind, key: str, body: dict[str, Any], current: store.StoredDefinition) -> None:
    if "key" in body and body["key"] != key:
        raise ValidationFailed(f"a {kind.kind}'s key never changes", [field_error("key", "is immutable")])
    version = body.get("version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise ValidationFailed("version must be an integer", [field_error("version", "must be an integer")])
    if version is not None and version != current.version:
        raise Conflict(
            f"{kind.kind} {key!r} changed meanwhile (version {current.version}, not {version}); reload it",
            [field_error("version", "is stale")],
        )
