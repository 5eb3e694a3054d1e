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

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection

from ..core.context import Tx
from ..meta import store
from ..meta.generation_cache import GenerationCache
from ..records.events import RecordEvent
from .rules import KIND, Rule
from .triggers import ANY_VALUE, value_key

TIMED = ("schedule", "date_relative")


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

    def filed(self, key: tuple[Any, ...]) -> list[Rule]:
        """Enabled rules filed under ``key`` by their trigger type, in key order."""
        return list(self._filed.get(key, ()))

    def manual(self, entity: str) -> list[Rule]:
        """Enabled buttons of ``entity``, in key order."""
        return list(self._filed.get(("manual", entity), ()))


def load_rules(conn: Connection) -> list[Rule]:
    return [Rule(d.key, d.version, d.effective) for d in store.list_definitions(conn, KIND)]


class RuleCache(GenerationCache[RuleIndex]):
    """The index of one process, rebuilt when the definition generation moves."""

    def __init__(self) -> None:
        super().__init__(lambda conn: RuleIndex(load_rules(conn)), "rule_index")

    def index(self, tx: Tx) -> RuleIndex:
        return self.get(tx)
