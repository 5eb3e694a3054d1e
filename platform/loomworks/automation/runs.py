"""The run log: every rule whose trigger matched, with what it saw and what each action did.

Runs are written in one multi-row insert when the event that caused them has been handled
(a write with three matching rules costs one statement, not three). Admins and builders
read them (``GET /api/automation/runs``) and may replay one: the rule runs again, now, on
the record as it is, with the ``$old`` it saw the first time.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from ..auth.authorize import permissions
from ..core.context import Tx
from ..core.sqltypes import utcnow
from ..errors import Conflict, Forbidden, NotFound
from .models import runs
from .paging import check_choice, newest_first
from .triggers import TriggerInput

STATUSES = ("success", "failed", "skipped", "stopped", "rolled_back")
#: Inputs larger than this are logged by id only (a rich-text record is not worth a megabyte of log).
MAX_INPUT_BYTES = 64_000


def record_inputs(trigger: TriggerInput, only: frozenset[str] | None = None) -> dict[str, Any]:
    """What the run saw. ``only`` narrows the records to the fields a condition read: a run
    whose condition was false needs nothing more to answer "why did it not fire?"."""
    record, old = trigger.record, trigger.old
    if only is not None:
        record = {k: v for k, v in (record or {}).items() if k in only or k == "id"} if record else None
        old = {k: v for k, v in old.items() if k in only} if old else None
    inputs: dict[str, Any] = {
        "record": record,
        "old": old,
        "payload": trigger.payload,
        "user": {"id": trigger.user.id, "name": trigger.user.name} if trigger.user is not None else None,
        **({"extra": trigger.extra} if trigger.extra else {}),
    }
    if _text_size(record) + _text_size(old) + _text_size(trigger.payload) > MAX_INPUT_BYTES:
        return {"record": {"id": trigger.record_id}, "truncated": True, "user": inputs["user"]}
    return inputs


def _text_size(value: Any) -> int:
    """A cheap upper-bound-ish size: the text a record carries is what can make it large."""
    if isinstance(value, dict):
        return sum(_text_size(v) for v in value.values())
    if isinstance(value, list):
        return sum(_text_size(v) for v in value)
    return len(value) if isinstance(value, str) else 8


def write_runs(conn: Connection, entries: list[dict[str, Any]]) -> None:
    if entries:
        conn.execute(insert(runs), [_storable(entry) for entry in entries])


def _storable(entry: dict[str, Any]) -> dict[str, Any]:
    # A run cut short by an error never reached its end: it failed.
    return {**entry, "status": "failed"} if entry["status"] == "running" else entry


def list_runs(
    tx: Tx,
    *,
    rule: str | None = None,
    status: str | None = None,
    entity: str | None = None,
    record_id: int | None = None,
    limit: int = 50,
    before: int | None = None,
) -> dict[str, Any]:
    """Newest first; ``before`` (a run id) pages further back."""
    _require(tx)
    check_choice("status", status, STATUSES)
    query = select(runs)
    for column, value in ((runs.c.rule, rule), (runs.c.status, status), (runs.c.entity, entity)):
        if value is not None:
            query = query.where(column == value)
    if record_id is not None:
        query = query.where(runs.c.record_id == record_id)
    return newest_first(tx.conn, query, runs.c.id, limit, before, describe)


def get_run(tx: Tx, run_id: int) -> dict[str, Any]:
    _require(tx)
    return describe(_row(tx, run_id))


def replay_run(tx: Tx, run_id: int) -> dict[str, Any]:
    """Run the rule again for the same trigger (the record as it is now)."""
    from .replay import replay

    _require(tx)
    row = _row(tx, run_id)
    if row["status"] in ("skipped",) and row["condition"] is False:
        raise Conflict("the rule's condition was false: there is nothing to replay")
    return replay(tx, row)


def prune_runs(conn: Connection, days: int) -> int:
    """Drop runs older than ``days`` (the worker keeps the log from growing without end)."""
    result = conn.execute(delete(runs).where(runs.c.started_at < utcnow() - timedelta(days=days)))
    return int(result.rowcount or 0)


def describe(row: dict[str, Any]) -> dict[str, Any]:
    """A logged run, or a run still in memory (a test run, a button's answer: no id yet)."""
    return {
        "id": row.get("id"),
        "uid": row["uid"],
        "rule": row["rule"],
        "rule_version": row["rule_version"],
        "trigger": row["trigger"],
        "entity": row["entity"],
        "record_id": row["record_id"],
        "status": row["status"],
        "condition": row["condition"],
        "inputs": row["inputs"],
        "actions": row["actions"],
        "error": row["error"],
        "depth": row["depth"],
        "actor_id": row["actor_id"],
        "run_as": row["run_as"],
        "replay_of": row["replay_of"],
        "started_at": row["started_at"].isoformat() if hasattr(row["started_at"], "isoformat") else row["started_at"],
        "duration_ms": row["duration_ms"],
    }


def _row(tx: Tx, run_id: int) -> dict[str, Any]:
    row = tx.conn.execute(select(runs).where(runs.c.id == run_id)).mappings().first()
    if row is None:
        raise NotFound(f"run {run_id} does not exist")
    return dict(row)


def _require(tx: Tx) -> None:
    if not permissions(tx).changes_definitions:
        raise Forbidden("only admins and builders may read the automation log")
