"""Replaying a logged run: the rule runs again, now, for the trigger it had."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..auth.models import users
from ..auth.users import actor_for
from ..core.context import SYSTEM_ACTOR, Actor, Tx
from ..errors import Conflict, NotFound
from ..records.service import get_record
from .engine import chain_root, execute
from .models import runs
from .runs import describe
from .triggers import TriggerInput


def replay(tx: Tx, row: dict[str, Any]) -> dict[str, Any]:
    rule = tx.runtime.automation.rules.index(tx).get(row["rule"])
    if rule is None:
        raise Conflict(f"rule {row['rule']!r} no longer exists (restore it to replay its runs)")
    if not rule.enabled:
        raise Conflict(f"rule {row['rule']!r} is disabled; enable it to replay its runs")
    inputs = row["inputs"] or {}
    record = inputs.get("record")
    if row["record_id"] is not None and row["trigger"] != "record_deleted":
        try:
            record = get_record(tx.acting_as(SYSTEM_ACTOR), row["entity"], row["record_id"])
        except NotFound:
            raise Conflict(f"{row['entity']} {row['record_id']} no longer exists: nothing to replay") from None
    trigger = TriggerInput(
        type=row["trigger"],
        entity=row["entity"],
        record=record,
        old=inputs.get("old"),
        user=_original_user(tx, row["actor_id"]),
        payload=inputs.get("payload"),
        extra=inputs.get("extra") or {},
    )
    with chain_root(tx) as chain:
        uid = execute(tx, rule, trigger, chain, replay_of=row["id"])["uid"]
    stored = tx.conn.execute(select(runs).where(runs.c.uid == uid)).mappings().one()
    return describe(dict(stored))


def _original_user(tx: Tx, user_id: int | None) -> Actor | None:
    if user_id is None:
        return None
    row = tx.conn.execute(select(users).where(users.c.id == user_id)).mappings().first()
    return actor_for(dict(row)) if row is not None and row["active"] else None
