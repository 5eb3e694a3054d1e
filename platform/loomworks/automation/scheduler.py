"""Cron and date-relative rules, fired by whichever worker ticks first, exactly once per due run.

Where each rule stands lives in ``lw_rule_schedules``, so it survives restarts. A worker
claims a due run by moving that row on with a conditional UPDATE (``WHERE next_run_at =
<what I read>``); only one worker's UPDATE can match, and the rule runs in the same
transaction as the claim, so a crash before commit leaves the run to the next tick.

* Cron: after downtime the missed ticks are caught up once, not once per tick: the run
  fires, and the next one is the next cron time after now.
* Date-relative: each tick covers the window of fire times since the last one ("3 days
  before due_date" fires for records whose ``due_date - 3 days`` fell in the window), with
  an indexed range query on the date column. After downtime the window is simply longer.

A rule starts from the moment it is saved (its first window opens then; nothing in the
past fires), and afresh when its trigger changes or it is enabled again (the time it was
off is not caught up). Other edits (a label, an action) keep its place.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from cronsim import CronSim
from sqlalchemy import and_, delete, select, update

from ..core.context import SYSTEM_ACTOR, Tx
from ..core.db import upsert
from ..core.sqltypes import utcnow
from ..records.query import ListParams, list_records
from .engine import RuleFailed, chain_root, execute
from .models import schedules
from .rules import Rule
from .triggers import UNITS, TriggerInput, zone

log = logging.getLogger(__name__)
DEFAULT_TIME = "09:00"
#: Records read per query when a scheduled rule runs over many.
PAGE = 200


def tick(runtime: Any, now: datetime | None = None) -> int:
    """Fire every due scheduled run; returns how many rules fired."""
    now = now or utcnow()
    with runtime.transaction(SYSTEM_ACTOR, write=False) as tx:
        timed = list(runtime.automation.rules.index(tx).timed)
        states = {row.rule: row for row in tx.conn.execute(select(schedules))}
    fired = 0
    for rule in timed:
        state = states.get(rule.key)
        if state is not None and state.signature == signature(rule) and not _due(rule, state, now):
            continue
        try:
            with runtime.transaction(SYSTEM_ACTOR) as tx:
                fired += _advance(tx, rule, now)
        except Exception:  # one broken rule must not stop the others
            log.exception("scheduled rule %s failed", rule.key)
    return fired


def signature(rule: Rule) -> str:
    return trigger_signature(rule.trigger)


def trigger_signature(trigger: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(trigger, sort_keys=True).encode()).hexdigest()


def restart(tx: Tx, rule: Rule, now: datetime) -> None:
    """Start a timed rule's schedule from ``now`` (saved, enabled again, trigger changed)."""
    cron = rule.trigger["type"] == "schedule"
    _start(tx, rule, now, next_cron(rule.trigger, tx.runtime.settings.timezone, now) if cron else None)


def forget(tx: Tx, key: str) -> None:
    """A rule that is no longer timed (deleted, disabled, another trigger) has no schedule."""
    tx.conn.execute(delete(schedules).where(schedules.c.rule == key))


def _due(rule: Rule, state: Any, now: datetime) -> bool:
    if rule.trigger["type"] == "schedule":
        return state.next_run_at is not None and state.next_run_at <= now
    return state.scanned_to is not None and state.scanned_to < now


def _advance(tx: Tx, rule: Rule, now: datetime) -> int:
    row = tx.conn.execute(select(schedules).where(schedules.c.rule == rule.key)).first()
    cron = rule.trigger["type"] == "schedule"
    if row is None or row.signature != signature(rule):
        _start(tx, rule, now, next_cron(rule.trigger, tx.runtime.settings.timezone, now) if cron else None)
        return 0
    if not _due(rule, row, now):  # another worker fired it between our look and this transaction
        return 0
    if cron:
        return _fire_cron(tx, rule, row, now)
    return _fire_window(tx, rule, row, now)


def _start(tx: Tx, rule: Rule, now: datetime, next_run: datetime | None) -> None:
    """A new or changed rule: its schedule starts now (an upsert, so two workers may race)."""
    values = {
        "rule": rule.key,
        "signature": signature(rule),
        "next_run_at": next_run,
        "scanned_to": None if next_run else now,
        "updated_at": now,
    }
    tx.conn.execute(upsert(tx.conn, schedules, values, ["rule"], {k: v for k, v in values.items() if k != "rule"}))


def _claim(tx: Tx, rule: Rule, column: Any, seen: datetime, values: dict[str, Any]) -> bool:
    claimed = tx.conn.execute(
        update(schedules).where(schedules.c.rule == rule.key, column == seen).values(**values, updated_at=utcnow())
    )
    return claimed.rowcount == 1


def next_cron(trigger: dict[str, Any], default_zone: str, after: datetime) -> datetime:
    tz = zone(trigger.get("timezone") or default_zone) or ZoneInfo("UTC")
    return next(CronSim(trigger["cron"], after.astimezone(tz))).astimezone(after.tzinfo)


def _fire_cron(tx: Tx, rule: Rule, row: Any, now: datetime) -> int:
    following = next_cron(rule.trigger, tx.runtime.settings.timezone, now)
    if not _claim(tx, rule, schedules.c.next_run_at, row.next_run_at, {"next_run_at": following, "last_run_at": now}):
        return 0
    extra = {"scheduled_for": row.next_run_at.isoformat()}
    entity = rule.trigger.get("entity")
    if entity is None:
        _run_each(tx, rule, [None], extra)
    else:
        _run_each(tx, rule, _matching(tx, entity, rule.trigger.get("where")), extra)
    return 1


def _matching(tx: Tx, entity: str, where: Any) -> Iterator[dict[str, Any]]:
    """Live records of ``entity`` matching ``where``, as the system sees them."""
    system = tx.acting_as(SYSTEM_ACTOR)
    cursor = None
    while True:
        page = list_records(system, entity, ListParams(where=where, limit=PAGE, cursor=cursor, with_total=False))
        yield from page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return


def _fire_window(tx: Tx, rule: Rule, row: Any, now: datetime) -> int:
    start = row.scanned_to
    if not _claim(tx, rule, schedules.c.scanned_to, start, {"scanned_to": now, "last_run_at": now}):
        return 0
    trigger = rule.trigger
    spec = tx.runtime.entities.get(tx.conn, trigger["entity"])
    table = tx.runtime.tables_for(spec).main
    column = table.c[trigger["field"]]
    low, high = fire_window_values(
        trigger, spec.live_fields[trigger["field"]].type, start, now, tx.runtime.settings.timezone
    )
    query = (
        select(table.c.id)
        .where(and_(column > low, column <= high), table.c.deleted_at.is_(None))
        .order_by(column, table.c.id)
    )
    ids = [r[0] for r in tx.conn.execute(query)]
    records = (
        record
        for chunk in range(0, len(ids), PAGE)
        for record in _matching(tx, spec.key, {"in": [{"var": "id"}, ids[chunk : chunk + PAGE]]})
    )
    _run_each(tx, rule, records, {"window_start": start.isoformat(), "window_end": now.isoformat()})
    return 1 if ids else 0


def fire_window_values(
    trigger: dict[str, Any], field_type: str, start: datetime, end: datetime, default_zone: str
) -> tuple[Any, Any]:
    """Column values whose fire time falls in (start, end], as (exclusive low, inclusive high).

    fire time = value + offset (offset negative for "before"). For a date-time column that is
    value in (start - offset, end - offset]. A date fires at ``time`` in the rule's time zone,
    so a date d fires in the window when combine(d, time) + offset does: d in (lo, hi] where
    hi = date of (end - offset - time) in that zone, and likewise lo from start.
    """
    offset = timedelta(seconds=trigger["amount"] * UNITS[trigger["unit"]])
    if trigger["direction"] == "before":
        offset = -offset
    if field_type == "datetime":
        return start - offset, end - offset
    tz = zone(trigger.get("timezone") or default_zone) or ZoneInfo("UTC")
    hour, minute = (int(part) for part in trigger.get("time", DEFAULT_TIME).split(":"))
    at = timedelta(hours=hour, minutes=minute)

    def last_date(moment: datetime) -> date:
        # The latest d with combine(d, time) + offset <= moment, on the zone's wall clock.
        return (moment.astimezone(tz).replace(tzinfo=None) - offset - at).date()

    return last_date(start), last_date(end)


def _run_each(tx: Tx, rule: Rule, records: Any, extra: dict[str, Any]) -> None:
    """Run the rule per record, each its own chain: a failing one is logged, the rest go on."""
    entity = rule.trigger.get("entity")
    for record in records:
        trigger = TriggerInput(rule.trigger["type"], entity, record, None, None, extra=extra)
        try:
            with tx.savepoint(), chain_root(tx) as chain:
                execute(tx, rule, trigger, chain)
        except RuleFailed:
            pass  # undone and logged; the run log says why
