"""Rules started by a person or a system rather than a write: buttons, inbound webhooks, tests.

* A manual rule is a button on records of its entity: offered to users who may read the
  record, hold one of the trigger's roles (if it names any) and whose record passes the
  rule's condition. Pressing it runs the rule in the request's transaction.
* An inbound webhook runs its rule with the posted JSON as ``$payload``; unknown rules,
  disabled ones and wrong secrets all answer 401, so a stranger learns nothing.
* A test runs the rule for real inside a savepoint that is then rolled back, so the answer
  shows exactly what it would do (records it would create, texts it would send, requests
  it would make) and nothing of it remains.
"""

from __future__ import annotations

from typing import Any

from ..auth.authorize import permissions
from ..core.context import SYSTEM_ACTOR, Tx
from ..errors import BadRequest, Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed, field_error
from ..logic.evaluator import LogicError, evaluate, truthy
from ..meta import documents
from ..records.service import get_record
from .definitions import RULES, rule_world, secret_matches
from .engine import RuleFailed, chain_root, execute, rule_data
from .rules import Rule, validate_rule
from .runs import describe
from .triggers import TriggerInput


def record_actions(tx: Tx, entity: str, record_id: int) -> list[dict[str, Any]]:
    """The buttons the caller sees on this record (404 if they may not read it). Whether one is
    available is judged on the record as the caller sees it: a condition on a field hidden from
    them reads it as empty, so the button tells them nothing about that field."""
    visible = get_record(tx, entity, record_id)
    roles = permissions(tx).roles
    return [
        {"rule": rule.key, "label": rule.label, "available": _condition_holds(rule, visible, tx)}
        for rule in tx.runtime.automation.rules.index(tx).manual(entity)
        if _may_press(rule, roles)
    ]


def press(tx: Tx, entity: str, record_id: int, key: str) -> dict[str, Any]:
    """Run a manual rule on a record; its failure is the caller's 422, its run stays logged.

    The answer is the record as the caller sees it and the run's outcome, never the run's
    inputs or results: the rule saw the whole record, the caller may not."""
    visible = get_record(tx, entity, record_id)
    rule = tx.runtime.automation.rules.index(tx).get(key)
    if rule is None or rule.trigger["type"] != "manual" or rule.entity != entity or not rule.enabled:
        raise NotFound(f"{entity} has no action {key[:100]!r}", data={"rule": key[:100]})
    if not _may_press(rule, permissions(tx).roles):
        raise Forbidden(f"you may not run {key!r}", data={"rule": key})
    unavailable = Conflict(f"{key!r} is not available for this record", [field_error("condition", "is false")])
    if not _condition_holds(rule, visible, tx):
        raise unavailable
    with chain_root(tx) as chain:
        run = execute(
            tx, rule, TriggerInput("manual", entity, _system_view(tx, entity, record_id), None, tx.actor), chain
        )
        if run["status"] == "skipped":
            raise unavailable
        if run["status"] == "failed":
            raise ValidationFailed(run["error"] or f"{key!r} failed", data={"rule": key})
    outcome = {"uid": run["uid"], "rule": key, "status": run["status"]}
    return {"run": outcome, "record": get_record(tx, entity, record_id)}


def receive_hook(tx: Tx, key: str, secret: str | None, payload: Any) -> dict[str, Any]:
    rule = tx.runtime.automation.rules.index(tx).get(key)
    if rule is None or rule.trigger["type"] != "webhook" or not rule.enabled or not secret:
        raise Unauthorized("unknown hook or wrong secret")
    if not secret_matches(tx, key, secret):
        raise Unauthorized("unknown hook or wrong secret")
    with chain_root(tx) as chain:
        run = execute(tx, rule, TriggerInput("webhook", payload=payload), chain)
    return {"status": run["status"], "run": run["uid"]}


def test_rule(tx: Tx, key: str, body: Any) -> dict[str, Any]:
    """What the rule would do for ``body.record`` (an id to load, plus values to pretend),
    ``body.old`` and ``body.payload``; ``body.definition`` tests an unsaved draft instead."""
    documents.require_builder(tx, RULES)
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    unknown = sorted(set(body) - {"record", "old", "payload", "definition"})
    if unknown:
        raise BadRequest("unknown properties", [field_error(name, "unknown property") for name in unknown])
    rule = _rule_to_test(tx, key, body.get("definition"))
    trigger = TriggerInput(
        rule.trigger["type"],
        rule.entity,
        _test_record(tx, rule, body.get("record")),
        _object(body, "old"),
        tx.actor,
        payload=body.get("payload"),
    )
    hooks = len(tx.after_commit)
    savepoint = tx.conn.begin_nested()
    write_fails = None
    try:
        with chain_root(tx, dry_run=True) as chain:
            try:
                execute(tx, rule, trigger, chain)
            except RuleFailed as exc:
                write_fails = exc.message
    finally:
        savepoint.rollback()
        del tx.after_commit[hooks:]  # nothing of the test was committed, so nothing to deliver
    first, *nested = chain.runs
    return {**describe(first), "write_would_fail": write_fails, "nested": [describe(r) for r in nested]}


def _rule_to_test(tx: Tx, key: str, draft: Any) -> Rule:
    if draft is not None:
        if not isinstance(draft, dict):
            raise BadRequest("definition must be a rule definition", [field_error("definition", "must be an object")])
        doc = validate_rule(
            {k: v for k, v in {**draft, "key": key}.items() if k not in ("kind", "version")}, rule_world(tx)
        )
        return Rule(key, 0, doc)
    stored = documents.stored_document(tx, RULES, key)
    return Rule(key, stored.version, stored.effective)


def _test_record(tx: Tx, rule: Rule, given: Any) -> dict[str, Any] | None:
    if given is None:
        return None
    if not isinstance(given, dict):
        raise BadRequest("record must be an object", [field_error("record", "must be an object")])
    if rule.entity is None:
        return dict(given)
    record_id = given.get("id")
    if record_id is None:
        return dict(given)
    get_record(tx, rule.entity, record_id)  # the tester must be able to read it
    return {**_system_view(tx, rule.entity, record_id), **given}


def _object(body: dict[str, Any], name: str) -> dict[str, Any] | None:
    value = body.get(name)
    if value is not None and not isinstance(value, dict):
        raise BadRequest(f"{name} must be an object", [field_error(name, "must be an object")])
    return value


def _system_view(tx: Tx, entity: str, record_id: int) -> dict[str, Any]:
    """The record as rules see it: every field (the run-as user's grants apply to what they do)."""
    return get_record(tx.acting_as(SYSTEM_ACTOR), entity, record_id)


def _may_press(rule: Rule, roles: frozenset[str]) -> bool:
    allowed = rule.trigger.get("roles")
    return not allowed or bool(set(allowed) & roles) or "admin" in roles


def _condition_holds(rule: Rule, record: dict[str, Any], tx: Tx) -> bool:
    if rule.condition is None:
        return True
    try:
        data = rule_data(rule, TriggerInput("manual", rule.entity, record, None, tx.actor))
        return truthy(evaluate(rule.condition, data))
    except LogicError:
        return False
