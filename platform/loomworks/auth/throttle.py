"""Login throttling per account and per network address, shared by every process.

Failures live in the database (not process memory) so several workers enforce one
limit. An account locks after ``ACCOUNT_LIMIT`` failures within ``WINDOW``; an
address after ``ADDRESS_LIMIT`` (password spraying across many accounts). A success
clears the account's failures. The refusal is the same whether or not the account
exists, so throttling reveals nothing about which emails are registered.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Connection, delete, func, insert, select

from ..core.sqltypes import utcnow
from ..errors import TooManyRequests
from .models import login_failures

WINDOW = timedelta(minutes=15)
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 30


def check(conn: Connection, email: str, address: str) -> None:
    """Raise 429 (with ``retry_after`` seconds) while the account or address is locked."""
    since = utcnow() - WINDOW
    for column, value, limit in (
        (login_failures.c.email, email, ACCOUNT_LIMIT),
        (login_failures.c.address, address, ADDRESS_LIMIT),
    ):
        count, oldest = conn.execute(
            select(func.count(), func.min(login_failures.c.at)).where(column == value, login_failures.c.at > since)
        ).one()
        if count >= limit:
            retry = max(1, int((oldest + WINDOW - utcnow()).total_seconds()))
            raise TooManyRequests("too many failed sign-ins; try again later", data={"retry_after": retry})


def record_failure(conn: Connection, email: str, address: str) -> None:
    conn.execute(insert(login_failures), {"email": email, "address": address, "at": utcnow()})
    conn.execute(delete(login_failures).where(login_failures.c.at < utcnow() - 2 * WINDOW))


def clear(conn: Connection, email: str) -> None:
    conn.execute(delete(login_failures).where(login_failures.c.email == email))
