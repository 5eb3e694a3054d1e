"""Running rules: condition, run-as, ordered actions, the chain bound, and the run log.

Every run happens inside the transaction of whatever triggered it (a write, a button, a
schedule tick, an inbound webhook), in a savepoint of its own, so a rule is all or
nothing: when an action fails, everything the rule did is undone. Then, if the failed
action changes data and the rule says ``on_error: fail`` (the default), the triggering
write fails too, with a message naming the rule and the action; otherwise the write goes
on and the run log tells what happened.

Rules may trigger rules (a rule's write is a write). A chain stops at depth
``MAX_DEPTH``, and a rule never runs twice on the same record within one chain, which
ends loops such as two rules setting each other's fields.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ..core.context import Tx
from ..core.sqltypes import utcnow
from ..errors import ErrorDetail, LoomworksError, ValidationFailed
from ..logic.evaluator import LogicError, evaluate, truthy
from ..logic.walk import variables
from . import lookups
from .actions import ActionContext, ActionType
from .rules import Rule
from .run_as import RunAsUnavailable, acting_tx, describe
from .runs import record_inputs, write_runs
from .triggers import TriggerInput

log = logging.getLogger(__name__)

MAX_DEPTH = 8
_CHAIN = "automation_chain"


class RuleFailed(ValidationFailed):
    """A data action of a rule failed, so the write that triggered the rule fails too."""


@dataclass
class Chain:
    """The rule runs caused, directly or not, by one outside event."""

    depth: int = 0
    active: set[tuple[str, str | None, Any]] = field(default_factory=set)
    runs: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False


@contextmanager
def chain_root(tx: Tx, *, dry_run: bool = False) -> Iterator[Chain]:
    """The chain of the current event: a new one at the outside, the running one when a rule's
    own write triggers more rules. The outermost writes the run log when it ends; if the
    event fails, the log is written after the rollback (marking runs whose work was undone)."""
    running: Chain | None = tx.shared.get(_CHAIN)
    if running is not None and not dry_run:
        yield running
        return
    chain = tx.shared[_CHAIN] = Chain(dry_run=dry_run)
    try:
        yield chain
    except BaseException:
        if not dry_run:
            _undone(chain.runs)
            _keep_after_rollback(tx, chain.runs)
        raise
    finally:
        if running is not None:
            tx.shared[_CHAIN] = running
        else:
            tx.shared.pop(_CHAIN, None)
    if not dry_run:
        write_runs(tx.conn, chain.runs)


def _keep_after_rollback(tx: Tx, runs: list[dict[str, Any]]) -> None:
    kept = list(runs)
    tx.after_rollback.append(lambda conn: write_runs(conn, kept))


def execute(tx: Tx, rule: Rule, trigger: TriggerInput, chain: Chain, replay_of: int | None = None) -> dict[str, Any]:
    """Run one rule for one trigger; returns its run entry (also added to ``chain.runs``)."""
    started, clock = utcnow(), time.perf_counter()
    run = _new_run(rule, trigger, chain, started, replay_of)
    chain.runs.append(run)
    try:
        _run(tx, rule, trigger, chain, run)
    finally:
        run["duration_ms"] = int((time.perf_counter() - clock) * 1000)
        acted = run["condition"] is True
        run["inputs"] = record_inputs(trigger, None if acted else _condition_reads(tx, rule))
        if "lookups" in run:
            run["inputs"]["lookups"] = run.pop("lookups")
    return run


def _condition_reads(tx: Tx, rule: Rule) -> frozenset[str]:
    """The record fields a condition reads (``$old.stage`` reads ``stage``), and the title."""
    names = set()
    if rule.entity is not None:
        title = tx.runtime.entities.peek(rule.entity).title_key()
        names.add(title or "id")
    for name in variables(rule.condition):
        head, _, rest = name.partition(".")
        names.add(rest.split(".", 1)[0] if head in ("$old", "$record") else head)
    return frozenset(names)


def _run(tx: Tx, rule: Rule, trigger: TriggerInput, chain: Chain, run: dict[str, Any]) -> None:
    marker = (rule.key, trigger.entity, trigger.record_id)
    if chain.depth >= MAX_DEPTH:
        run.update(status="stopped", error=f"stopped: rules triggered rules {MAX_DEPTH} deep")
        return
    if trigger.record_id is not None and marker in chain.active:
        run.update(status="skipped", error="skipped: this rule already ran on this record in this chain")
        return
    data = rule_data(rule, trigger)
    acting: Tx | None = None
    if rule.lookups:  # read as the run-as user, before the condition that reads them
        try:
            acting = acting_tx(tx, rule, trigger)
            data["$lookup"] = lookups.compute(acting, trigger.entity, trigger.record, rule.lookups, data)
        except (LoomworksError, LogicError) as exc:
            run.update(status="failed", error=f"the lookups could not be read: {exc.message}")
            return
        run["lookups"] = data["$lookup"]
    try:
        passed = True if rule.condition is None else truthy(evaluate(rule.condition, data))
    except LogicError as exc:
        run.update(status="failed", error=f"the condition could not be evaluated: {exc.message}")
        return
    run["condition"] = passed
    if not passed:
        run["status"] = "skipped"
        return
    try:
        acting = acting or acting_tx(tx, rule, trigger)
    except RunAsUnavailable as exc:
        run.update(status="failed", error=exc.message)
        return
    savepoint = tx.conn.begin_nested()
    nested_from = len(chain.runs)
    chain.active.add(marker)
    chain.depth += 1
    try:
        failure = _actions(acting, rule, trigger, data, run)
    finally:
        chain.depth -= 1
        chain.active.discard(marker)
    if failure is None:
        savepoint.commit()
        run["status"] = "success"
        return
    savepoint.rollback()
    _undone(chain.runs[nested_from:])
    index, action_type, error = failure
    run.update(status="failed", error=f"action {index} ({action_type.type}) failed: {error.message}")
    if action_type.changes_data and rule.on_error == "fail":
        raise _rule_failed(rule, index, action_type, error)


def _actions(
    tx: Tx, rule: Rule, trigger: TriggerInput, data: dict[str, Any], run: dict[str, Any]
) -> tuple[int, ActionType, LoomworksError] | None:
    """Run the actions in order; the first failure stops them and is returned."""
    for index, (action_type, action) in enumerate(rule.actions):
        ctx = ActionContext(tx, rule, trigger, data, run["uid"], index)
        clock = time.perf_counter()
        entry: dict[str, Any] = {"index": index, "type": action_type.type}
        run["actions"].append(entry)
        try:
            entry["result"] = action_type.run(ctx, action)
            entry["status"] = "success"
        except LoomworksError as exc:
            entry.update(status="failed", error=exc.message, details=[d.to_json() for d in exc.details])
            return index, action_type, exc
        except Exception as exc:  # a bug must not become a silent success or a bare 500
            log.exception("rule %s action %s crashed", rule.key, index)
            error = LoomworksError(f"internal error: {type(exc).__name__}")
            entry.update(status="failed", error=error.message)
            return index, action_type, error
        finally:
            entry["duration_ms"] = int((time.perf_counter() - clock) * 1000)
    return None


def rule_data(rule: Rule, trigger: TriggerInput) -> dict[str, Any]:
    """What the condition and the actions' JsonLogic read."""
    record = dict(trigger.record or {})
    user = trigger.user.logic_context() if trigger.user is not None else {"id": None, "roles": []}
    return {
        **record,
        "$record": record,
        "$old": dict(trigger.old or {}),
        "$user": user,
        "$now": utcnow().isoformat(),
        "$payload": trigger.payload,
        "$steps": {},
        "$rule": {"key": rule.key, "label": rule.label},
        **{f"${k}": v for k, v in trigger.extra.items()},
    }


def _new_run(rule: Rule, trigger: TriggerInput, chain: Chain, started: Any, replay_of: int | None) -> dict[str, Any]:
    return {
        "uid": uuid.uuid4().hex,
        "rule": rule.key,
        "rule_version": rule.version,
        "trigger": trigger.type,
        "entity": trigger.entity,
        "record_id": trigger.record_id,
        "status": "running",
        "condition": None,
        "inputs": None,  # filled in when the run ends: how much is kept depends on how it went
        "actions": [],
        "error": None,
        "depth": chain.depth,
        "actor_id": trigger.user.id if trigger.user is not None else None,
        "run_as": describe(rule.run_as),
        "replay_of": replay_of,
        "started_at": started,
        "duration_ms": 0,
    }


def _undone(runs: list[dict[str, Any]]) -> None:
    """Runs that succeeded inside work that was then rolled back did not, in effect, happen."""
    for run in runs:
        if run["status"] == "success":
            run["status"] = "rolled_back"


def _rule_failed(rule: Rule, index: int, action_type: ActionType, error: LoomworksError) -> RuleFailed:
    where = f"rules.{rule.key}.actions.{index}"
    details = [ErrorDetail(where, error.message)]
    details += [ErrorDetail(f"{where}.{d.field}" if d.field else where, d.message) for d in error.details]
    return RuleFailed(
        f"rule {rule.key!r} could not {action_type.type.replace('_', ' ')} (action {index}): {error.message}",
        details,
        data={"rule": rule.key, "action": index},
    )
