"""The in-app inbox: notifications rules send to users, each user reading only their own."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select, update

from ..core.context import Tx
from ..core.sqltypes import utcnow
from ..errors import NotFound, Unauthorized
from .models import notifications
from .paging import newest_first


def deliver_in_app(
    tx: Tx, user_id: int, title: str, body: str, *, entity: str | None, record_id: Any, rule: str | None
) -> None:
    tx.conn.execute(
        insert(notifications).values(
            user_id=user_id,
            title=title[:500],
            body=body,
            entity=entity,
            record_id=record_id,
            rule=rule,
            created_at=utcnow(),
        )
    )


def list_notifications(tx: Tx, *, unread: bool = False, limit: int = 50, before: int | None = None) -> dict[str, Any]:
    """The caller's notifications, newest first, with the count of unread ones."""
    user_id = _me(tx)
    query = select(notifications).where(notifications.c.user_id == user_id)
    if unread:
        query = query.where(notifications.c.read_at.is_(None))
    page = newest_first(tx.conn, query, notifications.c.id, limit, before, _describe)
    unread_count = tx.conn.execute(
        select(func.count()).where(notifications.c.user_id == user_id, notifications.c.read_at.is_(None))
    ).scalar_one()
    return {"items": page["items"], "unread": int(unread_count), "next_before": page["next_before"]}


def mark_read(tx: Tx, notification_id: int) -> dict[str, Any]:
    """Someone else's notification answers like a missing one."""
    user_id = _me(tx)
    row = (
        tx.conn.execute(
            select(notifications).where(notifications.c.id == notification_id, notifications.c.user_id == user_id)
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"notification {notification_id} does not exist")
    if row["read_at"] is None:
        tx.conn.execute(update(notifications).where(notifications.c.id == notification_id).values(read_at=utcnow()))
    return _describe(
        dict(tx.conn.execute(select(notifications).where(notifications.c.id == notification_id)).mappings().one())
    )


def mark_all_read(tx: Tx) -> dict[str, Any]:
    user_id = _me(tx)
    result = tx.conn.execute(
        update(notifications)
        .where(notifications.c.user_id == user_id, notifications.c.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return {"marked": result.rowcount}


def _me(tx: Tx) -> int:
    if tx.actor.id is None:
        raise Unauthorized("sign in first")
    return tx.actor.id


def _describe(row: dict[str, Any]) -> dict[str, Any]:
    link = {"entity": row["entity"], "id": row["record_id"]} if row["entity"] and row["record_id"] else None
    return {
        "id": row["id"],
        "title": row["title"],
        "body": row["body"],
        "link": link,
        "rule": row["rule"],
        "created_at": row["created_at"].isoformat(),
        "read": row["read_at"] is not None,
        "read_at": row["read_at"].isoformat() if row["read_at"] else None,
    }
