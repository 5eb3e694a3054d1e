"""Newest-first pages of the automation logs (runs, deliveries, notifications).

Each page is ``limit`` rows with ids below ``before``; ``next_before`` is the id to ask for
the next page (null on the last), so paging stays stable while new rows arrive.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Select

from ..errors import BadRequest, field_error

MAX_PAGE = 200


def check_choice(name: str, value: str | None, choices: tuple[str, ...]) -> None:
    if value is not None and value not in choices:
        raise BadRequest(f"{name} must be one of {', '.join(choices)}", [field_error(name, f"unknown {name}")])


def newest_first(
    conn: Connection,
    query: Select[Any],
    id_column: Any,
    limit: int,
    before: int | None,
    describe: Callable[[dict[str, Any]], dict[str, Any]],
) -> dict[str, Any]:
    if not 1 <= limit <= MAX_PAGE:
        raise BadRequest(f"limit must be between 1 and {MAX_PAGE}", [field_error("limit", "out of range")])
    query = query.order_by(id_column.desc()).limit(limit)
    if before is not None:
        query = query.where(id_column < before)
    items = [describe(dict(row)) for row in conn.execute(query).mappings()]
    return {"items": items, "next_before": items[-1]["id"] if len(items) == limit else None}
