"""The definition store: rows with both layers, revisions, and a cache every process can trust.

All writes happen on the caller's connection, inside the caller's transaction,
so a definition and the DDL it causes commit together. Each write bumps a global
generation counter; readers compare it (one tiny query) and reload definitions
only when something changed, which keeps several web processes and workers in
step without any message bus.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select, update

from ..core.jsondiff import diff
from ..core.sqltypes import utcnow
from ..errors import NotFound
from ..fields.entity import EntitySpec
from .layers import extract_overlay, overlay
from .models import definitions, meta_state, revisions


@dataclass(frozen=True)
class StoredDefinition:
    kind: str
    key: str
    base: dict[str, Any] | None
    custom: dict[str, Any] | None
    version: int
    deleted: bool
    template: str | None
    updated_at: Any

    @property
    def effective(self) -> dict[str, Any]:
        doc = overlay(self.base, self.custom)
        doc["key"] = self.key
        return doc

    @classmethod
    def from_row(cls, row: RowMapping) -> StoredDefinition:
        return cls(
            kind=row["kind"],
            key=row["key"],
            base=row["base"],
            custom=row["custom"],
            version=row["version"],
            deleted=row["deleted_at"] is not None,
            template=row["template"],
            updated_at=row["updated_at"],
        )


def get_definition(conn: Connection, kind: str, key: str) -> StoredDefinition | None:
    row = (
        conn.execute(select(definitions).where(definitions.c.kind == kind, definitions.c.key == key)).mappings().first()
    )
    return StoredDefinition.from_row(row) if row else None


def list_definitions(conn: Connection, kind: str, include_deleted: bool = False) -> list[StoredDefinition]:
    query = select(definitions).where(definitions.c.kind == kind).order_by(definitions.c.key)
    if not include_deleted:
        query = query.where(definitions.c.deleted_at.is_(None))
    return [StoredDefinition.from_row(r) for r in conn.execute(query).mappings()]


def save_definition(
    conn: Connection,
    kind: str,
    key: str,
    effective: dict[str, Any],
    *,
    author_id: int | None,
    action: str,
    ddl_report: dict[str, Any] | None = None,
    deleted: bool | None = None,
) -> StoredDefinition:
    """Write the custom layer so that base + custom equals ``effective``; record a revision."""
    now = utcnow()
    current = get_definition(conn, kind, key)
    before = current.effective if current else None
    doc = {k: v for k, v in effective.items() if k not in ("version", "kind")}
    doc["key"] = key
    if current is None:
        conn.execute(
            insert(definitions).values(
                kind=kind,
                key=key,
                base=None,
                custom=doc,
                version=1,
                created_at=now,
                updated_at=now,
                updated_by=author_id,
            )
        )
        version = 1
    else:
        version = current.version + 1
        values: dict[str, Any] = {
            "custom": extract_overlay(current.base, doc),
            "version": version,
            "updated_at": now,
            "updated_by": author_id,
        }
        if deleted is not None:
            values["deleted_at"] = now if deleted else None
        conn.execute(update(definitions).where(definitions.c.kind == kind, definitions.c.key == key).values(**values))
    conn.execute(
        insert(revisions).values(
            kind=kind,
            key=key,
            version=version,
            action=action,
            layer="custom",
            before=before,
            after=doc,
            diff=diff(before or {}, doc),
            ddl=ddl_report or None,
            author_id=author_id,
            created_at=now,
        )
    )
    bump_generation(conn)
    stored = get_definition(conn, kind, key)
    assert stored is not None
    return stored


def set_base(
    conn: Connection,
    kind: str,
    key: str,
    base: dict[str, Any] | None,
    template: str | None,
    *,
    action: str,
    author_id: int | None,
    message: str | None = None,
) -> StoredDefinition:
    """Put a template's layer under a definition without changing what it is.

    The effective document stays as it is; the custom layer is derived again so that
    ``overlay(base, custom)`` still equals it. A template install first writes the
    effective document it wants through the kind's own path (checks, DDL, side effects),
    then calls this, so the customer's changes are exactly what differs from the template.
    """
    current = get_definition(conn, kind, key)
    if current is None:
        raise NotFound(f"{kind} {key!r} does not exist")
    effective = current.effective
    now = utcnow()
    layer = None if base is None else {**base, "key": key}
    custom = extract_overlay(layer, effective)
    conn.execute(
        update(definitions)
        .where(definitions.c.kind == kind, definitions.c.key == key)
        .values(base=layer, custom=custom, template=template, updated_at=now)
    )
    if layer != current.base:
        conn.execute(
            insert(revisions).values(
                kind=kind,
                key=key,
                version=current.version,
                action=action,
                layer="base",
                before=current.base,
                after=layer,
                diff=diff(current.base or {}, layer or {}),
                message=message,
                author_id=author_id,
                created_at=utcnow(),
            )
        )
    # No generation bump: what every cache holds (effective documents) did not change.
    return dataclasses.replace(current, base=layer, custom=custom, template=template, updated_at=now)


def delete_definition_row(conn: Connection, kind: str, key: str, author_id: int | None) -> None:
    """Remove a purged definition; its revisions stay as the audit trail."""
    current = get_definition(conn, kind, key)
    if current is None:
        raise NotFound(f"{kind} {key!r} does not exist")
    conn.execute(definitions.delete().where(definitions.c.kind == kind, definitions.c.key == key))
    conn.execute(
        insert(revisions).values(
            kind=kind,
            key=key,
            version=current.version + 1,
            action="purge",
            layer="custom",
            before=current.effective,
            after=None,
            diff=diff(current.effective, {}),
            author_id=author_id,
            created_at=utcnow(),
        )
    )
    bump_generation(conn)


#: ``conn.info`` key: the transaction in which this connection last checked the generation.
_CHECKED_IN = "loomworks_generation_checked_in"
#: ``conn.info`` key: the transaction in which this connection last bumped the generation.
_BUMPED_IN = "loomworks_generation_bumped_in"


def bump_generation(conn: Connection) -> None:
    conn.info.pop(_CHECKED_IN, None)  # this transaction must see its own change
    conn.info[_BUMPED_IN] = conn.get_transaction()
    updated = conn.execute(
        update(meta_state).where(meta_state.c.id == 1).values(generation=meta_state.c.generation + 1)
    )
    if updated.rowcount == 0:
        conn.execute(insert(meta_state).values(id=1, generation=1))


def generation_changed_here(conn: Connection) -> bool:
    """Whether the open transaction has bumped the generation (and may still roll back).

    What such a transaction reads under the new generation number is uncommitted: a
    process-wide cache must not keep it, or a rollback followed by another change that
    commits under the same number would leave the cache serving the rolled-back state.
    """
    transaction = conn.get_transaction()
    return transaction is not None and conn.info.get(_BUMPED_IN) is transaction


_GENERATION_SQL = "SELECT generation FROM lw_meta_state WHERE id = 1"


def current_generation(conn: Connection) -> int:
    """Read on every transaction, so it skips SQL compilation: plain driver SQL, no parameters."""
    value = conn.exec_driver_sql(_GENERATION_SQL).scalar()
    return int(value or 0)


def list_revisions(conn: Connection, kind: str | None, key: str | None, limit: int = 100) -> list[dict[str, Any]]:
    query = select(revisions).order_by(revisions.c.id.desc()).limit(limit)
    if kind:
        query = query.where(revisions.c.kind == kind)
    if key:
        query = query.where(revisions.c.key == key)
    return [dict(r) for r in conn.execute(query).mappings()]


def get_revision(conn: Connection, revision_id: int) -> dict[str, Any]:
    row = conn.execute(select(revisions).where(revisions.c.id == revision_id)).mappings().first()
    if row is None:
        raise NotFound(f"revision {revision_id} does not exist")
    return dict(row)


class EntityCache:
    """Effective entity specs of one process, reloaded when the generation moves."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation = -1
        self._specs: dict[str, EntitySpec] = {}
        self._stamps: dict[str, tuple[int, Any]] = {}
        self._deleted: set[str] = set()

    def specs(self, conn: Connection) -> dict[str, EntitySpec]:
        """Current specs; the generation is read once per transaction, not once per call."""
        transaction = conn.get_transaction()
        if transaction is not None and conn.info.get(_CHECKED_IN) is transaction and self._generation >= 0:
            return self._specs
        generation = current_generation(conn)
        if generation != self._generation:
            self._reload(conn, generation)
        if transaction is not None:
            conn.info[_CHECKED_IN] = transaction
        return self._specs

    def generation(self, conn: Connection) -> int:
        """The definition generation this transaction sees (checked once per transaction).

        Other per-generation caches (rules) key on it instead of reading it again."""
        self.specs(conn)
        return self._generation

    def get(self, conn: Connection, key: str, include_deleted: bool = False) -> EntitySpec:
        spec = self.specs(conn).get(key)
        if spec is None or (key in self._deleted and not include_deleted):
            raise NotFound(f"entity {key!r} does not exist", data={"entity": key})
        return spec

    def peek(self, key: str) -> EntitySpec:
        """The spec as of the last generation check (no query); NotFound if unknown."""
        spec = self._specs.get(key)
        if spec is None:
            raise NotFound(f"entity {key!r} does not exist", data={"entity": key})
        return spec

    def invalidate(self) -> None:
        """Forget everything (after a rolled-back change that may have been cached)."""
        with self._lock:
            self._generation = -1
            self._specs, self._stamps = {}, {}  # nothing of the rolled-back work may be reused

    def is_deleted(self, key: str) -> bool:
        return key in self._deleted

    def _reload(self, conn: Connection, generation: int) -> None:
        """Specs whose definition is unchanged (same version, same save time) are reused: a change
        to one entity (or to a rule, which moves the generation too) rebuilds only that one."""
        stored = list_definitions(conn, "entity", include_deleted=True)
        with self._lock:
            known, stamps = self._specs, self._stamps
        specs = {
            d.key: known[d.key] if d.key in known and stamps.get(d.key) == _stamp(d) else _spec_of(d) for d in stored
        }
        with self._lock:
            self._stamps = {d.key: _stamp(d) for d in stored}
            self._specs = specs
            self._deleted = {d.key for d in stored if d.deleted}
            self._generation = generation


def _spec_of(stored: StoredDefinition) -> EntitySpec:
    return EntitySpec.from_json(stored.effective, stored.version)


def _stamp(stored: StoredDefinition) -> tuple[int, Any]:
    return stored.version, stored.updated_at
