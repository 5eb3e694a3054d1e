"""How a template writes each definition kind: through that kind's own service.

An install never writes the definition store directly: an entity goes through the entity
service (its checks and DDL), a rule through the rule service (its schedule, its secret), a
role through the role service (its Casbin rows). So a template can do nothing a builder
could not do by hand, and what it writes is checked exactly as theirs would be.

``ORDER`` is the order an install writes kinds in (what a later kind refers to exists by
then); an uninstall hides them in the reverse order.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..auth import roles
from ..automation import definitions as rules
from ..core.context import Tx
from ..forms.definitions import FORMS
from ..meta import documents, entities, store
from ..views.dashboards import DASHBOARDS
from ..views.definitions import VIEWS
from ..workflows.definitions import WORKFLOWS

Doc = dict[str, Any]


@dataclass(frozen=True)
class KindService:
    kind: str
    create: Callable[[Tx, Doc], Any]
    replace: Callable[[Tx, str, Doc], Any]
    restore: Callable[[Tx, str], Any]
    delete: Callable[[Tx, str], Any]
    #: The document as the kind stores it (defaults left out), checked against today's world.
    normalise: Callable[[Tx, Doc], Doc]


def _document_service(kind: documents.DocumentKind) -> KindService:
    return KindService(
        kind.kind,
        create=lambda tx, doc: documents.create_document(tx, kind, doc),
        replace=lambda tx, key, doc: documents.replace_document(tx, kind, key, doc),
        restore=lambda tx, key: documents.restore_document(tx, kind, key),
        delete=lambda tx, key: documents.delete_document(tx, kind, key),
        normalise=lambda tx, doc: kind.validate(tx, copy.deepcopy(doc)),
    )


SERVICES: dict[str, KindService] = {
    "role": KindService(
        "role",
        create=roles.create_role,
        replace=roles.replace_role,
        restore=roles.restore_role,
        delete=roles.delete_role,
        normalise=lambda tx, doc: roles.without_defaults(copy.deepcopy(doc)),
    ),
    "form": _document_service(FORMS),
    "view": _document_service(VIEWS),
    "dashboard": _document_service(DASHBOARDS),
    "workflow": _document_service(WORKFLOWS),
    # Rules have their own service: a webhook rule gets its secret when created.
    "rule": KindService(
        "rule",
        create=rules.create_rule,
        replace=rules.replace_rule,
        restore=rules.restore_rule,
        delete=rules.delete_rule,
        normalise=lambda tx, doc: rules.RULES.validate(tx, copy.deepcopy(doc)),
    ),
}

#: Entities first (everything refers to them), then roles (workflows and rules name them).
ORDER = ("entity", "role", "form", "view", "dashboard", "workflow", "rule")


def write(tx: Tx, kind: str, doc: Doc, *, action: str, confirm: bool = False) -> store.StoredDefinition:
    """Make the definition exist as ``doc`` describes (created, restored, or replaced).

    ``doc`` is in stored form (the installer merges normalised layers), so an unchanged
    definition compares equal and is not written again."""
    key = doc["key"]
    if kind == "entity":
        entities.put_entity(tx, doc, action=action, confirm=confirm)
    else:
        service = SERVICES[kind]
        current = store.get_definition(tx.conn, kind, key)
        if current is None:
            service.create(tx, doc)
        else:
            if current.deleted:
                service.restore(tx, key)
                current = store.get_definition(tx.conn, kind, key)
            if current is not None and current.effective != {**doc, "key": key}:
                service.replace(tx, key, doc)
    stored = store.get_definition(tx.conn, kind, key)
    assert stored is not None
    return stored


def normalise(tx: Tx, kind: str, doc: Doc) -> Doc:
    if kind == "entity":
        return copy.deepcopy(doc)
    return {**SERVICES[kind].normalise(tx, doc), "key": doc["key"]}


def hide(tx: Tx, kind: str, key: str) -> None:
    """Soft-delete one definition of a kind other than entity (entities go as a group)."""
    current = store.get_definition(tx.conn, kind, key)
    if current is not None and not current.deleted:
        SERVICES[kind].delete(tx, key)
