"""The entity service: every change to an entity definition goes through ``_apply``.

Each operation (create, patch, add/change/remove/restore a field, delete, restore,
revert) only computes the next effective document; ``_apply`` then validates it,
migrates the tables (checks first, DDL second), stores the new version and a
revision, all in the caller's transaction. One path means one set of guarantees.
"""

from __future__ import annotations

import copy
from typing import Any

from ..auth import audit
from ..auth.authorize import authorize, permissions
from ..auth.permissions import Permissions
from ..core.context import Tx
from ..errors import BadRequest, Conflict, NotFound, ValidationFailed, field_error
from ..fields.entity import EntitySpec
from ..fields.registry import FIELD_TYPES
from ..records.access import definition_hidden
from ..records.integrity import check_references
from ..storage import migrate
from . import store
from .dependencies import check_dependent_rollups, check_dependent_scopes, own_rollup_errors
from .validation import validate_entity

KIND = "entity"
EDITABLE_FIELD_PROPS = ("label", "help", "required", "unique", "indexed", "default", "options", "type")


def list_entities(tx: Tx, include_deleted: bool = False) -> list[dict[str, Any]]:
    """Definitions the reader may use: builders see all; others the entities they can read,
    without the fields every one of their grants hides (a definition must not leak them either)."""
    authorize(tx, "read", "meta:entity")
    granted = permissions(tx)
    if include_deleted and not granted.changes_definitions:
        include_deleted = False
    described = []
    for stored in store.list_definitions(tx.conn, KIND, include_deleted):
        view = _reader_view(tx, granted, stored)
        if view is not None:
            described.append(view)
    return described


def get_entity(tx: Tx, key: str, include_deleted: bool = False) -> dict[str, Any]:
    authorize(tx, "read", f"meta:entity:{key}")
    granted = permissions(tx)
    view = _reader_view(tx, granted, _stored(tx, key, include_deleted and granted.changes_definitions))
    if view is None:
        raise NotFound(f"entity {key!r} does not exist", data={"entity": key})
    return view


def readable_specs(tx: Tx) -> list[EntitySpec]:
    """Live entity specs as the actor may see them (hidden fields left out), sorted by key."""
    authorize(tx, "read", "meta:entity")
    granted = permissions(tx)
    cache = tx.runtime.entities
    specs = []
    for key, spec in sorted(cache.specs(tx.conn).items()):
        if cache.is_deleted(key):
            continue
        if granted.changes_definitions:
            specs.append(spec)
            continue
        if granted.grants_for(key, "read"):
            specs.append(spec.without(definition_hidden(tx, spec)))
    return specs


CALLER_ACTIONS = ("create", "update", "delete", "export", "import", "transition")


def _reader_view(tx: Tx, granted: Permissions, stored: store.StoredDefinition) -> dict[str, Any] | None:
    described = _describe(stored)
    described["permissions"] = caller_permissions(granted, stored.key)
    if granted.changes_definitions:
        return described
    if not granted.grants_for(stored.key, "read"):
        return None
    hidden = definition_hidden(tx, EntitySpec.from_json(stored.effective, stored.version))
    described["fields"] = [f for f in described["fields"] if f["key"] not in hidden and not f.get("removed")]
    return described


def caller_permissions(granted: Permissions, entity: str) -> dict[str, bool]:
    """Whether the caller may do each record action on ``entity`` at all (row scopes aside):
    the browser shows New, Edit, Delete, Export, Import and transition buttons by it."""
    return {action: bool(granted.grants_for(entity, action)) for action in CALLER_ACTIONS}


def create_entity(tx: Tx, doc: Any) -> dict[str, Any]:
    authorize(tx, "create", "meta:entity")
    if not isinstance(doc, dict):
        raise BadRequest("an entity definition must be a JSON object")
    key = doc.get("key")
    if isinstance(key, str) and store.get_definition(tx.conn, KIND, key) is not None:
        raise Conflict(f"entity {key!r} already exists", [field_error("key", "already exists")])
    doc = {k: v for k, v in doc.items() if k != "kind"}
    return _apply(tx, None, doc, action="create", confirm=False)


def patch_entity(tx: Tx, key: str, patch: Any, confirm: bool = False) -> dict[str, Any]:
    """Merge top-level properties; a ``fields`` list replaces the field list.

    Fields left out of a new ``fields`` list are removed (hidden, data kept), never dropped.
    """
    authorize(tx, "update", f"meta:entity:{key}")
    current = _stored(tx, key)
    if not isinstance(patch, dict):
        raise BadRequest("the body must be a JSON object")
    if "key" in patch and patch["key"] != key:
        raise ValidationFailed("an entity's key never changes", [field_error("key", "is immutable")])
    doc = copy.deepcopy(current.effective)
    for name, value in patch.items():
        if name in ("kind", "version", "key"):
            continue
        doc[name] = value
    if isinstance(patch.get("fields"), list):
        doc["fields"] = _keep_removed(current.effective["fields"], patch["fields"])
    return _apply(tx, current, doc, action="update", confirm=confirm)


def add_field(tx: Tx, key: str, field: Any) -> dict[str, Any]:
    authorize(tx, "update", f"meta:entity:{key}")
    current = _stored(tx, key)
    if not isinstance(field, dict):
        raise BadRequest("a field must be a JSON object")
    existing = {f["key"]: f for f in current.effective["fields"]}
    if field.get("key") in existing:
        hint = " (it was removed: restore it instead)" if existing[field["key"]].get("removed") else ""
        raise Conflict(f"field {field['key']!r} already exists{hint}", [field_error("key", "already exists")])
    doc = copy.deepcopy(current.effective)
    doc["fields"].append(field)
    return _apply(tx, current, doc, action="add_field", confirm=False)


def update_field(tx: Tx, key: str, field_key: str, patch: Any, confirm: bool = False) -> dict[str, Any]:
    authorize(tx, "update", f"meta:entity:{key}")
    current = _stored(tx, key)
    if not isinstance(patch, dict):
        raise BadRequest("the body must be a JSON object")
    if "key" in patch and patch["key"] != field_key:
        raise ValidationFailed("a field's key never changes; change its label", [field_error("key", "is immutable")])
    unknown = sorted(set(patch) - set(EDITABLE_FIELD_PROPS) - {"key"})
    if unknown:
        raise ValidationFailed("unknown field properties", [field_error(u, "unknown property") for u in unknown])
    doc = copy.deepcopy(current.effective)
    target = _field(doc, field_key)
    if target.get("removed"):
        raise Conflict(f"field {field_key!r} is removed; restore it first")
    if "type" in patch and patch["type"] != target["type"] and "options" not in patch:
        target.pop("options", None)  # the old type's options rarely fit the new type
    for name, value in patch.items():
        if value is None and name in ("default", "help"):
            target.pop(name, None)
        else:
            target[name] = value
    return _apply(tx, current, doc, action="update_field", confirm=confirm)


def remove_field(tx: Tx, key: str, field_key: str) -> dict[str, Any]:
    authorize(tx, "update", f"meta:entity:{key}")
    current = _stored(tx, key)
    doc = copy.deepcopy(current.effective)
    target = _field(doc, field_key)
    if target.get("removed"):
        raise Conflict(f"field {field_key!r} is already removed")
    target["removed"] = True
    if doc.get("title_field") == field_key:
        doc.pop("title_field")
    return _apply(tx, current, doc, action="remove_field", confirm=False)


def restore_field(tx: Tx, key: str, field_key: str) -> dict[str, Any]:
    authorize(tx, "update", f"meta:entity:{key}")
    current = _stored(tx, key)
    doc = copy.deepcopy(current.effective)
    target = _field(doc, field_key)
    if not target.get("removed"):
        raise Conflict(f"field {field_key!r} is not removed")
    target.pop("removed")
    return _apply(tx, current, doc, action="restore_field", confirm=False)


def purge_field(tx: Tx, key: str, field_key: str) -> dict[str, Any]:
    """Drop a removed field's column and data for good (admins only)."""
    authorize(tx, "purge", f"meta:entity:{key}")
    current = _stored(tx, key)
    doc = copy.deepcopy(current.effective)
    target = _field(doc, field_key)
    if not target.get("removed"):
        raise Conflict(f"remove field {field_key!r} before purging it")
    spec = EntitySpec.from_json(current.effective, current.version)
    migrate.purge_field(tx.conn, spec, spec.all_fields[field_key])
    doc["fields"] = [f for f in doc["fields"] if f["key"] != field_key]
    stored = _save(
        tx,
        key,
        doc,
        author_id=tx.actor.id,
        action="purge_field",
        ddl_report={"purged_field": field_key},
    )
    return _describe(stored)


def delete_entity(tx: Tx, key: str) -> dict[str, Any]:
    """Soft-delete: the API stops serving it; table and data stay until purged."""
    authorize(tx, "delete", f"meta:entity:{key}")
    current = _stored(tx, key)
    referencing = _referencing_fields(tx, key)
    if referencing:
        raise Conflict(
            f"entity {key!r} is used by relation fields; remove them first",
            [field_error(ref, f"points at {key}") for ref in referencing],
        )
    live = tx.runtime.entities.specs(tx.conn)
    _check_guards(tx, key, {k: s for k, s in live.items() if k != key and not tx.runtime.entities.is_deleted(k)})
    stored = _save(tx, key, current.effective, author_id=tx.actor.id, action="delete", deleted=True)
    return _describe(stored)


def put_entity(tx: Tx, doc: dict[str, Any], *, action: str, confirm: bool = False) -> dict[str, Any]:
    """Make the entity ``doc`` describes exist as described: created, restored or replaced.

    Used by template installs. Fields the current definition has and ``doc`` lacks are
    removed (hidden, data kept), as with a PATCH of the field list."""
    key = doc["key"]
    current = store.get_definition(tx.conn, KIND, key)
    if current is None:
        authorize(tx, "create", "meta:entity")
        return _apply(tx, None, copy.deepcopy(doc), action=action, confirm=confirm)
    authorize(tx, "update", f"meta:entity:{key}")
    if current.deleted:
        current = _save(tx, key, current.effective, author_id=tx.actor.id, action="restore", deleted=False)
    new = copy.deepcopy(doc)
    new["fields"] = _keep_removed(current.effective["fields"], new.get("fields", []))
    if new == current.effective:
        return _describe(current)
    return _apply(tx, current, new, action=action, confirm=confirm)


def delete_entities(tx: Tx, keys: list[str]) -> None:
    """Soft-delete several entities at once (an app being hidden): relations among them are
    fine; one from a live entity outside the group refuses the whole group."""
    group = set(keys)
    for key in keys:
        authorize(tx, "delete", f"meta:entity:{key}")
    cache = tx.runtime.entities
    outside = [
        ref
        for key in keys
        for ref in _referencing_fields(tx, key)
        if ref.partition(".")[0] not in group and not cache.is_deleted(ref.partition(".")[0])
    ]
    if outside:
        raise Conflict(
            "other entities point at this app's entities; remove those fields first",
            [field_error(ref, "points into the app") for ref in outside],
        )
    live = cache.specs(tx.conn)
    remaining = {k: s for k, s in live.items() if k not in group and not cache.is_deleted(k)}
    for key in keys:
        _check_guards(tx, key, remaining)
    for key in keys:
        current = _stored(tx, key, include_deleted=True)
        if not current.deleted:
            _save(tx, key, current.effective, author_id=tx.actor.id, action="delete", deleted=True)


def _check_guards(tx: Tx, key: str, after: dict[str, EntitySpec]) -> None:
    """Other definitions that use this entity (rules) must still hold once it changes."""
    for guard in tx.runtime.entity_guards:
        guard(tx, key, after)


def restore_entity(tx: Tx, key: str) -> dict[str, Any]:
    authorize(tx, "update", f"meta:entity:{key}")
    current = _stored(tx, key, include_deleted=True)
    if not current.deleted:
        raise Conflict(f"entity {key!r} is not deleted")
    stored = _save(tx, key, current.effective, author_id=tx.actor.id, action="restore", deleted=False)
    return _describe(stored)


def purge_entity(tx: Tx, key: str) -> None:
    authorize(tx, "purge", f"meta:entity:{key}")
    current = _stored(tx, key, include_deleted=True)
    if not current.deleted:
        raise Conflict(f"delete entity {key!r} before purging it")
    referencing = _referencing_fields(tx, key, include_removed=True)
    if referencing:
        raise Conflict(
            f"entity {key!r} is still referenced; purge those fields first",
            [field_error(ref, f"points at {key}") for ref in referencing],
        )
    migrate.purge_entity(tx.conn, EntitySpec.from_json(current.effective, current.version))
    store.delete_definition_row(tx.conn, KIND, key, tx.actor.id)
    audit.record(tx.conn, tx.actor, "entity.purge", f"entity:{key}")


def revert(tx: Tx, revision_id: int, to: str = "before", confirm: bool = False) -> dict[str, Any]:
    """Bring a definition back to its state before (default) or after a revision."""
    authorize(tx, "update", "meta:entity")  # before the lookup: a 403 must not depend on the id
    revision = store.get_revision(tx.conn, revision_id)
    if to not in ("before", "after"):
        raise ValidationFailed("invalid revert target", [field_error("to", "must be 'before' or 'after'")])
    if revision["kind"] != KIND:
        raise BadRequest(f"reverting {revision['kind']} definitions is not supported yet")
    authorize(tx, "update", f"meta:entity:{revision['key']}")
    target = revision[to]
    current = store.get_definition(tx.conn, KIND, revision["key"])
    if target is None:
        if current is None or current.deleted:
            raise Conflict("the definition is already gone")
        return delete_entity(tx, revision["key"])
    if current is None:
        raise Conflict(f"entity {revision['key']!r} was purged; it cannot be reverted")
    doc = copy.deepcopy(target)
    doc["fields"] = _keep_removed(current.effective["fields"], doc.get("fields", []))
    return _apply(tx, current, doc, action=f"revert:{revision_id}", confirm=confirm)


# --- the one path ----------------------------------------------------------------------------


def _apply(
    tx: Tx, current: store.StoredDefinition | None, doc: dict[str, Any], *, action: str, confirm: bool
) -> dict[str, Any]:
    cache = tx.runtime.entities
    specs = cache.specs(tx.conn)
    validate_entity(doc, lambda key: key in specs and not cache.is_deleted(key))
    old = EntitySpec.from_json(current.effective, current.version) if current else None
    new = EntitySpec.from_json(doc, (current.version if current else 0) + 1)
    live_specs = {k: s for k, s in specs.items() if not cache.is_deleted(k)}
    rollup_errors = own_rollup_errors(new, live_specs)
    if rollup_errors:
        raise ValidationFailed("a rollup cannot use that source", rollup_errors)
    check_dependent_rollups(new, live_specs)
    if old is not None:
        check_dependent_scopes(tx.conn, old, new, live_specs)
        _check_guards(tx, new.key, {**live_specs, new.key: new})
    _check_filled_defaults(tx, old, new)
    report = migrate.migrate(tx.conn, old, new, confirm=confirm)
    stored = _save(tx, new.key, doc, author_id=tx.actor.id, action=action, ddl_report=report.to_json())
    tx.runtime.on_entity_changed(tx, old, EntitySpec.from_json(stored.effective, stored.version))
    result = _describe(stored)
    result["ddl"] = report.to_json()
    return result


def _check_filled_defaults(tx: Tx, old: EntitySpec | None, new: EntitySpec) -> None:
    """A default that migrate writes into existing records must point at a live record or
    user, as a value a user typed must: else those records would point at nothing."""
    if old is None:
        return
    defaults = {
        f.key: FIELD_TYPES.get(f.type).to_db(f.default, f)
        for f in new.fields
        if f.key not in old.all_fields and f.type in ("relation", "user") and migrate.fills_default(f)
    }
    errors = check_references(tx, new, defaults)
    if errors:
        raise ValidationFailed("a default that fills existing records must point at something that exists", errors)


def _save(
    tx: Tx, key: str, doc: dict[str, Any], *, author_id: Any, action: str, **extra: Any
) -> store.StoredDefinition:
    """Store the definition and its revision, and note the change in the audit log (same transaction)."""
    stored = store.save_definition(tx.conn, KIND, key, doc, author_id=author_id, action=action, **extra)
    audit.record(tx.conn, tx.actor, f"entity.{action.partition(':')[0]}", f"entity:{key}", {"version": stored.version})
    return stored


def _keep_removed(old_fields: list[dict[str, Any]], new_fields: list[Any]) -> list[Any]:
    """Fields missing from a replacement list become removed instead of vanishing."""
    present = {f.get("key") for f in new_fields if isinstance(f, dict)}
    kept = list(new_fields)
    for old in old_fields:
        if old["key"] not in present:
            kept.append({**old, "removed": True})
    return kept


def _referencing_fields(tx: Tx, key: str, include_removed: bool = False) -> list[str]:
    found = []
    for spec in tx.runtime.entities.specs(tx.conn).values():
        if spec.key == key:
            continue
        for fspec in spec.fields:
            if fspec.removed and not include_removed:
                continue
            if fspec.type == "relation" and fspec.options.get("target") == key:
                found.append(f"{spec.key}.{fspec.key}")
            if fspec.type == "rollup" and fspec.options.get("entity") == key:
                found.append(f"{spec.key}.{fspec.key}")
    return found


def _stored(tx: Tx, key: str, include_deleted: bool = False) -> store.StoredDefinition:
    stored = store.get_definition(tx.conn, KIND, key)
    if stored is None or (stored.deleted and not include_deleted):
        raise NotFound(f"entity {key!r} does not exist", data={"entity": key})
    return stored


def _field(doc: dict[str, Any], field_key: str) -> dict[str, Any]:
    for field in doc["fields"]:
        if field["key"] == field_key:
            return field  # type: ignore[no-any-return]
    raise NotFound(f"field {field_key!r} does not exist on {doc['key']!r}")


def _describe(stored: store.StoredDefinition) -> dict[str, Any]:
    doc = stored.effective
    return {
        "kind": KIND,
        **doc,
        "version": stored.version,
        "deleted": stored.deleted,
        "template": stored.template,
        "updated_at": stored.updated_at.isoformat() if stored.updated_at else None,
    }
