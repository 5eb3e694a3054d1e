"""Who a rule's actions act as: the triggering user, the record's owner, or a system user.

The system user of a rule has no user row and exactly the grants the rule states
(``{"type": "system", "grants": [{"entity": "project", "actions": ["create"]}]}``), so a
rule that opens projects for sales reps does not need to give sales reps project rights,
and cannot do more than it says. Whoever it acts as, the records service checks that
actor's grants, scopes and field rules on every write.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..auth.models import users
from ..auth.permissions import Grant, Permissions
from ..auth.users import actor_for
from ..core.context import Actor, Tx
from ..errors import LoomworksError
from .rules import Rule
from .triggers import TriggerInput


class RunAsUnavailable(LoomworksError):
    """Nobody to act as (an anonymous trigger, a deactivated owner): the run fails, the write does not."""

    code = "run_as_unavailable"
    status = 409


def acting_tx(tx: Tx, rule: Rule, trigger: TriggerInput) -> Tx:
    run_as = rule.run_as
    if run_as == "trigger_user":
        user = trigger.user
        if user is None or (user.id is None and not user.automated and not user.is_admin):
            raise RunAsUnavailable("this rule runs as the user who triggered it, and nobody signed in did")
        return tx if user == tx.actor else tx.acting_as(user)
    if run_as == "record_owner":
        owner = (trigger.record or {}).get("_owner")
        row = tx.conn.execute(select(users).where(users.c.id == owner)).mappings().first() if owner else None
        if row is None or not row["active"]:
            raise RunAsUnavailable("this rule runs as the record's owner, and the record has no active owner")
        actor = actor_for(dict(row))
        return tx if actor == tx.actor else tx.acting_as(actor)
    return tx.acting_as(system_actor(rule), {"permissions": system_permissions(rule, run_as)})


def system_actor(rule: Rule) -> Actor:
    return Actor(id=None, email="", name=f"Rule {rule.key}", roles=(), automated=True)


def system_permissions(rule: Rule, run_as: dict[str, Any]) -> Permissions:
    role = f"rule:{rule.key}"
    grants = tuple(Grant(role, g["entity"], frozenset(g["actions"])) for g in run_as.get("grants", []))
    by_entity: dict[str, tuple[Grant, ...]] = {}
    for grant in grants:
        by_entity[grant.entity] = (*by_entity.get(grant.entity, ()), grant)
    return Permissions(user_id=None, roles=frozenset({role}), grants=grants, by_entity=by_entity)


def describe(run_as: Any) -> str:
    if isinstance(run_as, dict):
        grants = ", ".join(f"{g['entity']}:{'/'.join(g['actions'])}" for g in run_as.get("grants", []))
        return f"system ({grants})" if grants else "system"
    return str(run_as)
