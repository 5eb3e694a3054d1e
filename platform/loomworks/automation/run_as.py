"""Who a rule's actions act as: the triggering user, the record's owner, or a system user.

The system user of a rule has no user row and exactly the grants the rule states
(``{"type": "system", "grants": [{"entity": "project", "actions": ["create"]}]}``), so a
rule that opens projects for sales reps does not need to give sales reps project rights,
and cannot do more than it says. Whoever it acts as, the records service checks that
actor's grants, scopes and field rules on every write.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text, cast, select

from ..auth import policy
from ..auth.models import users
from ..auth.permissions import RECORD_ACTIONS, Grant, Permissions
from ..auth.users import actor_for
from ..core.context import Actor, Tx
from ..errors import LoomworksError
from ..logic.walk import bind_variables
from ..records.models import record_history
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
        return _as_owner(tx, trigger)
    return tx.acting_as(system_actor(rule), {"permissions": system_permissions(rule, run_as)})


def _as_owner(tx: Tx, trigger: TriggerInput) -> Tx:
    """The owner, bounded by whoever made them the owner.

    Anyone who may write a record may name its owner; were ``record_owner`` the owner's full
    authority, naming an admin would let a rule do for you what you may not do yourself.
    So unless the owner took the record themselves (or an admin or builder gave it to them),
    the rule acts with what both the owner and the one who named them may do.
    """
    record = trigger.record or {}
    owner = _user(tx, record.get("_owner"))
    if owner is None or not owner["active"]:
        raise RunAsUnavailable("this rule runs as the record's owner, and the record has no active owner")
    actor = actor_for(owner)
    setter_id = owner_setter(tx, trigger.entity or "", record)
    setter = _user(tx, setter_id) if setter_id not in (None, actor.id) else None
    if setter is None:
        return tx if actor == tx.actor else tx.acting_as(actor)
    setter_actor = actor_for(setter)
    both = policy.permissions_for(tx.conn, actor), policy.permissions_for(tx.conn, setter_actor)
    bounded = intersect(*both, setter_actor, list(tx.runtime.entities.specs(tx.conn)))
    return tx.acting_as(actor, {"permissions": bounded})


def owner_setter(tx: Tx, entity: str, record: dict[str, Any]) -> int | None:
    """Who made the current owner the owner: the last change of ``_owner``, else the creator."""
    history = record_history
    row = tx.conn.execute(
        select(history.c.user_id)
        .where(
            history.c.entity == entity,
            history.c.record_id == record.get("id"),
            cast(history.c.changes, Text).like('%"_owner"%'),
        )
        .order_by(history.c.id.desc())
        .limit(1)
    ).first()
    value = row[0] if row is not None else record.get("_created_by")
    return int(value) if isinstance(value, int) else None


def intersect(first: Permissions, second: Permissions, second_actor: Actor, entities: list[str]) -> Permissions:
    """Grants allowing only what both allow: each pair of grants for one action becomes one
    grant whose rows satisfy both scopes (the second's ``$user`` bound to its own user, as
    the first acts) and whose hidden and read-only fields are both sets together."""
    user = {"$user": second_actor.logic_context()}
    by_entity: dict[str, tuple[Grant, ...]] = {}
    for entity in entities:
        grants = []
        for action in RECORD_ACTIONS:
            for a in first.grants_for(entity, action):
                for b in second.grants_for(entity, action):
                    scope_b = bind_variables(b.scope, user, ("$user",)) if b.scope is not None else None
                    scopes = [s for s in (a.scope, scope_b) if s is not None]
                    grants.append(
                        Grant(
                            role=f"{a.role}&{b.role}",
                            entity=entity,
                            actions=frozenset({action}),
                            scope=None if not scopes else scopes[0] if len(scopes) == 1 else {"and": scopes},
                            hidden_fields=a.hidden_fields | b.hidden_fields,
                            readonly_fields=a.readonly_fields | b.readonly_fields,
                            disclosed_fields=a.disclosed_fields & b.disclosed_fields,
                        )
                    )
        by_entity[entity] = tuple(grants)
    all_grants = tuple(g for grants in by_entity.values() for g in grants)
    return Permissions(user_id=first.user_id, roles=first.roles & second.roles, grants=all_grants, by_entity=by_entity)


def _user(tx: Tx, user_id: Any) -> dict[str, Any] | None:
    if not isinstance(user_id, int):
        return None
    row = tx.conn.execute(select(users).where(users.c.id == user_id)).mappings().first()
    return dict(row) if row is not None else None


def system_actor(rule: Rule) -> Actor:
    return Actor(id=None, email="", name=f"Rule {rule.key}", roles=(), automated=True)


def system_permissions(rule: Rule, run_as: dict[str, Any]) -> Permissions:
    role = f"rule:{rule.key}"
    grants = tuple(Grant(role, g["entity"], frozenset(g["actions"])) for g in run_as.get("grants", []))
    by_entity: dict[str, tuple[Grant, ...]] = {}
    for grant in grants:
        by_entity[grant.entity] = (*by_entity.get(grant.entity, ()), grant)
    return Permissions(user_id=None, roles=frozenset({role}), grants=grants, by_entity=by_entity)


RUN_AS_SUMMARY_LIMIT = 100  # lw_automation_runs.run_as is a String(100)


def describe(run_as: Any) -> str:
    """A one-line summary for the run log; a system run with many grants is cut short
    (the rule's definition keeps the full list)."""
    if isinstance(run_as, dict):
        grants = ", ".join(f"{g['entity']}:{'/'.join(g['actions'])}" for g in run_as.get("grants", []))
        text = f"system ({grants})" if grants else "system"
    else:
        text = str(run_as)
    return text if len(text) <= RUN_AS_SUMMARY_LIMIT else text[: RUN_AS_SUMMARY_LIMIT - 1] + "…"
