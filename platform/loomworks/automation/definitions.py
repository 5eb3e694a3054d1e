"""``/api/meta/rules``: rule definitions, stored and versioned like every definition.

Saving a rule takes effect on the next transaction of every process (the generation bump
reloads the rule index). Two things happen with the save, in its transaction: a rule with
an inbound ``webhook`` trigger gets a secret (shown once in the answer; only its hash is
kept), and a ``date_relative`` rule makes its date field indexed (the scheduler's scans
are range queries on it), which shows as an entity revision like any other change.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from sqlalchemy import delete, insert, select

from ..auth.permissions import BUILTIN_ROLES
from ..core.context import Tx
from ..core.sqltypes import utcnow
from ..errors import Conflict
from ..meta import documents, entities, store
from . import scheduler
from .actions import ACTIONS
from .index import TIMED
from .models import hook_secrets
from .rules import KIND, Rule, validate_rule
from .triggers import TRIGGERS, RuleWorld

SECRET_BYTES = 32


def rule_world(tx: Tx) -> RuleWorld:
    roles = {d.key for d in store.list_definitions(tx.conn, "role")} | set(BUILTIN_ROLES)
    workflows = {d.key: d.effective for d in store.list_definitions(tx.conn, "workflow")}
    return RuleWorld(specs=tx.runtime.entities.specs(tx.conn), roles=frozenset(roles), workflows=workflows)


def _validated(tx: Tx, doc: dict[str, Any]) -> dict[str, Any]:
    return validate_rule(doc, rule_world(tx))


def _after_save(tx: Tx, before: store.StoredDefinition | None, after: store.StoredDefinition) -> None:
    _keep_schedule(tx, before, after)
    trigger = after.effective["trigger"]
    if after.deleted or trigger["type"] != "date_relative":
        return
    spec = tx.runtime.entities.get(tx.conn, trigger["entity"])
    fspec = spec.live_fields.get(trigger["field"])
    if fspec is not None and not fspec.indexed:
        entities.update_field(tx, spec.key, fspec.key, {"indexed": True})


def _keep_schedule(tx: Tx, before: store.StoredDefinition | None, after: store.StoredDefinition) -> None:
    """A timed rule's schedule starts when it is saved, enabled again or given a new trigger;
    other edits keep its place (what fell due meanwhile still fires)."""
    rule = Rule(after.key, after.version, after.effective)
    if after.deleted or not rule.enabled or rule.trigger["type"] not in TIMED:
        scheduler.forget(tx, after.key)
        return
    was = Rule(before.key, before.version, before.effective) if before is not None and not before.deleted else None
    if was is None or not was.enabled or was.trigger != rule.trigger:
        scheduler.restart(tx, rule, utcnow())


RULES = documents.DocumentKind(KIND, _validated, _after_save)


def list_rules(tx: Tx, include_deleted: bool = False) -> list[dict[str, Any]]:
    return documents.list_documents(tx, RULES, include_deleted)


def get_rule(tx: Tx, key: str) -> dict[str, Any]:
    return documents.get_document(tx, RULES, key)


def create_rule(tx: Tx, doc: Any, address: str | None = None) -> dict[str, Any]:
    return _with_secret(tx, documents.create_document(tx, RULES, doc, address))


def replace_rule(tx: Tx, key: str, doc: Any, address: str | None = None) -> dict[str, Any]:
    return _with_secret(tx, documents.replace_document(tx, RULES, key, doc, address))


def patch_rule(tx: Tx, key: str, patch: Any, address: str | None = None) -> dict[str, Any]:
    return _with_secret(tx, documents.patch_document(tx, RULES, key, patch, address))


def delete_rule(tx: Tx, key: str, address: str | None = None) -> dict[str, Any]:
    """Soft delete; a webhook rule's secret goes with it (a restore or re-creation gets a new one)."""
    deleted = documents.delete_document(tx, RULES, key, address)
    tx.conn.execute(delete(hook_secrets).where(hook_secrets.c.rule == key))
    return deleted


def restore_rule(tx: Tx, key: str, address: str | None = None) -> dict[str, Any]:
    return _with_secret(tx, documents.restore_document(tx, RULES, key, address))


def rotate_secret(tx: Tx, key: str) -> dict[str, Any]:
    """A new secret for an inbound webhook rule; the old one stops working at once."""
    documents.require_builder(tx, RULES)
    stored = documents.stored_document(tx, RULES, key)
    if stored.effective["trigger"]["type"] != "webhook":
        raise Conflict(f"rule {key!r} has no webhook trigger, so no secret")
    tx.conn.execute(delete(hook_secrets).where(hook_secrets.c.rule == key))
    return {"rule": key, "secret": _new_secret(tx, key)}


def secret_matches(tx: Tx, key: str, given: str) -> bool:
    row = tx.conn.execute(select(hook_secrets.c.secret_sha256).where(hook_secrets.c.rule == key)).first()
    digest = hashlib.sha256(given.encode()).hexdigest()
    return row is not None and hmac.compare_digest(row[0], digest)


def _with_secret(tx: Tx, described: dict[str, Any]) -> dict[str, Any]:
    """Give a webhook rule its secret the first time it has that trigger (shown this once); a
    rule that stops being a webhook loses its secret, so changing it back cannot revive an old one."""
    if described["trigger"]["type"] != "webhook":
        tx.conn.execute(delete(hook_secrets).where(hook_secrets.c.rule == described["key"]))
        return described
    exists = tx.conn.execute(select(hook_secrets.c.rule).where(hook_secrets.c.rule == described["key"])).first()
    return described if exists else {**described, "secret": _new_secret(tx, described["key"])}


def _new_secret(tx: Tx, key: str) -> str:
    secret = "whsec_" + secrets.token_urlsafe(SECRET_BYTES)
    tx.conn.execute(
        insert(hook_secrets).values(
            rule=key, secret_sha256=hashlib.sha256(secret.encode()).hexdigest(), created_at=utcnow()
        )
    )
    return secret


def rule_types(tx: Tx) -> dict[str, Any]:
    """Every trigger and action type with the JSON Schema of its configuration (for builders)."""
    documents.require_builder(tx, RULES)
    return {
        "triggers": [{"type": key, "schema": TRIGGERS.get(key).schema().schema} for key in TRIGGERS],
        "actions": [
            {
                "type": key,
                "changes_data": ACTIONS.get(key).changes_data,
                "needs_record": ACTIONS.get(key).needs_record,
                "schema": ACTIONS.get(key).schema().schema,
            }
            for key in ACTIONS
        ],
    }
