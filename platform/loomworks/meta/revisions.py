"""Reading the revision log: who changed which definition, when, and how."""

from __future__ import annotations

from typing import Any

from ..auth.authorize import authorize
from ..core.context import Tx
from . import store

MAX_REVISIONS = 500


def list_revisions(tx: Tx, kind: str | None = None, key: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Newest first; the full before/after documents are left to ``get_revision``."""
    authorize(tx, "read", "meta:revisions")
    rows = store.list_revisions(tx.conn, kind, key, max(1, min(limit, MAX_REVISIONS)))
    return [_public(row, full=False) for row in rows]


def get_revision(tx: Tx, revision_id: int) -> dict[str, Any]:
    authorize(tx, "read", "meta:revisions")  # before the lookup: a 403 must not depend on the id
    return _public(store.get_revision(tx.conn, revision_id), full=True)


def _public(row: dict[str, Any], *, full: bool) -> dict[str, Any]:
    result = {
        "id": row["id"],
        "kind": row["kind"],
        "key": row["key"],
        "version": row["version"],
        "action": row["action"],
        "layer": row["layer"],
        "author": row["author_id"],
        "created_at": row["created_at"].isoformat(),
        "message": row["message"],
        "diff": row["diff"],
        "ddl": row["ddl"],
    }
    if full:
        result["before"] = row["before"]
        result["after"] = row["after"]
    return result
