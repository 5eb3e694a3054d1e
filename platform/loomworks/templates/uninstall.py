"""Uninstalling a template: the app is hidden, nothing is lost.

Its rules, workflows, dashboards, views and forms are soft-deleted, then its entities as one
group (tables and records stay); fields it added to another template's entities are removed
the way a builder removes a field (hidden, data kept). Installing it again brings all of it
back, customizations included. A role still held by users is kept (and said so): taking it
away would change what those people may do elsewhere. Refused while another installed
template requires this one.
"""

from __future__ import annotations

from typing import Any

from ..auth import audit
from ..auth.authorize import permissions
from ..core.context import Tx
from ..errors import Conflict, Forbidden, field_error
from ..meta import entities, store
from . import catalog, installs, kinds
from .report import Report


def uninstall(tx: Tx, key: str) -> dict[str, Any]:
    catalog.require_builder(tx)
    current = installs.installed(tx.conn, key)
    if (current.owned.get("role") or current.extends.get("role")) and not permissions(tx).is_admin:
        raise Forbidden(f"{key} defines roles; only admins may uninstall it")
    others = installs.others(tx.conn, key)
    dependents = [i.key for i in others if key in i.manifest.get("requires", {})]
    if dependents:
        raise Conflict(
            f"{', '.join(dependents)} require {key}; uninstall them first",
            [field_error(f"requires.{name}", f"needs {key}") for name in dependents],
        )
    report = Report(key, current.version, current.version, "uninstall")
    _take_back_extensions(tx, current, others, report)
    for kind in reversed(kinds.ORDER):
        live = [k for k in current.owned.get(kind, {}) if _is_live(tx, kind, k)]
        if kind == "entity":
            entities.delete_entities(tx, live)
            for name in live:
                report.removed(kind, name, current.owned[kind][name].get("label"))
            continue
        for name in live:
            try:
                with tx.savepoint():
                    kinds.hide(tx, kind, name)
            except Conflict as refused:  # a role still held or inherited
                if kind != "role":
                    raise
                reasons = "; ".join(d.message for d in refused.details) or refused.message
                report.kept.append({"kind": kind, "key": name, "reason": reasons})
                continue
            report.removed(kind, name, current.owned[kind][name].get("label"))
    installs.record_uninstall(tx.conn, key)
    audit.record(tx.conn, tx.actor, "template.uninstall", f"template:{key}", {"version": current.version})
    return report.to_json()


def _take_back_extensions(tx: Tx, current: installs.Install, others: list[installs.Install], report: Report) -> None:
    for kind, docs in current.extends.items():
        for key, extension in docs.items():
            owner = installs.owner_of(others, kind, key)
            stored = store.get_definition(tx.conn, kind, key)
            if owner is None or stored is None:
                continue
            base = installs.compose(owner.owned[kind][key], installs.extensions_of(others, kind, key))
            doc = installs.without_added(stored.effective, [extension])
            before = stored.effective
            kinds.write(tx, kind, doc, action="uninstall")
            after = store.set_base(
                tx.conn,
                kind,
                key,
                base,
                owner.key,
                action="uninstall",
                author_id=tx.actor.id,
                message=f"{current.key} {current.version}",
            )
            report.written(kind, key, before, after.effective, [], {})


def _is_live(tx: Tx, kind: str, key: str) -> bool:
    stored = store.get_definition(tx.conn, kind, key)
    return stored is not None and not stored.deleted
