"""Domain events of the write path: a record was created, changed or deleted.

The records service announces each write, inside its transaction, to the listeners the
Runtime holds (the automation engine is one). Listeners run synchronously, so what they
do (a rule setting a field, creating a record) commits or rolls back with the write that
caused it. ``listening`` is asked first, so a write that nobody listens to pays one
dictionary lookup and builds no event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

from ..core.context import Actor, Tx

EventKind = Literal["created", "updated", "deleted"]


@dataclass(frozen=True)
class RecordEvent:
    entity: str
    kind: EventKind
    record_id: int
    #: The record after the write (for a delete: as it was), as the system sees it.
    record: dict[str, Any]
    #: The record before the write; ``None`` on create.
    old: dict[str, Any] | None
    #: Field keys whose value changed (on create: those given a value).
    changed: frozenset[str]
    #: Who wrote (the acting user; a rule's run-as user for writes made by rules).
    actor: Actor
    #: How the write came about: ``"write"`` (someone or a rule called the service),
    #: ``"rollup"`` (recomputed from related records), ``"integrity"`` (an ``on_delete``).
    cause: str = "write"


class RecordListener(Protocol):
    def listening(self, tx: Tx, entity: str) -> bool:
        """Whether any event of ``entity`` could interest this listener (cheap)."""

    def on_record_event(self, tx: Tx, event: RecordEvent) -> None:
        """React inside the write's transaction; raising makes the write fail."""


def listening(tx: Tx, entity: str) -> bool:
    return any(listener.listening(tx, entity) for listener in tx.runtime.listeners)


def emit(tx: Tx, event: RecordEvent) -> None:
    for listener in tx.runtime.listeners:
        if listener.listening(tx, event.entity):
            listener.on_record_event(tx, event)


def changed_keys(before: dict[str, Any] | None, after: dict[str, Any], keys: list[str]) -> frozenset[str]:
    """Keys whose JSON value differs (every non-empty key when there is no ``before``)."""
    if before is None:
        return frozenset(k for k in keys if after.get(k) not in (None, [], ""))
    return frozenset(k for k in keys if before.get(k) != after.get(k))


def announce(
    tx: Tx,
    entity: str,
    kind: EventKind,
    record: dict[str, Any],
    old: dict[str, Any] | None,
    changed: frozenset[str],
    cause: str = "write",
) -> None:
    """Tell the listeners (rules) about one write, inside its transaction; nothing is built
    when none of them watches the entity."""
    if listening(tx, entity):
        emit(tx, RecordEvent(entity, kind, record["id"], record, old, changed, tx.actor, cause))
