"""Rules filed by what triggers them, so a write looks its rules up instead of scanning them all.

Record-event rules are filed under ``("record", entity, event)``; ``field_changed`` rules
under ``("field", entity, field, value)`` for each ``to`` value they want (or ``*``). A write
that changes ``stage`` to ``won`` reads four lists whatever the number of rules, and only
the rules found there have their trigger matched and their condition evaluated.

The index is rebuilt when the definition generation moves (every rule change bumps it),
so all processes see a saved rule on their next transaction. A transaction that changed
definitions itself sees its own uncommitted rules through a private index.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection

from ..core.context import Tx
from ..meta import store
from ..records.events import RecordEvent
from .rules import KIND, Rule
from .triggers import ANY_VALUE, value_key

TIMED = ("schedule", "date_relative")
_PRIVATE = "loomworks_private_rule_index"


class RuleIndex:
    def __init__(self, rules: list[Rule]) -> None:
        self.rules = {rule.key: rule for rule in rules}
        self._filed: dict[tuple[Any, ...], list[Rule]] = defaultdict(list)
        self.entities: set[str] = set()
        self.timed: list[Rule] = []
        for rule in sorted(rules, key=lambda r: r.key):
            if not rule.enabled:
                continue
            keys = rule.trigger_type.index_keys(rule.trigger)
            for key in keys:
                self._filed[key].append(rule)
                if key[0] in ("record", "field"):
                    self.entities.add(key[1])
            if rule.trigger["type"] in TIMED:
                self.timed.append(rule)

    def listening(self, entity: str) -> bool:
        return entity in self.entities

    def for_event(self, event: RecordEvent) -> list[Rule]:
        """Enabled rules whose trigger matches ``event``, in key order, each once."""
        keys: list[tuple[Any, ...]] = [("record", event.entity, event.kind)]
        if event.kind != "deleted":
            for name in sorted(event.changed):
                keys.append(("field", event.entity, name, value_key(event.record.get(name))))
                keys.append(("field", event.entity, name, ANY_VALUE))
        found: dict[str, Rule] = {}
        for key in keys:
            for rule in self._filed.get(key, ()):
                found.setdefault(rule.key, rule)
        return [rule for key, rule in sorted(found.items()) if rule.trigger_type.matches(rule.trigger, event)]

    def get(self, key: str) -> Rule | None:
        return self.rules.get(key)

    def manual(self, entity: str) -> list[Rule]:
        """Enabled buttons of ``entity``, in key order."""
        return list(self._filed.get(("manual", entity), ()))


def load_rules(conn: Connection) -> list[Rule]:
    return [Rule(d.key, d.version, d.effective) for d in store.list_definitions(conn, KIND)]


class RuleCache:
    """The index of one process, rebuilt when the definition generation moves."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation = -1
        self._index = RuleIndex([])

    def index(self, tx: Tx) -> RuleIndex:
        conn = tx.conn
        generation = tx.runtime.entities.generation(conn)
        if store.generation_changed_here(conn):
            return self._private(conn, generation)
        if generation != self._generation:
            index = RuleIndex(load_rules(conn))
            with self._lock:
                self._index, self._generation = index, generation
        return self._index

    @staticmethod
    def _private(conn: Connection, generation: int) -> RuleIndex:
        transaction = conn.get_transaction()
        memo = conn.info.get(_PRIVATE)
        if memo is not None and memo[0] is transaction and memo[1] == generation:
            return memo[2]  # type: ignore[no-any-return]
        index = RuleIndex(load_rules(conn))
        conn.info[_PRIVATE] = (transaction, generation, index)
        return index
