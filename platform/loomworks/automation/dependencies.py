"""Rules depend on entities: a change that would break an enabled rule is refused.

Removing a field a rule sets, deleting the entity a rule watches or re-pointing a relation
a rule follows would otherwise leave the rule failing at its next run. Like rollups and
role scopes, the entity change is a 409 naming each rule and what breaks in it; the
builder changes or disables the rule first (a disabled rule is checked again when it is
enabled).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from ..core.context import Tx
from ..errors import Conflict, ValidationFailed, field_error
from ..fields.entity import EntitySpec
from .definitions import rule_world
from .rules import validate_rule
from .triggers import RuleWorld

EntityGuard = Callable[[Tx, str, dict[str, EntitySpec]], None]


def check_rules_still_hold(tx: Tx, entity: str, after: dict[str, EntitySpec]) -> None:
    rules = tx.runtime.automation.rules.index(tx).rules.values()
    named = re.compile(rf"(?<![a-z0-9_]){re.escape(entity)}(?![a-z0-9_])")
    mentioned = [r for r in rules if r.enabled and named.search(json.dumps(r.doc))]
    if not mentioned:
        return
    current = rule_world(tx)
    world = RuleWorld(specs=after, roles=current.roles, workflows=current.workflows)
    problems = []
    for rule in mentioned:
        try:
            validate_rule(rule.doc, world)
        except ValidationFailed as exc:
            problems += [field_error(f"rules.{rule.key}.{d.field}", d.message) for d in exc.details]
    if problems:
        raise Conflict(
            f"enabled rules use what this change takes away from {entity!r}; change or disable them first", problems
        )
