"""How workflow answers name people: id, name and email, read in one query."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from ..auth.models import users
from ..core.context import Tx


def names(tx: Tx, user_ids: Iterable[int | None]) -> dict[int, dict[str, Any]]:
    wanted = {u for u in user_ids if isinstance(u, int)}
    if not wanted:
        return {}
    rows = tx.conn.execute(select(users.c.id, users.c.name, users.c.email).where(users.c.id.in_(wanted)))
    return {row.id: {"id": row.id, "name": row.name or row.email, "email": row.email} for row in rows}
