"""A per-process value built from the definitions, rebuilt when the definition generation moves.

Rule indexes and active workflows are read on every write, so they are built once per
generation rather than per transaction; every definition change bumps the generation, so
all processes see a saved definition on their next transaction. A transaction that
changed definitions itself sees its own uncommitted ones through a private build kept
for that transaction only (never shared with other connections).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy import Connection

from ..core.context import Tx
from . import store

T = TypeVar("T")


class GenerationCache(Generic[T]):
    def __init__(self, build: Callable[[Connection], T], name: str) -> None:
        self._build = build
        self._private_key = f"loomworks_private_{name}"
        self._lock = threading.Lock()
        self._generation = -1
        self._value: T | None = None

    def get(self, tx: Tx) -> T:
        conn = tx.conn
        generation = tx.runtime.entities.generation(conn)
        if store.generation_changed_here(conn):
            return self._private(conn, generation)
        with self._lock:
            if generation == self._generation and self._value is not None:
                return self._value
        value = self._build(conn)
        with self._lock:
            self._value, self._generation = value, generation
        return value

    def _private(self, conn: Connection, generation: int) -> T:
        transaction = conn.get_transaction()
        memo = conn.info.get(self._private_key)
        if memo is not None and memo[0] is transaction and memo[1] == generation:
            return memo[2]  # type: ignore[no-any-return]
        value = self._build(conn)
        conn.info[self._private_key] = (transaction, generation, value)
        return value
