"""The outbox: side effects written with the change that caused them, delivered at least once.

A rule that sends an email or calls a webhook does not do it while the user's write is
open (a slow receiver would hold the transaction; a rolled-back write must send nothing);
it writes a row here in the same transaction. Workers claim due rows with a conditional
UPDATE (portable, and on PostgreSQL two workers racing for a row serialise on it, so one
gets rowcount 0), deliver outside any transaction, and record the outcome. A worker that
dies mid-delivery leaves its rows ``processing`` until their lease runs out; then another
worker takes them up again. Receivers therefore may see a delivery twice, and every
delivery carries its idempotency key so they can tell.

Statuses: ``pending`` (not tried yet), ``failed`` (tried, retried with exponential backoff),
``processing`` (claimed), ``delivered``, ``dead`` (gave up, or refused for good; admins may
replay it).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, insert, or_, select, update

from ..auth.authorize import permissions
from ..core.context import Tx
from ..core.sqltypes import utcnow
from ..errors import Conflict, Forbidden, NotFound
from .models import outbox, outbox_attempts
from .paging import check_choice, newest_first

DUE_STATUSES = ("pending", "failed")
STATUSES = ("pending", "failed", "processing", "delivered", "dead")
MAX_BACKOFF_S = 3600.0
REDACTED = "[redacted]"
SECRET_KEYS = ("secret",)


def enqueue(
    tx: Tx,
    kind: str,
    payload: dict[str, Any],
    key: str,
    *,
    rule: str | None = None,
    run_uid: str | None = None,
) -> int:
    """Write one delivery in the caller's transaction; workers see it once that commits."""
    now = utcnow()
    result = tx.conn.execute(
        insert(outbox).values(
            kind=kind,
            idempotency_key=key[:100],
            payload=payload,
            status="pending",
            attempts=0,
            max_attempts=tx.runtime.settings.outbox_max_attempts,
            next_attempt_at=now,
            rule=rule,
            run_uid=run_uid,
            created_at=now,
        )
    )
    assert result.inserted_primary_key is not None
    outbox_id = int(result.inserted_primary_key[0])
    _deliver_after_commit(tx, outbox_id)
    return outbox_id


def _deliver_after_commit(tx: Tx, outbox_id: int) -> None:
    """Once the transaction commits, tell the workers (the embedded one wakes up; with a
    broker, a task per delivery is queued). Polling would find the rows anyway."""
    fresh: list[int] | None = tx.shared.get("outbox_new")
    if fresh is None:
        fresh = tx.shared["outbox_new"] = []
        tx.after_commit.append(lambda: tx.runtime.automation.outbox_committed(list(fresh or [])))
    fresh.append(outbox_id)


# --- claiming and finishing (workers) ----------------------------------------------------------


def _abandoned(now: datetime) -> Any:
    return and_(outbox.c.status == "processing", outbox.c.lease_until < now, outbox.c.attempts >= outbox.c.max_attempts)


def has_abandoned(conn: Connection, now: datetime) -> bool:
    return conn.execute(select(outbox.c.id).where(_abandoned(now)).limit(1)).first() is not None


def bury_abandoned(conn: Connection, now: datetime) -> int:
    """Deliveries whose workers died on every one of their attempts are dead, not retried forever."""
    result = conn.execute(
        update(outbox)
        .where(_abandoned(now))
        .values(
            status="dead",
            claimed_by=None,
            lease_until=None,
            last_error="abandoned: its worker stopped on every attempt",
        )
    )
    return int(result.rowcount or 0)


def due_ids(conn: Connection, now: datetime, limit: int = 50) -> list[int]:
    """Deliveries a worker may claim now: due ones, and claimed ones whose lease ran out."""
    query = (
        select(outbox.c.id)
        .where(
            or_(
                and_(outbox.c.status.in_(DUE_STATUSES), outbox.c.next_attempt_at <= now),
                and_(outbox.c.status == "processing", outbox.c.lease_until < now),
            )
        )
        .order_by(outbox.c.next_attempt_at, outbox.c.id)
        .limit(limit)
    )
    return [row[0] for row in conn.execute(query)]


def claim(conn: Connection, outbox_id: int, worker: str, now: datetime, lease_s: float) -> dict[str, Any] | None:
    """Take one delivery for ``worker`` (None if another worker has it or it is not due)."""
    claimable = or_(
        and_(outbox.c.status.in_(DUE_STATUSES), outbox.c.next_attempt_at <= now),
        and_(outbox.c.status == "processing", outbox.c.lease_until < now, outbox.c.attempts < outbox.c.max_attempts),
    )
    taken = conn.execute(
        update(outbox)
        .where(outbox.c.id == outbox_id, claimable)
        .values(
            status="processing",
            claimed_by=worker,
            lease_until=now + timedelta(seconds=lease_s),
            attempts=outbox.c.attempts + 1,
        )
    )
    if taken.rowcount != 1:
        return None
    row = conn.execute(select(outbox).where(outbox.c.id == outbox_id)).mappings().first()
    return dict(row) if row else None


def finish(
    conn: Connection,
    row: dict[str, Any],
    worker: str,
    *,
    ok: bool,
    detail: str,
    permanent: bool,
    backoff_s: float,
    duration_ms: int,
) -> str:
    """Record one attempt and move the delivery on; returns its new status."""
    now = utcnow()
    attempts = int(row["attempts"])
    if ok:
        values: dict[str, Any] = {"status": "delivered", "delivered_at": now, "last_error": None}
    elif permanent or attempts >= int(row["max_attempts"]):
        values = {"status": "dead", "last_error": detail[:2000]}
    else:
        values = {
            "status": "failed",
            "last_error": detail[:2000],
            "next_attempt_at": now + retry_delay(attempts, backoff_s),
        }
    conn.execute(
        insert(outbox_attempts).values(
            outbox_id=row["id"],
            attempt=attempts,
            worker=worker,
            ok=ok,
            detail=detail[:2000],
            at=now,
            duration_ms=duration_ms,
        )
    )
    conn.execute(
        update(outbox)
        .where(outbox.c.id == row["id"], outbox.c.claimed_by == worker, outbox.c.status == "processing")
        .values(claimed_by=None, lease_until=None, **values)
    )
    return str(values["status"])


def retry_delay(attempts: int, base_s: float) -> timedelta:
    """Exponential backoff with 10% jitter, so a receiver coming back is not hit by every retry at once."""
    delay = min(base_s * (2 ** max(attempts - 1, 0)), MAX_BACKOFF_S)
    return timedelta(seconds=delay * random.uniform(0.9, 1.1))


# --- admin -------------------------------------------------------------------------------------


def list_deliveries(tx: Tx, status: str | None, limit: int = 50, before: int | None = None) -> dict[str, Any]:
    _require_admin(tx)
    check_choice("status", status, STATUSES)
    query = select(outbox)
    if status:
        query = query.where(outbox.c.status == status)
    return newest_first(tx.conn, query, outbox.c.id, limit, before, describe)


def get_delivery(tx: Tx, outbox_id: int) -> dict[str, Any]:
    _require_admin(tx)
    row = tx.conn.execute(select(outbox).where(outbox.c.id == outbox_id)).mappings().first()
    if row is None:
        raise NotFound(f"delivery {outbox_id} does not exist")
    attempts = tx.conn.execute(
        select(outbox_attempts).where(outbox_attempts.c.outbox_id == outbox_id).order_by(outbox_attempts.c.id)
    ).mappings()
    return {
        **describe(dict(row)),
        "history": [
            {
                "attempt": a["attempt"],
                "ok": a["ok"],
                "detail": a["detail"],
                "worker": a["worker"],
                "at": a["at"].isoformat(),
                "duration_ms": a["duration_ms"],
            }
            for a in attempts
        ],
    }


def replay_delivery(tx: Tx, outbox_id: int) -> dict[str, Any]:
    """Send again (same idempotency key): a dead or failed entry is retried from scratch."""
    _require_admin(tx)
    row = tx.conn.execute(select(outbox).where(outbox.c.id == outbox_id)).mappings().first()
    if row is None:
        raise NotFound(f"delivery {outbox_id} does not exist")
    if row["status"] in ("processing", "pending"):
        raise Conflict(f"delivery {outbox_id} is {row['status']}: it will be delivered without a replay")
    tx.conn.execute(
        update(outbox)
        .where(outbox.c.id == outbox_id)
        .values(status="pending", attempts=0, next_attempt_at=utcnow(), last_error=None, delivered_at=None)
    )
    _deliver_after_commit(tx, outbox_id)
    return get_delivery(tx, outbox_id)


def describe(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "kind": row["kind"],
        "status": row["status"],
        "idempotency_key": row["idempotency_key"],
        "attempts": row["attempts"],
        "max_attempts": row["max_attempts"],
        "next_attempt_at": row["next_attempt_at"].isoformat() if row["next_attempt_at"] else None,
        "last_error": row["last_error"],
        "rule": row["rule"],
        "run": row["run_uid"],
        "created_at": row["created_at"].isoformat(),
        "delivered_at": row["delivered_at"].isoformat() if row["delivered_at"] else None,
        "payload": _redacted(row["payload"]),
    }


def _redacted(payload: Any) -> Any:
    if isinstance(payload, dict):
        return {k: (REDACTED if k in SECRET_KEYS and v else _redacted(v)) for k, v in payload.items()}
    return payload


def _require_admin(tx: Tx) -> None:
    if not permissions(tx).is_admin:
        raise Forbidden("only admins may see and replay deliveries")
